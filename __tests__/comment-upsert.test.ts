import { GitHubClient, loadGitHubModules } from '../src/publish/github-client.js'
import { upsertComment } from '../src/publish/comment.js'
import { useServers } from './support/servers.js'

// Finding and updating the sticky comment, in process: upsertComment through the action's own
// GitHub client (Octokit with its retry and throttling plugins) against the GitHub stand-in over
// real sockets. What a whole run writes into the comment is in pr-comment.e2e.test.ts; two jobs
// racing for one comment are in comment-race.e2e.test.ts.

const MARKER = '<!-- hyperframes-render-action comment-key: project/index.html -->'

describe('the sticky comment, found and updated', () => {
  const servers = useServers({ github: {} })
  const client = async (): Promise<GitHubClient> =>
    new GitHubClient({ token: servers.github.token, apiUrl: new URL(servers.github.url), repository: 'octo/videos', refuseOrigins: [] }, await loadGitHubModules())
  const writes = (): string[] => servers.github.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`)
  const ourComments = (pr: number) => servers.github.comments(pr).filter((c) => c.body.startsWith(MARKER))
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
  it('retries a transient 502 and waits out a secondary rate limit', async () => {
    servers.github.failNext(1, 502, 'Bad Gateway')
    const first = await upsertComment(await client(), 22, MARKER, body('run C'))
    expect(servers.github.requests.filter((r) => r.status === 502)).toHaveLength(1)
    expect(first.url).not.toBe('')
    expect(ourComments(22)).toHaveLength(1)

    servers.github.resetRequests()
    servers.github.failNext(1, 403, 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', { 'retry-after': '1' })
    // Resolving at all is the point: a rejection is what the run turns into "No PR comment".
    const second = await upsertComment(await client(), 22, MARKER, body('run D'))
    expect(servers.github.requests.filter((r) => r.status === 403)).toHaveLength(1)
    expect(second.url).toBe(first.url)
    expect(ourComments(22)[0].body).toBe(body('run D'))
  })
})
