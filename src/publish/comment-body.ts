import {
  cautionLines,
  code,
  countFitting,
  differingVariables,
  durationCell,
  escapeCell,
  failureLine,
  isSuccess,
  statusCell,
  tableHeader,
  tableRow,
  tally,
  variableCell,
  type ReportHeader
} from './report-table.js'
import { previewImage, previewSources } from './previews/preview-markup.js'
import type { ResultEntry } from './results.js'

/** GitHub refuses an issue comment body over 65,536 characters. */
export const COMMENT_LIMIT_CHARS = 65_536

const MARKER_PREFIX = '<!-- hyperframes-render-action comment-key: '

/**
 * The hidden first line that tells this action's comment for `key` from every other comment.
 * Characters that could end the HTML comment early are percent-encoded.
 */
export function commentMarker(key: string): string {
  const safe = key.replace(/[^A-Za-z0-9._/:@ +=,~-]/gu, (c) => [...Buffer.from(c, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''))
  return `${MARKER_PREFIX}${safe} -->`
}

/** Is this comment body the one this action wrote for the marker? Only the first line counts. */
export function hasMarker(body: string | null | undefined, marker: string): boolean {
  return typeof body === 'string' && (body === marker || body.startsWith(`${marker}\n`) || body.startsWith(`${marker}\r\n`))
}

export interface CommentBodyOptions {
  key: string
  maxChars?: number
  /** The picture of each entry, by matrix index (see previews/preview-markup.ts); default: the API's thumbnails. */
  previews?: Map<number, string>
  /** The pictures are on preview-branch, so they last (the footer says so). */
  hostedPreviews?: boolean
}

const MAX_VALUE_CHARS = 80
const MAX_FAILURE_CHARS = 500
const THUMB_WIDTH = 160

/**
 * The sticky PR comment: the marker, a header, the table with durable links first (the artifact
 * page and the release asset outlive HeyGen's signed URLs; the run always exists), the previews,
 * and the failures. Above FOLD_ABOVE entries a grid of previews and a count by status stay in
 * view and the full table folds into <details>. Over the limit it degrades to a short table that
 * links to the run summary, then cuts rows with a note.
 */
export function buildCommentBody(results: ResultEntry[], header: ReportHeader, opts: CommentBodyOptions): string {
  const max = opts.maxChars ?? COMMENT_LIMIT_CHARS
  const first = compose(results, header, opts, results.length > FOLD_ABOVE ? 'folded' : 'full')
  if (first.length <= max) return first
  const compact = compose(results, header, opts, 'compact')
  if (compact.length <= max) return compact
  return composeCut(results, header, opts, max)
}

/** More entries than this and the comment folds: a 40-row table with pictures is a page and a half of scrolling. */
export const FOLD_ABOVE = 10
const GRID_WIDTH = 120

type Layout = 'full' | 'folded' | 'compact'

function compose(results: ResultEntry[], header: ReportHeader, opts: CommentBodyOptions, layout: Layout, shownRows = results.length): string {
  const parts = layoutParts(results, header, opts, layout)
  const lines = [...parts.head, ...parts.table.slice(0, 2 + shownRows)]
  if (shownRows < results.length) lines.push('', `_…and ${results.length - shownRows} more renders: see the ${runLink(header, 'run summary')}._`)
  lines.push(...parts.tail)
  return lines.join('\n') + '\n'
}

function composeCut(results: ResultEntry[], header: ReportHeader, opts: CommentBodyOptions, max: number): string {
  const parts = layoutParts(results, header, opts, 'compact')
  const fixed = compose(results, header, opts, 'compact', 0).length + 200
  const shown = countFitting(parts.table.slice(2), max - fixed, (s) => s.length)
  return compose(results, header, opts, 'compact', shown)
}

function layoutParts(results: ResultEntry[], header: ReportHeader, opts: CommentBodyOptions, layout: Layout): { head: string[]; table: string[]; tail: string[] } {
  const key = opts.key
  const previews = opts.previews ?? previewSources(results)
  // The default key is the composition's path, already in the line below; a custom key is news.
  const title = key === header.composition ? '### 🎬 HyperFrames preview' : `### 🎬 HyperFrames preview · ${code(key)}`
  const commit = header.commitUrl ? `[\`${header.sha.slice(0, 7)}\`](${header.commitUrl})` : `\`${header.sha.slice(0, 7)}\``
  const outcome = header.invalidInputs ? 'Not rendered: invalid inputs' : results.length > 0 ? tally(results) : 'No renders'
  const head = [
    commentMarker(key),
    title,
    '',
    `**${outcome}** for commit ${commit} · ${code(header.composition)}${header.settings ? ` · ${header.settings}` : ''}${header.runUrl ? ` · ${runLink(header, 'workflow run')}` : ''}`,
    ''
  ]
  if (header.error) head.push(...cautionLines(header.error, 2000), '')

  const tail: string[] = []
  const failures = results.filter((r) => !isSuccess(r) && r.failure_message)
  const failureList = (): void => {
    if (failures.length === 0) return
    tail.push('', '**Failures**', '')
    for (const r of failures) tail.push(failureLine(r, MAX_FAILURE_CHARS, withoutIds(r.failure_message ?? '')))
  }
  if (layout === 'full') {
    failureList()
    tail.push('', footer(key, previews, opts))
    return { head, table: results.length > 0 ? fullTable(results, header, previews) : [], tail }
  }
  if (layout === 'folded') {
    const grid = results.filter((r) => previews.has(r.index)).map((r) => previewImage(r, previews.get(r.index) as string, GRID_WIDTH))
    if (grid.length > 0) head.push(grid.join(' '), '')
    head.push(...statusTable(results), '', '<details>', `<summary>All ${results.length} renders</summary>`, '')
    tail.push('', '</details>')
    failureList()
    tail.push('', footer(key, previews, opts))
    return { head, table: fullTable(results, header, new Map()), tail }
  }
  const table = tableHeader(['Name', 'Status', 'Video'])
  for (const r of results) table.push(tableRow([escapeCell(r.name, MAX_VALUE_CHARS), statusCell(r.status), linksCell(r, header)]))
  tail.push('', `The full table, with variables, durations and failure messages, is in the ${runLink(header, 'run summary')}.`, '', footer(key, previews, opts))
  return { head, table: results.length > 0 ? table : [], tail }
}

/** The short table kept in view when the full one folds: how many renders ended how. */
function statusTable(results: ResultEntry[]): string[] {
  const counts = new Map<string, number>()
  for (const r of results) counts.set(r.status, (counts.get(r.status) ?? 0) + 1)
  return [...tableHeader(['Status', 'Renders']), ...[...counts].map(([status, n]) => tableRow([statusCell(status), String(n)]))]
}

function fullTable(results: ResultEntry[], header: ReportHeader, previews: Map<number, string>): string[] {
  const vars = differingVariables(results)
  const thumbs = results.some((r) => previews.has(r.index))
  const columns = [...(thumbs ? ['Preview'] : []), 'Name', ...vars.map((v) => escapeCell(v, 40)), 'Status', 'Duration', 'Video']
  const table = tableHeader(columns)
  for (const r of results) {
    table.push(
      tableRow([
        ...(thumbs ? [previews.has(r.index) ? previewImage(r, previews.get(r.index) as string, THUMB_WIDTH) : ''] : []),
        escapeCell(r.name),
        ...vars.map((k) => variableCell(r, k, MAX_VALUE_CHARS)),
        statusCell(r.status),
        durationCell(r),
        linksCell(r, header)
      ])
    )
  }
  return table
}

/** Render ids stay in the summary and the outputs; in a PR comment they are noise. */
function withoutIds(message: string): string {
  return message.replace(/\s*\(render id [^)]*\)/g, '')
}

/** Durable links only: the artifact page, the release asset, else the run (its log, for a failure). */
function linksCell(r: ResultEntry, header: ReportHeader): string {
  const links: string[] = []
  if (r.artifact_url) links.push(`[artifact](${r.artifact_url})`)
  if (r.release_asset_url) links.push(`[release asset](${r.release_asset_url})`)
  if (links.length === 0 && header.runUrl) links.push(isSuccess(r) ? `[run](${header.runUrl})` : `[log](${header.runUrl})`)
  return links.join(' · ')
}

function runLink(header: ReportHeader, text: string): string {
  return header.runUrl ? `[${text}](${header.runUrl})` : text
}

function footer(key: string, previews: Map<number, string>, opts: CommentBodyOptions): string {
  const pictures = previews.size === 0 ? '' : opts.hostedPreviews ? ' Previews are kept on the preview branch.' : " Thumbnails are the renderer's short-lived links."
  return `<sub>Updated in place by hyperframes-render-action on every run for ${code(key)}.${pictures} Artifacts last for the run's retention.</sub>`
}
