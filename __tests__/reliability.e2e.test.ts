import { existsSync, readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import type { Emulator, EmulatorOptions, FaultRule } from '../emulator/index.js'
import { emulatorInputs, runAction, type ActionRun } from './support/action-runner.js'
import { withEmulator } from './support/with-emulator.js'

// Every fault the network or the API can throw at an unattended run, each proved over real HTTP.

const CREATE = 'POST /v3/hyperframes/renders'
const STATUS = 'GET /v3/hyperframes/renders/:id'
const UPLOAD = 'POST /v3/assets/direct-uploads'
const COMPLETE = 'POST /v3/assets/:id/complete'

function keysSentTo(emulator: Emulator, route: string): Array<string | undefined> {
  return emulator.stats.requests.filter((r) => r.route === route).map((r) => r.idempotencyKey)
}

function expectVideosMatch(run: ActionRun, emulator: Emulator, workspace: string): void {
  for (const r of run.results) {
    expect(r.status).toBe('completed')
    const bytes = readFileSync(path.join(workspace, r.video_path as string))
    expect(bytes.equals(emulator.videoBytes(r.render_id as string) as Buffer)).toBe(true)
  }
  expect(readdirSync(path.join(workspace, 'renders')).filter((f) => f.endsWith('.part'))).toEqual([])
}

describe('transient faults are survived', () => {
  it('waits out 429 Retry-After on every call and retries with the same key', async () => {
    const routes = [UPLOAD, 'PUT upload', COMPLETE, CREATE, STATUS, 'GET video']
    const faults: FaultRule[] = routes.map((route) => ({ route, status: 429, retryAfter: 1, times: 1 }))
    await withEmulator({ faults }, async (emulator, workspace) => {
      const run = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { artifact: 'none' }) })
      expect(run.code).toBe(0)
      for (const route of routes) expect(emulator.stats.byRoute[route]).toBeGreaterThanOrEqual(2)
      const createKeys = keysSentTo(emulator, CREATE)
      expect(createKeys).toHaveLength(2)
      expect(new Set(createKeys).size).toBe(1)
      expect(run.stdout).toMatch(/HTTP 429 rate_limit_exceeded; retrying in 1\.0s/)
      expect(emulator.stats.rendersCreated).toBe(1)
      expectVideosMatch(run, emulator, workspace)
    })
  })

  it('retries 5xx, resets and silent sockets, and POSTs only with their key', async () => {
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
    await withEmulator({ faults }, async (emulator, workspace) => {
      const run = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { artifact: 'none', 'request-timeout-seconds': '1' }) })
      expect(run.code).toBe(0)
      const createKeys = keysSentTo(emulator, CREATE)
      expect(createKeys).toHaveLength(4)
      expect(new Set(createKeys).size).toBe(1)
      expect(createKeys[0]).toBeTruthy()
      expect(new Set(keysSentTo(emulator, UPLOAD)).size).toBe(1)
      expect(keysSentTo(emulator, UPLOAD)[0]).toBeTruthy()
      expect(emulator.stats.rendersCreated).toBe(1)
      expect(emulator.stats.assetsCreated).toBe(1)
      expect(run.stdout).toMatch(/HTTP 503 service_unavailable; retrying/)
      expect(run.stdout).toMatch(/UND_ERR_HEADERS_TIMEOUT; retrying/)
      expectVideosMatch(run, emulator, workspace)
    })
  })

  it('waits out 409 request_in_progress with the same key', async () => {
    await withEmulator({ faults: [{ route: CREATE, status: 409, code: 'request_in_progress', times: 2 }] }, async (emulator, workspace) => {
      const run = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { artifact: 'none' }) })
      expect(run.code).toBe(0)
      expect(keysSentTo(emulator, CREATE)).toHaveLength(3)
      expect(new Set(keysSentTo(emulator, CREATE)).size).toBe(1)
      expect(emulator.stats.rendersCreated).toBe(1)
    })
  })

  it('retries complete while storage has not caught up (409 not found yet)', async () => {
    const faults: FaultRule[] = [{ route: COMPLETE, status: 409, code: 'upload_not_found', message: 'uploaded object not found yet', times: 2 }]
    // Without the random race, so the count below is exactly the two refusals plus the success.
    await withEmulator({ faults, completeRaceProbability: 0 }, async (emulator, workspace) => {
      const run = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { artifact: 'none' }) })
      expect(run.code).toBe(0)
      expect(emulator.stats.byRoute[COMPLETE]).toBe(3)
      expect(emulator.stats.assetsCreated).toBe(1)
    })
  })

  it('restarts the upload when the presigned PUT is refused', async () => {
    await withEmulator({ faults: [{ route: 'PUT upload', status: 403, code: 'SignatureDoesNotMatch', times: 1 }] }, async (emulator, workspace) => {
      const run = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { artifact: 'none' }) })
      expect(run.code).toBe(0)
      expect(emulator.stats.byRoute[UPLOAD]).toBe(2)
      expect(emulator.stats.byRoute['PUT upload']).toBe(2)
      expect(run.stdout).toMatch(/::warning::Upload URL for asset \w+ was refused/)
      expect(emulator.stats.rendersCreated).toBe(1)
    })
  })

  it('gives up with a clear error when every presigned PUT is refused', async () => {
    await withEmulator({ faults: [{ route: 'PUT upload', status: 403, code: 'AccessDenied' }] }, async (emulator, workspace) => {
      const run = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { artifact: 'none' }) })
      expect(run.code).toBe(1)
      expect(run.stdout).toMatch(/::error::Uploading the project zip failed after 3 attempts: upload to storage answered HTTP 403/)
      expect(emulator.stats.byRoute[UPLOAD]).toBe(3)
      expect(emulator.stats.byRoute[CREATE]).toBeUndefined()
    })
  })

  it('downloads again from a fresh URL when a link expired or a transfer was cut', async () => {
    const faults: FaultRule[] = [
      { route: 'GET video', status: 403, code: 'AccessDenied', message: 'Request has expired', times: 1 },
      { route: 'GET video', truncate: true, times: 1 }
    ]
    await withEmulator({ faults }, async (emulator, workspace) => {
      const run = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { artifact: 'none' }) })
      expect(run.code).toBe(0)
      expect(emulator.stats.byRoute['GET video']).toBe(3)
      // Each retry asked the API for a fresh signed URL first.
      const statusGets = emulator.stats.byRoute[STATUS] ?? 0
      expect(statusGets).toBeGreaterThanOrEqual(3)
      expectVideosMatch(run, emulator, workspace)
    })
  })
})

