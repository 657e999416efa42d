import {
  code,
  countFitting,
  differingVariables,
  durationCell,
  escapeCell,
  isSuccess,
  statusCell,
  tableHeader,
  tableRow,
  tally,
  truncate,
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
  /** The picture of each entry, by matrix index (see previews/preview-markup.ts); none: no Preview column. */
  previews?: Map<number, string>
}

const MAX_VALUE_CHARS = 80
const MAX_FAILURE_CHARS = 500
const THUMB_WIDTH = 160

/**
 * The sticky PR comment: the marker, a header, the table with durable links first (the artifact
 * page and the release asset outlive HeyGen's signed URLs; the run always exists), thumbnails when
 * the API gave them, and the failures. Over the limit it degrades to a short table that links to
 * the run summary, then cuts rows with a note.
 */
export function buildCommentBody(results: ResultEntry[], header: ReportHeader, opts: CommentBodyOptions): string {
  const max = opts.maxChars ?? COMMENT_LIMIT_CHARS
  const full = compose(results, header, opts, 'full')
  if (full.length <= max) return full
  const compact = compose(results, header, opts, 'compact')
  if (compact.length <= max) return compact
  return composeCut(results, header, opts, max)
}

type Layout = 'full' | 'compact'

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
  // The default key is the composition's path, already in the line below; a custom key is news.
  const title = key === header.composition ? '### 🎬 HyperFrames preview' : `### 🎬 HyperFrames preview · ${code(key)}`
  const commit = header.commitUrl ? `[\`${header.sha.slice(0, 7)}\`](${header.commitUrl})` : `\`${header.sha.slice(0, 7)}\``
  const head = [
    commentMarker(key),
    title,
    '',
    `**${results.length > 0 ? `${tally(results)}` : 'No renders'}** for commit ${commit} · ${code(header.composition)} · ${header.settings}${header.runUrl ? ` · ${runLink(header, 'workflow run')}` : ''}`,
    ''
  ]
  if (header.error) head.push('> [!CAUTION]', `> ${escapeCell(truncate(header.error, 2000))}`, '')

  const tail: string[] = []
  const failures = results.filter((r) => !isSuccess(r))
  if (layout === 'full') {
    const table = fullTable(results, header, opts.previews ?? previewSources(results))
    if (failures.some((r) => r.failure_message)) {
      tail.push('', '**Failures**', '')
      for (const r of failures) if (r.failure_message) tail.push(`- **${escapeCell(r.name)}** (${r.status}): ${escapeCell(r.failure_message, MAX_FAILURE_CHARS)}`)
    }
    tail.push('', footer(key))
    return { head, table: results.length > 0 ? table : [], tail }
  }
  const table = tableHeader(['Name', 'Status', 'Video'])
  for (const r of results) table.push(tableRow([escapeCell(r.name, MAX_VALUE_CHARS), statusCell(r.status), linksCell(r, header)]))
  tail.push('', `The full table, with variables, durations and failure messages, is in the ${runLink(header, 'run summary')}.`, '', footer(key))
  return { head, table: results.length > 0 ? table : [], tail }
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

/** Durable links only: the artifact page, the release asset, else the run that has the logs. */
function linksCell(r: ResultEntry, header: ReportHeader): string {
  const links: string[] = []
  if (r.artifact_url) links.push(`[artifact](${r.artifact_url})`)
  if (r.release_asset_url) links.push(`[release asset](${r.release_asset_url})`)
  if (links.length === 0 && header.runUrl && isSuccess(r)) links.push(`[run](${header.runUrl})`)
  return links.join(' · ')
}

function runLink(header: ReportHeader, text: string): string {
  return header.runUrl ? `[${text}](${header.runUrl})` : text
}

function footer(key: string): string {
  return `<sub>Updated in place by hyperframes-render-action on every run for ${code(key)}. Thumbnails are HeyGen's short-lived links; artifacts last for the run's retention.</sub>`
}
