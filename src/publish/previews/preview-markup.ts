import { escapeAttribute } from '../report-table.js'
import type { ResultEntry } from '../results.js'
import type { PreviewHosting } from './host-previews.js'

/** Where each entry's picture comes from: the hosted preview, else (unless hosting failed) the API's short-lived thumbnail. */
export function previewSources(results: ResultEntry[], hosting?: PreviewHosting): Map<number, string> {
  const out = new Map<number, string>()
  for (const r of results) {
    const hosted = hosting?.urls.get(r.index)
    if (hosted) out.set(r.index, hosted)
    // A failed hosting falls back to links: an expiring thumbnail would soon show as alt text only.
    else if (r.thumbnail_url && hosting?.state !== 'failed') out.set(r.index, r.thumbnail_url)
  }
  return out
}

/** An <img>, linked to the video's artifact page when there is one. */
export function previewImage(r: ResultEntry, src: string, width: number): string {
  const img = `<img src="${escapeAttribute(src)}" width="${width}" alt="${escapeAttribute(r.name)}">`
  return r.artifact_url ? `<a href="${escapeAttribute(r.artifact_url)}">${img}</a>` : img
}

/**
 * A grid of previews for the job summary: the pictures only, the table below has the rest. A job
 * summary shows only pictures at a URL, never a file on the runner: previews that were not hosted
 * are named by their artifact (`stored`) instead of left out, next to any expiring thumbnails.
 */
export function previewGallery(results: ResultEntry[], sources: Map<number, string>, stored?: { name: string; url: string }, width = 240): string[] {
  const shown = results.filter((r) => sources.has(r.index))
  const where = stored
    ? `The previews are in the artifact [${escapeMarkdownLink(stored.name)}](${stored.url}): a job summary cannot show files from the runner. With \`preview-branch\` they show here and in the pull request comment.`
    : undefined
  if (shown.length === 0) return where ? ['### Previews', '', where, ''] : []
  return ['### Previews', '', shown.map((r) => previewImage(r, sources.get(r.index) as string, width)).join(' '), '', ...(where ? [where, ''] : [])]
}

/** An artifact name is the output folder's name: nothing in it may close the link early. */
function escapeMarkdownLink(text: string): string {
  return text.replace(/[\\[\]()<>*_`|]/g, (c) => `\\${c}`)
}
