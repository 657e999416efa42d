import { ApiError } from '../src/heygen/api-error.js'
import { toBackendError } from '../src/heygen/backend.js'
import type { RenderBackend, RenderDetail, RenderStatus } from '../src/render/backend.js'
import type { RenderJob } from '../src/render/job.js'
import { StatusWatcher, type Ended, type WatcherOptions } from '../src/render/status-watcher.js'

// The watcher on a fake clock and a fake backend: every wait is a step of the clock, so these
// tests take milliseconds and count calls instead of timing anything.

interface FakeRender {
  createdAt: number
  /** Fake-clock ms at which it ends. */
  endsAt: number
  ends: RenderStatus
}

class FakeBackend implements RenderBackend {
  readonly renders = new Map<string, FakeRender>()
  readonly gets: string[] = []
  readonly listings: Array<{ ids: string[]; createdSince?: number }> = []
  /** What a listing leaves out (a busy account pushed it off the pages read). */
  hidden: (id: string, at: number) => boolean = () => false
  listError: (call: number) => Error | undefined = () => undefined
  statusError: (id: string, at: number) => Error | undefined = () => undefined

  constructor(private readonly clock: { t: number }) {}

  add(id: string, render: FakeRender): void {
    this.renders.set(id, render)
  }

  submit(): Promise<string> {
    throw new Error('not used')
  }

  fetchVideo(): Promise<number> {
    throw new Error('not used')
  }

  async status(renderId: string): Promise<RenderDetail> {
    this.gets.push(renderId)
    const error = this.statusError(renderId, this.clock.t)
    if (error) throw error
    return this.detail(renderId)
  }

  async statusMany(renderIds: ReadonlySet<string>, options: { createdSince?: number } = {}): Promise<Map<string, RenderDetail>> {
    this.listings.push({ ids: [...renderIds].sort(), createdSince: options.createdSince })
    const error = this.listError(this.listings.length)
    if (error) throw error
    const found = new Map<string, RenderDetail>()
    for (const id of renderIds) if (!this.hidden(id, this.clock.t)) found.set(id, this.detail(id))
    return found
  }

  private detail(id: string): RenderDetail {
    const r = this.renders.get(id)
    if (!r) throw apiError(`Get render (${id})`, 404, 'hyperframes_render_not_found', 'not found')
    const status = this.clock.t >= r.endsAt ? r.ends : 'rendering'
    return { renderId: id, status, createdAt: r.createdAt, ...(status === 'completed' ? { videoUrl: `https://storage.invalid/${id}.mp4` } : {}) }
  }
}

const job = (name: string): RenderJob => ({
  index: 1,
  name,
  variables: {},
  settings: { composition: 'index.html', quality: 'standard', format: 'mp4', resolution: '1080p', aspectRatio: '16:9', title: name }
})

function setup(options: Partial<WatcherOptions> = {}): { clock: { t: number }; backend: FakeBackend; watcher: StatusWatcher; log: string[] } {
  const clock = { t: 0 }
  const backend = new FakeBackend(clock)
  const log: string[] = []
  const watcher = new StatusWatcher(backend, {
    deadline: 600_000,
    now: () => clock.t,
    sleep: async (ms) => {
      clock.t += ms
    },
    log: (line) => log.push(line),
    ...options
  })
  return { clock, backend, watcher, log }
}

function watchAll(watcher: StatusWatcher, ids: string[]): Promise<Array<Ended | undefined>> {
  return Promise.all(ids.map((id) => watcher.wait(id, job(id), () => undefined)))
}

// The API's errors as the HeyGen backend hands them to the render stage.
function apiError(operation: string, status: number, code: string, message: string): Error {
  return toBackendError(new ApiError(operation, status, code, message)) as Error
}

const serverError = (): Error => apiError('List renders', 500, 'internal_error', 'boom')

