import { readFileSync } from 'node:fs'
import type { Emulator, EmulatorOptions } from '../emulator/index.js'
import { startApiProxy, type ApiProxy, type ApiProxyOptions } from './support/api-proxy.js'
import { fakeClock, removeInProcessFiles, renderInProcess, type InProcessOptions, type InProcessRun } from './support/render-in-process.js'
import { distinctEngine } from './support/video-engines.js'
import { startTestEmulator } from './support/with-emulator.js'

// Where the contract is silent or loose, the client does what HeyGen's own CLI does. Each case is
// served over real HTTP by the emulator, or by a small proxy in front of it playing the odd part,
// to the render stage (upload, scheduler, HeyGen backend and client) in this process, on a clock
// that moves only when the code waits. Every case starts at once in beforeAll, on an emulator of
// its own, and its test reads what happened. What a whole run shows is in api-fidelity.e2e.test.ts.

const STATUS = 'GET /v3/hyperframes/renders/:id'
const UNKNOWN_NOTE = "status: 'processing' is not one the API documents"

/**
 * A proxy that answers 'processing', a status the contract does not list, for the first `times`
 * status GETs of a render (whatever the render's real state), then passes the real status on.
 */
async function processingProxy(emulator: Emulator, times = Number.POSITIVE_INFINITY): Promise<{ proxy: ApiProxy; rewritten: () => number }> {
  let rewritten = 0
  const proxy = await startApiProxy(emulator.url, {
    rewriteJson: (path, body) => {
      const data = (body as { data?: Record<string, unknown> }).data
      if (!/^\/v3\/hyperframes\/renders\/[^/?]+$/.test(path) || !data || rewritten >= times) return body
      rewritten++
      return { data: { ...data, status: 'processing', video_url: null, thumbnail_url: null } }
    }
  })
  return { proxy, rewritten: () => rewritten }
}

function countOf(lines: string[], needle: string): number {
  return lines.join('\n').split(needle).length - 1
}

interface Case {
  emulator: Emulator
  run: InProcessRun
  proxy?: ApiProxy
  rewritten?: () => number
}

const emulators: Emulator[] = []
const proxies: ApiProxy[] = []

/** One render of the basic fixture, through a proxy when asked, on a fake clock. */
async function renderCase(
  emulatorOptions: EmulatorOptions,
  options: { proxy?: ApiProxyOptions | ((e: Emulator) => ReturnType<typeof processingProxy>); suffix?: string; run?: Partial<InProcessOptions> } = {}
): Promise<Case> {
  // One encode for the file (each render still gets bytes of its own): the encoder is shared by
  // every case in this process, and the videos' pixels are not what these cases are about.
  const emulator = await startTestEmulator({ renderMs: 60, queueMs: 10, engine: distinctEngine, ...emulatorOptions })
  emulators.push(emulator)
  let proxy: ApiProxy | undefined
  let rewritten: (() => number) | undefined
  if (typeof options.proxy === 'function') ({ proxy, rewritten } = await options.proxy(emulator))
  else if (options.proxy) proxy = await startApiProxy(emulator.url, options.proxy)
  if (proxy) proxies.push(proxy)
  const run = await renderInProcess({ apiUrl: `${proxy?.url ?? emulator.url}${options.suffix ?? ''}`, titles: ['Hello'], clock: fakeClock(), ...options.run })
  return { emulator, run, proxy, rewritten }
}

let cases: Record<'unknown' | 'timeout' | 'prefix' | 'prefixSlash' | 'headers' | 'race' | 'expired', Promise<Case>>

beforeAll(() => {
  cases = {
    unknown: renderCase({}, { proxy: (e) => processingProxy(e, 3) }),
    // timeout-minutes: 0.05, i.e. 3 s on the run's clock.
    timeout: renderCase({ neverFinish: () => true }, { proxy: (e) => processingProxy(e), run: { timeoutMs: 3000 } }),
    prefix: renderCase({}, { proxy: { prefix: '/heygen' }, suffix: '/heygen' }),
    prefixSlash: renderCase({}, { proxy: { prefix: '/heygen' }, suffix: '/heygen/' }),
    headers: renderCase({}),
    race: renderCase({ completeRaceProbability: 1 }),
    // The first download reaches storage 2.2 s after its URL was signed, past its lifetime of
    // 1 s (up to 2 s: the expiry is the signing second rounded up, plus 1).
    expired: renderCase({ urlTtlSeconds: 1, faults: [{ route: 'GET video', delayMs: 2200, times: 1 }] }, { run: { timeoutMs: 600_000 } })
  }
  // Each test awaits its own case and reports its failure; none is left unhandled meanwhile.
  for (const c of Object.values(cases)) c.catch(() => undefined)
})

