import type { PackagedProject } from '../project/package-project.js'
import { largestFiles } from '../project/size-limit.js'
import type { ZipFileEntry } from '../project/zip.js'
import { formatBytes } from '../render/scheduler.js'
import type { ResultEntry } from './results.js'
import { code, countFitting, escapeCell, lintLine, type ReportHeader } from './report-table.js'
import { MAX_ERROR_CHARS, SUMMARY_LIMIT_BYTES } from './summary.js'

/** A variable value or a name in the plan's table; longer ones are cut with a mark. */
const MAX_CELL_CHARS = 300
/** Room kept for the "… more not shown" note when rows have to go. */
const NOTE_RESERVE_BYTES = 600
const bytes = (text: string): number => Buffer.byteLength(text, 'utf8')

/** What a dry run reports about the zip it built. */
export interface ZipPlan {
  bytes: number
  fileCount: number
  sha256: string
  largest: ZipFileEntry[]
  /** Files packed from outside the project folder. */
  external: number
}

export function describeZip(zip: PackagedProject): ZipPlan {
  return { bytes: zip.size, fileCount: zip.files.length, sha256: zip.sha256, largest: largestFiles(zip.files), external: zip.external.length }
}

/** The plan as log lines: the zip, then one line per render with its key and variables. */
export function planLines(results: readonly ResultEntry[], zip: ZipPlan): string[] {
  return [
    `Dry run: nothing was uploaded and no render was submitted. ${results.length} render${results.length === 1 ? '' : 's'} would be submitted:`,
    ...results.map((r) => `  ${r.index}. ${r.name}  key ${r.idempotency_key}  variables ${JSON.stringify(r.variables)}`),
    `Project zip: ${formatBytes(zip.bytes)}, ${zip.fileCount} file${zip.fileCount === 1 ? '' : 's'}, sha256 ${zip.sha256}${zip.external ? `, ${zip.external} from outside the project folder (under _ext/)` : ''}. Largest files:`,
    ...zip.largest.map((f) => `  ${formatBytes(f.size).padStart(10)}  ${f.path}`)
  ]
}

/** The job summary of a dry run: every render with all its variables and its key, and the zip. */
export function renderPlanSummary(results: readonly ResultEntry[], header: ReportHeader, zip: ZipPlan | undefined, maxBytes = SUMMARY_LIMIT_BYTES): string {
  const lines = [
    `## 📝 HyperFrames render plan (dry run): ${results.length} render${results.length === 1 ? '' : 's'}`,
    '',
    `Commit \`${header.sha.slice(0, 12)}\` · composition \`${header.composition}\` · ${header.settings}`,
    ''
  ]
  const lint = lintLine(header)
  if (lint) lines.push(lint, '')
  if (header.error) lines.push('> [!CAUTION]', `> ${escapeCell(header.error, MAX_ERROR_CHARS)}`, '')
  lines.push(
    'Nothing was uploaded and nothing was submitted. The same inputs without `dry-run` submit these renders with these idempotency keys; a key already rendered is replayed, not billed again.',
    ''
  )
  if (zip) {
    lines.push(
      `**Project zip:** ${formatBytes(zip.bytes)} · ${zip.fileCount} file${zip.fileCount === 1 ? '' : 's'} · sha256 \`${zip.sha256.slice(0, 12)}\`${zip.external ? ` · ${zip.external} packed from outside the project folder under \`_ext/\`` : ''}`,
      ''
    )
  }
  const tail: string[] = []
  if (zip && zip.largest.length > 0) {
    tail.push('<details><summary>Largest files in the zip</summary>', '', '| Size | File |', '|---:|---|')
    for (const f of zip.largest) tail.push(`| ${formatBytes(f.size)} | ${code(f.path, MAX_CELL_CHARS)} |`)
    tail.push('', '</details>')
  }
  if (results.length > 0) {
    const rows = results.map((r) => {
      // Values are cut for the summary only: the `results` output keeps them whole.
      const vars = Object.entries(r.variables)
        .map(([k, v]) => `${code(k, MAX_CELL_CHARS)}: ${escapeCell(JSON.stringify(typeof v === 'string' ? v.slice(0, MAX_CELL_CHARS) : v), MAX_CELL_CHARS)}`)
        .join('<br>')
      return `| ${r.index} | ${escapeCell(r.name, MAX_CELL_CHARS)} | ${vars || '—'} | \`${r.idempotency_key}\` |`
    })
    // Many variables on many entries can still outgrow the summary: rows are cut, with a note.
    const budget = maxBytes - bytes([...lines, ...tail].join('\n')) - NOTE_RESERVE_BYTES
    const shown = countFitting(rows, budget, bytes)
    lines.push('| # | Name | Variables | Idempotency key |', '|---|---|---|---|', ...rows.slice(0, shown))
    if (shown < rows.length) lines.push('', `_…and ${rows.length - shown} more renders not shown: a job summary holds at most 1 MiB. Every render is in the step's \`results\` output._`)
    lines.push('')
  }
  return [...lines, ...tail].join('\n') + '\n'
}
