import { emulatorInputs, runAction, type ActionRun } from './support/action-runner.js'
import { inBackground } from './support/background-run.js'
import { distinctEngine } from './support/video-engines.js'

// What the log says, end to end: a progress line per finished render, in order, group titles
// that carry [n/N], keys only in the debug log, and one closing line with what the run cost.
// The runs mostly wait on renders, so they all start at once in beforeAll, each on an emulator
// of its own, and each test reads its own.

const MATRIX = JSON.stringify([{ title: 'A' }, { title: 'B' }, { title: 'C' }])

let order: Promise<{ first: ActionRun; again: ActionRun; rendersCreated: number }>
let slow: Promise<{ run: ActionRun; rendersCreated: number }>
let badInterval: Promise<{ run: ActionRun; requests: number }>
let dryRun: Promise<ActionRun>

beforeAll(() => {
  // Renders long enough to be seen unfinished once, as every real render is: a render already
  // ended at the run's first look counts as an earlier run's (the rule billing follows too).
  // All three at once: one wave of waiting, and the places still come in order.
  order = inBackground({ renderMs: 1200, engine: distinctEngine }, async (emulator, workspace) => {
    const inputs = emulatorInputs(emulator.url, { matrix: MATRIX, name: 'r-{title}', concurrency: '3', artifact: 'none' })
    const first = await runAction({ workspace, inputs })
    const again = await runAction({ workspace, inputs })
    return { first, again, rendersCreated: emulator.stats.rendersCreated }
  })
  // Renders of 1.2 s against a heartbeat shortened to 0.5 s through the testing aid: it speaks
  // about every 0.42 s (a check short of due), so two heartbeats come before any render can end,
  // in each of the two waves.
  slow = inBackground({ renderMs: 1200, engine: distinctEngine }, async (emulator, workspace) => {
    const inputs = emulatorInputs(emulator.url, { matrix: MATRIX, name: 's-{title}', concurrency: '2', artifact: 'none' })
    const run = await runAction({ workspace, inputs, env: { HYPERFRAMES_PROGRESS_INTERVAL_SECONDS: '0.5' } })
    return { run, rendersCreated: emulator.stats.rendersCreated }
  })
  badInterval = inBackground({}, async (emulator, workspace) => {
    const run = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { matrix: MATRIX }), env: { HYPERFRAMES_PROGRESS_INTERVAL_SECONDS: 'soon' } })
    return { run, requests: emulator.stats.requests.length }
  })
  dryRun = inBackground({}, (emulator, workspace) => runAction({ workspace, inputs: emulatorInputs(emulator.url, { matrix: MATRIX, 'dry-run': 'true', resolution: '4k' }) }))
})

afterAll(async () => {
  await Promise.allSettled([order, slow, badInterval, dryRun])
})

describe('a log that talks', () => {
  it('logs [n/N] progress in order and one closing line; a replay is not billed again', async () => {
    const { first, again, rendersCreated } = await order
    expect(first.code).toBe(0)
    const lines = first.stdout.split('\n')
    const progress = lines.filter((l) => /^\[\d+\/3\] \d+ rendering · \d+ queued · \d+s elapsed/.test(l))
    expect(progress.map((l) => l.slice(0, 5))).toEqual(['[1/3]', '[2/3]', '[3/3]'])
    const groups = lines.filter((l) => l.startsWith('::group::'))
    expect(groups.map((l) => /^::group::(\[\d\/3\]) r-[ABC]: completed/.exec(l)?.[1])).toEqual(['[1/3]', '[2/3]', '[3/3]'])
    // Keys are for the debug log (and the results output), not the visible one.
    const key = first.results[0].idempotency_key
    expect(lines.filter((l) => l.includes(key)).every((l) => l.startsWith('::debug::'))).toBe(true)
    expect(lines.filter((l) => l.startsWith('Status checks:'))).toEqual([])
    const closing = lines.filter((l) => /^3 videos rendered/.test(l))
    expect(closing).toHaveLength(1)
    expect(closing[0]).toMatch(/^3 videos rendered \(3 new, 0 replayed\) in \d+s · 0 failed · 3s of video billed, 0s replayed free$/)
    expect(first.summary).toContain('**3 videos rendered (3 new, 0 replayed)')

    expect(again.code).toBe(0)
    expect(rendersCreated).toBe(3)
    expect(again.stdout).toMatch(/^3 videos rendered \(0 new, 3 replayed\) in \d+s · 0 failed · 0s of video billed, 3s replayed free$/m)
  })

  it('speaks while slow renders run: heartbeats before any render ends, [n/N] lines in order', async () => {
    const { run, rendersCreated } = await slow
    expect(run.code).toBe(0)
    const lines = run.stdout.split('\n')
    const progress = lines.filter((l) => /^\[\d\/3\] \d rendering · \d queued · /.test(l))
    const places = progress.map((l) => Number(l[1]))
    // In order: the place never goes back, and it reaches every render's end.
    expect(places).toEqual([...places].sort((a, b) => a - b))
    expect([1, 2, 3].every((n) => places.includes(n))).toBe(true)
    // A heartbeat while nothing has finished: [0/3] with both slots busy, before the first group.
    const heartbeats = progress.filter((l) => l.startsWith('[0/3] 2 rendering · 1 queued · '))
    expect(heartbeats.length).toBeGreaterThanOrEqual(1)
    expect(lines.indexOf(heartbeats[0])).toBeLessThan(lines.findIndex((l) => l.startsWith('::group::[1/3]')))
    // More lines than ends: the extra ones are the heartbeats.
    expect(progress.length).toBeGreaterThan(3)
    expect(rendersCreated).toBe(3)
  })

  it('refuses a progress interval that is not a number of seconds, before any call', async () => {
    const { run, requests } = await badInterval
    expect(run.code).not.toBe(0)
    expect(run.stdout).toContain("::error::Environment variable HYPERFRAMES_PROGRESS_INTERVAL_SECONDS: expected seconds between 0.1 and 3600 (e.g. 1), got 'soon'.")
    expect(requests).toBe(0)
  })

  it('says what a dry run would bill', async () => {
    const run = await dryRun
    expect(run.code).toBe(0)
    // The fixture declares data-duration="1".
    expect(run.stdout).toContain('Dry run: would bill about 4.5s of video: 3 × 1 s × 1.5 (4k), less any render replayed for free.')
    expect(run.summary).toContain('**Dry run: would bill about 4.5s of video')
  })
})
