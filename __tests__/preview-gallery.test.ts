import { previewGallery } from '../src/publish/previews/preview-markup.js'
import { resultEntry } from './support/result-entry.js'

// The job summary's previews: pictures where there is a URL, and the artifact named where there is
// only a file on the runner (backend: local without preview-branch, or thumbnails that expire).

const STORED = { name: 'renders-previews', url: 'https://github.com/o/r/actions/runs/7/artifacts/42' }

describe('the summary gallery', () => {
  it('names the previews artifact when no picture can be shown, instead of showing nothing', () => {
    const lines = previewGallery([resultEntry(0, {})], new Map(), STORED)
    expect(lines).toEqual([
      '### Previews',
      '',
      'The previews are in the artifact [renders-previews](https://github.com/o/r/actions/runs/7/artifacts/42): a job summary cannot show files from the runner. With `preview-branch` they show here and in the pull request comment.',
      ''
    ])
  })

  it('names it under expiring thumbnails too', () => {
    const lines = previewGallery([resultEntry(0, {})], new Map([[0, 'https://thumbs.example/0.png']]), STORED)
    expect(lines[2]).toContain('<img src="https://thumbs.example/0.png"')
    expect(lines[4]).toMatch(/^The previews are in the artifact \[renders-previews\]\(/)
  })

  it('says nothing when there are neither pictures nor an artifact', () => {
    expect(previewGallery([resultEntry(0, {})], new Map())).toEqual([])
  })

  it('escapes an artifact name that would break the link', () => {
    const lines = previewGallery([], new Map(), { name: 'a]b(c)', url: 'https://x.example/1' })
    expect(lines[2]).toContain('[a\\]b\\(c\\)](https://x.example/1)')
  })
})
