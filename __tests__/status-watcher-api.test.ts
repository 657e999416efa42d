import { readFileSync } from 'node:fs'
import type { Emulator, EmulatorOptions, OtherClients } from '../emulator/index.js'
import { DEFAULT_POLL } from '../src/render/scheduler.js'
import { removeInProcessFiles, renderInProcess, type InProcessOptions, type InProcessRun } from './support/render-in-process.js'
import { distinctEngine } from './support/video-engines.js'
import { startTestEmulator } from './support/with-emulator.js'

// The status watcher as a run drives it (the scheduler, the HeyGen backend and client), against
// the emulator over real sockets, in this process. Many renders in flight are watched by one
// loop: a tick lists them all in one call instead of one GET each, and a render is fetched on its
// own only once it completed (for its fresh video URL). The scenarios run at once in beforeAll
// on an emulator of its own, so the file costs about its longest scenario's render time; each
// `it` reads its scenario's requests and log.

const STATUS = 'GET /v3/hyperframes/renders/:id'
const LIST = 'GET /v3/hyperframes/renders'
const N = 30

interface Scenario {
  emulator: Emulator
  run: InProcessRun
}

const emulators: Emulator[] = []
async function scenario(emulatorOptions: EmulatorOptions, run: Omit<InProcessOptions, 'apiUrl'>): Promise<Scenario> {
  // No storage lag on the upload (the upload is not what these scenarios are about), and one
  // encode for the file: some 80 renders' encodes would otherwise queue behind each other in this
  // process. Each render still gets bytes of its own, so a mixed-up download shows.
  const emulator = await startTestEmulator({ queueMs: 10, completeRaceProbability: 0, engine: distinctEngine, ...emulatorOptions })
  emulators.push(emulator)
  return { emulator, run: await renderInProcess({ apiUrl: emulator.url, ...run }) }
}

const titles = (n: number): string[] => Array.from({ length: n }, (_, i) => `T${i + 1}`)

/** The downloaded file is the video the emulator made for that render. */
function downloadedExactly(s: Scenario): void {
  for (const o of s.run.outcomes) expect(readFileSync(o.videoPath as string).equals(s.emulator.videoBytes(o.renderId as string) as Buffer)).toBe(true)
}

// A shared account: other clients' renders fill the newest-first list around ours. Ten renders of
// 3 s (a scaled-down 6 s, with the other client's rate scaled up to match) must each cost at most
// two GETs, and each completion must be noticed within 3 s, read off the emulator's own log.
const BUSY: Array<[string, OtherClients]> = [
  ['2,000 older renders on the account', { olderRenders: 2000 }],
  ['another client creating 30 renders/s', { rendersPerSecond: 30 }],
  ['a burst of 25 renders by another job just after ours', { burst: { creates: 10, count: 25 } }]
]

let many: Scenario
let listMissing: Scenario
let listRefused: Scenario
let list500: Scenario
let trouble: Scenario
const busy = new Map<string, Scenario>()

beforeAll(async () => {
  const four = titles(4).map((t) => t.replace('T', 'Q'))
  const started: Array<Promise<unknown>> = [
    // Its first tick must find all four renders submitted (a tick with one render in flight asks
    // it directly), which a crowded event loop could delay past the usual 0.5 s: it comes at 2 s.
    scenario({ renderMs: 5000, faults: [{ route: LIST, status: 401, code: 'authentication_failed', message: 'Invalid API key' }] }, { titles: four, poll: { ...DEFAULT_POLL, firstMs: 2000 } }).then(
      (s) => (listRefused = s)
    ),
    scenario({ renderMs: 2500, renderJitterMs: 1000, maxConcurrentRenders: N, seed: 7 }, { titles: titles(N), name: (t) => `v-${t}`, concurrency: N }).then((s) => (many = s)),
    scenario({ renderMs: 1200, faults: [{ route: LIST, status: 404, code: 'not_found', message: 'No such route' }] }, { titles: four }).then((s) => (listMissing = s)),
    scenario({ renderMs: 1500, faults: [{ route: LIST, status: 500 }] }, { titles: titles(8), concurrency: 8 }).then((s) => (list500 = s)),
    scenario(
      {
        renderMs: 1200,
        faults: [
          { route: LIST, status: 503, times: 2 },
          { route: STATUS, status: 200, rawBody: '{"data": {"render_id": "', contentType: 'application/json', times: 6 }
        ]
      },
      { titles: ['A', 'B', 'C'] }
    ).then((s) => (trouble = s)),
    // Long-lived video URLs: a download slowed past a short lifetime would ask for a fresh URL with
    // a GET of its own, which says nothing about how the watcher finds renders.
    ...BUSY.map(([label, otherClients]) =>
      scenario({ renderMs: 3000, renderJitterMs: 500, maxConcurrentRenders: 10, seed: 11, otherClients, urlTtlSeconds: 300 }, { titles: titles(10), name: (t) => `v-${t}`, concurrency: 10 }).then(
        (s) => busy.set(label, s)
      )
    )
  ]
  await Promise.all(started)
}, 60_000)

afterAll(async () => {
  await Promise.all(emulators.map((e) => e.close()))
  removeInProcessFiles()
})

