import type { ResultEntry } from './results.js'

export interface SummaryHeader {
  sha: string
  composition: string
  settings: string
  assetId?: string
  error?: string
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

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')
}

/** The variables whose values differ between entries: what tells one row from another. */
export function differingVariables(results: ResultEntry[]): string[] {
  const keys = new Set(results.flatMap((r) => Object.keys(r.variables)))
  return [...keys].filter((k) => new Set(results.map((r) => JSON.stringify(r.variables[k] ?? null))).size > 1)
}

/** Markdown for the job summary: a header, one row per render, then the failures in full. */
export function renderSummary(results: ResultEntry[], header: SummaryHeader): string {
  const ok = results.filter((r) => r.status === 'completed' || r.status === 'submitted').length
  const lines = [
    `## 🎬 HyperFrames renders: ${ok} of ${results.length} succeeded`,
    '',
    `Commit \`${header.sha.slice(0, 12)}\` · composition \`${header.composition}\` · ${header.settings}${header.assetId ? ` · asset \`${header.assetId}\`` : ''}`,
    ''
  ]
  if (header.error) lines.push(`> [!CAUTION]`, `> ${escapeCell(header.error)}`, '')
  if (results.length > 0) {
    const vars = differingVariables(results)
    lines.push(`| # | Name | Status | ${vars.map(escapeCell).join(' | ')}${vars.length ? ' | ' : ''}Duration | Video | Render id |`)
    lines.push(`|---|---|---|${vars.map(() => '---|').join('')}---|---|---|`)
    for (const r of results) {
      const cells = vars.map((k) => escapeCell(r.variables[k] === undefined ? '' : String(r.variables[k])))
      const video = r.artifact_url ? `[artifact](${r.artifact_url})` : r.video_path ? `\`${escapeCell(r.video_path)}\`` : ''
      lines.push(
        `| ${r.index} | ${escapeCell(r.name)} | ${STATUS_ICON[r.status] ?? ''} ${r.status} | ${cells.join(' | ')}${cells.length ? ' | ' : ''}${r.duration != null ? `${r.duration.toFixed(1)} s` : ''} | ${video} | ${r.render_id ? `\`${r.render_id}\`` : ''} |`
      )
    }
    const failures = results.filter((r) => r.failure_message)
    if (failures.length > 0) {
      lines.push('', '### Failures', '')
      for (const r of failures) lines.push(`- **${escapeCell(r.name)}** (${r.status}): ${escapeCell(r.failure_message ?? '')}`)
    }
  }
  return lines.join('\n') + '\n'
}
