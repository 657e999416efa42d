import { SHA_A, emulatorInputs, runAction, type ActionRun } from './support/action-runner.js'
import { prEvent } from './support/events.js'
import { useServers } from './support/servers.js'

// Two jobs with one comment-key (a user's strategy.matrix over one composition) both find no
// comment and both create one. The server holds both listings until both have asked, so the race
// happens every time; the action must still leave exactly one comment. (How the GitHub client
// rides out a 502 or a secondary rate limit is tested in process, in sticky-comment.test.ts.)

const MARKER = '<!-- hyperframes-render-action comment-key: project/index.html -->'

describe('one comment when jobs race', () => {
  const servers = useServers({ emulator: { completeRaceProbability: 0, renderMs: 30 }, github: {}, fixture: 'basic' })

  const run = (title: string): Promise<ActionRun> =>
    runAction({
      workspace: servers.workspace,
      sha: 'd'.repeat(40),
      eventName: 'pull_request',
      event: prEvent(21, SHA_A),
      github: { apiUrl: servers.github.url, token: servers.github.token },
      inputs: emulatorInputs(servers.emulator.url, { matrix: JSON.stringify([{ title }]), name: `r-${title}`, wait: 'false', 'output-dir': `out-${title}` })
    })

  it('two runs with one comment-key started together leave exactly one comment', async () => {
    servers.github.gateCommentLists(2)
    const [a, b] = await Promise.all([run('A'), run('B')])
    expect([a.code, b.code]).toEqual([0, 0])
    const posts = servers.github.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/issues/21/comments'))
    // Both created one: the race really happened.
    expect(posts).toHaveLength(2)
    const ours = servers.github.comments(21).filter((c) => c.body.startsWith(`${MARKER}\n`))
    expect(ours).toHaveLength(1)
    // The newer duplicate was deleted, and both runs point at the survivor.
    expect(servers.github.requests.filter((r) => r.method === 'DELETE' && r.status === 204)).toHaveLength(1)
    expect(a.outputs['comment-url']).toBe(b.outputs['comment-url'])
    expect(a.outputs['comment-url']).toContain(`#issuecomment-${ours[0].id}`)
  })
})
