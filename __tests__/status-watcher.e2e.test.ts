import { readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import type { Emulator } from '../emulator/index.js'
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
      // Tried once, then each render was polled on its own.
      expect(emulator.stats.byRoute[LIST]).toBe(1)
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
