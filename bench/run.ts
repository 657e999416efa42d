// `npm run bench`: the action against HeyGen's own CLI on the emulator, at 1, 10, 50 and 200
// renders. Prints one table and writes it to bench/results/latest.json. Not part of `npm test`.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { startEmulator, type Emulator, type EmulatorOptions } from '../emulator/index.js'
import { runActionOnce, type ActionRun } from './action-run.js'
import { runCliMatrix, type CliMatrixRun, type CliSetup } from './cli-run.js'
import { encodeOnceEngine } from './engine.js'
import { callsOf, median, transferMs, type Calls } from './measure.js'
import { exampleWorkspace, heavyWorkspace, matrixEntries } from './projects.js'
import { DIST, EXAMPLE, REPO_ROOT } from './paths.js'
import { renderReport, type BenchReport, type CliRow, type Target } from './report.js'
import { updateReadme } from './readme.js'
import { renderLocalShards, runLocalShards } from './local-shards.js'
import { renderBusy, runBusyAccounts, type BusyRow } from './busy.js'
import { CLI_VERSION, hyperframesCli, node22 } from './toolchain.js'

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1,10,50,200' },
    concurrency: { type: 'string', default: '10' },
    'render-ms': { type: 'string', default: '3000' },
    'jitter-ms': { type: 'string', default: '500' },
    'zip-mb': { type: 'string', default: '150' },
    'startup-samples': { type: 'string', default: '9' },
    cli: { type: 'boolean', default: true },
    'cli-sequential-max': { type: 'string', default: '1' },
    'cli-processes': { type: 'string', default: '50' },
    out: { type: 'string', default: path.join(REPO_ROOT, 'bench', 'results', 'latest.json') },
    readme: { type: 'boolean', default: false },
    busy: { type: 'boolean', default: true },
    'busy-only': { type: 'boolean', default: false },
    'busy-render-ms': { type: 'string', default: '6000' },
    'local-shards': { type: 'boolean', default: true },
    'local-shards-only': { type: 'boolean', default: false },
    'local-shards-entries': { type: 'string', default: '4' },
    help: { type: 'boolean', default: false }
  },
  allowNegative: true,
  strict: true
})

if (args.help) {
  process.stdout.write(`Usage: npm run bench -- [options]
  --sizes 1,10,50,200        matrix sizes
  --concurrency 10           the action's concurrency input (and the emulator's account limit)
  --render-ms 3000           simulated render time; --jitter-ms 500 around it
  --zip-mb 150               size of the heavy composition for the zip measurement (0 = skip)
  --startup-samples 9        runs that only measure start-up (no probe preloaded)
  --no-cli                   skip HeyGen's CLI
  --cli-sequential-max 1     run the CLI one call after another up to this N; estimate above
                             (each call takes the same ~11 s: start-up, upload, a 10 s poll)
  --cli-processes 50         most CLI processes at once (each holds ~110 MB)
  --out FILE                 JSON results (default bench/results/latest.json)
  --readme                   also put the table into README.md's performance section
  --no-busy                  skip the busy-account runs (10 renders among other clients' renders)
  --busy-only                only the busy-account runs: print their table, write nothing
  --busy-render-ms 6000      render time in the busy-account runs
  --no-local-shards          skip the real local renders: one job against two shard jobs at once
  --local-shards-only        only those: print their table, write bench/results/local-shards.json
  --local-shards-entries 4   matrix entries in the local-shards runs
`)
  process.exit(0)
}

const num = (name: keyof typeof args): number => {
  const value = Number(args[name])
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a non-negative number, got '${String(args[name])}'`)
  return value
}
const sizes = String(args.sizes)
  .split(',')
  .map((s) => Number(s.trim()))
  .filter((n) => Number.isInteger(n) && n > 0)
const concurrency = num('concurrency')
const renderMs = num('render-ms')
const jitterMs = num('jitter-ms')
const queueMs = 50
const API_KEY = 'bench-key-0123456789'

if (!existsSync(DIST)) {
  process.stderr.write('dist/index.js is missing: run `npm run build` first.\n')
  process.exit(1)
}

const log = (line: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`)
}

const emulatorOptions = (seed: number, overrides: EmulatorOptions = {}): EmulatorOptions => ({
  apiKeys: [API_KEY],
  engine: encodeOnceEngine(),
  renderMs,
  renderJitterMs: jitterMs,
  queueMs,
  maxConcurrentRenders: concurrency,
  seed,
  ...overrides
})

async function withEmulator<T>(options: EmulatorOptions, body: (emulator: Emulator) => Promise<T>): Promise<T> {
  const emulator = await startEmulator(options)
  try {
    return await body(emulator)
  } finally {
    await emulator.close()
  }
}

