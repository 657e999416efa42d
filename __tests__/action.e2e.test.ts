import { existsSync, readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import type { Emulator } from '../emulator/index.js'
import { SHA_A, SHA_B, emulatorInputs, makeWorkspace, runAction } from './support/action-runner.js'
import { startTestEmulator } from './support/with-emulator.js'

// End to end: the bundled dist/index.js as a child process, against the emulator over loopback.

const MATRIX = JSON.stringify([
  { title: 'One', color: '#ff0000' },
  { title: 'Two', color: '#00ff00' },
  { title: 'Three', color: '#0000ff' }
])

describe('the action against the emulator', () => {
  let emulator: Emulator
  let workspace: string

  beforeAll(async () => {
    emulator = await startTestEmulator({ renderMs: 150, queueMs: 20 })
    workspace = makeWorkspace()
  })
  afterAll(async () => {
    await emulator.close()
    rmSync(workspace, { recursive: true, force: true })
  })

  let first: Awaited<ReturnType<typeof runAction>>

  it('uploads once, renders every matrix entry and leaves the videos, outputs and summary', async () => {
    emulator.resetStats()
    first = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { matrix: MATRIX, name: '{index}-{title}' }) })
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    expect(emulator.stats.assetsCreated).toBe(1)
    expect(emulator.stats.byRoute['PUT upload']).toBe(1)
    expect(emulator.stats.rendersCreated).toBe(3)

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

  it('replays a re-run of the same commit instead of creating new renders', async () => {
    emulator.resetStats()
    const again = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { matrix: MATRIX, name: '{index}-{title}' }) })
    expect(again.code).toBe(0)
    expect(emulator.stats.rendersCreated).toBe(0)
    expect(emulator.stats.assetsCreated).toBe(0)
    expect(again.results.map((r) => r.render_id)).toEqual(first.results.map((r) => r.render_id))
    expect(again.results.map((r) => r.idempotency_key)).toEqual(first.results.map((r) => r.idempotency_key))
  })

  it('creates exactly one new render when one variable changes', async () => {
    emulator.resetStats()
    const changed = JSON.stringify([
      { title: 'One', color: '#ff0000' },
      { title: 'Two', color: '#123456' },
      { title: 'Three', color: '#0000ff' }
    ])
    const run = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { matrix: changed, name: '{index}-{title}' }) })
    expect(run.code).toBe(0)
    expect(emulator.stats.rendersCreated).toBe(1)
    expect(run.results[0].render_id).toBe(first.results[0].render_id)
    expect(run.results[1].render_id).not.toBe(first.results[1].render_id)
    expect(run.results[2].render_id).toBe(first.results[2].render_id)
  })

  it('renders again for another commit, and with rerender: true', async () => {
    emulator.resetStats()
    // The keys decide; waiting for the renders would prove nothing more (wait: false, ids only).
    const other = await runAction({ workspace, sha: SHA_B, inputs: emulatorInputs(emulator.url, { matrix: MATRIX, wait: 'false', 'output-dir': 'nowait' }) })
    expect(other.code).toBe(0)
    expect(emulator.stats.rendersCreated).toBe(3)
    for (const r of other.results) expect(r.idempotency_key).toContain(SHA_B)

    emulator.resetStats()
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

  it('takes the PR head SHA on pull_request events', async () => {
    const head = 'c'.repeat(40)
    const run = await runAction({
      workspace,
      sha: 'd'.repeat(40),
      eventName: 'pull_request',
      event: { pull_request: { number: 7, head: { sha: head } } },
      inputs: emulatorInputs(emulator.url, { matrix: '[{"title": "PR"}]', artifact: 'none' })
    })
    expect(run.code).toBe(0)
    expect(run.results[0].idempotency_key).toContain(head)
    expect(run.results[0].idempotency_key).not.toContain('d'.repeat(40))
  })

  it('with wait: false submits and returns the ids without downloading', async () => {
    emulator.resetStats()
    const run = await runAction({ workspace, sha: 'e'.repeat(40), inputs: emulatorInputs(emulator.url, { matrix: MATRIX, wait: 'false', 'output-dir': 'nowait' }) })
    expect(run.code).toBe(0)
    expect(run.results.map((r) => r.status)).toEqual(['submitted', 'submitted', 'submitted'])
    expect(run.results.every((r) => r.render_id && r.video_path === null)).toBe(true)
    expect(emulator.stats.downloads).toBe(0)
    expect(emulator.stats.byRoute['GET /v3/hyperframes/renders/:id'] ?? 0).toBe(0)
  })
})

