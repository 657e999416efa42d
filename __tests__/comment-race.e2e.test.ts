import { rmSync } from 'node:fs'
import { startEmulator, type Emulator } from '../emulator/index.js'
import { SHA_A, emulatorInputs, makeWorkspace, runAction, type ActionRun } from './support/action-runner.js'
import { startGitHubServer, type GitHubServer } from './support/github-server.js'

// Two jobs with one comment-key (a user's strategy.matrix over one composition) both find no
// comment and both create one. The server holds both listings until both have asked, so the race
// happens every time; the action must still leave exactly one comment.

const MARKER = '<!-- hyperframes-render-action comment-key: project/index.html -->'

describe('one comment when jobs race', () => {
  let emulator: Emulator
  let github: GitHubServer
  let workspace: string

  beforeAll(async () => {
    emulator = await startEmulator({ apiKeys: ['test-key-123'], renderMs: 30, queueMs: 10 })
    github = await startGitHubServer()
    workspace = makeWorkspace()
  })
  afterAll(async () => {
    await emulator.close()
    await github.close()
    rmSync(workspace, { recursive: true, force: true })
  })

  const run = (title: string): Promise<ActionRun> =>
    runAction({
      workspace,
      sha: 'd'.repeat(40),
      eventName: 'pull_request',
      event: {
        number: 21,
        pull_request: { number: 21, state: 'open', head: { sha: SHA_A, repo: { full_name: 'octo/videos' } }, base: { repo: { full_name: 'octo/videos' } } },
        repository: { full_name: 'octo/videos' }
      },
      github: { apiUrl: github.url, token: github.token },
      inputs: emulatorInputs(emulator.url, { matrix: JSON.stringify([{ title }]), name: `r-${title}`, wait: 'false', 'output-dir': `out-${title}` })
    })

  it('two runs with one comment-key started together leave exactly one comment', async () => {
    github.gateCommentLists(2)
    const [a, b] = await Promise.all([run('A'), run('B')])
    expect([a.code, b.code]).toEqual([0, 0])
    const posts = github.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/issues/21/comments'))
    // Both created one: the race really happened.
    expect(posts).toHaveLength(2)
    const ours = github.comments(21).filter((c) => c.body.startsWith(`${MARKER}\n`))
    expect(ours).toHaveLength(1)
    // The newer duplicate was deleted, and both runs point at the survivor.
    expect(github.requests.filter((r) => r.method === 'DELETE' && r.status === 204)).toHaveLength(1)
    expect(a.outputs['comment-url']).toBe(b.outputs['comment-url'])
    expect(a.outputs['comment-url']).toContain(`#issuecomment-${ours[0].id}`)
  })

  it('retries a transient 502 and waits out a secondary rate limit', async () => {
    github.resetRequests()
    github.failNext(1, 502, 'Bad Gateway')
    const first = await run('C')
    expect(first.code).toBe(0)
    expect(github.requests.filter((r) => r.status === 502)).toHaveLength(1)
    expect(first.outputs['comment-url']).not.toBe('')

    github.resetRequests()
    github.failNext(1, 403, 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', { 'retry-after': '1' })
    const second = await run('D')
    expect(second.code).toBe(0)
    expect(github.requests.filter((r) => r.status === 403)).toHaveLength(1)
    expect(second.outputs['comment-url']).toBe(first.outputs['comment-url'])
    expect(second.stdout).not.toContain('No PR comment')
  })
})
