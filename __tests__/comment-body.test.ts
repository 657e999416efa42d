import { COMMENT_LIMIT_CHARS, buildCommentBody, commentMarker, hasMarker } from '../src/publish/comment-body.js'
import { resultEntry as entry } from './support/result-entry.js'

const HEADER = {
  sha: 'a'.repeat(40),
  composition: 'video/index.html',
  settings: 'standard · mp4',
  runUrl: 'https://github.com/o/r/actions/runs/42',
  commitUrl: `https://github.com/o/r/commit/${'a'.repeat(40)}`
}

describe('comment marker', () => {
  it('is an HTML comment holding the key', () => {
    expect(commentMarker('video/index.html')).toBe('<!-- hyperframes-render-action comment-key: video/index.html -->')
  })

  it('cannot be closed early by the key', () => {
    const marker = commentMarker('evil --> <b>x</b> --!> é')
    expect(marker.match(/-->/g)).toHaveLength(1)
    expect(marker.endsWith(' -->')).toBe(true)
    expect(marker).not.toContain('<b>')
    expect(marker).not.toContain('--!>')
    expect(marker).toContain('%C3%A9')
    expect(commentMarker('a b')).not.toBe(commentMarker('a%20b'))
  })

  it('matches only as the first line, for exactly that key', () => {
    const marker = commentMarker('intro')
    expect(hasMarker(`${marker}\n### hi`, marker)).toBe(true)
    expect(hasMarker(`> ${marker}\n`, marker)).toBe(false)
    expect(hasMarker(`${commentMarker('intro-2')}\n`, marker)).toBe(false)
    expect(hasMarker(null, marker)).toBe(false)
  })
})

describe('comment body', () => {
  it('has the table with thumbnails and durable links first', () => {
    const results = [
      entry(1, { locale: 'en' }, 'completed', { thumbnail_url: 'https://cdn.example/t1.png?sig=a&b="c"', artifact_url: 'https://github.com/o/r/actions/runs/42/artifacts/7' }),
      entry(2, { locale: 'fr' }, 'failed', { failure_message: 'font missing', video_path: null })
    ]
    const body = buildCommentBody(results, HEADER, { key: 'video/index.html' })
    expect(body.split('\n')[0]).toBe(commentMarker('video/index.html'))
    expect(body).toContain('**1 of 2 succeeded** for commit [`aaaaaaa`](https://github.com/o/r/commit/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa)')
    expect(body).toContain('[workflow run](https://github.com/o/r/actions/runs/42)')
    expect(body).toContain('| Preview | Name | locale | Status | Duration | Video |')
    expect(body).toContain(
      '| <a href="https://github.com/o/r/actions/runs/42/artifacts/7"><img src="https://cdn.example/t1.png?sig=a&amp;b=&quot;c&quot;" width="160" alt="r-1"></a> | r-1 | en | ✅ completed | 3.0 s | [artifact](https://github.com/o/r/actions/runs/42/artifacts/7) |'
    )
    expect(body).toContain('|  | r-2 | fr | ❌ failed | 3.0 s | [log](https://github.com/o/r/actions/runs/42) |')
    expect(body).toContain('- **r-2** (failed): font missing')
  })

  it('links the run when a video has no artifact or release asset', () => {
    const body = buildCommentBody([entry(1, {})], HEADER, { key: 'k' })
    expect(body).toContain('| r-1 | ✅ completed | 3.0 s | [run](https://github.com/o/r/actions/runs/42) |')
    expect(body).not.toContain('Preview')
  })

  it('degrades to a short table linking the run summary when the full one is too long', () => {
    const results = Array.from({ length: 256 }, (_, i) =>
      entry(i + 1, { headline: `${i} ${'w'.repeat(300)}`, locale: `l${i}` }, 'completed', { thumbnail_url: `https://cdn.example/${i}.png?${'s'.repeat(300)}` })
    )
    const body = buildCommentBody(results, HEADER, { key: 'k' })
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT_CHARS)
    expect(body).toContain('| Name | Status | Video |')
    expect(body).not.toContain('<img')
    expect(body.match(/^\| r-\d+ \|/gm)).toHaveLength(256)
    expect(body).toContain('The full table, with variables, durations and failure messages, is in the [run summary](https://github.com/o/r/actions/runs/42).')
    expect(body.split('\n')[0]).toBe(commentMarker('k'))
  })

  it('cuts rows with a note when even the short table is too long', () => {
    const results = Array.from({ length: 256 }, (_, i) => entry(i + 1, {}, 'completed', { name: `n-${i}-${'z'.repeat(90)}`, artifact_url: `https://github.com/o/r/actions/runs/42/artifacts/${i}` }))
    for (const maxChars of [4_000, 20_000]) {
      const body = buildCommentBody(results, HEADER, { key: 'k', maxChars })
      expect(body.length).toBeLessThanOrEqual(maxChars)
      const shown = (body.match(/^\| n-\d+/gm) ?? []).length
      expect(shown).toBeGreaterThan(0)
      expect(shown).toBeLessThan(256)
      expect(body).toContain(`_…and ${256 - shown} more renders: see the [run summary](https://github.com/o/r/actions/runs/42)._`)
    }
  })
})

