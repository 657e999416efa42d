import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { runCollect } from '../../src/collect/run-collect.js'
import { readEventContext } from '../../src/inputs/event-context.js'
import { readRunContext } from '../../src/inputs/run-context.js'
import { parseOutputFile, stepEnv, type ActionRun, type ResultEntry, type RunOptions } from './action-runner.js'

/**
 * The collect step in this process: runCollect (all that dist/collect.js runs) with the same
 * INPUT_* and GITHUB_* variables, output file and summary file as runAction gives the bundle, and
 * the log read from what @actions/core writes to stdout. No process start-up and no bundle load:
 * for the tests about merging, fail-on and staleness, which read manifests from results-path.
 * Downloading them through the artifact service stays in whole runs of dist/collect.js.
 */

// @actions/core's summary keeps the first GITHUB_STEP_SUMMARY it sees for the life of the
// process, so every run here writes to this one file, emptied before each run.
const shared = mkdtempSync(path.join(os.tmpdir(), 'hf-collect-'))
const SUMMARY = path.join(shared, 'summary')

let queue: Promise<unknown> = Promise.resolve()

/** Runs collect as runAction runs dist/collect.js, one at a time (the log is this process's stdout). */
export function collectInProcess(opts: Omit<RunOptions, 'entry' | 'onSpawn'>): Promise<ActionRun> {
  const run = queue.then(() => collectOnce(opts))
  queue = run.catch(() => undefined)
  return run
}

async function collectOnce(opts: Omit<RunOptions, 'entry' | 'onSpawn'>): Promise<ActionRun> {
  const state = mkdtempSync(path.join(os.tmpdir(), 'hf-run-'))
  const outputFile = path.join(state, 'output')
  const eventFile = path.join(state, 'event.json')
  writeFileSync(outputFile, '')
  writeFileSync(SUMMARY, '')
  writeFileSync(eventFile, JSON.stringify(opts.event ?? {}))
  mkdirSync(path.join(state, 'tmp'))

  const env = stepEnv(opts, { state, output: outputFile, summary: SUMMARY, event: eventFile })

  // Only this run's variables: none of the jest process's own GITHUB_* or INPUT_* leak in.
  const saved = { ...process.env }
  for (const name of Object.keys(process.env)) if (/^(GITHUB_|INPUT_|RUNNER_|ACTIONS_)/.test(name)) delete process.env[name]
  Object.assign(process.env, env)
  const savedExitCode = process.exitCode
  process.exitCode = undefined
  const write = { out: process.stdout.write, err: process.stderr.write }
  let stdout = ''
  let stderr = ''
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += chunk.toString()), true)) as typeof process.stdout.write
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += chunk.toString()), true)) as typeof process.stderr.write
  let code: number
  try {
    await runCollect(() => readRunContext(process.env, readEventContext(process.env)))
    code = Number(process.exitCode ?? 0)
  } finally {
    process.stdout.write = write.out
    process.stderr.write = write.err
    process.exitCode = savedExitCode
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name]
    Object.assign(process.env, saved)
  }
  const outputs = parseOutputFile(readFileSync(outputFile, 'utf8'))
  const results = outputs.results ? (JSON.parse(outputs.results) as ResultEntry[]) : []
  return { code, stdout, stderr, outputs, summary: readFileSync(SUMMARY, 'utf8'), results, stateDir: state }
}
