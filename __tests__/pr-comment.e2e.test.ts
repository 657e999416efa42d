import { SHA_A, emulatorInputs, runAction, type ActionRun, type RunOptions } from './support/action-runner.js'
import type { Emulator } from '../emulator/index.js'
import { prEvent } from './support/events.js'
import { startGitHubServer, type GitHubServer, type StoredComment } from './support/github-server.js'
import { useServers } from './support/servers.js'
import { startTestEmulator } from './support/with-emulator.js'

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

// One fixture for the whole file, and every run of the file started at once in the beforeAll
// below, each test reading its own. The runs whose tests count a whole stand-in's requests get
// stand-ins of their own: a GitHub stand-in each, and one emulator for the runs that must call
// nothing at all. What a test reads from a shared log is taken when its runs end.
const servers = useServers({ emulator: {}, github: {}, fixture: 'basic' })

const writesTo = (gh: GitHubServer): string[] => gh.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`)
const runOnPr = (gh: GitHubServer, pr: number, extra: Partial<RunOptions> = {}, inputs: Record<string, string> = {}): Promise<ActionRun> =>
  runAction({
    workspace: servers.workspace,
    sha: 'd'.repeat(40), // the merge commit; the PR head is what gets rendered
    eventName: 'pull_request',
    event: prEvent(pr, SHA_A),
    github: { apiUrl: gh.url, token: gh.token },
    inputs: emulatorInputs(servers.emulator.url, { matrix: MATRIX, name: '{index}-{title}', ...inputs }),
    ...extra
  })

let initial: { run: ActionRun; writes: string[]; authorizations: Array<string | undefined>; comments: StoredComment[] }
let again: { run: ActionRun; writes: string[]; commentId: number }
let keyed: { runs: ActionRun[]; writesPerRun: string[][]; gh: GitHubServer }
let forbidden: { run: ActionRun; gh: GitHubServer }
let commentOff: { run: ActionRun; gh: GitHubServer }
let fork: { skip: ActionRun; badInput: ActionRun; failed: ActionRun; quiet: Emulator; skipGh: GitHubServer; failedGh: GitHubServer }
const standIns: Array<{ close: () => Promise<void> }> = []

beforeAll(async () => {
  const [keyGh, forbiddenGh, offGh, skipGh, failedGh] = await Promise.all(Array.from({ length: 5 }, () => startGitHubServer()))
  const quiet = await startTestEmulator()
  standIns.push(keyGh, forbiddenGh, offGh, skipGh, failedGh, quiet)

  const firstThenAgain = async (): Promise<void> => {
    const run = await runOnPr(servers.github, 7)
    initial = { run, writes: writesTo(servers.github), authorizations: servers.github.requests.map((r) => r.authorization), comments: servers.github.comments(7).map((c) => ({ ...c })) }
    const commentId = servers.github.comments(7)[0]?.id
    servers.github.resetRequests()
    // Submitting is enough: the comment's table changes (submitted, a new run link) and is rewritten in place.
    const rerun = await runOnPr(servers.github, 7, { runAttempt: 2 }, { ...SUBMIT_ONLY, 'output-dir': 'submitted-7' })
    again = { run: rerun, writes: writesTo(servers.github), commentId }
  }
  const byKey = async (): Promise<void> => {
    const runKey = (key: string): Promise<ActionRun> => runOnPr(keyGh, 9, {}, { ...SUBMIT_ONLY, 'comment-key': key, name: `{index}-{title}-${key}`, 'output-dir': `submitted-${key}` })
    // The two keys' first runs side by side: neither may find, or touch, the other's comment.
    const firstRuns = await Promise.all([runKey('intro'), runKey('outro')])
    const firstWrites = writesTo(keyGh)
    keyGh.resetRequests()
    const third = await runKey('intro')
    keyed = { runs: [...firstRuns, third], writesPerRun: [firstWrites, writesTo(keyGh)], gh: keyGh }
  }
  const with403 = async (): Promise<void> => {
    forbiddenGh.forbid('comments')
    forbidden = { run: await runOnPr(forbiddenGh, 10, {}, { ...SUBMIT_ONLY, 'output-dir': 'submitted-10' }), gh: forbiddenGh }
  }
  const withCommentOff = async (): Promise<void> => {
    commentOff = { run: await runOnPr(offGh, 14, {}, { ...SUBMIT_ONLY, comment: 'false', 'output-dir': 'submitted-14' }), gh: offGh }
  }
  const forkRun = (gh: GitHubServer | undefined, inputs: Record<string, string>): Promise<ActionRun> =>
    runAction({
      workspace: servers.workspace,
      ...(gh ? { eventName: 'pull_request', event: prEvent(21, SHA_A, 'someone/videos'), github: { apiUrl: gh.url, token: gh.token } } : {}),
      inputs: emulatorInputs(quiet.url, inputs)
    })
  const forks = async (): Promise<void> => {
    const [skip, badInput, failed] = await Promise.all([
      forkRun(skipGh, { 'api-key': '', matrix: MATRIX, 'output-dir': 'fork-skipped' }),
      forkRun(undefined, { 'api-key': '', quality: 'ultra', 'output-dir': 'fork-refused' }),
      forkRun(failedGh, { 'api-key': '', 'on-missing-key': 'fail', 'output-dir': 'fork-failed' })
    ])
    fork = { skip, badInput, failed, quiet, skipGh, failedGh }
  }
  await Promise.all([firstThenAgain(), byKey(), with403(), withCommentOff(), forks()])
})
afterAll(async () => {
  await Promise.all(standIns.map((s) => s.close()))
})

describe('sticky PR comment', () => {
  const ourComments = (pr: number, marker = MARKER, gh = servers.github) => gh.comments(pr).filter((c) => c.body.startsWith(marker))

  it('creates one comment on the first run, with the table, durable links and thumbnails', () => {
    const first = initial.run
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    expect(initial.writes).toEqual(['POST /repos/octo/videos/issues/7/comments'])
    const comments = initial.comments
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
    expect(initial.authorizations.every((a) => a === `token ${servers.github.token}`)).toBe(true)
  })

  it('masks the github token', () => {
    const first = initial.run
    const lines = first.stdout.split('\n').filter((l) => l.includes(servers.github.token))
    expect(lines).toEqual([`::add-mask::${servers.github.token}`])
    expect(JSON.stringify(first.outputs)).not.toContain(servers.github.token)
    expect(first.summary).not.toContain(servers.github.token)
  })

  it('writes the job summary with one row per render', () => {
    const first = initial.run
    expect(first.summary).toContain('## 🎬 HyperFrames renders: 2 of 2 succeeded')
    expect(first.summary).toContain(`Commit \`${SHA_A.slice(0, 12)}\` · composition \`project/index.html\` · standard · mp4 · 1080p · 16:9`)
    expect(first.summary).toContain('| # | Name | title | color | Status | Duration | Links | Render id |')
    for (const r of first.results) {
      expect(first.summary).toContain(
        `| ${r.index} | ${r.name} | ${String(r.variables.title)} | ${String(r.variables.color)} | ✅ completed | 1.0 s | \`renders/${r.name}.mp4\` | \`${r.render_id}\` |`
      )
    }
  })

  it('updates that same comment on a re-run instead of adding one', () => {
    const id = again.commentId
    expect(again.run.code).toBe(0)
    expect(again.writes).toEqual([`PATCH /repos/octo/videos/issues/comments/${id}`])
    const comments = servers.github.comments(7)
    expect(comments).toHaveLength(1)
    expect(comments[0].id).toBe(id)
    expect(comments[0].body).toContain('https://github.com/octo/videos/actions/runs/1001/attempts/2')
    expect(again.run.outputs['comment-url']).toBe(initial.run.outputs['comment-url'])
  })

  it('keeps one comment per comment-key', () => {
    const { runs, writesPerRun, gh } = keyed
    const intro = ourComments(9, '<!-- hyperframes-render-action comment-key: intro -->', gh)
    const outro = ourComments(9, '<!-- hyperframes-render-action comment-key: outro -->', gh)
    for (const run of runs) expect(run.code).toBe(0)
    // Two creates, one per key (each run's comment-url is its own key's comment); the third run
    // found the intro comment, already saying the same, and left it alone.
    expect(writesPerRun).toEqual([['POST /repos/octo/videos/issues/9/comments', 'POST /repos/octo/videos/issues/9/comments'], []])
    expect(intro).toHaveLength(1)
    expect(outro).toHaveLength(1)
    expect(runs.map((r) => r.outputs['comment-url'])).toEqual([intro[0].id, outro[0].id, intro[0].id].map((id) => `https://github.com/octo/videos/pull/9#issuecomment-${id}`))
    expect(intro[0].body.split('\n')[1]).toBe('### 🎬 HyperFrames preview · `intro`')
    expect(intro[0].body).toContain('| 1-One-intro | ')
    expect(outro[0].body).toContain('| 1-One-outro | ')
    expect(intro[0].body).toContain('📤 submitted')
    expect(gh.comments(9)).toHaveLength(2)
  })

  it('turns a 403 into a warning naming pull-requests: write, and the step stays green', () => {
    const { run, gh } = forbidden
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(
      /::warning::No PR comment on #10: the token may not write pull-request comments \(HTTP 403: Resource not accessible by integration.*\)\. Add `permissions: pull-requests: write`/
    )
    expect(run.stdout).not.toMatch(/::error::/)
    expect(gh.comments(10)).toHaveLength(0)
    expect(run.outputs['comment-url']).toBe('')
    expect(run.outputs.succeeded).toBe('2')
    expect(gh.requests.filter((r) => r.status === 403)).toHaveLength(1)
  })

  it('with comment: false, makes no GitHub call at all', () => {
    const { run, gh } = commentOff
    expect(run.code).toBe(0)
    expect(gh.requests).toHaveLength(0)
    expect(run.outputs['comment-url']).toBe('')
  })
})