describe('renders that fail or never finish', () => {
  it('re-submits only the entries that failed in an earlier run, and a later re-run replays them', async () => {
    let broken = true
    // Long enough for the first status check to see B running: that is how a run knows it made B.
    const options: EmulatorOptions = { renderMs: 1200, failRender: (body) => (broken && body.variables?.title === 'B' ? 'Font failed to load' : undefined) }
    await withEmulator(options, async (emulator, workspace) => {
      const matrix = '[{"title": "A"}, {"title": "B"}]'
      const inputs = emulatorInputs(emulator.url, { matrix, name: '{title}', artifact: 'none' })
      const first = await runAction({ workspace, inputs })
      expect(first.code).toBe(1)
      expect(first.results.map((r) => r.status)).toEqual(['completed', 'failed'])
      expect(emulator.stats.rendersCreated).toBe(2)

      broken = false
      emulator.resetStats()
      const second = await runAction({ workspace, inputs, runAttempt: 2 })
      expect(second.code).toBe(0)
      expect(emulator.stats.rendersCreated).toBe(1)
      expect(second.results[0].render_id).toBe(first.results[0].render_id)
      expect(second.results[1].render_id).not.toBe(first.results[1].render_id)
      expect(second.results[1].idempotency_key).toBe(`${first.results[1].idempotency_key}-after-${first.results[1].render_id}`)
      expect(second.stdout).toContain('failed in an earlier run (Font failed to load); submitting it again')

      emulator.resetStats()
      const third = await runAction({ workspace, inputs, runAttempt: 3 })
      expect(third.code).toBe(0)
      expect(emulator.stats.rendersCreated).toBe(0)
      expect(third.results.map((r) => r.render_id)).toEqual(second.results.map((r) => r.render_id))
    })
  })

  it('stops waiting at timeout-minutes and names what is still running', async () => {
    await withEmulator({ neverFinish: (body) => body.variables?.title === 'Stuck' }, async (emulator, workspace) => {
      const matrix = '[{"title": "Done"}, {"title": "Stuck"}]'
      const run = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { matrix, name: '{title}', 'timeout-minutes': '0.05', artifact: 'none' }) })
      expect(run.code).toBe(1)
      const stuck = run.results.find((r) => r.name === 'Stuck')
      expect(stuck?.status).toBe('timed_out')
      expect(stuck?.render_id).toBeTruthy()
      expect(stuck?.failure_message).toBe(`still rendering when timeout-minutes ran out (render id ${stuck?.render_id})`)
      expect(run.results.find((r) => r.name === 'Done')?.status).toBe('completed')
      expect(run.summary).toContain(stuck?.render_id as string)
    })
  })
})

