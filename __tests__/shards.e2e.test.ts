import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { ShardManifest } from '../src/shard/manifest.js'
import { COLLECT_DIST, SHA_A, SHA_B, emulatorInputs, runAction, type ActionRun, type RunOptions } from './support/action-runner.js'
import { collectInProcess } from './support/collect-in-process.js'
import { prEvent } from './support/events.js'
import { useServers } from './support/servers.js'

// Sharding end to end: dist/index.js runs as two (or more) shard jobs of one workflow run at the
// same time against the emulator, the local artifact service and the local GitHub API. How collect
// merges manifests is unit-tested (merge-manifests.test.ts); these runs cover what only whole runs
// show: the artifacts between the jobs, the one comment, replays across shards and attempts.
// dist/collect.js runs whole where it downloads the manifests through the artifact service; where
// a test hands it manifests in a folder (missing shards, plans that differ, a stale pull request,
// skipped shards, previews), collect runs in this process with the same variables and files.

const COLORS = ['#ff0000', '#00ff00', '#0000ff', '#ffff00', '#00ffff']
const MATRIX = JSON.stringify(COLORS.map((color, i) => ({ title: `T${i + 1}`, color })))
const RUN_ID = 4242
const MARKER = '<!-- hyperframes-render-action comment-key: project/index.html -->'
const NAMES = COLORS.map((_, i) => `${i + 1}-T${i + 1}`)

