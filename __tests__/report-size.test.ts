import { buildCommentBody, COMMENT_LIMIT_CHARS } from '../src/publish/comment-body.js'
import { renderPlanSummary } from '../src/publish/dry-run-report.js'
import { SUMMARY_LIMIT_BYTES, renderSummary } from '../src/publish/summary.js'
import { resultEntry as entry } from './support/result-entry.js'

// GitHub drops a job summary over 1 MiB whole, and refuses a comment over 65,536 characters: no
// server or user string, however long, may push a report past either.

const HEADER = { sha: 'a'.repeat(40), composition: 'project/index.html', settings: 'standard · mp4' }
const bytes = (text: string): number => Buffer.byteLength(text, 'utf8')
const HUGE_FAILURE = 'x'.repeat(2 * 1024 * 1024)
const HUGE_VALUE = 'v'.repeat(1.5 * 1024 * 1024)
const ZIP = { bytes: 1000, fileCount: 1, sha256: 'f'.repeat(64), largest: [{ path: 'index.html', size: 1000 }], external: 0 }

describe('report sizes', () => {
  it('keeps the summary under 1 MiB with a 2 MB failure_message, also quoted in the step error', () => {
    const results = [entry(1, {}), entry(2, {}, 'failed', { failure_message: HUGE_FAILURE, video_path: null })]
    const md = renderSummary(results, { ...HEADER, error: `1 of 2 renders did not complete (fail-on: any): r-2 (failed: ${HUGE_FAILURE})` })
    expect(bytes(md)).toBeLessThan(SUMMARY_LIMIT_BYTES)
    expect(md).toContain('1 of 2 renders did not complete')
    expect(md).toContain('- **r-2** (failed): xxx')
  })

  it('keeps a dry run plan under 1 MiB with a 1.5 MB variable, and shows the start of it', () => {
    const md = renderPlanSummary([entry(1, { title: HUGE_VALUE }, 'planned')], HEADER, ZIP)
    expect(bytes(md)).toBeLessThan(SUMMARY_LIMIT_BYTES)
    expect(md).toContain('`title`: "vvvv')
    expect(md).toContain('| 1 | r-1 |')
  })

  it('cuts plan rows with a note when many large values would still not fit', () => {
    const results = Array.from({ length: 256 }, (_, i) => entry(i + 1, Object.fromEntries(Array.from({ length: 20 }, (_, v) => [`var${v}`, HUGE_VALUE])), 'planned'))
    const md = renderPlanSummary(results, { ...HEADER, error: HUGE_FAILURE }, ZIP)
    expect(bytes(md)).toBeLessThanOrEqual(SUMMARY_LIMIT_BYTES)
    expect(md).toMatch(/_…and \d+ more renders not shown: a job summary holds at most 1 MiB/)
    expect(md).toContain('Largest files')
  })

  it('keeps the PR comment under its limit with the same strings', () => {
    const results = [entry(1, { title: HUGE_VALUE }), entry(2, { title: 'b' }, 'failed', { failure_message: HUGE_FAILURE, video_path: null })]
    const body = buildCommentBody(results, { ...HEADER, error: HUGE_FAILURE }, { key: 'project/index.html' })
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT_CHARS)
    expect(body).toContain('1 of 2 succeeded')
  })
})
