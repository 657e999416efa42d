import { spawn } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ResultEntry } from '../../src/publish/results.js'

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
export const DIST = path.join(REPO_ROOT, 'dist', 'index.js')
/** The collect sub-action's bundle (collect/action.yml runs it). */
export const COLLECT_DIST = path.join(REPO_ROOT, 'dist', 'collect.js')
export const FIXTURES = path.join(REPO_ROOT, '__tests__', 'fixtures')
const COMPILE_CACHE = path.join(os.tmpdir(), 'hf-node-compile-cache')
export const SHA_A = 'a'.repeat(40)
export const SHA_B = 'b'.repeat(40)

export type { ResultEntry }

export interface ActionRun {
  code: number | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  results: ResultEntry[]
  /** The runner-side folder: output and summary files, the event payload, RUNNER_TEMP. */
  stateDir: string
}

/** A fresh workspace holding a copy of a fixture under `project/` (or, with `into: '.'`, as the workspace itself). */
export function makeWorkspace(fixture = 'basic', into = 'project'): string {
  const ws = mkdtempSync(path.join(os.tmpdir(), 'hf-ws-'))
  cpSync(path.join(FIXTURES, fixture), path.join(ws, into), { recursive: true })
  return ws
}

/** Parses a GITHUB_OUTPUT file as a runner does: `name<<DELIM` heredocs and `name=value` lines. */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i])
    if (heredoc) {
      const [, name, delim] = heredoc
      const value: string[] = []
      while (++i < lines.length && lines[i] !== delim) value.push(lines[i])
      out[name] = value.join('\n')
    } else if (lines[i].includes('=')) {
      const at = lines[i].indexOf('=')
      out[lines[i].slice(0, at)] = lines[i].slice(at + 1)
    }
  }
  return out
}

export interface RunOptions {
  workspace: string
  inputs: Record<string, string>
  sha?: string
  runId?: number
  runAttempt?: number
  eventName?: string
  event?: unknown
  env?: Record<string, string>
  /** Points the action at a GitHub API (GITHUB_API_URL) and passes the github-token input, as a runner does. */
  github?: { apiUrl: string; token?: string }
  /** Called with the child once it is running (e.g. to send it a signal). */
  onSpawn?: (child: import('node:child_process').ChildProcess) => void
  /** The bundle to run: dist/index.js unless a test drives another entry point (COLLECT_DIST). */
  entry?: string
}

/** Runs the bundled action the way a runner does: INPUT_* and GITHUB_* variables, files for outputs and summary. */
export async function runAction(opts: RunOptions): Promise<ActionRun> {
  const state = mkdtempSync(path.join(os.tmpdir(), 'hf-run-'))
  const outputFile = path.join(state, 'output')
  const summaryFile = path.join(state, 'summary')
  const eventFile = path.join(state, 'event.json')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  writeFileSync(eventFile, JSON.stringify(opts.event ?? {}))
  mkdirSync(path.join(state, 'tmp'))

  // Only what a runner would set: nothing of this test process's own GITHUB_* or ACTIONS_* leaks in.
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? os.homedir(),
    // Not a runner's: V8's compiled code for the bundle, kept between the suite's many spawns
    // (Node >= 22.1; older ones ignore it). It changes start-up time only, never behaviour.
    NODE_COMPILE_CACHE: COMPILE_CACHE,
    ...stepEnv(opts, { state, output: outputFile, summary: summaryFile, event: eventFile })
  }

  // HF_ACTION_NODE runs the bundle under another Node (the action's runtime is node24), e.g.
  // HF_ACTION_NODE=/path/to/node24 npm test; the tests themselves stay on this Node.
  const child = spawn(process.env.HF_ACTION_NODE || process.execPath, [opts.entry ?? DIST], { cwd: opts.workspace, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  opts.onSpawn?.(child)
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)))

  const outputs = parseOutputFile(readFileSync(outputFile, 'utf8'))
  const results = outputs.results ? (JSON.parse(outputs.results) as ResultEntry[]) : []
  return { code, stdout, stderr, outputs, summary: existsSync(summaryFile) ? readFileSync(summaryFile, 'utf8') : '', results, stateDir: state }
}

/** What a runner sets for a step: the GITHUB_* variables, RUNNER_TEMP and one INPUT_* per input. */
export function stepEnv(opts: RunOptions, files: { state: string; output: string; summary: string; event: string }): Record<string, string> {
  const env: Record<string, string> = {
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: opts.workspace,
    GITHUB_SHA: opts.sha ?? SHA_A,
    GITHUB_REPOSITORY: 'octo/videos',
    GITHUB_RUN_ID: String(opts.runId ?? 1001),
    GITHUB_RUN_ATTEMPT: String(opts.runAttempt ?? 1),
    GITHUB_EVENT_NAME: opts.eventName ?? 'push',
    GITHUB_EVENT_PATH: files.event,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    RUNNER_TEMP: path.join(files.state, 'tmp'),
    ...(opts.github ? { GITHUB_API_URL: opts.github.apiUrl } : {}),
    ...opts.env
  }
  const inputs = opts.github?.token !== undefined ? { 'github-token': opts.github.token, ...opts.inputs } : opts.inputs
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  return env
}

/**
 * The inputs every emulator-backed run needs. HyperFrames lint and previews are off unless a test
 * asks for them (`lint: ''` or `preview: ''` leaves the input unset, i.e. its default): the linter
 * is a third of a short run's CPU and an animated preview is an ffmpeg run per video, and each is
 * the subject of its own tests only.
 */
export function emulatorInputs(url: string, extra: Record<string, string> = {}): Record<string, string> {
  return { 'api-key': 'test-key-123', 'api-url': url, path: 'project', lint: 'off', preview: 'none', ...extra }
}
