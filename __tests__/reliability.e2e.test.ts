import { existsSync, readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import type { Emulator, EmulatorOptions, FaultRule } from '../emulator/index.js'
import { emulatorInputs, runAction, type ActionRun } from './support/action-runner.js'
import { startArtifactServer } from './support/artifact-server.js'
import { startFaultProxy } from './support/fault-proxy.js'
import { distinctEngine } from './support/video-engines.js'
import { sideBySide } from './support/side-by-side.js'
import { withEmulator } from './support/with-emulator.js'

// What an unattended run shows as a whole when faults hit it: the step's end, its outputs, summary
// and log, the files it leaves, what it publishes. How the client, upload, download and scheduler
// react to each single fault, and what re-runs submit again, is proved in process without real
// waits: heygen-faults.test.ts.
//
// Each test has its own emulator, workspace and spawn, and most of a run is waiting (render times,
// backoffs), so the scenarios run side by side (support/side-by-side.ts); the timeout-minutes test
// runs last, alone (see there).

const scenario = sideBySide()
const CREATE = 'POST /v3/hyperframes/renders'
const UPLOAD = 'POST /v3/assets/direct-uploads'

function expectVideosMatch(run: ActionRun, emulator: Emulator, workspace: string): void {
  for (const r of run.results) {
    expect(r.status).toBe('completed')
    const bytes = readFileSync(path.join(workspace, r.video_path as string))
    expect(bytes.equals(emulator.videoBytes(r.render_id as string) as Buffer)).toBe(true)
  }
  expect(readdirSync(path.join(workspace, 'renders')).filter((f) => f.endsWith('.part'))).toEqual([])
}

/** PATH without the folders that hold `tool`, so a spawned action does not find it. */
function pathWithout(tool: string): string {
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter((dir) => dir && !existsSync(path.join(dir, tool)))
    .join(path.delimiter)
}

describe('refusals that no retry can fix', () => {
  it(
    'stops at once on 401 with one clear error',
    scenario(async () => {
      await withEmulator({}, async (emulator, workspace) => {
        const run = await runAction({ workspace, inputs: { ...emulatorInputs(emulator.url), 'api-key': 'wrong-key' } })
        expect(run.code).toBe(1)
        expect(emulator.stats.byRoute[UPLOAD]).toBe(1)
        expect(emulator.stats.requests).toHaveLength(1)
        expect(run.stdout.match(/::error::/g)).toHaveLength(1)
        expect(run.stdout).toMatch(/::error::Create direct upload failed: HTTP 401 authentication_failed: .*check that the secret holds a valid, unexpired HeyGen API key/)
      })
    })
  )
})

describe('cancellation', () => {
  it(
    'writes outputs and summary on SIGTERM, and a re-run resumes through the same keys',
    scenario(async () => {
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
  )
})

describe('chaos', () => {
  it(
    'completes 30 renders with about a fifth of all calls failing transiently',
    scenario(async () => {
      const faults: FaultRule[] = [
        { route: '*', status: 429, retryAfter: 1, probability: 0.04 },
        { route: '*', status: 503, probability: 0.06 },
        { route: '*', status: 500, probability: 0.04 },
        { route: '*', reset: true, probability: 0.07 }
      ]
      // All 30 in flight at once, and one encode for all (each video still its own bytes): the
      // faults are what is under test, not waves of renders or the emulator's encoder.
      await withEmulator({ faults, seed: 1234, renderMs: 100, maxConcurrentRenders: 30, engine: distinctEngine }, async (emulator, workspace) => {
        const matrix = JSON.stringify({ title: Array.from({ length: 30 }, (_, i) => `t${i + 1}`) })
        // As on a runner without ffprobe (a supported case): downloads are checked by type, size and
        // container only. The duration check is not what chaos is about, and 30 ffprobe runs cost
        // this run seconds of CPU; every other download in the suite still goes through it.
        const env = { PATH: pathWithout('ffprobe') }
        const run = await runAction({ workspace, env, inputs: emulatorInputs(emulator.url, { matrix, name: '{title}', artifact: 'none', concurrency: '30' }) })
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
  )
})

describe('secrets', () => {
  const SECRET = 'hg-LEAKCHECK-5d1f0a9e3c7b'

  function filesUnder(dir: string): string[] {
    if (!existsSync(dir)) return []
    return readdirSync(dir, { withFileTypes: true, recursive: true })
      .filter((d) => d.isFile())
      .map((d) => path.join(d.parentPath, d.name))
  }

  it(
    'never writes the key anywhere and never sends it to storage',
    scenario(async () => {
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
  )

  it(
    'keeps downloads inside output-dir whatever the render name',
    scenario(async () => {
      await withEmulator({}, async (emulator, workspace) => {
        const run = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { matrix: '[{"title": "../../etc/passwd x"}]', name: '../../{title}', artifact: 'none' }) })
        expect(run.code).toBe(0)
        const videoPath = run.results[0].video_path as string
        expect(videoPath.startsWith('renders/')).toBe(true)
        expect(videoPath).not.toContain('..')
        expect(existsSync(path.join(workspace, videoPath))).toBe(true)
      })
    })
  )
})

describe('out of credit half-way', () => {
  it(
    'publishes the finished video as an artifact before failing the step',
    scenario(async () => {
      const credit = JSON.stringify({ error: { code: 'insufficient_credit', message: 'Out of credit.' } })
      const artifacts = await startArtifactServer()
      try {
        await withEmulator({}, async (emulator, workspace) => {
          const proxy = await startFaultProxy(emulator, (req) => (req.label === 'create' && req.n === 2 ? { kind: 'answer', status: 402, body: credit, contentType: 'application/json' } : undefined))
          try {
            const run = await runAction({
              workspace,
              env: artifacts.env,
              inputs: emulatorInputs(proxy.url, { matrix: '[{"title": "One"}, {"title": "Two"}]', name: '{title}', concurrency: '1' })
            })
            expect(run.code).toBe(1)
            expect(run.stdout).toContain('out of credit')
            expect(run.results.map((r) => r.status)).toEqual(['completed', 'error'])
            expect(artifacts.artifacts().map((a) => a.name)).toEqual(['One.mp4'])
            expect(run.results[0].artifact_url).toBeTruthy()
          } finally {
            await proxy.close()
          }
        })
      } finally {
        await artifacts.close()
      }
    })
  )
})

describe('renders that fail or never finish', () => {
  // Last and alone, not side by side: a status check that starts a moment before timeout-minutes
  // ends can be refused by the client's own deadline check a moment after, and then names that
  // refusal instead of "still rendering". A loaded machine widens that moment.
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
