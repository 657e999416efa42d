import { existsSync, readFileSync, readdirSync } from 'node:fs'
import type { Emulator, EmulatorOptions, FaultRule, RenderEngine } from '../emulator/index.js'
import { startFaultProxy, type FaultProxy, type ProxiedRequest, type ProxyFault } from './support/fault-proxy.js'
import { memoEngine } from './support/video-engines.js'
import { expectVideosMatch, jobsFor, keysSentTo, packFixture, renderInProcess, type PackedFixture, type RunRecord } from './support/heygen-run.js'
import { sideBySide } from './support/side-by-side.js'
import { startTestEmulator } from './support/with-emulator.js'

// Every fault the network or the API can throw at the HeyGen client, upload, download and the
// scheduler, each proved over real HTTP: the emulator's own faults, and a fault proxy in front of
// it for a server that garbles, corrupts and floods its answers. The render stage runs in this
// process on a clock that skips waits, so Retry-After and backoff cost nothing; what only a whole
// run shows stays in reliability.e2e.test.ts. Last, renders that fail: re-runs submit again only
// what failed in an earlier run, replay the rest, and bill no entry twice in one run, whatever the
// API's clock says (one emulator keeps its idempotency records between the runs of a test).
// Each test has its own emulator (and proxy), and most of a test is waiting, so all but the
// re-run tests run side by side (support/side-by-side.ts). The re-run tests need a status check
// within renderMs of a create, so they run last, away from the rest.

const CREATE = 'POST /v3/hyperframes/renders'
const STATUS = 'GET /v3/hyperframes/renders/:id'
const UPLOAD = 'POST /v3/assets/direct-uploads'
const COMPLETE = 'POST /v3/assets/:id/complete'

let packed: PackedFixture
/**
 * For the re-run tests, every render gets the same video, made before the tests: no encode can
 * stall the event loop before a first status check. The others encode each video once (memoEngine).
 */
