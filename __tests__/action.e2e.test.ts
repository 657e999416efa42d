import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { Emulator, EmulatorOptions, EmulatorStats, RenderSnapshot } from '../emulator/index.js'
import { SHA_A, SHA_B, emulatorInputs, runAction, type ActionRun } from './support/action-runner.js'
import { inBackground } from './support/background-run.js'
import { useServers } from './support/servers.js'
import { distinctEngine } from './support/video-engines.js'

// End to end: the bundled dist/index.js as a child process, against the emulator over loopback.
// The runs mostly wait (renders, status ticks), so every chain of runs that does not depend on
// another starts at once in beforeAll, each on an emulator of its own where a test counts its
// requests; each test reads the runs it is about.

const MATRIX = JSON.stringify([
  { title: 'One', color: '#ff0000' },
  { title: 'Two', color: '#00ff00' },
  { title: 'Three', color: '#0000ff' }
])

// A render titled 'Broken' fails, as a font error would.
const RENDERS: EmulatorOptions = { renderMs: 150, queueMs: 20, engine: distinctEngine, failRender: (body) => (body.variables?.title === 'Broken' ? 'Font "Nope" could not be loaded' : undefined) }

// The emulator and workspace of the first commit's runs, which build on each other.
const servers = useServers({ emulator: RENDERS })

/** A run and the emulator's counters for it alone. */
interface Counted {
  run: ActionRun
  stats: EmulatorStats
}

async function counted(emulator: Emulator, start: () => Promise<ActionRun>): Promise<Counted> {
  emulator.resetStats()
  const run = await start()
  return { run, stats: structuredClone(emulator.stats) }
}

// The first commit's chain on the shared emulator: its first run, a re-run, and a run with one
// variable changed, each counted on its own.
let first: ActionRun
let firstStats: EmulatorStats
let firstRenders: RenderSnapshot[]
let replay: Counted
let changed: Counted
// The chains that do not depend on it, each on an emulator and workspace of its own.
let twelve: Promise<Counted>
let otherCommit: Promise<{ other: Counted; forced: Counted }>
let failOnAny: Promise<ActionRun>
let failOnNever: Promise<ActionRun>
let badInput: Promise<{ run: ActionRun; requests: number }>

const FAILING = JSON.stringify([{ title: 'Fine' }, { title: 'Broken' }])

beforeAll(async () => {
  // 12 entries go to an emulator that has never seen the zip, so the upload cannot be a replay.
  // Submitting is all this is about: no need to wait for twelve renders.
  twelve = inBackground({ renderMs: 50, queueMs: 10, engine: distinctEngine }, (emulator, workspace) => {
    const matrix = JSON.stringify({ title: Array.from({ length: 12 }, (_, i) => `T${i}`) })
    return counted(emulator, () => runAction({ workspace, inputs: emulatorInputs(emulator.url, { matrix, name: 'v-{title}', artifact: 'none', wait: 'false' }) }))
  })
  // Another commit, submitted without waiting, then forced again with rerender: true.
  otherCommit = inBackground(RENDERS, async (emulator, workspace) => {
    const other = await counted(emulator, () => runAction({ workspace, sha: SHA_B, inputs: emulatorInputs(emulator.url, { matrix: MATRIX, wait: 'false', 'output-dir': 'nowait' }) }))
    const forced = await counted(emulator, () =>
      runAction({
        workspace,
        sha: SHA_B,
        runId: 777,
        runAttempt: 2,
        inputs: emulatorInputs(emulator.url, { matrix: MATRIX, rerender: 'true', wait: 'false', 'output-dir': 'nowait' })
      })
    )
    return { other, forced }
  })
  failOnAny = inBackground(RENDERS, (emulator, workspace) => runAction({ workspace, inputs: emulatorInputs(emulator.url, { matrix: FAILING, name: '{title}' }) }))
  failOnNever = inBackground(RENDERS, (emulator, workspace) => runAction({ workspace, inputs: emulatorInputs(emulator.url, { matrix: FAILING, name: '{title}', 'fail-on': 'never' }) }))
  badInput = inBackground(RENDERS, async (emulator, workspace) => {
    const run = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { title: 'x'.repeat(501) }) })
    return { run, requests: emulator.stats.requests.length }
  })

  // Awaited here, not in a test: the shared emulator's counters are reset before every test.
  const { emulator, workspace } = servers
  ;({ run: first, stats: firstStats } = await counted(emulator, () => runAction({ workspace, inputs: emulatorInputs(emulator.url, { matrix: MATRIX, name: '{index}-{title}' }) })))
  firstRenders = emulator.renders()
  // The replayed ids are the answer; waiting for renders already done would prove nothing more.
  replay = await counted(emulator, () => runAction({ workspace, inputs: emulatorInputs(emulator.url, { matrix: MATRIX, name: '{index}-{title}', wait: 'false', 'output-dir': 'nowait' }) }))
  const oneChanged = JSON.stringify([
    { title: 'One', color: '#ff0000' },
    { title: 'Two', color: '#123456' },
    { title: 'Three', color: '#0000ff' }
  ])
  // The keys decide; waiting for the new render would prove nothing more (wait: false, ids only).
  changed = await counted(emulator, () => runAction({ workspace, inputs: emulatorInputs(emulator.url, { matrix: oneChanged, name: '{index}-{title}', wait: 'false', 'output-dir': 'nowait' }) }))
})

