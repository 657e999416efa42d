import {
  cautionLines,
  code,
  countFitting,
  differingVariables,
  durationCell,
  escapeCell,
  lintLine,
  failureLine,
  statusCell,
  tableHeader,
  tableRow,
  tally,
  variableCell,
  type ReportHeader
} from './report-table.js'
import type { ResultEntry } from './results.js'

export { differingVariables } from './report-table.js'

/** GitHub refuses a step summary over 1 MiB ("supports content up to a size of 1024k") and drops it whole. */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024

export interface SummaryLimits {
  maxBytes: number
  /** Above this many rows the table folds into <details>, keeping the header and failures in view. */
  collapseRows: number
}

export const DEFAULT_SUMMARY_LIMITS: SummaryLimits = { maxBytes: SUMMARY_LIMIT_BYTES, collapseRows: 20 }

const MAX_VALUE_CHARS = 120
const MAX_FAILURE_CHARS = 2000
/** The step's failure lists up to ten render failures: room for them, not for a megabyte of one. */
export const MAX_ERROR_CHARS = 8000
/** Room kept for the "… more not shown" notes when rows have to go. */
const NOTE_RESERVE_BYTES = 600

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8')

/**
 * Markdown for the job summary: a header (commit, composition, settings), one row per render
 * (name, the variables that differ between entries, status, duration, links), then the failures
 * with their messages. Always under `maxBytes`: large tables fold into <details>, and past the
 * limit rows are cut with a note pointing at the `results` output, which has every render.
 */
export function renderSummary(results: ResultEntry[], header: ReportHeader, limits: SummaryLimits = DEFAULT_SUMMARY_LIMITS): string {
  const head = headLines(results, header)
  if (header.skipped || results.length === 0) return head.join('\n') + '\n'

  const vars = differingVariables(results)
  const columns = ['#', 'Name', ...vars.map((v) => escapeCell(v, 60)), 'Status', 'Duration', 'Links', 'Render id']
  const rows = results.map((r) =>
    tableRow([String(r.index), escapeCell(r.name), ...vars.map((k) => variableCell(r, k, MAX_VALUE_CHARS)), statusCell(r.status), durationCell(r), linksCell(r), r.render_id ? code(r.render_id) : ''])
  )
  const failures = results.filter((r) => r.failure_message).map((r) => failureLine(r, MAX_FAILURE_CHARS))
  const collapse = results.length > limits.collapseRows

  const compose = (shownRows: number, shownFailures: number): string => {
    const lines = [...head]
    if (collapse) lines.push('<details>', `<summary>All ${results.length} renders</summary>`, '')
    lines.push(...tableHeader(columns), ...rows.slice(0, shownRows))
    if (shownRows < rows.length) {
      lines.push('', `_…and ${rows.length - shownRows} more renders not shown: a job summary holds at most 1 MiB. Every render is in the step's \`results\` output._`)
    }
    if (collapse) lines.push('', '</details>')
    if (failures.length > 0) {
      lines.push('', '### Failures', '', ...failures.slice(0, shownFailures))
      if (shownFailures < failures.length) lines.push('', `_…and ${failures.length - shownFailures} more failures: see the \`results\` output._`)
    }
    return lines.join('\n') + '\n'
  }

  const full = compose(rows.length, failures.length)
  if (bytes(full) <= limits.maxBytes) return full
  // Too big: failures may take up to half of what is left, the rows take the rest.
  const budget = limits.maxBytes - bytes(compose(0, 0)) - NOTE_RESERVE_BYTES
  const shownFailures = countFitting(failures, Math.floor(budget / 2), bytes)
  const failureBytes = failures.slice(0, shownFailures).reduce((n, line) => n + bytes(line) + 1, 0)
  const shownRows = countFitting(rows, budget - failureBytes, bytes)
  return compose(shownRows, shownFailures)
}

function headLines(results: ResultEntry[], header: ReportHeader): string[] {
  const title = header.skipped
    ? '## 🎬 HyperFrames renders: skipped'
    : header.invalidInputs
      ? '## 🎬 HyperFrames renders: Not rendered: invalid inputs'
      : `## 🎬 HyperFrames renders: ${tally(results)}`
  const lines = [title, '', `Commit ${code(header.sha.slice(0, 12))} · composition ${code(header.composition)} · ${header.settings}${header.assetId ? ` · asset ${code(header.assetId)}` : ''}`, '']
  const lint = lintLine(header)
  if (lint) lines.push(lint, '')
  if (header.skipped) lines.push('> [!NOTE]', `> ${escapeCell(header.skipped, MAX_ERROR_CHARS)}`, '')
  if (header.error) lines.push(...cautionLines(header.error, MAX_ERROR_CHARS), '')
  return lines
}

/** Durable links first: the artifact page and the release asset outlive HeyGen's signed URLs. */
function linksCell(r: ResultEntry): string {
  const links: string[] = []
  if (r.artifact_url) links.push(`[artifact](${r.artifact_url})`)
  if (r.release_asset_url) links.push(`[release asset](${r.release_asset_url})`)
  if (links.length === 0 && r.video_path) links.push(code(r.video_path))
  return links.join(' · ')
}
