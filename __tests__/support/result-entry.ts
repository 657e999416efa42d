import type { ResultEntry } from '../../src/publish/results.js'

/** A result as buildResults makes it, for the pure report builders. */
export function resultEntry(index: number, variables: Record<string, string>, status = 'completed', extra: Partial<ResultEntry> = {}): ResultEntry {
  return {
    name: `r-${index}`,
    index,
    variables,
    render_id: `rid${index}`,
    idempotency_key: `k${index}`,
    status,
    video_path: `renders/r-${index}.mp4`,
    video_url: null,
    thumbnail_url: null,
    duration: 3,
    artifact_id: null,
    artifact_url: null,
    release_asset_url: null,
    failure_message: null,
    ...extra
  }
}
