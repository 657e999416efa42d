import type { RunContext } from '../inputs/run-context.js'
import type { ReportHeader } from '../publish/report-table.js'
import type { ResultEntry } from '../publish/results.js'
import { ACTION_VERSION } from './action-version.js'
import { MANIFEST_SCHEMA, type ShardManifest } from './manifest.js'
import type { ShardSpec } from './shard-spec.js'

/** What a shard knows once the whole matrix is planned and packed. */
export interface ShardPlan {
  shard: ShardSpec
  totalEntries: number
  planDigest: string
  commentKey: string
  /** Every entry's name, in index order. */
  entryNames: string[]
}

/** A shard that rendered nothing on purpose (on-missing-key: skip) has no plan to report. */
export function skippedShardPlan(shard: ShardSpec, commentKey: string): ShardPlan {
  return { shard, totalEntries: 0, planDigest: '', commentKey, entryNames: [] }
}

/** `previews`: the URLs of the previews this shard committed to preview-branch, by matrix index. */
export function buildManifest(plan: ShardPlan, ctx: RunContext, header: ReportHeader, results: ResultEntry[], skipped?: string, previews: ReadonlyMap<number, string> = new Map()): ShardManifest {
  return {
    schema: MANIFEST_SCHEMA,
    action_version: ACTION_VERSION,
    plan_digest: plan.planDigest,
    total_entries: plan.totalEntries,
    shard: plan.shard,
    sha: ctx.sha,
    run_id: ctx.runId,
    run_attempt: ctx.runAttempt,
    comment_key: plan.commentKey,
    entry_names: plan.entryNames,
    header: { composition: header.composition, settings: header.settings, asset_id: header.assetId ?? null, error: header.error ?? null },
    results,
    previews: Object.fromEntries([...previews].map(([index, url]) => [String(index), url])),
    skipped: skipped ?? null
  }
}
