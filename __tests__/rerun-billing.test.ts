import { readFileSync } from 'node:fs'
import { createFastEngine, type Emulator, type EmulatorOptions, type RenderEngine } from '../emulator/index.js'
import { jobsFor, packFixture, renderInProcess, useFreshEmulator, type PackedFixture, type RunRecord } from './support/heygen-run.js'

// Re-runs of a matrix whose entry failed: only what failed in an earlier run is submitted again,
// a later re-run replays instead of paying twice, and no run bills an entry more than once,
// whatever the API's clock says. Each run is the render stage in this process (upload, submit,
// poll, download) against one emulator that keeps its idempotency records between runs.

let packed: PackedFixture
/** Every render gets the same video, made before the tests: no encode can stall a first status check. */
let engine: RenderEngine
beforeAll(async () => {
  packed = await packFixture()
  const video = await createFastEngine().render({
    renderId: 'warm-up',
    projectZip: readFileSync(packed.zip.zipPath),
    composition: 'index.html',
    variables: {},
    fps: 30,
    quality: 'standard',
    format: 'mp4',
    resolution: '1080p',
    aspectRatio: '16:9'
  })
  engine = { name: 'one video', render: async () => video }
})
afterAll(() => packed.remove())
const emulators = useFreshEmulator()

const jobs = jobsFor([{ title: 'A' }, { title: 'B' }], (v) => v.title)

/**
 * One run of both entries. Every run keys them alike (same commit, same zip, same inputs), as a
 * re-run of the workflow does; a resubmission's key is derived from that base key again.
 */
function rerun(emulator: Emulator): Promise<RunRecord> {
  return renderInProcess({ apiUrl: emulator.url, packed, jobs })
}

function rendersFor(emulator: Emulator, title: string): number {
  return emulator.renders().filter((r) => r.body.variables?.title === title).length
}

// Renders take long enough for the first status check to see them running, as real ones do:
// that is how a run knows it made a render.
const SLOW_ENOUGH: EmulatorOptions = { renderMs: 250 }

describe('renders that fail', () => {
  it('re-submits only the entries that failed in an earlier run, and a later re-run replays them', async () => {
    let broken = true
    const emulator = await emulators.start({ ...SLOW_ENOUGH, engine, failRender: (body) => (broken && body.variables?.title === 'B' ? 'Font failed to load' : undefined) })
    const first = await rerun(emulator)
    // B failed: the step fails (fail-on: any).
    expect(first.outcomes.map((o) => o.status)).toEqual(['completed', 'failed'])
    expect(emulator.stats.rendersCreated).toBe(2)

    broken = false
    emulator.resetStats()
    const second = await rerun(emulator)
    expect(second.outcomes.map((o) => o.status)).toEqual(['completed', 'completed'])
    expect(emulator.stats.rendersCreated).toBe(1)
    expect(second.outcomes[0].renderId).toBe(first.outcomes[0].renderId)
    expect(second.outcomes[1].renderId).not.toBe(first.outcomes[1].renderId)
    expect(second.outcomes[1].key).toBe(`${first.outcomes[1].key}-after-${first.outcomes[1].renderId}`)
    expect(second.log).toContain('failed in an earlier run (Font failed to load); submitting it again')

    emulator.resetStats()
    const third = await rerun(emulator)
    expect(third.outcomes.map((o) => o.status)).toEqual(['completed', 'completed'])
    expect(emulator.stats.rendersCreated).toBe(0)
    expect(third.outcomes.map((o) => o.renderId)).toEqual(second.outcomes.map((o) => o.renderId))
  })
})

describe('one bill per entry per run, whatever the clocks say', () => {
  for (const skew of [3600, -3600]) {
    it(`resubmits an earlier run's failure once and never its own (API clock ${skew > 0 ? 'ahead' : 'behind'} by an hour)`, async () => {
      const emulator = await emulators.start({ ...SLOW_ENOUGH, engine, clockSkewSeconds: skew, failRender: (b) => (b.variables?.title === 'B' ? 'Font failed to load' : undefined) })
      const first = await rerun(emulator)
      expect(first.outcomes.map((o) => o.status)).toEqual(['completed', 'failed'])
      expect(rendersFor(emulator, 'B')).toBe(1)
      expect(rendersFor(emulator, 'A')).toBe(1)

      // A re-run: B's failure is an earlier run's, so it gets exactly one new render.
      const second = await rerun(emulator)
      expect(second.outcomes.map((o) => o.status)).toEqual(['completed', 'failed'])
      expect(rendersFor(emulator, 'B')).toBe(2)
      expect(rendersFor(emulator, 'A')).toBe(1)
      expect(second.log).toContain('failed in an earlier run (Font failed to load); submitting it again')

      // Another: the chain of earlier failures is followed by replays, then one new render.
      const third = await rerun(emulator)
      expect(third.outcomes[1].status).toBe('failed')
      expect(rendersFor(emulator, 'B')).toBe(3)
      expect(rendersFor(emulator, 'A')).toBe(1)
    })
  }
})