let oneVideo: RenderEngine
beforeAll(async () => {
  packed = await packFixture()
  const video = await memoEngine.render({
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
  oneVideo = { name: 'one video', render: async () => video }
})
afterAll(() => packed.remove())

/**
 * A fresh emulator per test: what a test counts is then its own, idempotency records included.
 * All are closed when the file ends, since most tests run side by side.
 */
const emulators: Emulator[] = []
async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = await startTestEmulator({ renderMs: 40, queueMs: 10, engine: memoEngine, ...options })
  emulators.push(emulator)
  return emulator
}
afterAll(async () => {
  await Promise.all(emulators.map((e) => e.close()))
})
const scenario = sideBySide()

describe('transient faults are survived', () => {
  it(
    'waits out 429 Retry-After on every call and retries with the same key',
    scenario(async () => {
      const routes = [UPLOAD, 'PUT upload', COMPLETE, CREATE, STATUS, 'GET video']
      const faults: FaultRule[] = routes.map((route) => ({ route, status: 429, retryAfter: 1, times: 1 }))
      const emulator = await startEmulator({ faults })
      const run = await renderInProcess({ apiUrl: emulator.url, packed, jobs: jobsFor([{}]) })
      for (const route of routes) expect(emulator.stats.byRoute[route]).toBeGreaterThanOrEqual(2)
      const createKeys = keysSentTo(emulator, CREATE)
      expect(createKeys).toHaveLength(2)
      expect(new Set(createKeys).size).toBe(1)
      expect(run.log).toMatch(/HTTP 429 rate_limit_exceeded; retrying in 1\.0s/)
      expect(emulator.stats.rendersCreated).toBe(1)
      expectVideosMatch(run, emulator)
    })
  )

  it(
    'retries 5xx, resets and silent sockets, and POSTs only with their key',
    scenario(async () => {
      const faults: FaultRule[] = [
        { route: CREATE, status: 503, times: 1 },
        { route: CREATE, status: 502, times: 1 },
        { route: CREATE, reset: true, times: 1 },
        { route: STATUS, status: 500, times: 1 },
        { route: STATUS, status: 504, times: 1 },
        { route: STATUS, hang: true, times: 1 },
        { route: UPLOAD, reset: true, times: 1 },
        { route: COMPLETE, status: 500, times: 1 }
      ]
      const emulator = await startEmulator({ faults })
      // request-timeout-seconds: 1, so the silent socket is given up on after a real second.
      const run = await renderInProcess({ apiUrl: emulator.url, packed, jobs: jobsFor([{}]), requestTimeoutMs: 1000 })
      const createKeys = keysSentTo(emulator, CREATE)
      expect(createKeys).toHaveLength(4)
      expect(new Set(createKeys).size).toBe(1)
      expect(createKeys[0]).toBeTruthy()
      expect(new Set(keysSentTo(emulator, UPLOAD)).size).toBe(1)
      expect(keysSentTo(emulator, UPLOAD)[0]).toBeTruthy()
      expect(emulator.stats.rendersCreated).toBe(1)
      expect(emulator.stats.assetsCreated).toBe(1)
      expect(run.log).toMatch(/HTTP 503 service_unavailable; retrying/)
      expect(run.log).toMatch(/UND_ERR_HEADERS_TIMEOUT; retrying/)
      expectVideosMatch(run, emulator)
    })
  )

  it(
    'waits out 409 request_in_progress with the same key',
    scenario(async () => {
      const emulator = await startEmulator({ faults: [{ route: CREATE, status: 409, code: 'request_in_progress', times: 2 }] })
      const run = await renderInProcess({ apiUrl: emulator.url, packed, jobs: jobsFor([{}]) })
      expect(run.outcomes[0].status).toBe('completed')
      expect(keysSentTo(emulator, CREATE)).toHaveLength(3)
      expect(new Set(keysSentTo(emulator, CREATE)).size).toBe(1)
      expect(emulator.stats.rendersCreated).toBe(1)
    })
  )

  it(
    'retries complete while storage has not caught up (409 not found yet)',
    scenario(async () => {
      const faults: FaultRule[] = [{ route: COMPLETE, status: 409, code: 'upload_not_found', message: 'uploaded object not found yet', times: 2 }]
      // Without the random race, so the count below is exactly the two refusals plus the success.
      const emulator = await startEmulator({ faults, completeRaceProbability: 0 })
      const run = await renderInProcess({ apiUrl: emulator.url, packed, jobs: jobsFor([{}]) })
      expect(run.outcomes[0].status).toBe('completed')
      expect(emulator.stats.byRoute[COMPLETE]).toBe(3)
      expect(emulator.stats.assetsCreated).toBe(1)
    })
  )

  it(
    'restarts the upload when the presigned PUT is refused',
    scenario(async () => {
      const emulator = await startEmulator({ faults: [{ route: 'PUT upload', status: 403, code: 'SignatureDoesNotMatch', times: 1 }] })
      const run = await renderInProcess({ apiUrl: emulator.url, packed, jobs: jobsFor([{}]) })
      expect(run.outcomes[0].status).toBe('completed')
      expect(emulator.stats.byRoute[UPLOAD]).toBe(2)
      expect(emulator.stats.byRoute['PUT upload']).toBe(2)
      // A warning annotation on a runner (core.warning).
      expect(run.warnings.join('\n')).toMatch(/^Upload URL for asset \w+ was refused/m)
      expect(emulator.stats.rendersCreated).toBe(1)
    })
  )

  it(
    'gives up with a clear error when every presigned PUT is refused',
    scenario(async () => {
      const emulator = await startEmulator({ faults: [{ route: 'PUT upload', status: 403, code: 'AccessDenied' }] })
      await expect(renderInProcess({ apiUrl: emulator.url, packed, jobs: jobsFor([{}]) })).rejects.toThrow(/^Uploading the project zip failed after 3 attempts: upload to storage answered HTTP 403/)
      expect(emulator.stats.byRoute[UPLOAD]).toBe(3)
      expect(emulator.stats.byRoute[CREATE]).toBeUndefined()
    })
  )

  it(
    'downloads again from a fresh URL when a link expired or a transfer was cut',
    scenario(async () => {
      const faults: FaultRule[] = [
        { route: 'GET video', status: 403, code: 'AccessDenied', message: 'Request has expired', times: 1 },
        { route: 'GET video', truncate: true, times: 1 }
      ]
      const emulator = await startEmulator({ faults })
      const run = await renderInProcess({ apiUrl: emulator.url, packed, jobs: jobsFor([{}]) })
      expect(emulator.stats.byRoute['GET video']).toBe(3)
      // Each retry asked the API for a fresh signed URL first.
      expect(emulator.stats.byRoute[STATUS] ?? 0).toBeGreaterThanOrEqual(3)
      expectVideosMatch(run, emulator)
    })
  )
})

describe('a download cut mid-stream', () => {
  it(
    'says which video, how many bytes of how many arrived, and that it will be retried',
    scenario(async () => {
      const emulator = await startEmulator({ faults: [{ route: 'GET video', truncate: true, times: 1 }] })
      const run = await renderInProcess({ apiUrl: emulator.url, packed, jobs: jobsFor([{}]) })
      expect(run.outcomes[0].status).toBe('completed')
      const size = (emulator.videoBytes(run.outcomes[0].renderId as string) as Buffer).length
      expect(run.log).toMatch(new RegExp(`download of video 'render-1' \\(render [0-9a-f]+\\) was cut (after |short: )${Math.floor(size / 2)} of ${size} bytes.*it will be retried`))
      expect(existsSync(run.outcomes[0].videoPath as string)).toBe(true)
    })
  )
})

describe('refusals that no retry can fix', () => {
  const refusals = (
    [
      [402, 'insufficient_credit', /out of credit/],
      [403, 'forbidden', /has no access/]
    ] as const
  ).map(
    ([status, code, hint]) =>
      [
        status,
        scenario(async () => {
          const emulator = await startEmulator({ faults: [{ route: CREATE, status, code }] })
          const jobs = jobsFor(
            ['a', 'b', 'c', 'd'].map((title) => ({ title })),
            (v) => v.title
          )
          const run = await renderInProcess({ apiUrl: emulator.url, packed, jobs, concurrency: 1 })
          // concurrency 1: the first refusal stops the run, nothing else is tried.
          expect(emulator.stats.byRoute[CREATE]).toBe(1)
          // What the step fails with (core.setFailed): the fatal error's message.
          expect(run.result.fatal?.message).toMatch(new RegExp(`^Create render 'a' failed: HTTP ${status} ${code}`))
          expect(run.result.fatal?.message).toMatch(hint)
          expect(run.outcomes.map((o) => o.status)).toEqual(['error', 'pending', 'pending', 'pending'])
        })
      ] as const
  )
  it.each(refusals)('stops at once on %i', (_status, run) => run())

  it(
    'reports a status answer that is not the API JSON clearly, and keeps asking until timeout-minutes',
    scenario(async () => {
      const emulator = await startEmulator({ faults: [{ route: STATUS, status: 200, rawBody: '<html><body>Proxy login</body></html>' }] })
      // Resolves rather than throws: nothing here reaches the action's "Unexpected error" path.
      const run = await renderInProcess({ apiUrl: emulator.url, packed, jobs: jobsFor([{}]), deadlineMs: 3000 })
      // A garbled status answer is not the render's end: it is asked again until the deadline.
      expect(run.outcomes[0].status).toBe('timed_out')
      expect(emulator.stats.byRoute[STATUS] ?? 0).toBeGreaterThanOrEqual(2)
      // Asked again until the deadline, which then says what the server last answered.
      expect(run.log).toMatch(/timeout-minutes ran out .*the last answer was HTTP 200 unexpected_response: the response was not the expected JSON \(<html><body>Proxy login/)
      expect(run.log).toMatch(/check the api-url input/)
      expect(run.log).not.toContain('Unexpected error')
    })
  )
})

describe('timeout-minutes is honoured while the client retries', () => {
  it(
    'does not sleep through a Retry-After: 20 past a 3 s deadline',
    scenario(async () => {
      const emulator = await startEmulator({ faults: [{ route: STATUS, status: 429, retryAfter: 20 }], renderMs: 60_000 })
      const run = await renderInProcess({ apiUrl: emulator.url, packed, jobs: jobsFor([{}]), deadlineMs: 3000 })
      const [outcome] = run.outcomes
      expect(outcome.status).toBe('timed_out')
      expect(outcome.failureMessage).toContain('timeout-minutes ran out')
      expect(outcome.failureMessage).toContain(outcome.renderId as string)
      // One status call, then a wait cut at the deadline: not the client's seven attempts.
      expect(emulator.stats.byRoute[STATUS]).toBeLessThanOrEqual(2)
    })
  )

  it(
    'ends a status call that hangs at the deadline',
    scenario(async () => {
      const emulator = await startEmulator({ faults: [{ route: STATUS, hang: true }] })
      // The hanging call is ended by a real timer at the deadline. Three seconds leave the create
      // and first status check room beside the other tests, and the wait passes while they run.
      const run = await renderInProcess({ apiUrl: emulator.url, packed, jobs: jobsFor([{}]), deadlineMs: 3000 })
      const [outcome] = run.outcomes
      expect(outcome.status).toBe('timed_out')
      expect(outcome.failureMessage).toContain(outcome.renderId as string)
      expect(emulator.stats.byRoute[STATUS]).toBe(1)
    })
  )
})

const proxies: FaultProxy[] = []
afterAll(async () => {
  await Promise.all(proxies.map((p) => p.close()))
})

/** A fresh emulator with a fault proxy in front; `seen` lists every request the proxy took. */
async function throughProxy(decide: (req: ProxiedRequest) => ProxyFault | undefined): Promise<{ emulator: Emulator; proxy: FaultProxy; seen: ProxiedRequest[] }> {
  const emulator = await startEmulator()
  const seen: ProxiedRequest[] = []
  const proxy = await startFaultProxy(emulator, (req) => {
    seen.push(req)
    return decide(req)
  })
  proxies.push(proxy)
  return { emulator, proxy, seen }
}

describe('a paid render is not lost to a garbled answer', () => {
  it(
    'retries a keyed create whose 2xx did not parse, and the replay returns the render',
    scenario(async () => {
      const { emulator, proxy } = await throughProxy((req) => (req.label === 'create' && req.n === 1 ? { kind: 'garble' } : undefined))
      const run = await renderInProcess({ apiUrl: proxy.url, packed, jobs: jobsFor([{}]) })
      expect(emulator.stats.rendersCreated).toBe(1)
      const keys = emulator.stats.requests.filter((r) => r.route === CREATE).map((r) => r.idempotencyKey)
      expect(keys).toHaveLength(2)
      expect(new Set(keys).size).toBe(1)
      expect(emulator.stats.replays).toBe(1)
      expect(run.log).toContain('with an unreadable body; retrying')
      expectVideosMatch(run, emulator)
    })
  )
})

describe('no corrupt video is reported completed', () => {
  it(
    'fetches again when a chunked download ends cleanly at half the bytes',
    scenario(async () => {
      const { emulator, proxy, seen } = await throughProxy((req) => (req.label === 'video' && req.n === 1 ? { kind: 'chunked-half' } : undefined))
      const run = await renderInProcess({ apiUrl: proxy.url, packed, jobs: jobsFor([{}]) })
      expect(seen.filter((r) => r.label === 'video')).toHaveLength(2)
      expect(run.log).toMatch(/video 'render-1' \(render [0-9a-f]+\) is not a whole video: .*; it will be fetched again/)
      expectVideosMatch(run, emulator)
    })
  )

  it(
    'fetches again when storage answers 200 with an HTML error page',
    scenario(async () => {
      const page = '<html><body><h1>502 Bad Gateway</h1></body></html>'
      const { emulator, proxy, seen } = await throughProxy((req) => (req.label === 'video' && req.n === 1 ? { kind: 'answer', status: 200, body: page } : undefined))
      const run = await renderInProcess({ apiUrl: proxy.url, packed, jobs: jobsFor([{}]) })
      expect(seen.filter((r) => r.label === 'video')).toHaveLength(2)
      expect(run.log).toContain('was served as text/html, not as a video')
      expectVideosMatch(run, emulator)
    })
  )

  it(
    'never writes the file when every answer is an error page, and stops at the deadline',
    scenario(async () => {
      const page = '<html><body>Service unavailable</body></html>'
      const { proxy, seen } = await throughProxy((req) => (req.label === 'video' ? { kind: 'answer', status: 200, body: page } : undefined))
      // A minute on the fast clock: long enough that the render surely ends first, under any load.
      const run = await renderInProcess({ apiUrl: proxy.url, packed, jobs: jobsFor([{}]), deadlineMs: 60_000 })
      const [outcome] = run.outcomes
      expect(outcome.status).toBe('timed_out')
      expect(outcome.failureMessage).toContain(outcome.renderId as string)
      expect(outcome.videoPath ?? null).toBeNull()
      expect(readdirSync(run.outputDir)).toEqual([])
      // Retried with fresh URLs until the deadline ended it, never giving up (or giving in) before.
      expect(outcome.failureMessage).toMatch(/timeout-minutes ran out after \d+ attempts \(last: .*was served as text\/html/)
      expect(seen.filter((r) => r.label === 'video').length).toBeGreaterThanOrEqual(3)
    })
  )
})

describe('unbounded response bodies', () => {
  it(
    'fails a status call whose 200 body is 64 MiB cleanly, without reading it all',
    scenario(async () => {
      const { proxy, seen } = await throughProxy((req) => (req.label === 'status' ? { kind: 'huge', status: 200, bytes: 64 * 1024 * 1024, contentType: 'application/json' } : undefined))
      // The call fails; the render does not: like any unreadable 2xx status answer, it is asked
      // again every tick until timeout-minutes (3 s on the fast clock).
      const run = await renderInProcess({ apiUrl: proxy.url, packed, jobs: jobsFor([{}]), deadlineMs: 3000 })
      expect(run.outcomes[0].status).toBe('timed_out')
      expect(run.log).toMatch(/response body was over 4 MiB, far more than this call ever returns; it was not read; asking again every tick until timeout-minutes/)
      const answers = seen.filter((r) => r.label === 'status').length
      expect(answers).toBeGreaterThanOrEqual(1)
      expect(proxy.hugeBytesSent / answers).toBeLessThan(24 * 1024 * 1024)
    })
  )

  it(
    'reads only the start of a 64 MiB 503 body, then retries',
    scenario(async () => {
      const { emulator, proxy } = await throughProxy((req) => (req.label === 'status' && req.n === 1 ? { kind: 'huge', status: 503, bytes: 64 * 1024 * 1024, contentType: 'text/html' } : undefined))
      const run = await renderInProcess({ apiUrl: proxy.url, packed, jobs: jobsFor([{}]) })
      expect(proxy.hugeBytesSent).toBeLessThan(24 * 1024 * 1024)
      expectVideosMatch(run, emulator)
    })
  )
})

/**
 * One run of both entries. Every run keys them alike (same commit, same zip, same inputs), as a
 * re-run of the workflow does; a resubmission's key is derived from that base key again.
 */
function rerun(emulator: Emulator): Promise<RunRecord> {
  return renderInProcess({ apiUrl: emulator.url, packed, jobs: jobsFor([{ title: 'A' }, { title: 'B' }], (v) => v.title) })
}

function rendersFor(emulator: Emulator, title: string): number {
  return emulator.renders().filter((r) => r.body.variables?.title === title).length
}

// Renders take long enough for the first status check to see them running, as real ones do:
// that is how a run knows it made a render.
const SLOW_ENOUGH: EmulatorOptions = { renderMs: 250 }

/**
 * The re-run tests, side by side with one another after every other test: three light runs leave
 * each a status check well within renderMs of its create. Started when the first of them begins.
 */
let rerunScenario: ReturnType<typeof sideBySide>

describe('renders that fail, across re-runs', () => {
  rerunScenario = sideBySide()
  it(
    're-submits only the entries that failed in an earlier run, and a later re-run replays them',
    rerunScenario(async () => {
      let broken = true
      const emulator = await startEmulator({ ...SLOW_ENOUGH, engine: oneVideo, failRender: (body) => (broken && body.variables?.title === 'B' ? 'Font failed to load' : undefined) })
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
  )
})

describe('one bill per entry per run, whatever the clocks say', () => {
  for (const skew of [3600, -3600]) {
    it(
      `resubmits an earlier run's failure once and never its own (API clock ${skew > 0 ? 'ahead' : 'behind'} by an hour)`,
      rerunScenario(async () => {
        const emulator = await startEmulator({ ...SLOW_ENOUGH, engine: oneVideo, clockSkewSeconds: skew, failRender: (b) => (b.variables?.title === 'B' ? 'Font failed to load' : undefined) })
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
    )
  }
})