describe('bytes uploaded do not grow with the matrix', () => {
  it('uploads one zip for 1 entry and for 12 entries', async () => {
    const sizes: number[] = []
    for (const n of [1, 12]) {
      const emulator = await startTestEmulator({ renderMs: 50, queueMs: 10 })
      const workspace = makeWorkspace()
      try {
        const matrix = JSON.stringify({ title: Array.from({ length: n }, (_, i) => `T${i}`) })
        // Submitting is all this is about: no need to wait for twelve renders.
        const run = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { matrix, name: 'v-{title}', artifact: 'none', wait: 'false' }) })
        expect(run.code).toBe(0)
        expect(run.results).toHaveLength(n)
        expect(emulator.stats.rendersCreated).toBe(n)
        expect(emulator.stats.byRoute['PUT upload']).toBe(1)
        expect(emulator.stats.byRoute['POST /v3/assets/direct-uploads']).toBe(1)
        sizes.push(emulator.stats.bytesUploaded)
      } finally {
        await emulator.close()
        rmSync(workspace, { recursive: true, force: true })
      }
    }
    expect(sizes[0]).toBeGreaterThan(0)
    expect(sizes[1]).toBe(sizes[0])
  })
})

describe('failed renders', () => {
  let emulator: Emulator
  let workspace: string
  beforeAll(async () => {
    emulator = await startTestEmulator({
      renderMs: 50,
      queueMs: 10,
      failRender: (body) => (body.variables?.title === 'Broken' ? 'Font "Nope" could not be loaded' : undefined)
    })
    workspace = makeWorkspace()
  })
  afterAll(async () => {
    await emulator.close()
    rmSync(workspace, { recursive: true, force: true })
  })

  const matrix = JSON.stringify([{ title: 'Fine' }, { title: 'Broken' }])

  it('reports the failure message and fails the step with fail-on: any', async () => {
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

  it('passes with fail-on: all when only some failed, and with fail-on: never', async () => {
    for (const failOn of ['all', 'never']) {
      const run = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { matrix, name: '{title}', 'fail-on': failOn }) })
      expect(run.code).toBe(0)
      expect(run.outputs.failed).toBe('1')
      // Green, but not silent: the failed render is an annotation.
      expect(run.stdout).toContain(`::warning::Render 'Broken' did not complete (failed: Font "Nope" could not be loaded); the step stays green because fail-on is ${failOn}.`)
    }
  })

  it('fails with fail-on: all when every render failed', async () => {
    const run = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { matrix: '[{"title": "Broken"}]', 'fail-on': 'all' }) })
    expect(run.code).toBe(1)
    expect(run.outputs.failed).toBe('1')
  })
})

describe('bad input is refused before any network call', () => {
  // Each bad input is checked against the stages that refuse it in input-refusals.test.ts; this
  // run proves what only the whole action shows: the refusal is one plain ::error:: line, the
  // step fails before the first request, and the outputs are still written. The title is checked
  // last of all (when the jobs are planned), so every earlier check also precedes the network.
  it('refuses a title over 500 characters with one error line, no request, and outputs written', async () => {
    const emulator = await startTestEmulator()
    const workspace = makeWorkspace()
    try {
      const run = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { title: 'x'.repeat(501) }) })
      expect(run.code).toBe(1)
      expect(run.stdout).toMatch(/::error::Input 'title': entry 1 .* 501 characters; the API takes at most 500/)
      // A user mistake is one plain line: no stack trace.
      expect(run.stdout).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/)
      expect(emulator.stats.requests).toHaveLength(0)
      // Outputs are written even when the step fails.
      expect(run.outputs.results).toBe('[]')
      expect(run.outputs.succeeded).toBe('0')
    } finally {
      await emulator.close()
      rmSync(workspace, { recursive: true, force: true })
    }
  })
})
