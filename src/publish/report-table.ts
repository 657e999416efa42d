import { isSuccessStatus } from '../render/outcome.js'
import type { ResultEntry } from './results.js'

// Pieces shared by the job summary and the PR comment, so both describe a render the same way.

/** What both reports say about the run above the table. */
export interface ReportHeader {
  sha: string
  composition: string
  settings: string
  assetId?: string
  /** Why the step failed, when it did. */
  error?: string
  /** Set when nothing was rendered on purpose (on-missing-key: skip): the reason. */
  skipped?: string
  /** HyperFrames lint findings; absent when lint did not run. */
  lint?: { mode: string; errors: number; warnings: number }
  /** The inputs (or the project they name) were refused before anything was planned. */
  invalidInputs?: boolean
  /** The workflow run's page, where the job summary lives. */
  runUrl?: string
  commitUrl?: string
}

const STATUS_ICON: Record<string, string> = {
  completed: '✅',
  submitted: '📤',
  failed: '❌',
  error: '❌',
  timed_out: '⏱️',
  cancelled: '🛑',
  pending: '⏸️',
  queued: '⏳',
  rendering: '⏳'
}

/** Words for a status where its code name would mislead: `pending` means it was never submitted. */
const STATUS_LABEL: Record<string, string> = { pending: 'not submitted', timed_out: 'timed out' }

export function statusLabel(status: string): string {
  return STATUS_LABEL[status] ?? status
}

export function statusCell(status: string): string {
  const icon = STATUS_ICON[status]
  return icon ? `${icon} ${statusLabel(status)}` : statusLabel(status)
}

/**
 * An error as a callout that keeps its shape: each line its own quoted line, so a list of problems
 * stays a list instead of running into one line.
 */
export function cautionLines(error: string, maxChars: number): string[] {
  const lines = truncate(error, maxChars)
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
  return ['> [!CAUTION]', ...lines.map((l) => (l.startsWith('- ') ? `> - ${escapeCell(l.slice(2))}` : `> ${escapeCell(l)}`))]
}

/** One failure, stated once: the status only when the message does not already say it. */
export function failureLine(r: ResultEntry, max: number, message = r.failure_message ?? ''): string {
  const label = statusLabel(r.status)
  const status = message.toLowerCase().startsWith(label) ? '' : ` (${label})`
  return `- **${escapeCell(r.name)}**${status}: ${escapeCell(message, max)}`
}

export function isSuccess(r: ResultEntry): boolean {
  return isSuccessStatus(r.status)
}

/**
 * The part of a huge string that can matter before it is cut to `max`: twice as long, since a CRLF
 * becomes one space, so the cut is still marked. Spares a scan of megabytes per cell.
 */
function head(text: string, max: number): string {
  return Number.isFinite(max) ? text.slice(0, max * 2 + 2) : text
}

/** Cuts text to at most `max` characters, marking the cut. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`
}

/**
 * Makes text safe inside a Markdown table cell: no pipes or line breaks to split the row, and no
 * angle brackets, so a variable holding `<!--` cannot hide the rest of the report.
 */
export function escapeCell(text: string, max = Infinity): string {
  return truncate(head(text, max).replace(/\r?\n/g, ' '), max).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|')
}

/**
 * Text as a code span (`…`), inside a table cell or not: entities would show literally there, so
 * only what breaks the span or the row is replaced.
 */
export function code(text: string, max = Infinity): string {
  return `\`${truncate(head(text, max).replace(/\r?\n/g, ' '), max).replace(/`/g, "'").replace(/\|/g, '\\|')}\``
}

/** For an HTML attribute value in double quotes. */
export function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/** The variables whose values differ between entries: what tells one row from another. */
export function differingVariables(results: ResultEntry[]): string[] {
  const keys = new Set(results.flatMap((r) => Object.keys(r.variables)))
  return [...keys].filter((k) => new Set(results.map((r) => JSON.stringify(r.variables[k] ?? null))).size > 1)
}

export function variableCell(r: ResultEntry, key: string, max: number): string {
  const value = r.variables[key]
  if (value === undefined) return ''
  return escapeCell(value !== null && typeof value === 'object' ? JSON.stringify(value) : String(value), max)
}

export function durationCell(r: ResultEntry): string {
  return r.duration != null ? `${r.duration.toFixed(1)} s` : ''
}

export function tableHeader(columns: string[]): string[] {
  return [`| ${columns.join(' | ')} |`, `|${columns.map(() => '---|').join('')}`]
}

export function tableRow(cells: string[]): string {
  return `| ${cells.join(' | ')} |`
}

/** "Lint (warn): 1 error, 2 warnings, see the annotations", or undefined when lint did not run. */
export function lintLine(header: ReportHeader): string | undefined {
  const l = header.lint
  if (!l) return undefined
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`
  const counts = `${plural(l.errors, 'error')}, ${plural(l.warnings, 'warning')}`
  return `HyperFrames lint (${l.mode}): ${counts}${l.errors + l.warnings > 0 ? ', shown as annotations on the files' : ''}.`
}

/** Summary line: "2 of 3 succeeded". */
export function tally(results: ResultEntry[]): string {
  return `${results.filter(isSuccess).length} of ${results.length} succeeded`
}

/**
 * How many of `lines` fit, in order, within `budget` as measured by `size` (each line plus its
 * newline). Used to cut a report down to a size limit a row at a time.
 */
export function countFitting(lines: string[], budget: number, size: (text: string) => number): number {
  let used = 0
  for (let i = 0; i < lines.length; i++) {
    used += size(lines[i]) + 1
    if (used > budget) return i
  }
  return lines.length
}
