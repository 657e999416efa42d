import type { ResultEntry } from '../publish/results.js'
import type { ManifestHeader, ShardManifest } from '../shard/manifest.js'
import { shardLabel } from '../shard/shard-spec.js'
import { UserError } from '../user-error.js'

/** The status of an entry no delivered shard rendered (its job failed early, was cancelled or never ran). */
export const MISSING = 'missing'

export interface MergedRun {
  /** Every entry of the matrix, in index order; undelivered ones have status `missing`. */
  results: ResultEntry[]
  /** Indexes of the missing entries. */
  missing: number[]
  /** The manifests used: the newest attempt of each shard, in shard order. */
  used: ShardManifest[]
  sha: string
  commentKey: string
  header: ManifestHeader
  /** The shards' own step failures, each prefixed with its shard. */
  shardErrors: string[]
  /** The shards' hosted preview URLs, by matrix index. */
  previews: Map<number, string>
  /** Set when every shard skipped on purpose: their reason. */
  skipped?: string
}

const attemptOf = (m: ShardManifest): string => `${shardLabel(m.shard)} (attempt ${m.run_attempt})`

/**
 * Merges shard manifests into one report: the newest run attempt of each shard wins (a re-run
 * replaces what the failed attempt delivered), shards that disagree on the plan are refused, and
 * every index no shard delivered is reported as `missing`.
 */
export function mergeManifests(manifests: readonly ShardManifest[]): MergedRun {
  if (manifests.length === 0) throw new UserError('No shard manifests to collect: no render shard delivered one.')
  // Every shard skipped on purpose (no api-key on a fork's pull request): nothing to merge or miss.
  const skipped = manifests.find((m) => m.skipped)?.skipped
  if (skipped && manifests.every((m) => m.skipped)) {
    const first = manifests[0]
    return { results: [], missing: [], used: [...manifests], sha: first.sha, commentKey: first.comment_key, header: first.header, shardErrors: [], previews: new Map(), skipped }
  }
  const newest = new Map<string, ShardManifest>()
  for (const m of manifests) {
    const label = shardLabel(m.shard)
    const seen = newest.get(label)
    if (!seen || m.run_attempt > seen.run_attempt) newest.set(label, m)
  }
  const used = [...newest.values()].sort((a, b) => a.shard.count - b.shard.count || a.shard.index - b.shard.index)

  const digests = new Map<string, ShardManifest[]>()
  for (const m of used) digests.set(m.plan_digest, [...(digests.get(m.plan_digest) ?? []), m])
  if (digests.size > 1) {
    const groups = [...digests.entries()].map(([digest, ms]) => `${ms.map(attemptOf).join(', ')} planned ${digest.slice(0, 12)}`)
    throw new UserError(
      `The shards rendered different plans and cannot be merged into one report: ${groups.join('; ')}. ` +
        'Their matrix, render inputs or project files differ; run every shard of one workflow run with the same inputs, or re-run all of them.'
    )
  }
  const shas = new Set(used.map((m) => m.sha))
  if (shas.size > 1) throw new UserError(`The shard manifests are from different commits (${[...shas].map((s) => s.slice(0, 12)).join(', ')}); collect the shards of one run.`)
  const keys = new Set(used.map((m) => m.comment_key))
  if (keys.size > 1) throw new UserError(`The shard manifests belong to different comment keys (${[...keys].join(', ')}); set comment-key on collect to pick one.`)

  const first = used[0]
  const total = first.total_entries
  const byIndex = new Map<number, ResultEntry>()
  // Ascending attempts, so a newer attempt's result for an index replaces an older one.
  for (const m of [...used].sort((a, b) => a.run_attempt - b.run_attempt)) for (const r of m.results) if (r.index <= total) byIndex.set(r.index, r)

  // The same rule for previews: the newest attempt that hosted one for an index wins.
  const previews = new Map<number, string>()
  for (const m of [...used].sort((a, b) => a.run_attempt - b.run_attempt)) {
    for (const [key, url] of Object.entries(m.previews)) if (byIndex.has(Number(key))) previews.set(Number(key), url)
  }

  const results: ResultEntry[] = []
  const missing: number[] = []
  for (let index = 1; index <= total; index++) {
    const delivered = byIndex.get(index)
    if (delivered) {
      results.push(delivered)
      continue
    }
    missing.push(index)
    results.push(missingEntry(index, first.entry_names[index - 1] ?? `entry ${index}`))
  }
  return {
    results,
    missing,
    used,
    sha: first.sha,
    commentKey: first.comment_key,
    header: { ...first.header, asset_id: used.map((m) => m.header.asset_id).find((id) => id) ?? null },
    previews,
    shardErrors: used.filter((m) => m.header.error).map((m) => `shard ${shardLabel(m.shard)}: ${m.header.error}`)
  }
}

function missingEntry(index: number, name: string): ResultEntry {
  return {
    name,
    index,
    variables: {},
    render_id: null,
    idempotency_key: '',
    status: MISSING,
    video_path: null,
    video_url: null,
    thumbnail_url: null,
    duration: null,
    artifact_id: null,
    artifact_url: null,
    release_asset_url: null,
    failure_message: 'No shard delivered this entry: its render job failed before writing a manifest, was cancelled, or did not run.'
  }
}