describe('comment body that reads well', () => {
  const artifact = (i: number): string => `https://github.com/octo-org/marketing-videos/actions/runs/12345678901/artifacts/${3_000_000_000 + i}`
  const hosted = (i: number): string => `https://github.com/octo-org/marketing-videos/raw/hyperframes-previews/videos-launch-index.html-1a2b3c4d/123/launch-${i}-en-US.webp?v=0123456789ab`

  it('folds 40 entries into a grid of previews, a count by status and the full table in <details>, under 20,000 characters', () => {
    const results = Array.from({ length: 40 }, (_, i) =>
      entry(i + 1, { locale: ['en-US', 'fr-FR', 'de-DE', 'ja-JP'][i % 4], headline: `Launch day ${i + 1}: everything you need` }, i === 7 ? 'failed' : 'completed', {
        name: `launch-${i + 1}-${['en-US', 'fr-FR', 'de-DE', 'ja-JP'][i % 4]}`,
        artifact_url: i === 7 ? null : artifact(i + 1),
        failure_message: i === 7 ? 'font missing (render id rid8)' : null,
        thumbnail_url: `https://cdn.example/${i}.png?sig=${'s'.repeat(200)}`
      })
    )
    const previews = new Map(results.filter((r) => r.status === 'completed').map((r) => [r.index, hosted(r.index)]))
    const body = buildCommentBody(results, HEADER, { key: 'videos/launch/index.html', previews, hostedPreviews: true })
    expect(body.length).toBeLessThan(20_000)
    const [visible, folded] = body.split('<details>')
    // In view: 39 linked pictures, the count by status, no full table yet.
    expect(visible.match(/<a href="[^"]+"><img src="[^"]+" width="120" alt="launch-\d+-[a-zA-Z-]+"><\/a>/g)).toHaveLength(39)
    expect(visible).toContain('| ✅ completed | 39 |')
    expect(visible).toContain('| ❌ failed | 1 |')
    expect(visible).not.toContain('| Name |')
    // Folded: the full table, one row per entry, without the pictures again.
    expect(folded).toContain('<summary>All 40 renders</summary>')
    expect(folded.match(/^\| launch-\d+/gm)).toHaveLength(40)
    expect(folded).not.toContain('<img')
    // The failure is stated once, in the list, without the render id; its row links to the run's log.
    expect(body.match(/font missing/g)).toHaveLength(1)
    expect(body).not.toContain('rid8')
    expect(body).toContain('| launch-8-ja-JP | ja-JP | Launch day 8: everything you need | ❌ failed | 3.0 s | [log](https://github.com/o/r/actions/runs/42) |')
    expect(body).toContain('Previews are kept on the preview branch.')
  })

  it('does not fold 10 entries', () => {
    const body = buildCommentBody(
      Array.from({ length: 10 }, (_, i) => entry(i + 1, {})),
      HEADER,
      { key: 'k' }
    )
    expect(body).not.toContain('<details>')
  })

  it('keeps a list of problems a list, says when inputs were invalid, and shows no render or asset id', () => {
    const error = '2 variable values do not match the declarations in index.html:\n  - matrix[0].title: expected a string\n  - matrix[1].count: expected a number\nFix the values.'
    const body = buildCommentBody([], { ...HEADER, error, invalidInputs: true, assetId: 'asset_123' }, { key: 'k' })
    expect(body).toContain('**Not rendered: invalid inputs** for commit')
    expect(body).toContain('> - matrix[0].title: expected a string\n> - matrix[1].count: expected a number\n> Fix the values.')
    expect(body).not.toContain('0 of 0')
    expect(body).not.toContain('asset_123')
  })

  it('says "not submitted" for a render that never was, once', () => {
    const body = buildCommentBody([entry(1, {}, 'pending', { failure_message: 'not submitted: timeout-minutes was reached first', video_path: null })], HEADER, { key: 'k' })
    expect(body).toContain('⏸️ not submitted')
    expect(body).not.toContain('pending')
    expect(body).toContain('- **r-1**: not submitted: timeout-minutes was reached first')
  })

  it('never shows a runner path', () => {
    const body = buildCommentBody([entry(1, {}, 'completed', { video_path: 'demo-out/renders/r-1.mp4' })], HEADER, { key: 'k' })
    expect(body).not.toContain('demo-out')
  })
})