/** A commit SHA per run, so no run replays another's renders. */
const shaFor = (label: string): string => createHash('sha1').update(`${label}-${process.pid}-${Date.now()}`).digest('hex')

function checkAction(run: ActionRun, n: number, label: string): void {
  const done = run.results.filter((r) => r.status === 'completed').length
  if (run.code !== 0 || done !== n) {
    throw new Error(`${label}: the action exited ${run.code} with ${done}/${n} renders completed.\n${run.stdout.slice(-3000)}\n${run.stderr.slice(-2000)}`)
  }
}

/** The status watcher among other clients' renders, at the render time the issue measured. */
const busyRuns = (): Promise<BusyRow[]> => runBusyAccounts({ apiKey: API_KEY, baseOptions: emulatorOptions(21, { renderMs: num('busy-render-ms'), renderJitterMs: 500 }), sha: shaFor, log })

const LOCAL_SHARDS_OUT = path.join(REPO_ROOT, 'bench', 'results', 'local-shards.json')
const localShards = async (): Promise<void> => {
  const result = await runLocalShards({ entries: num('local-shards-entries'), log })
  if (!result.skipped) writeFileSync(LOCAL_SHARDS_OUT, `${JSON.stringify({ date: new Date().toISOString(), ...result }, null, 2)}\n`)
  process.stdout.write(`${renderLocalShards(result)}\n`)
}
if (args['local-shards-only']) {
  await localShards()
  process.exit(0)
}

if (args['busy-only']) {
  process.stdout.write(`${renderBusy(await busyRuns())}\n`)
  process.exit(0)
}

const loadAtStart = os.loadavg()
const benchStarted = Date.now()

// 1. The action, one run per matrix size.
const actionRows: BenchReport['action'] = []
for (const n of sizes) {
  log(`action: ${n} render${n === 1 ? '' : 's'}, concurrency ${concurrency}`)
  const row = await withEmulator(emulatorOptions(n), async (emulator) => {
    const workspace = exampleWorkspace()
    try {
      const matrix = JSON.stringify(matrixEntries(n))
      const run = await runActionOnce({ emulator, apiKey: API_KEY, workspace, sha: shaFor(`action-${n}`), inputs: { matrix, name: 'entry-{index}', concurrency: String(concurrency) } })
      checkAction(run, n, `action with ${n} renders`)
      for (const r of run.results) {
        const bytes = emulator.videoBytes(r.render_id as string)
        if (!bytes || !existsSync(path.join(workspace, r.video_path as string))) throw new Error(`action with ${n} renders: video of ${r.name} missing`)
      }
      const transfer = transferMs(emulator.stats)
      const ideal = Math.ceil(n / concurrency) * (renderMs + queueMs) + transfer
      const checks = /Status checks: (\d+) ticks, (\d+) of them answered by listing renders; one GET per render per tick would have taken (\d+) calls/.exec(run.stdout)
      const watcher = checks ? { ticks: Number(checks[1]), listed: Number(checks[2]), renderTicks: Number(checks[3]) } : undefined
      return { n, wallMs: run.wallMs, idealMs: ideal, transferMs: transfer, calls: callsOf(emulator.stats), watcher, peakRssMb: run.peakRssMb, cpuMs: run.cpuMs, firstRequestMs: run.firstRequestMs }
    } finally {
      rmSync(workspace, { recursive: true, force: true })
    }
  })
  log(`  ${(row.wallMs / 1000).toFixed(1)} s (ideal ${(row.idealMs / 1000).toFixed(1)} s), ${row.calls.api} API calls, peak RSS ${row.peakRssMb?.toFixed(0)} MB`)
  actionRows.push(row)
}

// 2. Start-up: spawn → first request, with `wait: false` runs that do nothing else and carry no
//    probe (the matrix runs' own first requests are in the JSON as firstRequestMs).
log(`start-up: ${num('startup-samples')} runs`)
const startupSamples: number[] = []
await withEmulator(emulatorOptions(99, { renderMs: 10, renderJitterMs: 0 }), async (emulator) => {
  const workspace = exampleWorkspace()
  try {
    for (let i = 0; i < num('startup-samples'); i++) {
      const run = await runActionOnce({ emulator, apiKey: API_KEY, workspace, sha: shaFor(`startup-${i}`), inputs: { wait: 'false' }, probe: false })
      if (run.code !== 0 || run.firstRequestMs === undefined) throw new Error(`start-up run failed:\n${run.stdout.slice(-2000)}`)
      startupSamples.push(run.firstRequestMs)
    }
  } finally {
    rmSync(workspace, { recursive: true, force: true })
  }
})

