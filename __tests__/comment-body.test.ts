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
    expect(body).toContain('| <a href="https://github.com/o/r/actions/runs/42/artifacts/7"><img src="https://cdn.example/t1.png?sig=a&amp;b=&quot;c&quot;" width="160" alt="r-1"></a> | r-1 | en | ✅ completed | 3.0 s | [artifact](https://github.com/o/r/actions/runs/42/artifacts/7) |')
    expect(body).toContain('|  | r-2 | fr | ❌ failed | 3.0 s |  |')
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
