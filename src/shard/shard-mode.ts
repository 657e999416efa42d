import type { GitHubInputs } from '../inputs/github-inputs.js'
import type { RenderOutcome } from '../render/outcome.js'
import { keepShard } from './partition.js'
import { shardLabel, type ShardSpec } from './shard-spec.js'

/**
 * Only collect writes the PR comment of a sharded run: GitHub has no compare-and-swap on comment
 * edits, so shards finishing together would overwrite each other's rows.
 */
export function commentOffWhenSharded(inputs: GitHubInputs, shard: ShardSpec | undefined): GitHubInputs {
  return shard ? { ...inputs, comment: 'false' } : inputs
}

export interface ShardSelectLog {
  info(line: string): void
  notice(line: string): void
}

/**
 * Keeps this shard's renders. The whole matrix was expanded, checked and keyed before this, so a
 * bad entry fails every shard alike and the idempotency keys are the same whatever `n` is.
 */
export function selectShard(outcomes: RenderOutcome[], shard: ShardSpec, backend: string, log: ShardSelectLog): RenderOutcome[] {
  const mine = keepShard(outcomes, shard, (o) => o.job.index)
  const label = shardLabel(shard)
  if (mine.length === 0) {
    log.notice(`Shard ${label}: the matrix has ${outcomes.length} entr${outcomes.length === 1 ? 'y' : 'ies'}, fewer than ${shard.count} shards, so this shard has nothing to render.`)
    return mine
  }
  log.info(`Shard ${label}: rendering ${mine.length} of ${outcomes.length} entries (indexes ${mine.map((o) => o.job.index).join(', ')}).`)
  if (backend === 'heygen' && shard.count > 1) {
    log.info(`All ${shard.count} shards render on one HeyGen account and share its concurrent-render limit: more shards upload in parallel but do not render faster once that limit is reached.`)
  }
  return mine
}