// 3. A heavy composition: zip time and peak RSS of the whole action.
let heavy: BenchReport['heavy']
const zipMb = num('zip-mb')
if (zipMb > 0) {
  log(`heavy project: generating ${zipMb} MB of media`)
  const { workspace, bytes } = heavyWorkspace(zipMb)
  try {
    heavy = await withEmulator(emulatorOptions(3, { renderMs: 200, renderJitterMs: 0 }), async (emulator) => {
      const run = await runActionOnce({ emulator, apiKey: API_KEY, workspace, sha: shaFor('heavy'), inputs: { name: 'heavy' } })
      checkAction(run, 1, 'action with the heavy project')
      const packed = /Packed (\d+) files .* in ([\d.]+) s\./.exec(run.stdout)
      if (!packed) throw new Error(`no 'Packed …' line in the action's log:\n${run.stdout.slice(0, 2000)}`)
      return {
        projectBytes: bytes,
        files: Number(packed[1]),
        zipBytes: emulator.stats.bytesUploaded,
        zipMs: Number(packed[2]) * 1000,
        wallMs: run.wallMs,
        peakRssMb: run.peakRssMb ?? NaN
      }
    })
    log(`  zip ${(heavy.zipMs / 1000).toFixed(1)} s, peak RSS ${heavy.peakRssMb.toFixed(0)} MB`)
  } finally {
    rmSync(workspace, { recursive: true, force: true })
  }
}

// 4. HeyGen's CLI, once per entry, one after another and all at once.
const cliRows: CliRow[] = []
if (args.cli) {
  const setup: Omit<CliSetup, 'apiUrl'> = { node: node22(), cli: hyperframesCli(), apiKey: API_KEY, projectDir: EXAMPLE }
  const sequentialMax = num('cli-sequential-max')
  const processes = num('cli-processes')
  const measure = async (n: number, parallel: number): Promise<{ run: CliMatrixRun; calls: Calls }> =>
    withEmulator(emulatorOptions(n), async (emulator) => {
      const run = await runCliMatrix({ ...setup, apiUrl: emulator.url }, matrixEntries(n), parallel)
      // The CLI does not retry a failed upload or poll; a call that failed is part of the result.
      const bad = run.calls.find((c) => c.code !== 0 || c.videoBytes === 0)
      if (bad) log(`  ${run.failed}/${n} CLI calls failed; one said: ${lastLines(bad.stderr)}`)
      if (run.failed === n) throw new Error(`CLI: every call failed; one said:\n${bad?.stderr.slice(-2000)}`)
      return { run, calls: callsOf(emulator.stats) }
    })
  let perCallSequentialMs: number | undefined
  for (const n of sizes) {
    const row: CliRow = { n }
    if (n <= sequentialMax) {
      log(`CLI: ${n} call${n === 1 ? '' : 's'} one after another`)
      const { run, calls } = await measure(n, 1)
      row.sequential = { wallMs: run.wallMs, measured: true, ...failures(run) }
      perCallSequentialMs = run.wallMs / n
      row.calls = calls
      row.callRssMb = run.calls.map((c) => Math.round(c.peakRssMb ?? 0))
      row.cpuMs = run.calls.reduce((sum, c) => sum + (c.cpuMs ?? 0), 0)
    } else if (perCallSequentialMs !== undefined) {
      // The per-call time does not depend on N when calls run one at a time.
      row.sequential = { wallMs: perCallSequentialMs * n, measured: false, note: 'N × the time of one call, measured one after another' }
    }
    const parallel = Math.min(n, processes)
    if (parallel === 1 && row.sequential?.measured) {
      // One call at a time is one call after another: the run above already measured it.
      row.parallel = { ...row.sequential, processes: 1 }
      cliRows.push(row)
      continue
    }
    log(`CLI: ${n} call${n === 1 ? '' : 's'}, ${parallel} at a time`)
    const { run, calls } = await measure(n, parallel)
    const rss = run.calls.map((c) => Math.round(c.peakRssMb ?? 0))
    row.parallel = {
      wallMs: run.wallMs,
      measured: true,
      processes: parallel,
      ...failures(run),
      ...(parallel < n ? { note: `${parallel} processes at a time: ${n} at once would need ~${Math.round((n * median(rss)) / 1024)} GB` } : {})
    }
    row.calls ??= calls
    row.callRssMb = [...(row.callRssMb ?? []), ...rss]
    row.cpuMs ??= run.calls.reduce((sum, c) => sum + (c.cpuMs ?? 0), 0)
    log(`  ${(run.wallMs / 1000).toFixed(1)} s, ${calls.api} API calls`)
    cliRows.push(row)
  }
}

// 5. A busy account: other clients' renders around ours in the list.
const busy = args.busy ? await busyRuns() : undefined

