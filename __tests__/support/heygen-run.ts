import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { Emulator } from '../../emulator/index.js'
import { openHeygenBackend } from '../../src/heygen/open.js'
import { buildProjectZip, type ProjectZip } from '../../src/project/zip.js'
import { keyJobs } from '../../src/render/idempotency.js'
import type { RenderJob } from '../../src/render/job.js'
import type { RenderOutcome } from '../../src/render/outcome.js'
import { runRenders, type RenderLog, type SchedulerResult } from '../../src/render/scheduler.js'
import { sleep as realSleep } from '../../src/sleep.js'
import { FIXTURES } from './action-runner.js'
import { TEST_KEY } from './with-emulator.js'

/**
 * The render stage of a run, in this process: the HeyGen backend as the action opens it (upload
 * included) and the scheduler, against a real emulator over real sockets. Only time is faked:
 * every retry, backoff, Retry-After and poll interval is counted on a clock that jumps ahead, so a
 * wait of minutes costs a few milliseconds.
 */

/** Real time each wait still takes, so servers in this process get their turn between ticks. */
const REAL_SLICE_MS = 20

export interface FastClock {
  now(): number
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

/** Real time plus every wait's length beyond a short real slice of it. */
export function fastClock(): FastClock {
  let skipped = 0
  return {
    now: () => Date.now() + skipped,
    sleep: async (ms, signal) => {
      const real = Math.min(ms, REAL_SLICE_MS)
      // Whole milliseconds, as Date.now() gives: deadlines derived from it feed integer-only timers.
      skipped += Math.max(0, Math.ceil(ms - real))
      await realSleep(real, signal)
    }
  }
}

/** A project zip of a fixture, packed once per test file. */
export interface PackedFixture {
  zip: ProjectZip
  projectDir: string
  /** Where videos go: one folder per run. */
  outputDir(): string
  remove(): void
}

export async function packFixture(fixture = 'basic'): Promise<PackedFixture> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'hf-inproc-'))
  const projectDir = path.join(FIXTURES, fixture)
  const zip = await buildProjectZip(projectDir, FIXTURES, path.join(root, 'project.zip'))
  let n = 0
  return {
    zip,
    projectDir,
    outputDir: () => path.join(root, `renders-${++n}`),
    remove: () => rmSync(root, { recursive: true, force: true })
  }
}

/** Jobs as the action plans them with the default settings; names as `name` gives them. */
export function jobsFor(entries: Array<Record<string, string>>, name: (vars: Record<string, string>, index: number) => string = (_v, i) => `render-${i}`): RenderJob[] {
  return entries.map((variables, i) => ({
    index: i + 1,
    name: name(variables, i + 1),
    variables,
    settings: { composition: 'index.html', quality: 'standard', format: 'mp4', resolution: '1080p', aspectRatio: '16:9', title: name(variables, i + 1) }
  }))
}

export interface RunOptions {
  /** The API's address (the emulator, or a fault proxy in front of it). */
  apiUrl: string
  packed: PackedFixture
  jobs: RenderJob[]
  /** The concurrency input; 10 as in action.yml. */
  concurrency?: number
  /** timeout-minutes, in ms on the fast clock. Default ten minutes. */
  deadlineMs?: number
  /** request-timeout-seconds, in ms (real: a silent socket is timed by undici). */
  requestTimeoutMs?: number
}

export interface RunRecord {
  outcomes: RenderOutcome[]
  result: SchedulerResult
  /** Every line the render stage logged (group titles and their lines included). */
  log: string
  warnings: string[]
  outputDir: string
}

/** Opens the HeyGen backend (uploading the zip) and runs every job through the scheduler. */
export async function renderInProcess(opts: RunOptions): Promise<RunRecord> {
  const clock = fastClock()
  const lines: string[] = []
  const warnings: string[] = []
  const log: RenderLog = {
    info: (line) => lines.push(line),
    debug: (line) => lines.push(line),
    group: (title, groupLines) => lines.push(title, ...groupLines)
  }
  // The same commit and zip every time: running the same jobs again is a re-run of the workflow.
  const keys = keyJobs(opts.jobs, { sha: 'c0ffee0c0ffee0c0ffee0c0ffee0c0ffee0c0ffe', zipSha256: opts.packed.zip.sha256 }).map((k) => k.key)
  const outcomes: RenderOutcome[] = opts.jobs.map((job, i) => ({ job, key: keys[i], status: 'pending' }))
  const outputDir = opts.packed.outputDir()
  const concurrency = opts.concurrency ?? 10
  const controller = new AbortController()
  const opened = await openHeygenBackend(
    {
      zip: opts.packed.zip,
      projectDir: opts.packed.projectDir,
      concurrency,
      jobCount: opts.jobs.length,
      callbacks: false,
      service: { url: new URL(opts.apiUrl), apiKey: TEST_KEY, requestTimeoutMs: opts.requestTimeoutMs ?? 60_000 },
      cacheTools: false
    },
    { signal: controller.signal, log, warning: (line) => warnings.push(line), now: clock.now, sleep: clock.sleep }
  )
  try {
    await mkdir(outputDir, { recursive: true })
    const result = await runRenders(outcomes, opened.backend, {
      concurrency,
      wait: true,
      deadline: clock.now() + (opts.deadlineMs ?? 600_000),
      outputDir,
      signal: controller.signal,
      poll: opened.poll,
      log,
      now: clock.now,
      sleep: clock.sleep
    })
    return { outcomes, result, log: lines.join('\n'), warnings, outputDir }
  } finally {
    await opened.close()
  }
}

/** Every render completed, its file is the emulator's video byte for byte, and no .part is left. */
export function expectVideosMatch(run: RunRecord, emulator: Emulator): void {
  for (const o of run.outcomes) {
    expect(o.status).toBe('completed')
    const bytes = readFileSync(o.videoPath as string)
    expect(bytes.equals(emulator.videoBytes(o.renderId as string) as Buffer)).toBe(true)
  }
  expect(readdirSync(run.outputDir).filter((f) => f.endsWith('.part'))).toEqual([])
}

/** The idempotency keys sent to one emulator route, in order. */
export function keysSentTo(emulator: Emulator, route: string): Array<string | undefined> {
  return emulator.stats.requests.filter((r) => r.route === route).map((r) => r.idempotencyKey)
}
