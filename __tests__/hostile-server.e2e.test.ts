import { existsSync, readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import type { Emulator, EmulatorOptions, FaultRule } from '../emulator/index.js'
import { emulatorInputs, runAction, type ActionRun } from './support/action-runner.js'
import { startArtifactServer } from './support/artifact-server.js'
import { startFaultProxy, type ProxiedRequest, type ProxyFault } from './support/fault-proxy.js'
import { withEmulator } from './support/with-emulator.js'

// A server that bills, garbles, stalls and corrupts: one bill per entry per run, no corrupt video
// reported completed, timeout-minutes honoured, and what finished is published whatever happened.

const STATUS = 'GET /v3/hyperframes/renders/:id'
const CREATE = 'POST /v3/hyperframes/renders'

/** Runs the action through a fault proxy in front of the emulator. */
async function throughProxy(
  emulator: Emulator,
  decide: (req: ProxiedRequest) => ProxyFault | undefined,
  body: (url: string, seen: ProxiedRequest[], proxy: Awaited<ReturnType<typeof startFaultProxy>>) => Promise<void>
): Promise<void> {
  const seen: ProxiedRequest[] = []
  const proxy = await startFaultProxy(emulator, (req) => {
    seen.push(req)
    return decide(req)
  })
  try {
    await body(proxy.url, seen, proxy)
  } finally {
    await proxy.close()
  }
}

function expectVideoIntact(run: ActionRun, emulator: Emulator, workspace: string): void {
  for (const r of run.results) {
    expect(r.status).toBe('completed')
    const bytes = readFileSync(path.join(workspace, r.video_path as string))
    expect(bytes.equals(emulator.videoBytes(r.render_id as string) as Buffer)).toBe(true)
  }
}

function rendersFor(emulator: Emulator, title: string): number {
  return emulator.renders().filter((r) => r.body.variables?.title === title).length
}

describe('one bill per entry per run, whatever the clocks say', () => {
  // Renders take long enough for the first status check to see them running, as real ones do.
  for (const skew of [3600, -3600]) {
    it(`resubmits an earlier run's failure once and never its own (API clock ${skew > 0 ? 'ahead' : 'behind'} by an hour)`, async () => {
      const options: EmulatorOptions = { clockSkewSeconds: skew, renderMs: 1200, failRender: (b) => (b.variables?.title === 'B' ? 'Font failed to load' : undefined) }
      await withEmulator(options, async (emulator, workspace) => {
        const inputs = emulatorInputs(emulator.url, { matrix: '[{"title": "A"}, {"title": "B"}]', name: '{title}', artifact: 'none' })
        const first = await runAction({ workspace, inputs })
        expect(first.results.map((r) => r.status)).toEqual(['completed', 'failed'])
        expect(rendersFor(emulator, 'B')).toBe(1)
        expect(rendersFor(emulator, 'A')).toBe(1)

        // A re-run: B's failure is an earlier run's, so it gets exactly one new render.
        const second = await runAction({ workspace, inputs, runAttempt: 2 })
        expect(second.results.map((r) => r.status)).toEqual(['completed', 'failed'])
        expect(rendersFor(emulator, 'B')).toBe(2)
        expect(rendersFor(emulator, 'A')).toBe(1)
        expect(second.stdout).toContain('failed in an earlier run (Font failed to load); submitting it again')

        // Another: the chain of earlier failures is followed by replays, then one new render.
        const third = await runAction({ workspace, inputs, runAttempt: 3 })
        expect(third.results[1].status).toBe('failed')
        expect(rendersFor(emulator, 'B')).toBe(3)
        expect(rendersFor(emulator, 'A')).toBe(1)
      })
    }, 90_000)
  }
})

describe('a paid render is not lost to a garbled answer', () => {
  it('retries a keyed create whose 2xx did not parse, and the replay returns the render', async () => {
    await withEmulator({}, async (emulator, workspace) => {
      await throughProxy(
        emulator,
        (req) => (req.label === 'create' && req.n === 1 ? { kind: 'garble' } : undefined),
        async (url) => {
          const run = await runAction({ workspace, inputs: emulatorInputs(url, { artifact: 'none' }) })
          expect(run.code).toBe(0)
          expect(emulator.stats.rendersCreated).toBe(1)
          const keys = emulator.stats.requests.filter((r) => r.route === CREATE).map((r) => r.idempotencyKey)
          expect(keys).toHaveLength(2)
          expect(new Set(keys).size).toBe(1)
          expect(emulator.stats.replays).toBe(1)
          expect(run.stdout).toContain('with an unreadable body; retrying')
          expectVideoIntact(run, emulator, workspace)
        }
      )
    })
  })
})

describe('no corrupt video is reported completed', () => {
  it('fetches again when a chunked download ends cleanly at half the bytes', async () => {
    await withEmulator({}, async (emulator, workspace) => {
      await throughProxy(
        emulator,
        (req) => (req.label === 'video' && req.n === 1 ? { kind: 'chunked-half' } : undefined),
        async (url, seen) => {
          const run = await runAction({ workspace, inputs: emulatorInputs(url, { artifact: 'none' }) })
          expect(run.code).toBe(0)
          expect(seen.filter((r) => r.label === 'video')).toHaveLength(2)
          expect(run.stdout).toMatch(/video 'render-1' \(render [0-9a-f]+\) is not a whole video: .*; it will be fetched again/)
          expectVideoIntact(run, emulator, workspace)
        }
      )
    })
  })

  it('fetches again when storage answers 200 with an HTML error page', async () => {
    const page = '<html><body><h1>502 Bad Gateway</h1></body></html>'
    await withEmulator({}, async (emulator, workspace) => {
      await throughProxy(
        emulator,
        (req) => (req.label === 'video' && req.n === 1 ? { kind: 'answer', status: 200, body: page } : undefined),
        async (url, seen) => {
          const run = await runAction({ workspace, inputs: emulatorInputs(url, { artifact: 'none' }) })
          expect(run.code).toBe(0)
          expect(seen.filter((r) => r.label === 'video')).toHaveLength(2)
          expect(run.stdout).toContain('was served as text/html, not as a video')
          expectVideoIntact(run, emulator, workspace)
        }
      )
    })
  })

  it('never writes the file when every answer is an error page, and stops at the deadline', async () => {
    const page = '<html><body>Service unavailable</body></html>'
    await withEmulator({}, async (emulator, workspace) => {
      await throughProxy(
        emulator,
        (req) => (req.label === 'video' ? { kind: 'answer', status: 200, body: page } : undefined),
        async (url, seen) => {
          const run = await runAction({ workspace, inputs: emulatorInputs(url, { artifact: 'none', 'timeout-minutes': '0.1' }) })
          expect(run.code).toBe(1)
          expect(run.results[0].status).toBe('timed_out')
          expect(run.results[0].failure_message).toContain(run.results[0].render_id as string)
          expect(run.results[0].video_path ?? null).toBeNull()
          expect(readdirSync(path.join(workspace, 'renders'))).toEqual([])
          // Retried with fresh URLs until the deadline ended it, never giving up (or giving in) before.
          expect(run.results[0].failure_message).toMatch(/timeout-minutes ran out after \d+ attempts \(last: .*was served as text\/html/)
          expect(seen.filter((r) => r.label === 'video').length).toBeGreaterThanOrEqual(3)
        }
      )
    })
  }, 60_000)
})

describe('timeout-minutes is honoured while the client retries', () => {
  it('does not sleep through a Retry-After: 20 past a 3 s deadline', async () => {
    const faults: FaultRule[] = [{ route: STATUS, status: 429, retryAfter: 20 }]
    await withEmulator({ faults, renderMs: 60_000 }, async (emulator, workspace) => {
      // 0.05 minutes, the shortest timeout-minutes takes: 3 s, well inside the 20 s asked for.
      const run = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { artifact: 'none', 'timeout-minutes': '0.05' }) })
      expect(run.code).toBe(1)
      expect(run.results[0].status).toBe('timed_out')
      expect(run.results[0].failure_message).toContain('timeout-minutes ran out')
      expect(run.results[0].failure_message).toContain(run.results[0].render_id as string)
      // One status call, then a wait cut at the deadline: not the client's seven attempts.
      expect(emulator.stats.byRoute[STATUS]).toBeLessThanOrEqual(2)
    })
  }, 40_000)

  it('ends a status call that hangs at the deadline', async () => {
    const faults: FaultRule[] = [{ route: STATUS, hang: true }]
    await withEmulator({ faults }, async (emulator, workspace) => {
      const run = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { artifact: 'none', 'timeout-minutes': '0.05' }) })
      expect(run.code).toBe(1)
      expect(run.results[0].status).toBe('timed_out')
      expect(run.results[0].failure_message).toContain(run.results[0].render_id as string)
      expect(emulator.stats.byRoute[STATUS]).toBe(1)
    })
  }, 40_000)
})