describe('StatusWatcher', () => {
  it('keeps listing a render the listing missed, however many times it missed', async () => {
    const { backend, watcher } = setup()
    for (const id of ['a', 'b', 'c']) backend.add(id, { createdAt: 100, endsAt: 10_000, ends: 'completed' })
    // c is off the pages read for the first 5 s (as on a busy account), then shows again.
    backend.hidden = (id, at) => id === 'c' && at < 5000
    const ends = await watchAll(watcher, ['a', 'b', 'c'])
    expect(ends.map((e) => e?.detail.status)).toEqual(['completed', 'completed', 'completed'])
    // Every listing asked for c, not only the first two.
    expect(backend.listings.length).toBeGreaterThanOrEqual(5)
    for (const listing of backend.listings) expect(listing.ids).toContain('c')
  })

  it('asks directly only for what a listing did not show, and keeps c in the listing while it is hidden', async () => {
    const { backend, watcher } = setup()
    for (const id of ['a', 'b', 'c']) backend.add(id, { createdAt: 100, endsAt: 6000, ends: 'completed' })
    backend.hidden = (id) => id === 'c'
    await watchAll(watcher, ['a', 'b', 'c'])
    expect(backend.gets.filter((id) => id !== 'c')).toEqual([])
    expect(backend.gets.filter((id) => id === 'c').length).toBe(backend.listings.length)
    for (const listing of backend.listings) expect(listing.ids).toContain('c')
  })

  it('bounds the listing by the oldest creation time a listing found', async () => {
    const { backend, watcher } = setup()
    backend.add('a', { createdAt: 200, endsAt: 3000, ends: 'completed' })
    backend.add('b', { createdAt: 150, endsAt: 3000, ends: 'completed' })
    await watchAll(watcher, ['a', 'b'])
    // Nothing was known before the first listing; after it, the oldest of the two.
    expect(backend.listings[0].createdSince).toBeUndefined()
    expect(backend.listings.slice(1).map((l) => l.createdSince)).toEqual(backend.listings.slice(1).map(() => 150))
  })

  it('after a failed listing asks each render directly and lists again later, with backoff', async () => {
    const { backend, watcher, log } = setup()
    for (const id of ['a', 'b', 'c', 'd']) backend.add(id, { createdAt: 100, endsAt: 30_000, ends: 'completed' })
    backend.listError = () => serverError()
    const ends = await watchAll(watcher, ['a', 'b', 'c', 'd'])
    expect(ends.every((e) => e?.detail.status === 'completed')).toBe(true)
    // 30 s with ticks at most 2 s apart is 15+ ticks; the listing was tried at 0.5, 2.5, 6.5, 14.5 s.
    expect(watcher.stats.ticks).toBeGreaterThanOrEqual(15)
    expect(backend.listings.length).toBeGreaterThanOrEqual(3)
    expect(backend.listings.length).toBeLessThanOrEqual(5)
    expect(watcher.stats.listFailures).toBe(backend.listings.length)
    expect(log.some((l) => /List renders failed.*asking each render directly, and listing again in 2 s/.test(l))).toBe(true)
  })

  it('lists again once the list call works again', async () => {
    const { backend, watcher } = setup()
    for (const id of ['a', 'b', 'c']) backend.add(id, { createdAt: 100, endsAt: 20_000, ends: 'completed' })
    backend.listError = (call) => (call === 1 ? serverError() : undefined)
    await watchAll(watcher, ['a', 'b', 'c'])
    expect(watcher.stats.listFailures).toBe(1)
    expect(watcher.stats.batched).toBeGreaterThanOrEqual(5)
    // The failed tick and the ones before the listing's second try (2 s on) asked directly; the
    // listed ones asked nothing more.
    expect(watcher.stats.ticks - watcher.stats.batched).toBe(4)
    expect(backend.gets.length).toBe(3 * 4)
  })

  it('asks nothing more in a tick whose listing was rate-limited, and lists again the next', async () => {
    const { backend, watcher } = setup()
    for (const id of ['a', 'b', 'c']) backend.add(id, { createdAt: 100, endsAt: 3000, ends: 'completed' })
    backend.listError = (call) => (call === 1 ? apiError('List renders', 429, 'rate_limit_exceeded', 'slow down') : undefined)
    await watchAll(watcher, ['a', 'b', 'c'])
    expect(backend.gets).toEqual([])
    expect(backend.listings.length).toBe(watcher.stats.ticks)
  })

  it('stops every render on a refused key from the listing', async () => {
    const { backend, watcher } = setup()
    for (const id of ['a', 'b']) backend.add(id, { createdAt: 100, endsAt: 5000, ends: 'completed' })
    backend.listError = () => apiError('List renders', 401, 'authentication_failed', 'Invalid API key')
    const results = await Promise.allSettled(['a', 'b'].map((id) => watcher.wait(id, job(id), () => undefined)))
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected'])
    expect(backend.gets).toEqual([])
  })

  it('keeps asking through 25 s of 503s and a garbled answer, and hands back the completed render', async () => {
    const { backend, watcher, log } = setup()
    backend.add('a', { createdAt: 100, endsAt: 6000, ends: 'completed' })
    backend.statusError = (_id, at) =>
      at < 25_000
        ? apiError("Get render 'a' (a)", 503, 'service_unavailable', 'try later')
        : at < 27_000
          ? apiError("Get render 'a' (a)", 200, 'unexpected_response', 'the response was not the expected JSON (<html>)')
          : undefined
    const end = await watcher.wait('a', job('a'), () => undefined)
    expect(end?.detail.status).toBe('completed')
    expect(end?.fresh).toBe(true)
    // Logged once per streak of trouble, not once per tick.
    expect(log.filter((l) => /asking again every tick until timeout-minutes/.test(l))).toHaveLength(1)
    expect(log.filter((l) => /status checks answer again/.test(l))).toHaveLength(1)
  })

  it('reports failed only when the backend says failed', async () => {
    const { backend, watcher } = setup()
    backend.add('a', { createdAt: 100, endsAt: 3000, ends: 'failed' })
    backend.statusError = (_id, at) => (at < 2000 ? apiError('Get render', 502, 'bad_gateway', 'bad gateway') : undefined)
    const end = await watcher.wait('a', job('a'), () => undefined)
    expect(end?.detail.status).toBe('failed')
  })

  it('times out, not errors, when status trouble lasts until the deadline', async () => {
    const { backend, watcher } = setup({ deadline: 20_000 })
    backend.add('a', { createdAt: 100, endsAt: 3000, ends: 'completed' })
    backend.statusError = () => apiError('Get render', 503, 'service_unavailable', 'down')
    await expect(watcher.wait('a', job('a'), () => undefined)).resolves.toBeUndefined()
    expect(backend.gets.length).toBeGreaterThanOrEqual(9)
  })

  it('ends the wait at once on a refused key or a render that no longer exists', async () => {
    const { backend, watcher } = setup()
    backend.add('a', { createdAt: 100, endsAt: 3000, ends: 'completed' })
    backend.statusError = () => apiError('Get render', 402, 'insufficient_credit', 'out of credit')
    await expect(watcher.wait('a', job('a'), () => undefined)).rejects.toThrow(/402 insufficient_credit/)
    expect(backend.gets).toHaveLength(1)
    backend.statusError = () => undefined
    await expect(watcher.wait('gone', job('gone'), () => undefined)).rejects.toThrow(/404 hyperframes_render_not_found/)
  })

  it('refetch asks again after a garbled answer and a 503, until the deadline', async () => {
    const { backend, watcher, clock } = setup({ deadline: 10_000 })
    backend.add('a', { createdAt: 100, endsAt: 0, ends: 'completed' })
    let calls = 0
    backend.statusError = () => {
      calls++
      if (calls === 1) return apiError('Get render', 200, 'unexpected_response', 'garbled')
      if (calls === 2) return apiError('Get render', 503, 'service_unavailable', 'down')
      return undefined
    }
    const detail = await watcher.refetch('a', job('a'))
    expect(detail.videoUrl).toBe('https://storage.invalid/a.mp4')
    expect(backend.gets).toHaveLength(3)

    backend.statusError = () => apiError('Get render', 503, 'service_unavailable', 'down')
    await expect(watcher.refetch('a', job('a'))).rejects.toThrow(/503/)
    expect(clock.t).toBeLessThan(10_000)
  })
})
