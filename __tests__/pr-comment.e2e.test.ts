import { SHA_A, emulatorInputs, runAction, type ActionRun, type RunOptions } from './support/action-runner.js'
import { prEvent } from './support/events.js'
import { useServers } from './support/servers.js'

// The sticky PR comment end to end: dist/index.js as a child process, the emulator for HeyGen and
// a local GitHub REST server for the comments, both on loopback, with event payloads as a runner
// writes them to GITHUB_EVENT_PATH. Finding the comment among many pages, the GitHub client's
// retries, and which pull request a push comments on are tested in process (sticky-comment.test.ts).

const MATRIX = JSON.stringify([
  { title: 'One', color: '#ff0000' },
  { title: 'Two', color: '#00ff00' }
])
const MARKER = '<!-- hyperframes-render-action comment-key: project/index.html -->'
/** Submit without waiting: enough for the tests about finding and updating the comment, and quick. */
const SUBMIT_ONLY = { wait: 'false', 'output-dir': 'submitted' }

// One fixture for the whole file: each test uses its own pull request, and the request logs are
// emptied before each test.
const servers = useServers({ emulator: {}, github: {}, fixture: 'basic' })

describe('sticky PR comment', () => {
  const runOnPr = (pr: number, extra: Partial<RunOptions> = {}, inputs: Record<string, string> = {}): Promise<ActionRun> =>
    runAction({
      workspace: servers.workspace,
      sha: 'd'.repeat(40), // the merge commit; the PR head is what gets rendered
      eventName: 'pull_request',
      event: prEvent(pr, SHA_A),
      github: { apiUrl: servers.github.url, token: servers.github.token },
      inputs: emulatorInputs(servers.emulator.url, { matrix: MATRIX, name: '{index}-{title}', ...inputs }),
      ...extra
    })
  const writes = (): string[] => servers.github.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`)
  const ourComments = (pr: number, marker = MARKER) => servers.github.comments(pr).filter((c) => c.body.startsWith(marker))

  let first: ActionRun

  it('creates one comment on the first run, with the table, durable links and thumbnails', async () => {
    first = await runOnPr(7)
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    expect(writes()).toEqual(['POST /repos/octo/videos/issues/7/comments'])
    const comments = servers.github.comments(7)
    expect(comments).toHaveLength(1)
    const body = comments[0].body
    expect(body.split('\n')[0]).toBe(MARKER)
    expect(body.split('\n')[1]).toBe('### 🎬 HyperFrames preview')
    expect(body).toContain('2 of 2 succeeded')
    expect(body).toContain('| Preview | Name | title | color | Status | Duration | Video |')
    expect(body).toMatch(
      /\| <img src="http:\/\/127\.0\.0\.1:\d+\/_storage\/thumbnails\/[0-9a-f]+\.png\?[^"]+" width="160" alt="1-One"> \| 1-One \| One \| #ff0000 \| ✅ completed \| 1\.0 s \| \[run\]\(https:\/\/github\.com\/octo\/videos\/actions\/runs\/1001\) \|/
    )
    expect(body).toContain(`[\`${SHA_A.slice(0, 7)}\`](https://github.com/octo/videos/commit/${SHA_A})`)
    expect(first.outputs['comment-url']).toBe(`https://github.com/octo/videos/pull/7#issuecomment-${comments[0].id}`)
    expect(first.outputs.skipped).toBe('false')
    // Every GitHub call carried the token, and only to the GitHub server.
    expect(servers.github.requests.every((r) => r.authorization === `token ${servers.github.token}`)).toBe(true)
  })

  it('masks the github token', () => {
    const lines = first.stdout.split('\n').filter((l) => l.includes(servers.github.token))
    expect(lines).toEqual([`::add-mask::${servers.github.token}`])
    expect(JSON.stringify(first.outputs)).not.toContain(servers.github.token)
    expect(first.summary).not.toContain(servers.github.token)
  })

  it('writes the job summary with one row per render', () => {
    expect(first.summary).toContain('## 🎬 HyperFrames renders: 2 of 2 succeeded')
    expect(first.summary).toContain(`Commit \`${SHA_A.slice(0, 12)}\` · composition \`project/index.html\` · standard · mp4 · 1080p · 16:9`)
    expect(first.summary).toContain('| # | Name | title | color | Status | Duration | Links | Render id |')
    for (const r of first.results) {
      expect(first.summary).toContain(
        `| ${r.index} | ${r.name} | ${String(r.variables.title)} | ${String(r.variables.color)} | ✅ completed | 1.0 s | \`renders/${r.name}.mp4\` | \`${r.render_id}\` |`
      )
    }
  })

  it('updates that same comment on a re-run instead of adding one', async () => {
    const id = servers.github.comments(7)[0].id
    // Submitting is enough: the comment's table changes (submitted, a new run link) and is rewritten in place.
    const again = await runOnPr(7, { runAttempt: 2 }, SUBMIT_ONLY)
    expect(again.code).toBe(0)
    expect(writes()).toEqual([`PATCH /repos/octo/videos/issues/comments/${id}`])
    const comments = servers.github.comments(7)
    expect(comments).toHaveLength(1)
    expect(comments[0].id).toBe(id)
    expect(comments[0].body).toContain('https://github.com/octo/videos/actions/runs/1001/attempts/2')
    expect(again.outputs['comment-url']).toBe(first.outputs['comment-url'])
  })

  it('keeps one comment per comment-key', async () => {
    const runKey = (key: string): Promise<ActionRun> => runOnPr(9, {}, { ...SUBMIT_ONLY, 'comment-key': key, name: `{index}-{title}-${key}`, 'output-dir': `submitted-${key}` })
    // The two keys' first runs side by side: neither may find, or touch, the other's comment.
    const firstRuns = await Promise.all([runKey('intro'), runKey('outro')])
    const firstWrites = writes()
    servers.github.resetRequests()
    const third = await runKey('intro')
    const intro = ourComments(9, '<!-- hyperframes-render-action comment-key: intro -->')
    const outro = ourComments(9, '<!-- hyperframes-render-action comment-key: outro -->')
    for (const run of [...firstRuns, third]) expect(run.code).toBe(0)
    // Two creates, one per key (each run's comment-url is its own key's comment); the third run
    // found the intro comment, already saying the same, and left it alone.
    expect(firstWrites).toEqual(['POST /repos/octo/videos/issues/9/comments', 'POST /repos/octo/videos/issues/9/comments'])
    expect(writes()).toEqual([])
    expect(intro).toHaveLength(1)
    expect(outro).toHaveLength(1)
    expect(firstRuns.map((r) => r.outputs['comment-url'])).toEqual([intro[0].id, outro[0].id].map((id) => `https://github.com/octo/videos/pull/9#issuecomment-${id}`))
    expect(third.outputs['comment-url']).toBe(firstRuns[0].outputs['comment-url'])
    expect(intro[0].body.split('\n')[1]).toBe('### 🎬 HyperFrames preview · `intro`')
    expect(intro[0].body).toContain('| 1-One-intro | ')
    expect(outro[0].body).toContain('| 1-One-outro | ')
    expect(intro[0].body).toContain('📤 submitted')
    expect(servers.github.comments(9)).toHaveLength(2)
  })

  it('turns a 403 into a warning naming pull-requests: write, and the step stays green', async () => {
    servers.github.forbid('comments')
    try {
      const run = await runOnPr(10, {}, SUBMIT_ONLY)
      expect(run.code).toBe(0)
      expect(run.stdout).toMatch(
        /::warning::No PR comment on #10: the token may not write pull-request comments \(HTTP 403: Resource not accessible by integration.*\)\. Add `permissions: pull-requests: write`/
      )
      expect(run.stdout).not.toMatch(/::error::/)
      expect(servers.github.comments(10)).toHaveLength(0)
      expect(run.outputs['comment-url']).toBe('')
      expect(run.outputs.succeeded).toBe('2')
      expect(servers.github.requests.filter((r) => r.status === 403)).toHaveLength(1)
    } finally {
      servers.github.forbid('comments', false)
    }
  })

  it('with comment: false, makes no GitHub call at all', async () => {
    const run = await runOnPr(14, {}, { ...SUBMIT_ONLY, comment: 'false' })
    expect(run.code).toBe(0)
    expect(servers.github.requests).toHaveLength(0)
    expect(run.outputs['comment-url']).toBe('')
  })
})

