import { differingVariables, renderSummary } from '../src/publish/summary.js'
import type { ResultEntry } from '../src/publish/results.js'

function entry(index: number, variables: Record<string, string>, status = 'completed', extra: Partial<ResultEntry> = {}): ResultEntry {
  return {
    name: `r-${index}`,
    index,
    variables,
    render_id: `rid${index}`,
    idempotency_key: `k${index}`,
    status,
    video_path: `renders/r-${index}.mp4`,
    video_url: null,
    thumbnail_url: null,
    duration: 3,
    artifact_id: null,
    artifact_url: null,
    release_asset_url: null,
    failure_message: null,
    ...extra
  }
}

describe('job summary', () => {
  it('shows only the variables that differ between entries', () => {
    const results = [entry(1, { locale: 'en', brand: 'x' }), entry(2, { locale: 'fr', brand: 'x' })]
    expect(differingVariables(results)).toEqual(['locale'])
    const md = renderSummary(results, { sha: 'a'.repeat(40), composition: 'video/index.html', settings: 'standard · mp4' })
    expect(md).toContain('| # | Name | locale | Status | Duration | Links | Render id |')
    expect(md).toContain('| 2 | r-2 | fr | ✅ completed | 3.0 s | `renders/r-2.mp4` | `rid2` |')
    expect(md).not.toContain('brand')
    expect(md).toContain('2 of 2 succeeded')
  })

  it('lists failures with their messages and escapes table characters', () => {
    const results = [entry(1, {}), entry(2, {}, 'failed', { failure_message: 'bad | font\nmissing', video_path: null })]
    const md = renderSummary(results, { sha: 'a'.repeat(40), composition: 'index.html', settings: '', error: '1 of 2 renders did not complete' })
    expect(md).toContain('1 of 2 succeeded')
    expect(md).toContain('- **r-2** (failed): bad \\| font missing')
    expect(md).toContain('> 1 of 2 renders did not complete')
  })
})
