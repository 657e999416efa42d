import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { FOLD_ABOVE } from '../src/publish/comment-body.js'
import { PREVIEW_SECONDS } from '../src/publish/previews/ffmpeg-preview.js'
import { REPO_ROOT } from './support/action-runner.js'

// The README's pull-request section describes the comment the code writes and links the example
// a user copies: tied to the code here so the two cannot drift apart unnoticed.

const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8')
const start = readme.indexOf('### Preview pull requests')
const section = readme.slice(start, readme.indexOf('\n### ', start + 1))

describe("the README's pull-request section", () => {
  it('links the PR example workflow, which exists and hosts the previews with the permissions it needs', () => {
    expect(start).toBeGreaterThan(-1)
    expect(section).toContain('[`pr-preview.yml`](examples/workflows/pr-preview.yml)')
    const example = readFileSync(path.join(REPO_ROOT, 'examples/workflows/pr-preview.yml'), 'utf8')
    expect(example).toMatch(/^\s+preview-branch: \S+/m)
    expect(example).toMatch(/^\s+contents: write$/m)
    expect(example).toMatch(/^\s+pull-requests: write$/m)
    for (const [, link] of section.matchAll(/\]\((examples\/workflows\/[^)]+)\)/g)) expect(existsSync(path.join(REPO_ROOT, link))).toBe(true)
  })

  it('states the fold and the preview length the code uses', () => {
    expect(section).toContain(`up to ${FOLD_ABOVE} entries, one row each`)
    expect(section).toContain(`above ${FOLD_ABOVE} entries, a grid of previews`)
    expect(section).toContain(`an animated WebP of the first ${PREVIEW_SECONDS} s`)
  })

  it('says where the previews are without preview-branch, as the summary does', () => {
    expect(section).toContain('`<output-dir>-previews` artifact, which the job summary names and links')
  })
})