describe('out of credit half-way', () => {
  it('publishes the finished video as an artifact before failing the step', async () => {
    const credit = JSON.stringify({ error: { code: 'insufficient_credit', message: 'Out of credit.' } })
    const artifacts = await startArtifactServer()
    try {
      await withEmulator({}, async (emulator, workspace) => {
        await throughProxy(
          emulator,
          (req) => (req.label === 'create' && req.n === 2 ? { kind: 'answer', status: 402, body: credit, contentType: 'application/json' } : undefined),
          async (url) => {
            const run = await runAction({
              workspace,
              env: artifacts.env,
              inputs: emulatorInputs(url, { matrix: '[{"title": "One"}, {"title": "Two"}]', name: '{title}', concurrency: '1' })
            })
            expect(run.code).toBe(1)
            expect(run.stdout).toContain('out of credit')
            expect(run.results.map((r) => r.status)).toEqual(['completed', 'error'])
            expect(artifacts.artifacts().map((a) => a.name)).toEqual(['One.mp4'])
            expect(run.results[0].artifact_url).toBeTruthy()
          }
        )
      })
    } finally {
      await artifacts.close()
    }
  })
})

describe('unbounded response bodies', () => {
  it('fails a status call whose 200 body is 64 MiB cleanly, without reading it all', async () => {
    await withEmulator({}, async (emulator, workspace) => {
      await throughProxy(
        emulator,
        (req) => (req.label === 'status' ? { kind: 'huge', status: 200, bytes: 64 * 1024 * 1024, contentType: 'application/json' } : undefined),
        async (url, seen, proxy) => {
          // The call fails; the render does not: like any unreadable 2xx status answer, it is asked
          // again every tick until timeout-minutes (the shortest, 3 s, keeps this test short).
          const run = await runAction({ workspace, inputs: emulatorInputs(url, { artifact: 'none', 'timeout-minutes': '0.05' }) })
          expect(run.code).toBe(1)
          expect(run.results[0].status).toBe('timed_out')
          expect(run.stdout).toMatch(/response body was over 4 MiB, far more than this call ever returns; it was not read; asking again every tick until timeout-minutes/)
          const answers = seen.filter((r) => r.label === 'status').length
          expect(answers).toBeGreaterThanOrEqual(1)
          expect(proxy.hugeBytesSent / answers).toBeLessThan(24 * 1024 * 1024)
        }
      )
    })
  })

  it('reads only the start of a 64 MiB 503 body, then retries', async () => {
    await withEmulator({}, async (emulator, workspace) => {
      await throughProxy(
        emulator,
        (req) => (req.label === 'status' && req.n === 1 ? { kind: 'huge', status: 503, bytes: 64 * 1024 * 1024, contentType: 'text/html' } : undefined),
        async (url, _seen, proxy) => {
          const run = await runAction({ workspace, inputs: emulatorInputs(url, { artifact: 'none' }) })
          expect(run.code).toBe(0)
          expect(proxy.hugeBytesSent).toBeLessThan(24 * 1024 * 1024)
          expectVideoIntact(run, emulator, workspace)
        }
      )
    })
  })
})

describe('a download cut mid-stream', () => {
  it('says which video, how many bytes of how many arrived, and that it will be retried', async () => {
    await withEmulator({ faults: [{ route: 'GET video', truncate: true, times: 1 }] }, async (emulator, workspace) => {
      const run = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { artifact: 'none' }) })
      expect(run.code).toBe(0)
      const size = (emulator.videoBytes(run.results[0].render_id as string) as Buffer).length
      expect(run.stdout).toMatch(new RegExp(`download of video 'render-1' \\(render [0-9a-f]+\\) was cut (after |short: )${Math.floor(size / 2)} of ${size} bytes.*it will be retried`))
      expect(existsSync(path.join(workspace, run.results[0].video_path as string))).toBe(true)
    })
  })
})
