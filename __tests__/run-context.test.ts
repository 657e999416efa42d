import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { RunContext } from '../src/inputs/run-context.js'
import { keyJobs } from '../src/render/idempotency.js'
import type { RenderJob } from '../src/render/job.js'

// readRunContext reads the event the way @actions/github does: once, when first imported. So the
// runner's variables are set first, and the module is imported after them (this file imports it
// nowhere else).

const HEAD = 'c'.repeat(40)
const MERGE = 'd'.repeat(40)
const state = mkdtempSync(path.join(os.tmpdir(), 'hf-event-'))
const saved = { ...process.env }
let ctx: RunContext

beforeAll(async () => {
  const eventFile = path.join(state, 'event.json')
  writeFileSync(eventFile, JSON.stringify({ pull_request: { number: 7, head: { sha: HEAD } } }))
  Object.assign(process.env, { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: eventFile, GITHUB_SHA: MERGE, GITHUB_RUN_ID: '1001', GITHUB_REPOSITORY: 'octo/videos' })
  const { readRunContext } = await import('../src/inputs/run-context.js')
  ctx = readRunContext()
})
afterAll(() => {
  for (const key of ['GITHUB_EVENT_NAME', 'GITHUB_EVENT_PATH', 'GITHUB_SHA', 'GITHUB_RUN_ID', 'GITHUB_REPOSITORY']) {
    if (saved[key] === undefined) delete process.env[key]
    else process.env[key] = saved[key]
  }
  rmSync(state, { recursive: true, force: true })
})

describe('the commit a run builds', () => {
  it('takes the PR head SHA on pull_request events', () => {
    expect(ctx.sha).toBe(HEAD)
    expect(ctx.pullRequest).toBe(7)
    // The keys are made from it: a re-run of the pull request rebuilds the head, not the merge commit.
    const job = {
      index: 1,
      name: 'PR',
      variables: { title: 'PR' },
      settings: { composition: 'index.html', quality: 'standard', format: 'mp4', resolution: '1080p', aspectRatio: '16:9', title: 'PR' }
    } as RenderJob
    const [{ key }] = keyJobs([job], { sha: ctx.sha, zipSha256: 'f'.repeat(64) })
    expect(key).toContain(HEAD)
    expect(key).not.toContain(MERGE)
  })
})
