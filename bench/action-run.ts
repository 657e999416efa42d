// Runs the bundled action (dist/index.js) once, the way a runner does, with the RSS probe preloaded.
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Emulator } from '../emulator/index.js'
import { parseOutputFile } from '../__tests__/support/action-runner.js'
import { firstRequestAt, preciseNow, readProbe, type ProbeReading } from './measure.js'
import { DIST, PROBE } from './paths.js'

export interface ActionResult {
  name: string
  status: string
  render_id: string | null
  video_path: string | null
}

export interface ActionRun extends Partial<ProbeReading> {
  code: number | null
  wallMs: number
  /** Spawn → the emulator's first request: Node start-up, loading the bundle, inputs, the zip. */
  firstRequestMs?: number
  stdout: string
  stderr: string
  results: ActionResult[]
}

export async function runActionOnce(opts: {
  emulator: Emulator
  apiKey: string
  workspace: string
  sha: string
  inputs: Record<string, string>
  /** Preload the RSS probe (default); off for start-up samples, which time the action alone. */
  probe?: boolean
}): Promise<ActionRun> {
  const state = mkdtempSync(path.join(os.tmpdir(), 'hf-bench-run-'))
  const files = { output: path.join(state, 'output'), summary: path.join(state, 'summary'), event: path.join(state, 'event.json'), probe: path.join(state, 'probe.json') }
  writeFileSync(files.output, '')
  writeFileSync(files.summary, '')
  writeFileSync(files.event, '{}')
  mkdirSync(path.join(state, 'tmp'))
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? os.homedir(),
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: opts.workspace,
    GITHUB_SHA: opts.sha,
    GITHUB_REPOSITORY: 'bench/videos',
    GITHUB_RUN_ID: '1',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: files.event,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    RUNNER_TEMP: path.join(state, 'tmp'),
    BENCH_PROBE_OUT: files.probe
  }
  const inputs = { 'api-key': opts.apiKey, 'api-url': opts.emulator.url, path: 'project', artifact: 'none', ...opts.inputs }
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value

  opts.emulator.resetStats()
  const started = preciseNow()
  const child = spawn(process.execPath, opts.probe === false ? [DIST] : ['--import', PROBE, DIST], { cwd: opts.workspace, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  const wallMs = preciseNow() - started
  const first = firstRequestAt(opts.emulator.stats)
  const outputs = parseOutputFile(readFileSync(files.output, 'utf8'))
  return {
    code,
    wallMs,
    firstRequestMs: first === undefined ? undefined : first - started,
    stdout,
    stderr,
    results: outputs.results ? (JSON.parse(outputs.results) as ActionResult[]) : [],
    ...readProbe(files.probe)
  }
}
