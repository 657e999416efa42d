import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { HeygenBackend } from '../../src/heygen/backend.js'
import { HeygenClient, type ClientStats } from '../../src/heygen/client.js'
import { uploadFilename, uploadZip } from '../../src/heygen/upload.js'
import { parseApiUrl } from '../../src/inputs/api-url.js'
import { buildProjectZip } from '../../src/project/zip.js'
import { uploadKey } from '../../src/render/idempotency.js'
import type { RenderJob } from '../../src/render/job.js'
import type { RenderOutcome } from '../../src/render/outcome.js'
import { runRenders, type PollPolicy, type SchedulerResult } from '../../src/render/scheduler.js'
import { FIXTURES } from './action-runner.js'
import { TEST_KEY } from './with-emulator.js'

/**
 * The render stage in this process: the project zip uploaded once, then the scheduler with the
 * HeyGen backend, over real sockets to the emulator (or a proxy in front of it), as open.ts and
 * main.ts wire them. What a whole run adds (input parsing, the log's ::commands::, outputs) is
 * not here, and no process is spawned: a scenario costs its renders' time and nothing more.
 * Downloads are checked without ffprobe (as on a machine without it): forking this large test
 * process once per video costs more than the scenarios themselves, and the whole runs in the
 * end-to-end tests check durations with it.
 */

/** A clock that moves only when the code under test waits; each wait still yields to the event loop, so the emulator's own timers (render times) run. */
export interface FakeClock {
  now: () => number
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  /** Every wait asked for, in ms. */
  waits: number[]
}

export function fakeClock(start = 1_700_000_000_000): FakeClock {
  let t = start
  const waits: number[] = []
  return {
    now: () => t,
    waits,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason ?? new Error('aborted')
      waits.push(ms)
      t += ms
      // A few real milliseconds: enough for sockets and the emulator's timers to move on.
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  }
}

export interface InProcessOptions {
  /** api-url as a user writes it (parsed as the input is). */
  apiUrl: string
  /** One render per title, named `name(title)`, with `{ title }` as its variables. */
  titles: string[]
  name?: (title: string) => string
  concurrency?: number
  /** timeout-minutes, in ms on the run's clock. Default 2 minutes. */
  timeoutMs?: number
  /** Default: the real clock and timers. */
  clock?: FakeClock
  /** The project folder zipped and uploaded; default the basic fixture. */
  projectDir?: string
  callbackUrl?: string
  /** The watcher's polling, when not the default. */
  poll?: PollPolicy
}

export interface InProcessRun {
  outcomes: RenderOutcome[]
  result: SchedulerResult
  assetId: string
  /** The scheduler's and the client's log lines, each render's group (title and lines) in place. */
  log: string[]
  /** What a runner would get through core.debug. */
  debug: string[]
  client: ClientStats
}

const made: string[] = []

/** Removes the zips and videos every run in this file wrote. */
export function removeInProcessFiles(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true })
}

export async function renderInProcess(options: InProcessOptions): Promise<InProcessRun> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hf-inproc-'))
  made.push(dir)
  const projectDir = options.projectDir ?? path.join(FIXTURES, 'basic')
  const log: string[] = []
  const debug: string[] = []
  const now = options.clock?.now ?? Date.now
  const client = new HeygenClient({ apiUrl: parseApiUrl(options.apiUrl), apiKey: TEST_KEY, log: (line) => log.push(line), now: options.clock?.now, sleep: options.clock?.sleep })
  try {
    const zip = await buildProjectZip(projectDir, path.dirname(projectDir), path.join(dir, 'project.zip'))
    const assetId = await uploadZip(client, zip, uploadKey(zip.sha256), (line) => log.push(line), uploadFilename(projectDir))
    const name = options.name ?? ((title: string) => title)
    const outcomes: RenderOutcome[] = options.titles.map((title, i) => ({ job: job(i + 1, name(title), title, options.callbackUrl), key: randomUUID(), status: 'pending' }))
    const result = await runRenders(outcomes, new HeygenBackend(client, assetId, false), {
      concurrency: options.concurrency ?? 4,
      wait: true,
      deadline: now() + (options.timeoutMs ?? 120_000),
      outputDir: dir,
      poll: options.poll,
      now: options.clock?.now,
      sleep: options.clock?.sleep,
      log: {
        info: (line) => log.push(line),
        group: (title, lines) => log.push(title, ...lines),
        debug: (line) => debug.push(line)
      }
    })
    return { outcomes, result, assetId, log, debug, client: client.stats }
  } finally {
    await client.close()
  }
}

function job(index: number, name: string, title: string, callbackUrl?: string): RenderJob {
  return {
    index,
    name,
    variables: { title },
    settings: { composition: 'index.html', quality: 'standard', format: 'mp4', resolution: '1080p', aspectRatio: '16:9', title: name, callbackUrl }
  }
}