describe('the status watcher with 30 renders in flight', () => {
  it('lists them once per tick, fetches each once when done, and still downloads every video', () => {
    const { emulator, run } = many
    // It still reacts: every render completed and its video is the one the API made.
    expect(run.outcomes).toHaveLength(N)
    expect(run.outcomes.map((o) => o.status)).toEqual(Array(N).fill('completed'))
    downloadedExactly(many)

    const gets = emulator.stats.byRoute[STATUS] ?? 0
    const lists = emulator.stats.byRoute[LIST] ?? 0
    // One GET per render for its fresh video URL; a couple more only if a listing missed one.
    expect(gets).toBeGreaterThanOrEqual(N)
    expect(gets).toBeLessThanOrEqual(N + 3)
    expect(lists).toBeGreaterThanOrEqual(2)
    for (const r of emulator.stats.requests.filter((q) => q.route === LIST)) expect(r.status).toBe(200)

    // The run reports (in the debug log) how many calls one GET per render per tick would have taken.
    const line = run.debug.find((l) => l.startsWith('Status checks:')) ?? ''
    const m = /^Status checks: (\d+) ticks, (\d+) of them answered by listing renders; one GET per render per tick would have taken (\d+) calls\.$/.exec(line)
    expect(m).not.toBeNull()
    const [ticks, batched, naive] = [Number(m?.[1]), Number(m?.[2]), Number(m?.[3])]
    expect(batched).toBeGreaterThanOrEqual(2)
    expect(lists).toBeGreaterThanOrEqual(batched) // a tick may page twice
    expect(ticks).toBeGreaterThanOrEqual(batched)
    console.log(`status watcher: ${gets} GETs + ${lists} list calls for ${N} renders over ${ticks} ticks (one GET per render per tick: ${naive})`)
    // Well below one status call per render per tick.
    expect(naive).toBeGreaterThan(2 * N)
    expect(gets + lists).toBeLessThan(naive / 2)
  })
})

describe('the status watcher when listing fails', () => {
  it('asks each render directly when the list call is not there, and still finishes', () => {
    const { emulator, run } = listMissing
    expect(run.result.fatal).toBeUndefined()
    expect(run.outcomes.map((o) => o.status)).toEqual(['completed', 'completed', 'completed', 'completed'])
    // Tried once (no retries), then each render was polled on its own until the listing's next try.
    expect(emulator.stats.byRoute[LIST]).toBeGreaterThanOrEqual(1)
    expect(emulator.stats.byRoute[LIST]).toBeLessThanOrEqual(2)
    expect(emulator.stats.byRoute[STATUS] ?? 0).toBeGreaterThanOrEqual(4)
  })

  it('stops every render at once on a refused key, without one GET per render', () => {
    const { emulator, run } = listRefused
    expect(run.result.fatal?.message).toMatch(/List renders failed: HTTP 401 authentication_failed/)
    expect(emulator.stats.byRoute[LIST]).toBe(1)
    expect(emulator.stats.byRoute[STATUS] ?? 0).toBe(0)
    expect(run.outcomes.map((o) => o.status)).toEqual(['error', 'error', 'error', 'error'])
    for (const o of run.outcomes) expect(o.failureMessage).toMatch(/List renders failed: HTTP 401 authentication_failed/)
  })
})

describe('the status watcher when the list call answers 500 every time', () => {
  it('costs a tick or two: one try per listing, then GETs, and another listing only after a backoff', () => {
    const { emulator, run } = list500
    expect(run.outcomes.every((o) => o.status === 'completed')).toBe(true)
    // The client's seven tries of the same failing listing are gone: a listing is tried once,
    // and again 2 s later at the earliest (the renders end about 1.5 s in).
    const lists = emulator.stats.byRoute[LIST] ?? 0
    expect(lists).toBeGreaterThanOrEqual(1)
    expect(lists).toBeLessThanOrEqual(2)
    expect(run.log.join('\n')).toMatch(/List renders failed: HTTP 500 internal_error.*asking each render directly, and listing again in 2 s/)
  })
})

describe('the status watcher through status trouble', () => {
  it('delivers every video through failing listings and a garbled answer to each GET after completion', () => {
    const { emulator, run } = trouble
    expect(run.outcomes.map((o) => o.status)).toEqual(['completed', 'completed', 'completed'])
    downloadedExactly(trouble)
    // Every garbled answer was asked again, not taken for the render's end.
    expect(emulator.stats.requests.filter((q) => q.route === STATUS && q.status === 200).length).toBeGreaterThanOrEqual(9)
    // The client asks a garbled GET again itself (a GET repeated is a replay), and says so.
    expect(run.log.join('\n')).toMatch(/HTTP 200 with an unreadable body; retrying/)
  })
})

describe.each(BUSY)('the status watcher on a busy account: %s', (label) => {
  it('asks each render at most twice and notices each completion within 3 s', () => {
    const { emulator, run } = busy.get(label) as Scenario
    expect(run.outcomes.map((o) => o.status)).toEqual(Array(10).fill('completed'))
    const requests = emulator.stats.requests
    const ended = new Map(emulator.renders().map((r) => [r.render_id, r.completedAtMs]))
    const perRender: number[] = []
    for (const o of run.outcomes) {
      const id = o.renderId as string
      const gets = requests.filter((q) => q.route === STATUS && q.path.endsWith(`/${id}`))
      perRender.push(gets.length)
      expect(gets.length).toBeLessThanOrEqual(2)
      // Noticed: the first GET of it after it ended (a listing that saw it is followed by one at once).
      const completedAt = ended.get(id) as number
      const noticed = gets.find((q) => q.receivedAt >= completedAt)
      expect(noticed).toBeDefined()
      expect((noticed?.receivedAt ?? Infinity) - completedAt).toBeLessThanOrEqual(3000)
    }
    const lists = requests.filter((q) => q.route === LIST).length
    console.log(`busy account (${label}): GETs per render ${perRender.join(',')}; ${lists} list calls`)
  })
})