afterAll(async () => {
  await Promise.allSettled([twelve, otherCommit, failOnAny, failOnNever, badInput])
})

describe('the action against the emulator', () => {
  it('uploads once, renders every matrix entry and leaves the videos, outputs and summary', () => {
    const { emulator, workspace } = servers
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    expect(firstStats.assetsCreated).toBe(1)
    expect(firstStats.byRoute['PUT upload']).toBe(1)
    expect(firstStats.rendersCreated).toBe(3)

    expect(first.results.map((r) => r.name)).toEqual(['1-One', '2-Two', '3-Three'])
    for (const r of first.results) {
      expect(r.status).toBe('completed')
      expect(r.idempotency_key).toContain(SHA_A)
      expect(r.render_id).toBeTruthy()
      expect(r.video_path).toBe(`renders/${r.name}.mp4`)
      const file = path.join(workspace, r.video_path as string)
      expect(readFileSync(file).equals(emulator.videoBytes(r.render_id as string) as Buffer)).toBe(true)
      expect(readFileSync(file).subarray(4, 8).toString('latin1')).toBe('ftyp')
      expect(existsSync(`${file}.part`)).toBe(false)
    }
    // The declared default of the variable the entries leave unset is reported, not sent.
    expect(first.results[0].variables).toEqual({ title: 'One', color: '#ff0000', locale: 'en' })
    expect(firstRenders.find((r) => r.render_id === first.results[0].render_id)?.body.variables).toEqual({ title: 'One', color: '#ff0000' })
    expect(new Set(first.results.map((r) => r.idempotency_key)).size).toBe(3)

    expect(JSON.parse(first.outputs['render-ids'])).toEqual(first.results.map((r) => r.render_id))
    expect(JSON.parse(first.outputs.videos)).toEqual(first.results.map((r) => r.video_path))
    expect(first.outputs.succeeded).toBe('3')
    expect(first.outputs.failed).toBe('0')
    expect(first.outputs['asset-id']).toBe(firstRenders[0].body.project.asset_id)

    expect(first.summary).toContain('3 of 3 succeeded')
    for (const name of ['1-One', '2-Two', '3-Three']) expect(first.summary).toContain(name)
    // Not on a runner: one warning about artifacts, and the run still succeeds.
    expect(first.stdout.match(/::warning::Artifacts not uploaded/g)).toHaveLength(1)
    // Each render logs in its own group.
    expect(first.stdout.match(/::group::/g)).toHaveLength(3)
  })

  it('masks the key and never prints it', () => {
    // The runner consumes ::add-mask:: itself; it is the only line allowed to name the key.
    const lines = first.stdout.split('\n')
    expect(lines.filter((l) => l.includes('test-key-123'))).toEqual(['::add-mask::test-key-123'])
    expect(JSON.stringify(first.outputs)).not.toContain('test-key-123')
    expect(first.summary).not.toContain('test-key-123')
  })

  describe('bytes uploaded do not grow with the matrix', () => {
    it('uploads one zip for 3 entries and for 12 entries', async () => {
      // The first run uploaded this project for 3 entries; the 12 went to an emulator that had
      // never seen the zip, so the upload cannot be a replay.
      const { run, stats: twelveStats } = await twelve
      expect(run.code).toBe(0)
      expect(run.results).toHaveLength(12)
      for (const [stats, n] of [
        [firstStats, 3],
        [twelveStats, 12]
      ] as const) {
        expect(stats.rendersCreated).toBe(n)
        expect(stats.byRoute['PUT upload']).toBe(1)
        expect(stats.byRoute['POST /v3/assets/direct-uploads']).toBe(1)
      }
      expect(firstStats.bytesUploaded).toBeGreaterThan(0)
      expect(twelveStats.bytesUploaded).toBe(firstStats.bytesUploaded)
    })
  })

  it('replays a re-run of the same commit instead of creating new renders', () => {
    const { run: again, stats } = replay
    expect(again.code).toBe(0)
    expect(stats.rendersCreated).toBe(0)
    expect(stats.assetsCreated).toBe(0)
    expect(again.results.map((r) => r.render_id)).toEqual(first.results.map((r) => r.render_id))
    expect(again.results.map((r) => r.idempotency_key)).toEqual(first.results.map((r) => r.idempotency_key))
  })

  it('creates exactly one new render when one variable changes', () => {
    const { run, stats } = changed
    expect(run.code).toBe(0)
    expect(stats.rendersCreated).toBe(1)
    expect(run.results[0].render_id).toBe(first.results[0].render_id)
    expect(run.results[1].render_id).not.toBe(first.results[1].render_id)
    expect(run.results[2].render_id).toBe(first.results[2].render_id)
  })

  // One run of another commit, read by both tests below: new keys for a new commit, and what
  // wait: false returns; then the same commit forced again with rerender: true.
  describe('another commit, submitted without waiting', () => {
    it('renders again for another commit, and with rerender: true', async () => {
      const { other, forced } = await otherCommit
      expect(other.run.code).toBe(0)
      expect(other.stats.rendersCreated).toBe(3)
      for (const r of other.run.results) expect(r.idempotency_key).toContain(SHA_B)

      expect(forced.run.code).toBe(0)
      expect(forced.stats.rendersCreated).toBe(3)
      for (const r of forced.run.results) expect(r.idempotency_key).toMatch(/-run777\.2$/)
    })

    // The PR head SHA on pull_request events is read in-process, in run-context.test.ts.

    it('with wait: false submits and returns the ids without downloading', async () => {
      const { run: other, stats: otherStats } = (await otherCommit).other
      expect(other.code).toBe(0)
      expect(other.results.map((r) => r.status)).toEqual(['submitted', 'submitted', 'submitted'])
      expect(other.results.every((r) => r.render_id && r.video_path === null)).toBe(true)
      expect(otherStats.downloads).toBe(0)
      expect(otherStats.byRoute['GET /v3/hyperframes/renders/:id'] ?? 0).toBe(0)
    })
  })
})

