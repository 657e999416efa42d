import { readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import type { Emulator, OtherClients } from '../emulator/index.js'
import { emulatorInputs, makeWorkspace, runAction } from './support/action-runner.js'
import { startTestEmulator, withEmulator } from './support/with-emulator.js'

// Many renders in flight are watched by one loop: a tick lists them all in one call instead of one
// GET each, and a render is fetched on its own only once it completed (for its fresh video URL).

const STATUS = 'GET /v3/hyperframes/renders/:id'
const LIST = 'GET /v3/hyperframes/renders'
const N = 30

describe('the status watcher with 30 renders in flight', () => {
  let emulator: Emulator
  let workspace: string
  beforeAll(async () => {
    emulator = await startTestEmulator({ renderMs: 2500, renderJitterMs: 1000, queueMs: 10, maxConcurrentRenders: N, seed: 7 })
    workspace = makeWorkspace()
  })
  afterAll(async () => {
    await emulator.close()
    rmSync(workspace, { recursive: true, force: true })
  })

  it('lists them once per tick, fetches each once when done, and still downloads every video', async () => {
    const matrix = JSON.stringify({ title: Array.from({ length: N }, (_, i) => `T${i + 1}`) })
    const run = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { matrix, name: 'v-{title}', concurrency: String(N), artifact: 'none' }) })
    expect(run.code).toBe(0)

    // It still reacts: every render completed and its video is the one the API made.
    expect(run.results).toHaveLength(N)
    for (const r of run.results) {
      expect(r.status).toBe('completed')
      expect(readFileSync(path.join(workspace, r.video_path as string)).equals(emulator.videoBytes(r.render_id as string) as Buffer)).toBe(true)
    }

    const gets = emulator.stats.byRoute[STATUS] ?? 0
    const lists = emulator.stats.byRoute[LIST] ?? 0
    // One GET per render for its fresh video URL; a couple more only if a listing missed one.
    expect(gets).toBeGreaterThanOrEqual(N)
    expect(gets).toBeLessThanOrEqual(N + 3)
    expect(lists).toBeGreaterThanOrEqual(2)
    for (const r of emulator.stats.requests.filter((q) => q.route === LIST)) expect(r.status).toBe(200)

    // The action reports how many calls one GET per render per tick would have taken.
    const m = /Status checks: (\d+) ticks, (\d+) of them answered by listing renders; one GET per render per tick would have taken (\d+) calls\./.exec(run.stdout)
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
  const matrix = JSON.stringify({ title: ['A', 'B', 'C', 'D'] })

  it('asks each render directly when the list call is not there, and still finishes', async () => {
    await withEmulator({ renderMs: 1200, faults: [{ route: LIST, status: 404, code: 'not_found', message: 'No such route' }] }, async (emulator, workspace) => {
      const run = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { matrix, name: '{title}', artifact: 'none' }) })
      expect(run.code).toBe(0)
      expect(run.results.map((r) => r.status)).toEqual(['completed', 'completed', 'completed', 'completed'])
      // Tried once (no retries), then each render was polled on its own until the listing's next try.
      expect(emulator.stats.byRoute[LIST]).toBeGreaterThanOrEqual(1)
      expect(emulator.stats.byRoute[LIST]).toBeLessThanOrEqual(2)
      expect(emulator.stats.byRoute[STATUS] ?? 0).toBeGreaterThanOrEqual(4)
    })
  })

  it('stops every render at once on a refused key, without one GET per render', async () => {
    await withEmulator({ renderMs: 1200, faults: [{ route: LIST, status: 401, code: 'authentication_failed', message: 'Invalid API key' }] }, async (emulator, workspace) => {
      const run = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { matrix, name: '{title}', artifact: 'none' }) })
      expect(run.code).toBe(1)
      expect(emulator.stats.byRoute[LIST]).toBe(1)
      expect(emulator.stats.byRoute[STATUS] ?? 0).toBe(0)
      expect(run.results.map((r) => r.status)).toEqual(['error', 'error', 'error', 'error'])
      expect(run.stdout).toMatch(/::error::.*List renders failed: HTTP 401 authentication_failed/)
    })
  })
})