describe('refusals that no retry can fix', () => {
  it('stops at once on 401 with one clear error', async () => {
    await withEmulator({}, async (emulator, workspace) => {
      const run = await runAction({ workspace, inputs: { ...emulatorInputs(emulator.url), 'api-key': 'wrong-key' } })
      expect(run.code).toBe(1)
      expect(emulator.stats.byRoute[UPLOAD]).toBe(1)
      expect(emulator.stats.requests).toHaveLength(1)
      expect(run.stdout.match(/::error::/g)).toHaveLength(1)
      expect(run.stdout).toMatch(/::error::Create direct upload failed: HTTP 401 authentication_failed: .*check that the secret holds a valid, unexpired HeyGen API key/)
    })
  })

  it.each([
    [402, 'insufficient_credit', /out of credit/],
    [403, 'forbidden', /has no access/]
  ])('stops at once on %i', async (status, code, hint) => {
    await withEmulator({ faults: [{ route: CREATE, status, code }] }, async (emulator, workspace) => {
      const matrix = JSON.stringify({ title: ['a', 'b', 'c', 'd'] })
      const run = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { matrix, concurrency: '1', name: '{title}' }) })
      expect(run.code).toBe(1)
      // concurrency 1: the first refusal stops the run, nothing else is tried.
      expect(emulator.stats.byRoute[CREATE]).toBe(1)
      expect(run.stdout).toMatch(new RegExp(`::error::Create render 'a' failed: HTTP ${status} ${code}`))
      expect(run.stdout).toMatch(hint)
      expect(run.results.map((r) => r.status)).toEqual(['error', 'pending', 'pending', 'pending'])
    })
  })

  it('reports a status answer that is not the API JSON clearly, and keeps asking until timeout-minutes', async () => {
    await withEmulator({ faults: [{ route: STATUS, status: 200, rawBody: '<html><body>Proxy login</body></html>' }] }, async (emulator, workspace) => {
      const run = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { artifact: 'none', 'timeout-minutes': '0.05' }) })
      expect(run.code).toBe(1)
      // A garbled status answer is not the render's end: it is asked again until the deadline.
      expect(run.results[0].status).toBe('timed_out')
      expect(emulator.stats.byRoute[STATUS] ?? 0).toBeGreaterThanOrEqual(2)
      // Asked again until the deadline, which then says what the server last answered.
      expect(run.stdout).toMatch(/timeout-minutes ran out .*the last answer was HTTP 200 unexpected_response: the response was not the expected JSON \(<html><body>Proxy login/)
      expect(run.stdout).toMatch(/check the api-url input/)
      expect(run.stdout).not.toContain('Unexpected error')
    })
  })
})

describe('cancellation', () => {
  it('writes outputs and summary on SIGTERM, and a re-run resumes through the same keys', async () => {
    await withEmulator({ neverFinish: () => true }, async (emulator, workspace) => {
      const matrix = JSON.stringify({ title: ['x', 'y', 'z'] })
      const inputs = emulatorInputs(emulator.url, { matrix, name: '{title}' })
      const cancelled = await runAction({
        workspace,
        inputs,
        onSpawn: (child) => {
          const timer = setInterval(() => {
            if (emulator.stats.rendersCreated === 3) {
              clearInterval(timer)
              child.kill('SIGTERM')
            }
          }, 20)
          child.on('close', () => clearInterval(timer))
        }
      })
      expect(cancelled.code).toBe(1)
      expect(cancelled.stdout).toContain('Received SIGTERM')
      expect(cancelled.stdout).toMatch(/::error::The job was cancelled \(SIGTERM\)/)
      expect(cancelled.results.map((r) => r.status)).toEqual(['cancelled', 'cancelled', 'cancelled'])
      const ids = cancelled.results.map((r) => r.render_id)
      expect(ids.every(Boolean)).toBe(true)
      expect(JSON.parse(cancelled.outputs['render-ids'])).toEqual(ids)
      for (const id of ids) expect(cancelled.summary).toContain(id as string)

      emulator.resetStats()
      const resumed = await runAction({ workspace, inputs: { ...inputs, wait: 'false' } })
      expect(resumed.code).toBe(0)
      expect(emulator.stats.rendersCreated).toBe(0)
      expect(resumed.results.map((r) => r.render_id)).toEqual(ids)
    })
  })
})