describe('fork pull requests without the secret', () => {
  // The three fork runs were pointed at an emulator of their own, which none of them called.
  it('skips with a notice, exit 0, skipped=true and no API call to HeyGen or GitHub', () => {
    const run = fork.skip
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.outputs.skipped).toBe('true')
    expect(run.outputs.results).toBe('[]')
    expect(run.outputs['comment-url']).toBe('')
    expect(run.stdout).toMatch(/::notice::No renders: api-key is empty, so the render was skipped \(on-missing-key: skip\)\. This pull request comes from the fork someone\/videos/)
    expect(run.stdout).not.toMatch(/::(warning|error)::/)
    expect(fork.quiet.stats.requests).toHaveLength(0)
    expect(fork.skipGh.requests).toHaveLength(0)
    expect(run.summary).toContain('## 🎬 HyperFrames renders: skipped')
    expect(run.summary).toContain('on-missing-key: fail')
  })

  it('fails before any HeyGen call with on-missing-key: fail, and says so on the PR', () => {
    const run = fork.failed
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/::error::Input 'api-key': is empty/)
    expect(run.outputs.skipped).toBe('false')
    expect(fork.quiet.stats.requests).toHaveLength(0)
    // A failed preview is worth a comment: the PR author sees why there is no video.
    expect(fork.failedGh.comments(21)).toHaveLength(1)
    expect(fork.failedGh.comments(21)[0].body).toContain("Input 'api-key': is empty")
  })

  it('still refuses a bad input while skipping', () => {
    const run = fork.badInput
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/::error::Input 'quality': 'ultra' is not one of draft, standard, high/)
    expect(run.outputs.skipped).toBe('false')
    expect(fork.quiet.stats.requests).toHaveLength(0)
  })
})
