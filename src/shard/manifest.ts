import { createHash } from 'node:crypto'
import type { ResultEntry } from '../publish/results.js'
import { UserError } from '../user-error.js'
import type { ShardSpec } from './shard-spec.js'

/** Bump when a field changes meaning; collect refuses manifests of a schema it does not know. */
export const MANIFEST_SCHEMA = 1

/** What one shard delivered: written by the main action, read by collect. Snake case, like `results`. */
export interface ShardManifest {
  schema: number
  action_version: string
  /** Equal across every shard of one plan (src/shard/plan-digest.ts). */
  plan_digest: string
  total_entries: number
  shard: ShardSpec
  sha: string
  run_id: number
  run_attempt: number
  /** The comment-key the shard resolved, so collect finds the same sticky comment. */
  comment_key: string
  /** Every entry's name in index order, the whole matrix: collect names the entries no shard delivered. */
  entry_names: string[]
  /** What the summary and the comment show above the table. */
  header: ManifestHeader
  /** The shard's own entries only. */
  results: ResultEntry[]
  /**
   * Hosted preview URLs (on preview-branch) of the shard's own entries, keyed by matrix index.
   * Empty when the shard hosted none; older manifests without the field read as empty.
   */
  previews: Record<string, string>
  /** Why the shard rendered nothing on purpose (on-missing-key: skip); null when it ran. */
  skipped: string | null
}

export interface ManifestHeader {
  composition: string
  settings: string
  asset_id: string | null
  /** Why the shard's step failed, when it did. */
  error: string | null
}

/** Short and stable: artifact names must stay under the service's limits whatever the key is. */
export function commentKeyDigest(commentKey: string): string {
  return createHash('sha256').update(commentKey).digest('hex').slice(0, 12)
}

/** Every shard manifest artifact of one comment key starts with this. */
export function manifestArtifactPrefix(commentKey: string): string {
  return `hyperframes-shard-${commentKeyDigest(commentKey)}-`
}

/** Unique per shard and attempt: artifact names cannot be reused within a run, and a re-run is the same run. */
export function manifestArtifactName(commentKey: string, shard: ShardSpec, runAttempt: number): string {
  return `${manifestArtifactPrefix(commentKey)}${shard.index}of${shard.count}-a${runAttempt}`
}

/** Parses a manifest file's text, refusing anything that is not one. `source` names it in errors. */
export function parseManifest(text: string, source: string): ShardManifest {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new UserError(`${source} is not JSON (${error instanceof Error ? error.message : String(error)}); expected a shard manifest written by the render step.`)
  }
  const bad = (what: string): UserError => new UserError(`${source} is not a shard manifest: ${what}.`)
  if (!isRecord(value)) throw bad('not a JSON object')
  if (value.schema !== MANIFEST_SCHEMA) {
    throw bad(`schema ${JSON.stringify(value.schema)} is not ${MANIFEST_SCHEMA}; use the same version of the action for the render and collect steps`)
  }
  const shard = value.shard
  if (!isRecord(shard) || !isPositiveInt(shard.index) || !isPositiveInt(shard.count) || shard.index > shard.count) throw bad('shard is not {index, count}')
  for (const field of ['plan_digest', 'sha', 'comment_key', 'action_version'] as const) if (typeof value[field] !== 'string') throw bad(`${field} is not a string`)
  for (const field of ['total_entries', 'run_id', 'run_attempt'] as const) {
    if (typeof value[field] !== 'number' || !Number.isInteger(value[field]) || (value[field] as number) < 0) throw bad(`${field} is not a whole number`)
  }
  if (!isRecord(value.header)) throw bad('header is missing')
  if (!Array.isArray(value.results)) throw bad('results is not a list')
  for (const r of value.results) {
    if (!isRecord(r) || !isPositiveInt(r.index) || typeof r.name !== 'string' || typeof r.status !== 'string') throw bad('a result lacks index, name or status')
  }
  const h = value.header
  return {
    schema: MANIFEST_SCHEMA,
    action_version: value.action_version as string,
    plan_digest: value.plan_digest as string,
    total_entries: value.total_entries as number,
    shard: { index: shard.index as number, count: shard.count as number },
    sha: value.sha as string,
    run_id: value.run_id as number,
    run_attempt: value.run_attempt as number,
    comment_key: value.comment_key as string,
    entry_names: Array.isArray(value.entry_names) ? value.entry_names.map(String) : [],
    header: {
      composition: typeof h.composition === 'string' ? h.composition : '',
      settings: typeof h.settings === 'string' ? h.settings : '',
      asset_id: typeof h.asset_id === 'string' ? h.asset_id : null,
      error: typeof h.error === 'string' ? h.error : null
    },
    results: value.results as ResultEntry[],
    previews: readPreviews(value.previews),
    skipped: typeof value.skipped === 'string' ? value.skipped : null
  }
}

/** Only http(s) URLs under matrix indexes: collect puts them in the <img src> of a public comment. */
function readPreviews(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {}
  const out: Record<string, string> = {}
  for (const [key, url] of Object.entries(value)) if (/^[1-9]\d*$/.test(key) && typeof url === 'string' && /^https?:\/\//.test(url)) out[key] = url
  return out
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isPositiveInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1
}