describe('fork pull requests without the secret', () => {
  // The two runs that call nothing run side by side; the logs after both are empty, so neither called anything.
  let skip: ActionRun
  let badInput: ActionRun
  let calls: { heygen: number; github: number }
  beforeAll(async () => {
    servers.emulator.resetStats()
    servers.github.resetRequests()
    ;[skip, badInput] = await Promise.all([
      runAction({
        workspace: servers.workspace,
        eventName: 'pull_request',
        event: prEvent(21, SHA_A, 'someone/videos'),
        github: { apiUrl: servers.github.url, token: servers.github.token },
        inputs: emulatorInputs(servers.emulator.url, { 'api-key': '', matrix: MATRIX, 'output-dir': 'skipped' })
      }),
      runAction({ workspace: servers.workspace, inputs: emulatorInputs(servers.emulator.url, { 'api-key': '', quality: 'ultra', 'output-dir': 'refused' }) })
    ])
    calls = { heygen: servers.emulator.stats.requests.length, github: servers.github.requests.length }
  })

  it('skips with a notice, exit 0, skipped=true and no API call to HeyGen or GitHub', () => {
    const run = skip
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.outputs.skipped).toBe('true')
    expect(run.outputs.results).toBe('[]')
    expect(run.outputs['comment-url']).toBe('')
    expect(run.stdout).toMatch(/::notice::No renders: api-key is empty, so the render was skipped \(on-missing-key: skip\)\. This pull request comes from the fork someone\/videos/)
    expect(run.stdout).not.toMatch(/::(warning|error)::/)
    expect(calls.heygen).toBe(0)
    expect(calls.github).toBe(0)
    expect(run.summary).toContain('## 🎬 HyperFrames renders: skipped')
    expect(run.summary).toContain('on-missing-key: fail')
  })

  it('fails before any HeyGen call with on-missing-key: fail, and says so on the PR', async () => {
    const run = await runAction({
      workspace: servers.workspace,
      eventName: 'pull_request',
      event: prEvent(21, SHA_A, 'someone/videos'),
      github: { apiUrl: servers.github.url, token: servers.github.token },
      inputs: emulatorInputs(servers.emulator.url, { 'api-key': '', 'on-missing-key': 'fail' })
    })
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/::error::Input 'api-key': is empty/)
    expect(run.outputs.skipped).toBe('false')
    expect(servers.emulator.stats.requests).toHaveLength(0)
    // A failed preview is worth a comment: the PR author sees why there is no video.
    expect(servers.github.comments(21)).toHaveLength(1)
    expect(servers.github.comments(21)[0].body).toContain("Input 'api-key': is empty")
  })

  it('still refuses a bad input while skipping', () => {
    const run = badInput
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/::error::Input 'quality': 'ultra' is not one of draft, standard, high/)
    expect(run.outputs.skipped).toBe('false')
    expect(calls.heygen).toBe(0)
  })
})