describe('the status watcher when the list call answers 500 every time', () => {
  it('costs a tick or two: one try per listing, then GETs, and another listing only after a backoff', async () => {
    const matrix = JSON.stringify({ title: ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'] })
    await withEmulator({ renderMs: 1500, faults: [{ route: LIST, status: 500 }] }, async (emulator, workspace) => {
      const run = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { matrix, name: '{title}', concurrency: '8', artifact: 'none' }) })
      expect(run.code).toBe(0)
      expect(run.results.every((r) => r.status === 'completed')).toBe(true)
      // The client's seven tries of the same failing listing are gone: a listing is tried once,
      // and again 2 s later at the earliest (the renders end about 1.5 s in).
      const lists = emulator.stats.byRoute[LIST] ?? 0
      expect(lists).toBeGreaterThanOrEqual(1)
      expect(lists).toBeLessThanOrEqual(2)
      expect(run.stdout).toMatch(/List renders failed: HTTP 500 internal_error.*asking each render directly, and listing again in 2 s/)
    })
  })
})

describe('the status watcher through status trouble', () => {
  it('delivers every video through failing listings and a garbled answer to each GET after completion', async () => {
    const matrix = JSON.stringify({ title: ['A', 'B', 'C'] })
    const faults = [
      { route: LIST, status: 503, times: 2 },
      { route: STATUS, status: 200, rawBody: '{"data": {"render_id": "', contentType: 'application/json', times: 6 }
    ]
    await withEmulator({ renderMs: 1200, faults }, async (emulator, workspace) => {
      const run = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { matrix, name: '{title}', artifact: 'none' }) })
      expect(run.code).toBe(0)
      expect(run.results.map((r) => r.status)).toEqual(['completed', 'completed', 'completed'])
      for (const r of run.results) expect(readFileSync(path.join(workspace, r.video_path as string)).equals(emulator.videoBytes(r.render_id as string) as Buffer)).toBe(true)
      // Every garbled answer was asked again, not taken for the render's end.
      expect(emulator.stats.requests.filter((q) => q.route === STATUS && q.status === 200).length).toBeGreaterThanOrEqual(9)
      // The client asks a garbled GET again itself (a GET repeated is a replay), and says so.
      expect(run.stdout).toMatch(/HTTP 200 with an unreadable body; retrying/)
    })
  })
})

// A shared account: other clients' renders fill the newest-first list around ours. Ten renders of
// 3 s (a scaled-down 6 s, with the other client's rate scaled up to match) must each cost at most
// two GETs, and each completion must be noticed within 3 s, read off the emulator's own log.
const BUSY: Array<[string, OtherClients]> = [
  ['2,000 older renders on the account', { olderRenders: 2000 }],
  ['another client creating 30 renders/s', { rendersPerSecond: 30 }],
  ['a burst of 25 renders by another job just after ours', { burst: { creates: 10, count: 25 } }]
]

describe.each(BUSY)('the status watcher on a busy account: %s', (_label, otherClients) => {
  it('asks each render at most twice and notices each completion within 3 s', async () => {
    const matrix = JSON.stringify({ title: Array.from({ length: 10 }, (_, i) => `T${i + 1}`) })
    // Long-lived video URLs: a download slowed past a short lifetime would ask for a fresh URL with
    // a GET of its own, which says nothing about how the watcher finds renders.
    await withEmulator({ renderMs: 3000, renderJitterMs: 500, maxConcurrentRenders: 10, seed: 11, otherClients, urlTtlSeconds: 300 }, async (emulator, workspace) => {
      const run = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { matrix, name: 'v-{title}', concurrency: '10', artifact: 'none' }) })
      expect(run.code).toBe(0)
      expect(run.results.map((r) => r.status)).toEqual(Array(10).fill('completed'))
      const requests = emulator.stats.requests
      const ended = new Map(emulator.renders().map((r) => [r.render_id, r.completedAtMs]))
      const perRender: number[] = []
      for (const r of run.results) {
        const id = r.render_id as string
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
      console.log(`busy account (${_label}): GETs per render ${perRender.join(',')}; ${lists} list calls`)
    })
  })
})
