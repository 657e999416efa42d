import type { Resolution } from '../inputs/read-inputs.js'
import { isSuccessStatus, type RenderOutcome } from '../render/outcome.js'
import { formatDuration } from '../render/progress.js'

/** The API bills 4k renders at 1.5× their duration. */
export const RESOLUTION_MULTIPLIER: Record<Resolution, number> = { '1080p': 1, '4k': 1.5 }

/** What the run cost, in billed seconds of video: new renders against the ones replayed for free. */
export interface RunCost {
  newCount: number
  replayedCount: number
  /** The new renders' durations, at the resolution's multiplier. */
  billedSeconds: number
  /** What the replays would have cost had they been rendered again. */
  replayedSeconds: number
  multiplier: number
}

export function runCost(outcomes: RenderOutcome[], resolution: Resolution): RunCost {
  const multiplier = RESOLUTION_MULTIPLIER[resolution]
  const done = outcomes.filter((o) => o.status === 'completed')
  const fresh = done.filter((o) => !o.replayed)
  const replayed = done.filter((o) => o.replayed)
  const seconds = (list: RenderOutcome[]): number => list.reduce((n, o) => n + (o.duration ?? 0), 0) * multiplier
  return { newCount: fresh.length, replayedCount: replayed.length, billedSeconds: seconds(fresh), replayedSeconds: seconds(replayed), multiplier }
}

/** "1m20s of video billed, 40s replayed free (4k at 1.5×)". */
export function describeCost(cost: RunCost, local: boolean): string {
  if (local) return 'rendered on the runner, nothing billed'
  const times = cost.multiplier !== 1 ? ` (4k at ${cost.multiplier}×)` : ''
  return `${formatSeconds(cost.billedSeconds)} of video billed, ${formatSeconds(cost.replayedSeconds)} replayed free${times}`
}

/** The run's one closing line: `20 videos rendered (18 new, 2 replayed) in 4m12s · 0 failed · 1m20s of video billed, …`. */
export function closingLine(outcomes: RenderOutcome[], elapsedMs: number, cost: RunCost, local: boolean): string {
  const ok = outcomes.filter((o) => isSuccessStatus(o.status)).length
  const failed = outcomes.filter((o) => !isSuccessStatus(o.status) && o.status !== 'planned').length
  const verb = outcomes.some((o) => o.status === 'submitted') && !outcomes.some((o) => o.status === 'completed') ? 'submitted' : 'rendered'
  return `${ok} video${ok === 1 ? '' : 's'} ${verb} (${cost.newCount} new, ${cost.replayedCount} replayed) in ${formatDuration(elapsedMs)} · ${failed} failed · ${describeCost(cost, local)}`
}

/** What a dry run would bill: entries × the composition's declared duration, at the multiplier. */
export function dryRunCost(entries: number, declaredSeconds: number | undefined, resolution: Resolution): string {
  if (declaredSeconds === undefined) return `${entries} render${entries === 1 ? '' : 's'} would be billed by their duration (the composition declares no data-duration to estimate it)`
  const m = RESOLUTION_MULTIPLIER[resolution]
  return `would bill about ${formatSeconds(entries * declaredSeconds * m)} of video: ${entries} × ${declaredSeconds} s${m !== 1 ? ` × ${m} (4k)` : ''}, less any render replayed for free`
}

function formatSeconds(s: number): string {
  return s < 60 ? `${Number(s.toFixed(1))}s` : formatDuration(s * 1000)
}
