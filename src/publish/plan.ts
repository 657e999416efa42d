import type { PackagedProject } from '../project/package-project.js'
import { largestFiles } from '../project/size-limit.js'
import type { ZipFileEntry } from '../project/zip.js'
import { formatBytes } from '../render/scheduler.js'
import type { ResultEntry } from './results.js'
import { code, escapeCell, lintLine, type ReportHeader } from './report-table.js'

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
export function renderPlanSummary(results: readonly ResultEntry[], header: ReportHeader, zip: ZipPlan | undefined): string {
  const lines = [
    `## 📝 HyperFrames render plan (dry run): ${results.length} render${results.length === 1 ? '' : 's'}`,
    '',
    `Commit \`${header.sha.slice(0, 12)}\` · composition \`${header.composition}\` · ${header.settings}`,
    ''
  ]
  const lint = lintLine(header)
  if (lint) lines.push(lint, '')
  if (header.error) lines.push('> [!CAUTION]', `> ${escapeCell(header.error)}`, '')
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
  if (results.length > 0) {
    lines.push('| # | Name | Variables | Idempotency key |', '|---|---|---|---|')
    for (const r of results) {
      const vars = Object.entries(r.variables)
        .map(([k, v]) => `${code(k)}: ${escapeCell(JSON.stringify(v))}`)
        .join('<br>')
      lines.push(`| ${r.index} | ${escapeCell(r.name)} | ${vars || '—'} | \`${r.idempotency_key}\` |`)
    }
    lines.push('')
  }
  if (zip && zip.largest.length > 0) {
    lines.push('<details><summary>Largest files in the zip</summary>', '', '| Size | File |', '|---:|---|')
    for (const f of zip.largest) lines.push(`| ${formatBytes(f.size)} | ${code(f.path)} |`)
    lines.push('', '</details>')
  }
  return lines.join('\n') + '\n'
}
