// A sharded local run against an unsharded one, for the same matrix, with the real renderer: the
// action's `backend: local` as one job, then as two shard jobs started at once on this machine.
// On a machine with fewer than 4 cores the local backend has one render slot, so the unsharded run
// renders one at a time and the two shards render side by side: this is also the measurement of
// 1 versus 2 concurrent local renders on one machine.
import { rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { makeWorkspace, runAction, type ActionRun } from '../__tests__/support/action-runner.js'
import { ensureHyperframesCli } from '../src/local/hyperframes-cli.js'
import { probeToolchain } from '../src/local/local-toolchain.js'
import { machineSlots } from '../src/local/render-slots.js'
import { DEV_CACHE_ROOT } from '../emulator/engine-select.js'
import { preciseNow } from './measure.js'
import { node22 } from './toolchain.js'

export interface LocalShardRun {
  label: string
  /** Side-by-side renders at most: the action's slots in one job times the jobs started at once. */
  concurrentRenders: number
  wallMs: number
  renders: number
  failed: number
  /** The 1-minute load average when the run ended: other work on the machine shows here. */
  loadAfter: number
}

export interface LocalShardBench {
  skipped?: string
  entries: number
  cores: number
  slotsPerJob: number
  unsharded?: LocalShardRun
  sharded?: LocalShardRun
}

/** The tiny fixture at 10 fps, draft: short renders, so the comparison is about scheduling. */
function matrix(entries: number): string {
  const colours = ['#ff0000', '#00ff00', '#0000ff', '#ffff00', '#00ffff', '#ff00ff']
  return JSON.stringify(Array.from({ length: entries }, (_, i) => ({ title: `E${i + 1}`, bg: colours[i % colours.length] })))
}

export async function runLocalShards(opts: { entries: number; log: (line: string) => void }): Promise<LocalShardBench> {
  const base = { entries: opts.entries, cores: os.availableParallelism(), slotsPerJob: machineSlots() }
  // The renderer needs a Node >= 22: the pinned one when the system's is older, as .ci/run does.
  try {
    const node = node22()
    if (path.dirname(node) !== path.dirname(process.execPath)) process.env.PATH = `${path.dirname(node)}${path.delimiter}${process.env.PATH ?? ''}`
  } catch (error) {
    return { ...base, skipped: `no Node >= 22 (${error instanceof Error ? error.message : String(error)})` }
  }
  const probe = probeToolchain()
  if (!probe.toolchain) return { ...base, skipped: `the real renderer needs ${probe.missing.join('; ')}` }
  // Installed once beforehand, as a warm tool cache (or the renderer cache) leaves it on a runner.
  await ensureHyperframesCli({ cacheRoot: DEV_CACHE_ROOT, log: opts.log })
  const workspace = makeWorkspace('tiny')
  const run = (shard?: string, runId = 1): Promise<ActionRun> =>
    runAction({
      workspace,
      runId,
      inputs: {
        backend: 'local',
        path: 'project',
        name: '{index}-{title}',
        fps: '10',
        quality: 'draft',
        artifact: 'none',
        matrix: matrix(opts.entries),
        'output-dir': `renders-${shard ? shard.replace('/', 'of') : 'all'}-${runId}`,
        ...(shard ? { shard } : {})
      },
      env: { RUNNER_TOOL_CACHE: path.dirname(DEV_CACHE_ROOT) }
    })
  const measure = async (label: string, jobs: Array<() => Promise<ActionRun>>): Promise<LocalShardRun> => {
    opts.log(`local shards: ${label}…`)
    const started = preciseNow()
    const runs = await Promise.all(jobs.map((job) => job()))
    const wallMs = preciseNow() - started
    const results = runs.flatMap((r) => r.results)
    for (const r of runs)
      if (r.code !== 0)
        opts.log(
          `local shards: ${label} exited ${r.code}: ${r.stdout
            .split('\n')
            .filter((l) => l.startsWith('::error::'))
            .join(' ')}`
        )
    return {
      label,
      concurrentRenders: Math.min(opts.entries, jobs.length * base.slotsPerJob),
      wallMs: Math.round(wallMs),
      renders: results.filter((r) => r.status === 'completed').length,
      failed: results.filter((r) => r.status !== 'completed').length,
      loadAfter: Math.round(os.loadavg()[0] * 100) / 100
    }
  }
  try {
    const unsharded = await measure('one job, unsharded', [() => run(undefined, 1)])
    const sharded = await measure('two shard jobs at once', [() => run('1/2', 2), () => run('2/2', 2)])
    return { ...base, unsharded, sharded }
  } finally {
    rmSync(workspace, { recursive: true, force: true })
  }
}

export function renderLocalShards(b: LocalShardBench): string {
  if (b.skipped) return `Local shards: not measured, ${b.skipped}.`
  const row = (r: LocalShardRun): string =>
    `| ${r.label} | ${r.concurrentRenders} | ${(r.wallMs / 1000).toFixed(1)} s | ${(r.wallMs / 1000 / Math.max(1, r.renders)).toFixed(1)} s | ${r.renders}${r.failed ? ` (${r.failed} failed)` : ''} | ${r.loadAfter} |`
  return [
    `Local renders, ${b.entries} entries (tiny fixture, 10 fps, draft), ${b.cores} cores, ${b.slotsPerJob} render slot${b.slotsPerJob === 1 ? '' : 's'} per job:`,
    '',
    '| run | renders side by side | wall | per render | completed | load after |',
    '| --- | --- | --- | --- | --- | --- |',
    ...[b.unsharded, b.sharded].filter((r): r is LocalShardRun => r !== undefined).map(row)
  ].join('\n')
}
