import { existsSync, readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import type { EmulatorStats } from '../emulator/index.js'
import { SHA_A, SHA_B, emulatorInputs, makeWorkspace, runAction, type ActionRun } from './support/action-runner.js'
import { useServers } from './support/servers.js'
import { startTestEmulator } from './support/with-emulator.js'

// End to end: the bundled dist/index.js as a child process, against the emulator over loopback.

const MATRIX = JSON.stringify([
  { title: 'One', color: '#ff0000' },
  { title: 'Two', color: '#00ff00' },
  { title: 'Three', color: '#0000ff' }
])

// One emulator and workspace for the file; a render titled 'Broken' fails, as a font error would.
const servers = useServers({
  emulator: { renderMs: 150, queueMs: 20, failRender: (body) => (body.variables?.title === 'Broken' ? 'Font "Nope" could not be loaded' : undefined) }
})

describe('the action against the emulator', () => {
  let first: ActionRun

  // The first run of this commit, read by the two tests below.
  beforeAll(async () => {
    servers.emulator.resetStats()
    first = await runAction({ workspace: servers.workspace, inputs: emulatorInputs(servers.emulator.url, { matrix: MATRIX, name: '{index}-{title}' }) })
    firstStats = structuredClone(servers.emulator.stats)
  })
  let firstStats: EmulatorStats

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
    expect(emulator.renders().find((r) => r.render_id === first.results[0].render_id)?.body.variables).toEqual({ title: 'One', color: '#ff0000' })
    expect(new Set(first.results.map((r) => r.idempotency_key)).size).toBe(3)

    expect(JSON.parse(first.outputs['render-ids'])).toEqual(first.results.map((r) => r.render_id))
    expect(JSON.parse(first.outputs.videos)).toEqual(first.results.map((r) => r.video_path))
    expect(first.outputs.succeeded).toBe('3')
    expect(first.outputs.failed).toBe('0')
    expect(first.outputs['asset-id']).toBe(emulator.renders()[0].body.project.asset_id)

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
      // The first run above uploaded this project for 3 entries; 12 go to an emulator that has
      // never seen the zip, so the upload cannot be a replay.
      const emulator = await startTestEmulator({ renderMs: 50, queueMs: 10 })
      const workspace = makeWorkspace()
      try {
        const matrix = JSON.stringify({ title: Array.from({ length: 12 }, (_, i) => `T${i}`) })
        // Submitting is all this is about: no need to wait for twelve renders.
        const run = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { matrix, name: 'v-{title}', artifact: 'none', wait: 'false' }) })
        expect(run.code).toBe(0)
        expect(run.results).toHaveLength(12)
        for (const [stats, n] of [
          [firstStats, 3],
          [emulator.stats, 12]
        ] as const) {
          expect(stats.rendersCreated).toBe(n)
          expect(stats.byRoute['PUT upload']).toBe(1)
          expect(stats.byRoute['POST /v3/assets/direct-uploads']).toBe(1)
        }
        expect(firstStats.bytesUploaded).toBeGreaterThan(0)
        expect(emulator.stats.bytesUploaded).toBe(firstStats.bytesUploaded)
      } finally {
        await emulator.close()
        rmSync(workspace, { recursive: true, force: true })
      }
    })
  })

  it('replays a re-run of the same commit instead of creating new renders', async () => {
    const { emulator, workspace } = servers
    // The replayed ids are the answer; waiting for renders already done would prove nothing more.
    const again = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { matrix: MATRIX, name: '{index}-{title}', wait: 'false', 'output-dir': 'nowait' }) })
    expect(again.code).toBe(0)
    expect(emulator.stats.rendersCreated).toBe(0)
    expect(emulator.stats.assetsCreated).toBe(0)
    expect(again.results.map((r) => r.render_id)).toEqual(first.results.map((r) => r.render_id))
    expect(again.results.map((r) => r.idempotency_key)).toEqual(first.results.map((r) => r.idempotency_key))
  })

  it('creates exactly one new render when one variable changes', async () => {
    const { emulator, workspace } = servers
    const changed = JSON.stringify([
      { title: 'One', color: '#ff0000' },
      { title: 'Two', color: '#123456' },
      { title: 'Three', color: '#0000ff' }
    ])
    // The keys decide; waiting for the new render would prove nothing more (wait: false, ids only).
    const run = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { matrix: changed, name: '{index}-{title}', wait: 'false', 'output-dir': 'nowait' }) })
    expect(run.code).toBe(0)
    expect(emulator.stats.rendersCreated).toBe(1)
    expect(run.results[0].render_id).toBe(first.results[0].render_id)
    expect(run.results[1].render_id).not.toBe(first.results[1].render_id)
    expect(run.results[2].render_id).toBe(first.results[2].render_id)
  })

  describe('another commit, submitted without waiting', () => {
    let other: ActionRun
    let otherStats: EmulatorStats

    // One run, read by both tests below: new keys for a new commit, and what wait: false returns.
    beforeAll(async () => {
      servers.emulator.resetStats()
      other = await runAction({ workspace: servers.workspace, sha: SHA_B, inputs: emulatorInputs(servers.emulator.url, { matrix: MATRIX, wait: 'false', 'output-dir': 'nowait' }) })
      otherStats = structuredClone(servers.emulator.stats)
    })

    it('renders again for another commit, and with rerender: true', async () => {
      const { emulator, workspace } = servers
      expect(other.code).toBe(0)
      expect(otherStats.rendersCreated).toBe(3)
      for (const r of other.results) expect(r.idempotency_key).toContain(SHA_B)

      const forced = await runAction({
        workspace,
        sha: SHA_B,
        runId: 777,
        runAttempt: 2,
        inputs: emulatorInputs(emulator.url, { matrix: MATRIX, rerender: 'true', wait: 'false', 'output-dir': 'nowait' })
      })
      expect(forced.code).toBe(0)
      expect(emulator.stats.rendersCreated).toBe(3)
      for (const r of forced.results) expect(r.idempotency_key).toMatch(/-run777\.2$/)
    })

    // The PR head SHA on pull_request events is read in-process, in run-context.test.ts.

    it('with wait: false submits and returns the ids without downloading', () => {
      expect(other.code).toBe(0)
      expect(other.results.map((r) => r.status)).toEqual(['submitted', 'submitted', 'submitted'])
      expect(other.results.every((r) => r.render_id && r.video_path === null)).toBe(true)
      expect(otherStats.downloads).toBe(0)
      expect(otherStats.byRoute['GET /v3/hyperframes/renders/:id'] ?? 0).toBe(0)
    })
  })
})

describe('failed renders', () => {
  const matrix = JSON.stringify([{ title: 'Fine' }, { title: 'Broken' }])

  it('reports the failure message and fails the step with fail-on: any', async () => {
    const { emulator, workspace } = servers
    const run = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { matrix, name: '{title}' }) })
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
    const { emulator, workspace } = servers
    const run = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { matrix, name: '{title}', 'fail-on': 'never' }) })
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
    const { emulator, workspace } = servers
    const run = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { title: 'x'.repeat(501) }) })
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/::error::Input 'title': entry 1 .* 501 characters; the API takes at most 500/)
    // A user mistake is one plain line: no stack trace.
    expect(run.stdout).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/)
    expect(emulator.stats.requests).toHaveLength(0)
    // Outputs are written even when the step fails.
    expect(run.outputs.results).toBe('[]')
    expect(run.outputs.succeeded).toBe('0')
  })
})