describe('failed renders', () => {
  it('reports the failure message and fails the step with fail-on: any', async () => {
    const run = await failOnAny
    expect(run.code).toBe(1)
    const broken = run.results.find((r) => r.name === 'Broken')
    expect(broken?.status).toBe('failed')
    expect(broken?.failure_message).toBe('Font "Nope" could not be loaded')
    expect(run.results.find((r) => r.name === 'Fine')?.status).toBe('completed')
    expect(run.outputs.succeeded).toBe('1')
    expect(run.outputs.failed).toBe('1')
    expect(run.stdout).toMatch(/::error::1 of 2 renders did not complete \(fail-on: any\): Broken \(failed: Font "Nope" could not be loaded\)/)
    expect(run.stdout).toContain('title="Broken"')
    expect(run.summary).toContain('Font "Nope" could not be loaded')
  })

  // What fail-on: all makes of some or all renders failing is judged in fail-on.test.ts; one
  // green run shows the verdict reaching the step and its annotations.
  it('passes with fail-on: never when a render failed, the failure an annotation', async () => {
    const run = await failOnNever
    expect(run.code).toBe(0)
    expect(run.outputs.failed).toBe('1')
    // Green, but not silent: the failed render is an annotation.
    expect(run.stdout).toContain(`::warning::Render 'Broken' did not complete (failed: Font "Nope" could not be loaded); the step stays green because fail-on is never.`)
  })
})

describe('bad input is refused before any network call', () => {
  // Each bad input is checked against the stages that refuse it in input-refusals.test.ts; this
  // run proves what only the whole action shows: the refusal is one plain ::error:: line, the
  // step fails before the first request, and the outputs are still written. The title is checked
  // last of all (when the jobs are planned), so every earlier check also precedes the network.
  it('refuses a title over 500 characters with one error line, no request, and outputs written', async () => {
    const { run, requests } = await badInput
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/::error::Input 'title': entry 1 .* 501 characters; the API takes at most 500/)
    // A user mistake is one plain line: no stack trace.
    expect(run.stdout).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/)
    expect(requests).toBe(0)
    // Outputs are written even when the step fails.
    expect(run.outputs.results).toBe('[]')
    expect(run.outputs.succeeded).toBe('0')
  })
})