// 6. Targets.
const targets: Target[] = []
const one = actionRows.find((r) => r.n === 1) ?? actionRows[0]
if (one) {
  const same = actionRows.every((r) => r.calls.bytesUploaded === one.calls.bytesUploaded && r.calls.uploads === 3)
  targets.push({
    name: 'bytes uploaded equal one zip for any N',
    target: `${one.calls.bytesUploaded} B, 3 upload calls`,
    value: actionRows.map((r) => `${r.n}: ${r.calls.bytesUploaded} B`).join(', '),
    met: same
  })
}
const largest = actionRows[actionRows.length - 1]
if (largest) {
  const allowed = Math.max(0.1 * largest.idealMs, 2000)
  targets.push({
    name: `wall time at N = ${largest.n} within 10% (or 2 s) of the ideal`,
    target: `≤ ${((largest.idealMs + allowed) / 1000).toFixed(1)} s`,
    value: `${(largest.wallMs / 1000).toFixed(1)} s (×${(largest.wallMs / largest.idealMs).toFixed(2)})`,
    met: largest.wallMs <= largest.idealMs + allowed
  })
  const statusCalls = largest.calls.status + largest.calls.list
  if (largest.watcher) {
    const perRenderPerTick = statusCalls / largest.watcher.renderTicks
    targets.push({
      name: `status calls per render per tick at N = ${largest.n}`,
      target: 'at most about 1',
      value: `${perRenderPerTick.toFixed(3)} (${largest.calls.status} GET + ${largest.calls.list} list over ${largest.watcher.ticks} ticks; one GET per render per tick: ${largest.watcher.renderTicks})`,
      met: perRenderPerTick <= 1
    })
  }
  if (largest.peakRssMb !== undefined) targets.push({ name: `peak RSS at N = ${largest.n}`, target: '< 150 MB', value: `${largest.peakRssMb.toFixed(0)} MB`, met: largest.peakRssMb < 150 })
}
if (heavy) {
  const limit = heavy.zipBytes / 1048576 + 150
  targets.push({ name: `peak RSS with the ${zipMb} MB project`, target: `< zip + 150 MB = ${limit.toFixed(0)} MB`, value: `${heavy.peakRssMb.toFixed(0)} MB`, met: heavy.peakRssMb < limit })
}
if (busy && busy.length > 0) {
  targets.push({
    name: 'GETs per render on a busy account (10 in flight)',
    target: 'at most 2',
    value: busy.map((b) => `${b.scenario}: ${b.getsMax}`).join('; '),
    met: busy.every((b) => b.getsMax <= 2)
  })
  targets.push({
    name: 'completion noticed on a busy account',
    target: 'within 3 s',
    value: busy.map((b) => `${b.scenario}: ${(b.noticedMaxMs / 1000).toFixed(1)} s`).join('; '),
    met: busy.every((b) => b.noticedMaxMs <= 3000)
  })
}
const startupMedian = median(startupSamples)
targets.push({ name: 'start-up to first request (median)', target: '< 300 ms', value: `${startupMedian.toFixed(0)} ms`, met: startupMedian < 300 })

const report: BenchReport = {
  generatedAt: new Date().toISOString(),
  durationS: Math.round((Date.now() - benchStarted) / 1000),
  machine: {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? '',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    loadAverage: { start: loadAtStart.map(round2), end: os.loadavg().map(round2) }
  },
  settings: { renderMs, jitterMs, queueMs, concurrency, accountConcurrency: concurrency, cliVersion: CLI_VERSION, cliPollSeconds: 10, project: path.relative(REPO_ROOT, EXAMPLE) },
  action: actionRows,
  startup: { samplesMs: startupSamples.map(Math.round), medianMs: Math.round(startupMedian), minMs: Math.round(Math.min(...startupSamples)) },
  ...(heavy ? { heavy } : {}),
  cli: cliRows,
  ...(busy ? { busy } : {}),
  targets
}

mkdirSync(path.dirname(String(args.out)), { recursive: true })
writeFileSync(String(args.out), `${JSON.stringify(report, null, 2)}\n`)
process.stdout.write(`${renderReport(report)}\n`)
if (args.readme) updateReadme(report)
// 6. Real local renders, sharded against unsharded: minutes, not seconds, so last.
if (args['local-shards']) await localShards()
log(`wrote ${path.relative(process.cwd(), String(args.out))} in ${report.durationS} s`)

function failures(run: CliMatrixRun): { failed?: number; failure?: string } {
  const bad = run.calls.find((c) => c.code !== 0 || c.videoBytes === 0)
  return bad ? { failed: run.failed, failure: lastLines(bad.stderr) } : {}
}

function lastLines(text: string): string {
  const lines = text
    .replace(/\x1b\[[0-9;]*m/g, '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
  return lines.slice(-2).join(' ').slice(0, 200)
}

function round2(n: number): number {
  return Math.round(n * 100) / 100
}