describe('chaos', () => {
  it('completes 30 renders with about a fifth of all calls failing transiently', async () => {
    const faults: FaultRule[] = [
      { route: '*', status: 429, retryAfter: 1, probability: 0.04 },
      { route: '*', status: 503, probability: 0.06 },
      { route: '*', status: 500, probability: 0.04 },
      { route: '*', reset: true, probability: 0.07 }
    ]
    await withEmulator({ faults, seed: 1234, renderMs: 100 }, async (emulator, workspace) => {
      const matrix = JSON.stringify({ title: Array.from({ length: 30 }, (_, i) => `t${i + 1}`) })
      const run = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { matrix, name: '{title}', artifact: 'none' }) })
      const failed = emulator.stats.requests.filter((r) => r.status === 0 || r.status === 429 || r.status >= 500).length
      console.log(
        `chaos: ${emulator.stats.requests.length} requests, ${failed} failed transiently (${((100 * failed) / emulator.stats.requests.length).toFixed(0)}%), ` +
          `${emulator.stats.rendersCreated} renders created, ${emulator.stats.assetsCreated} asset, ${run.results.filter((r) => r.status === 'completed').length} videos downloaded`
      )
      expect(run.code).toBe(0)
      expect(failed / emulator.stats.requests.length).toBeGreaterThan(0.1)
      expect(emulator.stats.rendersCreated).toBe(30)
      expect(emulator.stats.assetsCreated).toBe(1)
      expect(run.results).toHaveLength(30)
      expectVideosMatch(run, emulator, workspace)
    })
  })
})

describe('secrets', () => {
  const SECRET = 'hg-LEAKCHECK-5d1f0a9e3c7b'

  function filesUnder(dir: string): string[] {
    if (!existsSync(dir)) return []
    return readdirSync(dir, { withFileTypes: true, recursive: true })
      .filter((d) => d.isFile())
      .map((d) => path.join(d.parentPath, d.name))
  }

  it('never writes the key anywhere and never sends it to storage', async () => {
    const options: EmulatorOptions = {
      apiKeys: [SECRET],
      failRender: (body) => (body.variables?.title === 'bad' ? 'broken' : undefined),
      faults: [
        { route: CREATE, status: 503, times: 1 },
        { route: 'GET video', status: 403, times: 1 }
      ]
    }
    await withEmulator(options, async (emulator, workspace) => {
      const matrix = '[{"title": "good"}, {"title": "bad"}]'
      const run = await runAction({ workspace, inputs: { ...emulatorInputs(emulator.url, { matrix, name: '{title}' }), 'api-key': SECRET } })
      expect(run.code).toBe(1)
      const everything = [run.stdout, run.stderr, JSON.stringify(run.outputs), run.summary, ...[...filesUnder(workspace), ...filesUnder(run.stateDir)].map((f) => readFileSync(f, 'latin1'))]
      const leaks = everything.flatMap((text) => text.split('\n')).filter((line) => line.includes(SECRET))
      // The runner consumes ::add-mask:: itself; nothing else may carry the key.
      expect(leaks).toEqual([`::add-mask::${SECRET}`])
      const storage = emulator.stats.requests.filter((r) => r.route === 'PUT upload' || r.route === 'GET video')
      expect(storage.length).toBeGreaterThanOrEqual(3)
      expect(storage.every((r) => !r.hadApiKey)).toBe(true)
      const api = emulator.stats.requests.filter((r) => r.route.includes('/v3/'))
      expect(api.every((r) => r.hadApiKey)).toBe(true)
    })
  })

  it('keeps downloads inside output-dir whatever the render name', async () => {
    await withEmulator({}, async (emulator, workspace) => {
      const run = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { matrix: '[{"title": "../../etc/passwd x"}]', name: '../../{title}', artifact: 'none' }) })
      expect(run.code).toBe(0)
      const videoPath = run.results[0].video_path as string
      expect(videoPath.startsWith('renders/')).toBe(true)
      expect(videoPath).not.toContain('..')
      expect(existsSync(path.join(workspace, videoPath))).toBe(true)
    })
  })
})