afterAll(async () => {
  await Promise.allSettled(Object.values(cases ?? {}))
  await Promise.all([...proxies.map((p) => p.close()), ...emulators.map((e) => e.close())])
  removeInProcessFiles()
})

describe('render statuses the contract does not list', () => {
  it('keeps waiting through an unknown status, says so once, and collects the video', async () => {
    const { emulator, run, rewritten } = await cases.unknown
    expect(run.result.fatal).toBeUndefined()
    expect(run.log.filter((l) => / error: /.test(l))).toEqual([])
    expect(run.outcomes[0].status).toBe('completed')
    // Three answers of 'processing', then the real status on the fourth GET.
    expect(rewritten?.()).toBe(3)
    expect(emulator.stats.byRoute[STATUS]).toBeGreaterThanOrEqual(4)
    expect(countOf(run.log, UNKNOWN_NOTE)).toBe(1)
  })

  it('waits on it until timeout-minutes, then reports the render as timed out', async () => {
    const { emulator, run, rewritten } = await cases.timeout
    const [outcome] = run.outcomes
    expect(outcome.status).toBe('timed_out')
    expect(outcome.failureMessage).toContain('still processing when timeout-minutes ran out')
    // Asked many times, logged once.
    expect(rewritten?.()).toBeGreaterThanOrEqual(2)
    expect(emulator.stats.byRoute[STATUS]).toBe(rewritten?.())
    expect(countOf(run.log, UNKNOWN_NOTE)).toBe(1)
    expect(run.log.join('\n')).not.toContain('did not answer like the HeyGen API')
  })
})

describe('api-url behind a gateway', () => {
  it.each([
    ['/heygen', 'prefix'],
    ['/heygen/', 'prefixSlash']
  ] as const)('keeps the path prefix (%s) in front of every route', async (_suffix, name) => {
    const { emulator, run, proxy } = await cases[name]
    const gateway = proxy as ApiProxy
    expect(run.outcomes[0].status).toBe('completed')
    expect(gateway.paths.length).toBeGreaterThanOrEqual(4)
    for (const p of gateway.paths) expect(p).toMatch(/^\/heygen\/v3\//)
    expect(emulator.stats.rendersCreated).toBe(1)
  })
})

describe('the upload', () => {
  it('sends number and boolean upload_headers as strings, so the signed PUT is accepted at once', async () => {
    const { emulator, run } = await cases.headers
    expect(run.outcomes[0].status).toBe('completed')
    const puts = emulator.stats.requests.filter((r) => r.route === 'PUT upload')
    expect(puts.map((r) => r.status)).toEqual([200])
    expect(emulator.stats.assetsCreated).toBe(1)
  })

  it('completes the upload when storage has not caught up with the PUT yet', async () => {
    const { emulator, run } = await cases.race
    expect(run.outcomes[0].status).toBe('completed')
    const completes = emulator.stats.requests.filter((r) => r.route === 'POST /v3/assets/:id/complete')
    expect(completes.map((r) => r.status)).toEqual([409, 200])
    expect(emulator.stats.assetsCreated).toBe(1)
    expect(emulator.stats.byRoute['PUT upload']).toBe(1)
  })
})

describe('short-lived signed URLs', () => {
  it('fetches a fresh video URL when the one it holds expired before the download', async () => {
    const { emulator, run } = await cases.expired
    const [outcome] = run.outcomes
    expect(outcome.status).toBe('completed')
    const downloads = emulator.stats.requests.filter((r) => r.route === 'GET video')
    expect(downloads.map((r) => r.status)).toEqual([403, 200])
    const bytes = readFileSync(outcome.videoPath as string)
    expect(bytes.equals(emulator.videoBytes(outcome.renderId as string) as Buffer)).toBe(true)
  })
})