describe('sharded renders', () => {
  // No upload-complete race here: the shards' own behaviour is the subject, and each 409 costs a backoff.
  const servers = useServers({ emulator: { completeRaceProbability: 0 }, github: {}, artifacts: {}, fixture: 'basic' })
  const manifestDirs: string[] = []

  beforeAll(() => servers.github.addPull({ number: 7, sha: SHA_A }))
  afterAll(() => {
    for (const dir of manifestDirs) rmSync(dir, { recursive: true, force: true })
  })

  const shardRun = (shard: string, extra: Partial<RunOptions> = {}, inputs: Record<string, string> = {}): Promise<ActionRun> =>
    runAction({
      workspace: servers.workspace,
      runId: RUN_ID,
      eventName: 'pull_request',
      event: prEvent(7, 'a'.repeat(40)),
      github: { apiUrl: servers.github.url, token: servers.github.token },
      env: servers.artifacts.env,
      inputs: emulatorInputs(servers.emulator.url, { matrix: MATRIX, name: '{index}-{title}', artifact: 'none', 'output-dir': `renders-${shard.replace('/', 'of')}`, shard, ...inputs }),
      ...extra
    })
  const collectRun = (inputs: Record<string, string> = {}, extra: Partial<RunOptions> = {}): Promise<ActionRun> =>
    runAction({
      entry: COLLECT_DIST,
      workspace: servers.workspace,
      runId: RUN_ID,
      eventName: 'pull_request',
      event: prEvent(7, SHA_A),
      github: { apiUrl: servers.github.url, token: servers.github.token },
      env: servers.artifacts.env,
      inputs,
      ...extra
    })
  /** Collect on manifests from results-path, in this process (support/collect-in-process.ts). */
  const collectHere = (inputs: Record<string, string>, extra: Partial<RunOptions> = {}): Promise<ActionRun> =>
    collectInProcess({
      workspace: servers.workspace,
      runId: RUN_ID,
      eventName: 'pull_request',
      event: prEvent(7, SHA_A),
      github: { apiUrl: servers.github.url, token: servers.github.token },
      inputs,
      ...extra
    })
  const ourComments = () => servers.github.comments(7).filter((c) => c.body.startsWith(MARKER))
  /** Where each entry's name first appears in the comment: the rows' order. */
  const rowOrder = (body: string): number[] => NAMES.map((n) => body.indexOf(n))
  /**
   * No artifact service: for shards whose manifests the test hands to collect in a folder (or only
   * checks on disk), uploading them is not the subject, and loading the artifact client is not free.
   */
  const NO_ARTIFACTS: Partial<RunOptions> = { env: {} }
  const manifestOf = (run: ActionRun): ShardManifest => JSON.parse(readFileSync(run.outputs['shard-manifest'], 'utf8')) as ShardManifest
  /** A results-path folder holding these runs' manifests, removed after the file. */
  const manifestDir = (...runs: ActionRun[]): string => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hf-manifests-'))
    manifestDirs.push(dir)
    for (const run of runs) copyFileSync(run.outputs['shard-manifest'], path.join(dir, path.basename(run.outputs['shard-manifest'])))
    return dir
  }

  let one: ActionRun
  let two: ActionRun
  /** Shard 2 of another run whose matrix changed one colour: read by the test about differing plans. */
  let other: ActionRun

  it('two shards at once render 1, 3, 5 and 2, 4, comment nothing and each write a manifest', async () => {
    ;[one, two] = await Promise.all([shardRun('1/2'), shardRun('2/2')])
    for (const run of [one, two]) {
      expect(run.stderr).toBe('')
      expect(run.code).toBe(0)
    }
    expect(one.results.map((r) => r.index)).toEqual([1, 3, 5])
    expect(two.results.map((r) => r.index)).toEqual([2, 4])
    expect(one.outputs.succeeded).toBe('3')
    expect(two.outputs.succeeded).toBe('2')
    expect(servers.emulator.stats.rendersCreated).toBe(5)
    expect(servers.github.comments(7)).toEqual([])
    expect(servers.github.requests.filter((r) => r.method !== 'GET')).toEqual([])
    expect(one.summary).toContain('3 of 3 succeeded')
    expect(one.summary).toContain('shard 1/2')

    const m1 = manifestOf(one)
    const m2 = manifestOf(two)
    expect(m1.shard).toEqual({ index: 1, count: 2 })
    expect(m2.shard).toEqual({ index: 2, count: 2 })
    expect(m1.total_entries).toBe(5)
    expect(m1.plan_digest).toMatch(/^[0-9a-f]{64}$/)
    expect(m2.plan_digest).toBe(m1.plan_digest)
    expect([m1.run_id, m1.run_attempt, m1.sha]).toEqual([RUN_ID, 1, 'a'.repeat(40)])
    expect(m2.results.map((r) => r.name)).toEqual(['2-T2', '4-T4'])
    // Uploaded for collect, with a name unique per shard and attempt and a one-day retention.
    const names = servers.artifacts
      .artifacts()
      .map((a) => a.name)
      .sort()
    expect(names).toEqual([expect.stringMatching(/^hyperframes-shard-[0-9a-f]{12}-1of2-a1$/), expect.stringMatching(/^hyperframes-shard-[0-9a-f]{12}-2of2-a1$/)])
    for (const a of servers.artifacts.artifacts()) expect((a.expiresAt?.getTime() ?? Infinity) - Date.now()).toBeLessThanOrEqual(24 * 3600_000)
  })

  it('collect downloads both manifests and writes one comment with every row in order', async () => {
    // The other run's shard starts alongside: it touches neither the artifacts nor the comment.
    // Submitting is enough to write its manifest (wait is no part of the plan).
    const changed = JSON.stringify(COLORS.map((color, i) => ({ title: `T${i + 1}`, color: i === 1 ? '#123456' : color })))
    const [run, otherRun] = await Promise.all([collectRun(), shardRun('2/2', { ...NO_ARTIFACTS, runId: RUN_ID + 1 }, { matrix: changed, wait: 'false' })])
    other = otherRun
    // unzip-stream, which @actions/artifact downloads through, still calls Buffer(): Node's warning is its only stderr.
    expect(run.stderr.split('\n').filter((l) => l && !/DEP0005|--trace-deprecation/.test(l))).toEqual([])
    expect(run.code).toBe(0)
    expect(run.outputs.succeeded).toBe('5')
    expect(run.outputs.failed).toBe('0')
    expect(run.outputs.missing).toBe('0')
    expect(run.results.map((r) => r.index)).toEqual([1, 2, 3, 4, 5])
    expect(run.results.map((r) => r.render_id)).toEqual([...one.results, ...two.results].sort((a, b) => a.index - b.index).map((r) => r.render_id))
    // Downloaded through the artifact service: listed, then each one signed and fetched.
    expect(servers.artifacts.requests.filter((r) => r.operation === 'GetSignedArtifactURL')).toHaveLength(2)
    expect(servers.artifacts.requests.filter((r) => r.operation === 'get-blob' && r.status === 200)).toHaveLength(2)
    expect(servers.artifacts.unexpected).toEqual([])
    const comments = ourComments()
    expect(comments).toHaveLength(1)
    expect(comments[0].body).toContain('5 of 5 succeeded')
    const order = rowOrder(comments[0].body)
    expect(order.every((at) => at > 0)).toBe(true)
    expect([...order].sort((a, b) => a - b)).toEqual(order)
    expect(run.summary).toContain('5 of 5 succeeded')
    expect(run.outputs['comment-url']).toBe(`https://github.com/octo/videos/pull/7#issuecomment-${comments[0].id}`)
    expect(run.outputs['comment-body']).toBe(comments[0].body)
  })

  it('with one manifest missing, its entries are missing, fail-on any fails and the same comment is updated', async () => {
    const before = { ...ourComments()[0] }
    const run = await collectHere({ 'results-path': manifestDir(one), 'fail-on': 'any' })
    expect(run.code).toBe(1)
    expect(run.outputs.missing).toBe('2')
    expect(run.outputs.succeeded).toBe('3')
    expect(run.outputs.failed).toBe('2')
    expect(run.results.map((r) => [r.index, r.status])).toEqual([
      [1, 'completed'],
      [2, 'missing'],
      [3, 'completed'],
      [4, 'missing'],
      [5, 'completed']
    ])
    expect(run.results[1].name).toBe('2-T2')
    expect(run.stdout).toMatch(/::error::2 of 5 renders did not complete \(fail-on: any\): 2-T2 \(missing\); 4-T4 \(missing\)/)
    const after = ourComments()
    expect(after).toHaveLength(1)
    expect(after[0].id).toBe(before.id)
    expect(after[0].updated).toBeGreaterThan(before.updated)
    expect(after[0].body).toContain('3 of 5 succeeded')
    expect(after[0].body).toContain('missing')
  })

  it('refuses manifests whose plans differ, naming the shards', async () => {
    // Shard 2 of another run whose matrix changed one colour (run beside the download above): a different plan.
    expect(other.code).toBe(0)
    const comment = { ...ourComments()[0] }
    const run = await collectHere({ 'results-path': manifestDir(one, other) })
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/::error::The shards rendered different plans and cannot be merged into one report: 1\/2 \(attempt 1\) planned [0-9a-f]{12}; 2\/2 \(attempt 1\) planned [0-9a-f]{12}\./)
    expect(ourComments()[0].updated).toBe(comment.updated)
  })

  // Runs that replay renders, side by side, each test reading its own: a re-run of shard 2 and
  // then collect (pull request 7, the artifacts), shards hosting previews and then collect (pull
  // request 8, the preview branch, no artifact service), an unsharded run that comments nothing,
  // and a shard beyond the entries. The emulator's count of created renders is read after all of
  // them: none may create one.
  describe('runs that replay, side by side', () => {
    let rerun: { again: ActionRun; collect: ActionRun }
    let previews: { p1: ActionRun; p2: ActionRun; files: string[]; commentsAfterShards: unknown[]; collect: ActionRun }
    let whole: ActionRun
    let beyond: ActionRun
    let rendersCreated: number
    const marker8 = (): string => servers.github.comments(8).find((c) => c.body.startsWith(MARKER))?.body ?? ''

    beforeAll(async () => {
      servers.emulator.resetStats()
      servers.github.addPull({ number: 8, sha: SHA_A })
      const rerunThenCollect = async (): Promise<{ again: ActionRun; collect: ActionRun }> => {
        const again = await shardRun('2/2', { runAttempt: 2 })
        return { again, collect: await collectRun() }
      }
      // Stills, not animations: hosting side by side is the subject. With no ffmpeg on PATH (as on a
      // runner without it) the stills are the renderer's thumbnails: a download each, not an ffmpeg run.
      // GITHUB_SERVER_URL is the local GitHub, whose /raw/ route serves the branch; no artifact service here.
      const previewShard = (shard: string): Promise<ActionRun> =>
        shardRun(
          shard,
          { runId: RUN_ID + 10, event: prEvent(8, SHA_A), env: { GITHUB_SERVER_URL: servers.github.url, PATH: '' } },
          { preview: 'poster', 'preview-branch': 'previews', 'output-dir': `previews-${shard.replace('/', 'of')}` }
        )
      const previewShardsThenCollect = async (): Promise<typeof previews> => {
        const [p1, p2] = await Promise.all([previewShard('1/2'), previewShard('2/2')])
        const files = [...(servers.github.git.files('previews') ?? new Map<string, Buffer>()).keys()].filter((f) => /\/8-shard-\dof2\//.test(f))
        const commentsAfterShards = servers.github.comments(8)
        const collect = await collectHere({ 'results-path': manifestDir(p1, p2) }, { runId: RUN_ID + 10, event: prEvent(8, SHA_A) })
        return { p1, p2, files, commentsAfterShards, collect }
      }
      ;[rerun, previews, whole, beyond] = await Promise.all([
        rerunThenCollect(),
        previewShardsThenCollect(),
        // Submitting is enough: the create calls are where a replay shows.
        shardRun('', {}, { comment: 'false', wait: 'false' }),
        shardRun('7/7', NO_ARTIFACTS, { matrix: JSON.stringify([{ title: 'Only', color: '#ffffff' }]) })
      ])
      rendersCreated = servers.emulator.stats.rendersCreated
    })

    it('a re-run of shard 2 as attempt 2 creates no render, and collect takes the newer attempt', () => {
      const { again, collect: run } = rerun
      expect(again.code).toBe(0)
      expect(rendersCreated).toBe(0)
      expect(manifestOf(again).run_attempt).toBe(2)
      expect(servers.artifacts.artifacts().map((a) => a.name)).toContainEqual(expect.stringMatching(/-2of2-a2$/))
      expect(run.code).toBe(0)
      expect(run.stdout).toContain('Collected 2 shards (1/2 attempt 1, 2/2 attempt 2): 5 of 5 entries delivered.')
      expect(run.outputs.succeeded).toBe('5')
      expect(ourComments()).toHaveLength(1)
      expect(ourComments()[0].body).toContain('5 of 5 succeeded')
    })

    it("shards host their previews side by side on preview-branch, and collect's comment embeds all of them", async () => {
      const { p1, p2, files, collect: run } = previews
      for (const r of [p1, p2]) expect([r.code, r.stderr]).toEqual([0, ''])
      const m1 = manifestOf(p1)
      const m2 = manifestOf(p2)
      expect(Object.keys(m1.previews)).toEqual(['1', '3', '5'])
      expect(Object.keys(m2.previews)).toEqual(['2', '4'])
      // Each shard commits to its own folder: the second commit does not replace the first one's files.
      expect(files).toHaveLength(5)
      expect(previews.commentsAfterShards).toEqual([])

      expect([run.code, run.stderr]).toEqual([0, ''])
      const sources = [...marker8().matchAll(/<img src="([^"]+)"/g)].map((m) => m[1].replace(/&amp;/g, '&'))
      const hosted = { ...m1.previews, ...m2.previews }
      expect([...sources].sort()).toEqual(Object.values(hosted).sort())
      // In matrix order, and each one served by the branch.
      expect(sources).toEqual(['1', '2', '3', '4', '5'].map((i) => hosted[i]))
      for (const src of sources) expect((await fetch(src)).status).toBe(200)
      expect(run.summary).toContain('### Previews')
    })

    it('keys do not depend on the shard: an unsharded run of the same matrix replays every render', () => {
      expect(whole.code).toBe(0)
      expect(rendersCreated).toBe(0)
      expect(whole.results.map((r) => r.idempotency_key)).toEqual([...one.results, ...two.results].sort((a, b) => a.index - b.index).map((r) => r.idempotency_key))
      expect(whole.outputs['shard-manifest']).toBeUndefined()
    })

    it('a shard beyond the entries logs a notice and passes', () => {
      expect(beyond.code).toBe(0)
      expect(beyond.stdout).toContain('::notice::Shard 7/7: the matrix has 1 entry, fewer than 7 shards, so this shard has nothing to render.')
      expect(beyond.results).toEqual([])
      expect(existsSync(beyond.outputs['shard-manifest'])).toBe(true)
    })
  })

  // Runs that stop before any HeyGen call, side by side, each test reading its own: collect for a
  // pull request that moved on (it writes nothing), shards skipped for want of a key and their
  // collect, shards with a bad entry, mode: plan, and a malformed shard. The emulator's log after
  // all of them is empty, so none of them called it; neither collect may touch the comment,
  // whichever finishes first.
  describe('runs that stop before any call, side by side', () => {
    let comment: { updated: number }
    let stale: ActionRun
    let skipped: { shards: ActionRun[]; collect: ActionRun }
    let bad: ActionRun[]
    let plan: ActionRun
    let malformed: ActionRun
    let emulatorRequests: unknown[]

    beforeAll(async () => {
      servers.emulator.resetStats()
      comment = { ...ourComments()[0] }
      servers.github.movePull(7, SHA_B)
      try {
        const collectSkipped = async (): Promise<{ shards: ActionRun[]; collect: ActionRun }> => {
          const shards = await Promise.all(['1/2', '2/2'].map((sh) => shardRun(sh, { ...NO_ARTIFACTS, runId: RUN_ID + 2 }, { 'api-key': '' })))
          // A shard that failed has no manifest: its own test says so below.
          const dir = manifestDir(...shards.filter((r) => r.outputs['shard-manifest']))
          return { shards, collect: await collectHere({ 'results-path': dir }, { runId: RUN_ID + 2 }) }
        }
        const badMatrix = JSON.stringify([
          { title: 'A', color: '#ff0000' },
          { title: 'B', colour: '#00ff00' }
        ])
        ;[stale, skipped, bad, plan, malformed] = await Promise.all([
          // The manifests from a folder: downloading them is the subject of the tests above.
          collectHere({ 'results-path': manifestDir(one, two) }),
          collectSkipped(),
          Promise.all(['1/2', '2/2'].map((s) => shardRun(s, {}, { matrix: badMatrix, 'output-dir': `bad-${s.replace('/', 'of')}` }))),
          shardRun('', {}, { mode: 'plan', 'entries-per-shard': '2', 'output-dir': 'plan' }),
          shardRun('3/2', {}, { 'output-dir': 'malformed' })
        ])
      } finally {
        servers.github.movePull(7, SHA_A)
      }
      emulatorRequests = [...servers.emulator.stats.requests]
    })

    it("writes nothing when the pull request has moved past the shards' commit", () => {
      expect(stale.code).toBe(0)
      expect(stale.stdout).toContain(`::notice::Pull request #7 has moved on to ${SHA_B.slice(0, 12)} since the shards rendered ${SHA_A.slice(0, 12)}`)
      expect(stale.summary).toBe('')
      expect(ourComments()[0].updated).toBe(comment.updated)
    })

    it('shards skipped for want of a key still report, and collect stays green with skipped=true', () => {
      for (const run of skipped.shards) {
        expect(run.code).toBe(0)
        expect(run.outputs.skipped).toBe('true')
      }
      const run = skipped.collect
      expect(run.code).toBe(0)
      expect(run.outputs.skipped).toBe('true')
      expect(run.outputs.missing).toBe('0')
      expect(run.stdout).toContain('::notice::Every shard skipped:')
      expect(ourComments()[0].updated).toBe(comment.updated)
    })

    it('a bad entry fails every shard alike, even one that would not render it', () => {
      for (const run of bad) {
        expect(run.code).toBe(1)
        expect(run.stdout).toMatch(/colour/)
      }
    })

    it('mode: plan outputs the shards sized by entries-per-shard', () => {
      expect(plan.code).toBe(0)
      expect(JSON.parse(plan.outputs.shards)).toEqual(['1/3', '2/3', '3/3'])
    })

    it('refuses a malformed shard before any call', () => {
      expect(malformed.code).toBe(1)
      expect(malformed.stdout).toContain("Input 'shard': '3/2' names shard 3 of 2")
      expect(emulatorRequests).toEqual([])
    })
  })
})
