import { isSuccess } from './report-table.js'
import * as core from '@actions/core'
import type { ResultEntry } from './results.js'

export interface RunTotals {
  succeeded: number
  failed: number
}

export function totals(results: ResultEntry[]): RunTotals {
  const succeeded = results.filter(isSuccess).length
  // A dry run's renders are planned: neither done nor failed.
  const planned = results.filter((r) => r.status === 'planned').length
  return { succeeded, failed: results.length - succeeded - planned }
}

/** Written on every exit path, so a failing or cancelled step still tells later steps what it did. */
export function writeOutputs(results: ResultEntry[], assetId: string | undefined): RunTotals {
  const t = totals(results)
  core.setOutput('results', JSON.stringify(results))
  core.setOutput('render-ids', JSON.stringify(results.map((r) => r.render_id).filter((id): id is string => id !== null)))
  core.setOutput('videos', JSON.stringify(results.map((r) => r.video_path).filter((p): p is string => p !== null)))
  core.setOutput('succeeded', String(t.succeeded))
  core.setOutput('failed', String(t.failed))
  core.setOutput('asset-id', assetId ?? '')
  return t
}

/** The outputs of publishing to GitHub, also written on every exit path ('' and 'false' when unused). */
export function writePublishOutputs(opts: { commentUrl?: string; commentBody?: string; skipped: boolean }): void {
  core.setOutput('comment-url', opts.commentUrl ?? '')
  core.setOutput('comment-body', opts.commentBody ?? '')
  core.setOutput('skipped', String(opts.skipped))
}
