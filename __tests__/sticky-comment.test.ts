import type { RunContext } from '../src/inputs/run-context.js'
import { upsertComment } from '../src/publish/comment.js'
import { GitHubClient, loadGitHubModules } from '../src/publish/github-client.js'
import { GitHubPublisher } from '../src/publish/github-publish.js'
import { resultEntry } from './support/result-entry.js'
import { startGitHubServer, type GitHubServer } from './support/github-server.js'
import { useServers } from './support/servers.js'

// The sticky comment's side of GitHub, in process: finding, updating and placing the comment
// (upsertComment, GitHubPublisher) through the action's own GitHub client (Octokit with its retry
// and throttling plugins) against the GitHub stand-in over real sockets. What a whole run writes
// into the comment is in pr-comment.e2e.test.ts; two jobs racing for one comment are in
// comment-race.e2e.test.ts.

const MARKER = '<!-- hyperframes-render-action comment-key: project/index.html -->'

const servers = useServers({ github: {} })

describe('the sticky comment, found and updated', () => {
  const client = async (github: GitHubServer = servers.github): Promise<GitHubClient> =>
    new GitHubClient({ token: github.token, apiUrl: new URL(github.url), repository: 'octo/videos', refuseOrigins: [] }, await loadGitHubModules())
  const ourComments = (pr: number) => servers.github.comments(pr).filter((c) => c.body.startsWith(MARKER))
  const writes = (): string[] => servers.github.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`)
  const body = (text: string): string => `${MARKER}\n${text}`

  it('finds its comment on a PR with more than 100 comments', async () => {
    servers.github.addComments(8, 150)
    const created = await upsertComment(await client(), 8, MARKER, body('first run'))
    expect(created.action).toBe('created')
    expect(ourComments(8)).toHaveLength(1)
    const id = ourComments(8)[0].id
    servers.github.addComments(8, 30)

    servers.github.resetRequests()
    const again = await upsertComment(await client(), 8, MARKER, body('second run'))
    expect(again.action).toBe('updated')
    // It read page 2 (comments 101-181), found its own there and updated it.
    const listed = servers.github.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/repos/octo/videos/issues/8/comments'))
    expect(listed.map((r) => new URL(r.path, servers.github.url).searchParams.get('page') ?? '1')).toEqual(['1', '2'])
    expect(writes()).toEqual([`PATCH /repos/octo/videos/issues/comments/${id}`])
    expect(servers.github.comments(8)).toHaveLength(181)
    expect(ourComments(8)).toHaveLength(1)
  })

  // Real waits of about a second each: plugin-retry's first backoff, and the Retry-After below.
  // Two stand-ins, each failing one way, so the two waits overlap.
  it('retries a transient 502 and waits out a secondary rate limit', async () => {
    const limited = await startGitHubServer()
    try {
      limited.addComments(22, 1, () => body('an earlier run'))
      const existing = limited.comments(22)[0]
      servers.github.failNext(1, 502, 'Bad Gateway')
      limited.failNext(1, 403, 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', { 'retry-after': '1' })
      // Resolving at all is the point: a rejection is what the run turns into "No PR comment".
      const [first, second] = await Promise.all([upsertComment(await client(), 22, MARKER, body('run C')), upsertComment(await client(limited), 22, MARKER, body('run D'))])

      expect(servers.github.requests.filter((r) => r.status === 502)).toHaveLength(1)
      expect(first.url).not.toBe('')
      expect(ourComments(22)).toHaveLength(1)

      expect(limited.requests.filter((r) => r.status === 403)).toHaveLength(1)
      expect(second.url).toBe(`https://github.com/octo/videos/pull/22#issuecomment-${existing.id}`)
      expect(limited.comments(22).map((c) => c.body)).toEqual([body('run D')])
    } finally {
      await limited.close()
    }
  })
})

describe('the pull request a pushed commit heads', () => {
  const ourComments = (pr: number) => servers.github.comments(pr).filter((c) => c.body.startsWith(MARKER))
  /** The comment step of a run for a push of `sha` (comment: auto), as main.ts calls it, with its log lines. */
  const commentOnPush = async (sha: string): Promise<{ url?: string; lines: string[] }> => {
    const lines: string[] = []
    const log = { info: (l: string) => void lines.push(l), warning: (l: string) => void lines.push(`::warning::${l}`) }
    const ctx: RunContext = { sha, eventName: 'push', runId: 1001, runAttempt: 1, repository: 'octo/videos', serverUrl: 'https://github.com', workspace: '/nonexistent', actor: 'octo' }
    const publisher = new GitHubPublisher(ctx, { token: servers.github.token, comment: 'auto', commentKey: 'project/index.html' }, 'http://127.0.0.1:9', log, {
      GITHUB_API_URL: servers.github.url
    })
    const result = resultEntry(1, { title: 'One' }, 'submitted', { name: '1-One', render_id: 'r1', video_path: null, duration: null })
    const url = await publisher.comment([result], { sha, composition: 'project/index.html', settings: 'standard · mp4 · 1080p · 16:9' })
    return { url, lines }
  }

  it('makes no comment for a push whose commit heads no open pull request', async () => {
    const sha = '1'.repeat(40)
    servers.github.addPull({ number: 12, sha, state: 'closed' })
    const run = await commentOnPush(sha)
    expect(run.url).toBeUndefined()
    expect(servers.github.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /repos/octo/videos/commits/${sha}/pulls?per_page=100`])
    expect(servers.github.comments(12)).toHaveLength(0)
    // Not a warning: most pushes belong to no pull request.
    expect(run.lines.filter((l) => l.startsWith('::warning::'))).toEqual([])
    expect(run.lines).toContain(`No PR comment: no open pull request has commit ${sha.slice(0, 12)} as its head.`)
  })

  it('comments on the open pull request a pushed commit heads (comment: auto)', async () => {
    const sha = '2'.repeat(40)
    servers.github.addPull({ number: 13, sha })
    const run = await commentOnPush(sha)
    expect(ourComments(13)).toHaveLength(1)
    expect(run.url).toContain('/pull/13#issuecomment-')
  })
})
