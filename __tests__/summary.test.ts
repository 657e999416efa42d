import { DEFAULT_SUMMARY_LIMITS, SUMMARY_LIMIT_BYTES, differingVariables, renderSummary } from '../src/publish/summary.js'
import { resultEntry as entry } from './support/result-entry.js'

const HEADER = { sha: 'a'.repeat(40), composition: 'video/index.html', settings: 'standard · mp4' }
const bytes = (text: string): number => Buffer.byteLength(text, 'utf8')

describe('job summary', () => {
  it('shows only the variables that differ between entries', () => {
    const results = [entry(1, { locale: 'en', brand: 'x' }), entry(2, { locale: 'fr', brand: 'x' })]
    expect(differingVariables(results)).toEqual(['locale'])
    const md = renderSummary(results, HEADER)
    expect(md).toContain('| # | Name | locale | Status | Duration | Links | Render id |')
    expect(md).toContain('| 2 | r-2 | fr | ✅ completed | 3.0 s | `renders/r-2.mp4` | `rid2` |')
    expect(md).not.toContain('brand')
    expect(md).toContain('2 of 2 succeeded')
    expect(md).not.toContain('<details>')
  })

  it('puts durable links in the links column', () => {
    const md = renderSummary(
      [entry(1, {}, 'completed', { artifact_url: 'https://github.com/o/r/actions/runs/1/artifacts/9', release_asset_url: 'https://github.com/o/r/releases/download/v1/r-1.mp4' })],
      HEADER
    )
    expect(md).toContain('| [artifact](https://github.com/o/r/actions/runs/1/artifacts/9) · [release asset](https://github.com/o/r/releases/download/v1/r-1.mp4) |')
  })

  it('lists failures with their messages and escapes table characters', () => {
    const results = [entry(1, {}), entry(2, {}, 'failed', { failure_message: 'bad | font\nmissing <b>', video_path: null })]
    const md = renderSummary(results, { ...HEADER, error: '1 of 2 renders did not complete' })
    expect(md).toContain('1 of 2 succeeded')
    expect(md).toContain('- **r-2** (failed): bad \\| font missing &lt;b&gt;')
    expect(md).toContain('> 1 of 2 renders did not complete')
  })

  it('keeps code spans literal: no entities inside backticks, pipes still escaped', () => {
    const md = renderSummary([entry(1, {}, 'completed', { video_path: 'out/a&b|c`d.mp4' })], HEADER)
    expect(md).toContain("| `out/a&b\\|c'd.mp4` |")
  })

  it('shows the lint counts under the header, and nothing about lint when it did not run', () => {
    const withLint = renderSummary([entry(1, {})], { ...HEADER, lint: { mode: 'warn', errors: 2, warnings: 1 } })
    expect(withLint).toContain('\nHyperFrames lint (warn): 2 errors, 1 warning, shown as annotations on the files.\n')
    expect(renderSummary([entry(1, {})], { ...HEADER, lint: { mode: 'strict', errors: 0, warnings: 0 } })).toContain('HyperFrames lint (strict): 0 errors, 0 warnings.')
    expect(renderSummary([entry(1, {})], HEADER)).not.toContain('lint')
  })

  it('says why nothing was rendered when the run was skipped', () => {
    const md = renderSummary([], { ...HEADER, skipped: 'No renders: api-key is empty.' })
    expect(md).toContain('## 🎬 HyperFrames renders: skipped')
    expect(md).toContain('> No renders: api-key is empty.')
  })

  it('folds a large table into <details> and keeps every row while it fits', () => {
    const results = Array.from({ length: 40 }, (_, i) => entry(i + 1, { locale: `l${i}` }))
    const md = renderSummary(results, HEADER)
    expect(md).toContain('<details>\n<summary>All 40 renders</summary>')
    expect(md.match(/^\| \d+ \| r-\d+ \|/gm)).toHaveLength(40)
    expect(md).not.toContain('not shown')
  })

  it('stays under 1 MiB for a 300-entry matrix, cutting rows with a note', () => {
    // 300 renders, 40 long variables that all differ, and long failure messages: far over 1 MiB raw.
    const results = Array.from({ length: 300 }, (_, i) => {
      const vars = Object.fromEntries(Array.from({ length: 40 }, (_, k) => [`v${k}`, `${i}-${k}-${'x'.repeat(200)}`]))
      return entry(i + 1, vars, i % 2 ? 'failed' : 'completed', i % 2 ? { failure_message: `render ${i} broke: ${'y'.repeat(5000)}` } : {})
    })
    const unlimited = renderSummary(results, HEADER, { ...DEFAULT_SUMMARY_LIMITS, maxBytes: Number.MAX_SAFE_INTEGER })
    expect(bytes(unlimited)).toBeGreaterThan(SUMMARY_LIMIT_BYTES)

    const md = renderSummary(results, HEADER)
    expect(bytes(md)).toBeLessThanOrEqual(SUMMARY_LIMIT_BYTES)
    expect(md).toContain('<summary>All 300 renders</summary>')
    const rows = md.match(/^\| \d+ \| r-\d+ \|/gm) ?? []
    expect(rows.length).toBeGreaterThan(50)
    expect(rows.length).toBeLessThan(300)
    expect(rows[0]).toBe('| 1 | r-1 |')
    expect(md).toContain(`_…and ${300 - rows.length} more renders not shown: a job summary holds at most 1 MiB. Every render is in the step's \`results\` output._`)
    // Failures come whole (each message capped), they are what the reader came for.
    expect(md).toContain('### Failures')
    expect(md.match(/^- \*\*r-\d+\*\* \(failed\): render \d+ broke: y+…$/gm)).toHaveLength(150)
    expect(md).not.toContain('y'.repeat(2000))
    // Cells are capped, so one long value cannot eat the budget alone.
    expect(md).not.toContain('x'.repeat(200))
    // The document still closes its <details>.
    expect(md.indexOf('</details>')).toBeGreaterThan(md.lastIndexOf('| r-'))
  })

  it('cuts failures with a note when they alone pass the limit', () => {
    const results = Array.from({ length: 100 }, (_, i) => entry(i + 1, {}, 'failed', { failure_message: `broke ${'m'.repeat(1500)}` }))
    const md = renderSummary(results, HEADER, { ...DEFAULT_SUMMARY_LIMITS, maxBytes: 40_000 })
    expect(bytes(md)).toBeLessThanOrEqual(40_000)
    const shown = (md.match(/^- \*\*r-\d+\*\*/gm) ?? []).length
    expect(shown).toBeGreaterThan(0)
    expect(md).toContain(`_…and ${100 - shown} more failures: see the \`results\` output._`)
  })

  it('cuts to any smaller limit too', () => {
    const results = Array.from({ length: 300 }, (_, i) => entry(i + 1, { locale: `locale-${i}` }))
    for (const maxBytes of [4_000, 10_000, 16_000]) {
      const md = renderSummary(results, HEADER, { ...DEFAULT_SUMMARY_LIMITS, maxBytes })
      expect(bytes(md)).toBeLessThanOrEqual(maxBytes)
      expect(md).toContain('more renders not shown')
    }
  })
})
