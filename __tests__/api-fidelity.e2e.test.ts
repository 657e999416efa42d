import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Emulator } from '../emulator/index.js'
import { startApiProxy, type ApiProxy } from './support/api-proxy.js'
import { emulatorInputs, makeWorkspace, runAction } from './support/action-runner.js'
import { withEmulator } from './support/with-emulator.js'

// Where the contract is silent or loose, the action does what HeyGen's own CLI does. Each case is
// served over real HTTP by the emulator, or by a small proxy in front of it playing the odd part.

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

function countOf(text: string, needle: string): number {
  return text.split(needle).length - 1
}

function createdBody(emulator: Emulator): Record<string, unknown> {
  const [render] = emulator.renders()
  return render!.body as unknown as Record<string, unknown>
}

describe('render statuses the contract does not list', () => {
  it('keeps waiting through an unknown status, says so once, and collects the video', async () => {
    await withEmulator({}, async (emulator, workspace) => {
      const { proxy, rewritten } = await processingProxy(emulator, 3)
      try {
        const run = await runAction({ workspace, inputs: emulatorInputs(`${proxy.url}`, { artifact: 'none' }) })
        expect(run.stdout).not.toContain('::error::')
        expect(run.code).toBe(0)
        expect(run.results[0]?.status).toBe('completed')
        // Three answers of 'processing', then the real status on the fourth GET.
        expect(rewritten()).toBe(3)
        expect(emulator.stats.byRoute[STATUS]).toBeGreaterThanOrEqual(4)
        expect(countOf(run.stdout, UNKNOWN_NOTE)).toBe(1)
      } finally {
        await proxy.close()
      }
    })
  })

  it('waits on it until timeout-minutes, then reports the render as timed out', async () => {
    await withEmulator({ neverFinish: () => true }, async (emulator, workspace) => {
      const { proxy, rewritten } = await processingProxy(emulator)
      try {
        const run = await runAction({ workspace, inputs: emulatorInputs(proxy.url, { artifact: 'none', 'timeout-minutes': '0.05' }) })
        expect(run.code).toBe(1)
        const [result] = run.results
        expect(result?.status).toBe('timed_out')
        expect(result?.failure_message).toContain('still processing when timeout-minutes ran out')
        // Asked many times, logged once.
        expect(rewritten()).toBeGreaterThanOrEqual(2)
        expect(emulator.stats.byRoute[STATUS]).toBe(rewritten())
        expect(countOf(run.stdout, UNKNOWN_NOTE)).toBe(1)
        expect(run.stdout).not.toContain('did not answer like the HeyGen API')
      } finally {
        await proxy.close()
      }
    })
  })
})

describe('api-url behind a gateway', () => {
  it.each(['/heygen', '/heygen/'])('keeps the path prefix (%s) in front of every route', async (suffix) => {
    await withEmulator({}, async (emulator, workspace) => {
      const gateway = await startApiProxy(emulator.url, { prefix: '/heygen' })
      try {
        const run = await runAction({ workspace, inputs: emulatorInputs(`${gateway.url}${suffix}`, { artifact: 'none' }) })
        expect(run.stdout).not.toContain('::error::')
        expect(run.code).toBe(0)
        expect(gateway.paths.length).toBeGreaterThanOrEqual(4)
        for (const p of gateway.paths) expect(p).toMatch(/^\/heygen\/v3\//)
        expect(emulator.stats.rendersCreated).toBe(1)
      } finally {
        await gateway.close()
      }
    })
  })
})

describe('the upload', () => {
  it('sends number and boolean upload_headers as strings, so the signed PUT is accepted at once', async () => {
    await withEmulator({}, async (emulator, workspace) => {
      const run = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { artifact: 'none' }) })
      expect(run.code).toBe(0)
      const puts = emulator.stats.requests.filter((r) => r.route === 'PUT upload')
      expect(puts.map((r) => r.status)).toEqual([200])
      expect(emulator.stats.assetsCreated).toBe(1)
    })
  })

  it('names the zip after the project folder, as HeyGen CLI does', async () => {
    await withEmulator({}, async (emulator) => {
      const workspace = makeWorkspace('basic', 'promo-video')
      const run = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { path: 'promo-video', artifact: 'none' }) })
      expect(run.code).toBe(0)
      const project = createdBody(emulator).project as { asset_id: string }
      expect(emulator.assetFilename(project.asset_id)).toBe('promo-video.zip')
    })
  })

  it('completes the upload when storage has not caught up with the PUT yet', async () => {
    await withEmulator({ completeRaceProbability: 1 }, async (emulator, workspace) => {
      const run = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { artifact: 'none' }) })
      expect(run.code).toBe(0)
      const completes = emulator.stats.requests.filter((r) => r.route === 'POST /v3/assets/:id/complete')
      expect(completes.map((r) => r.status)).toEqual([409, 200])
      expect(emulator.stats.assetsCreated).toBe(1)
      expect(emulator.stats.byRoute['PUT upload']).toBe(1)
    })
  })
})

describe('the create body', () => {
  it('sends callback-url exactly as written', async () => {
    await withEmulator({}, async (emulator, workspace) => {
      const run = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { artifact: 'none', 'callback-url': 'https://h.example.com' }) })
      expect(run.code).toBe(0)
      expect(createdBody(emulator).callback_url).toBe('https://h.example.com')
    })
  })
})

describe('variable values of any JSON type', () => {
  /** The basic fixture without its data-composition-variables: nothing to check values against. */
  function undeclaredWorkspace(): string {
    const workspace = makeWorkspace('basic')
    const index = path.join(workspace, 'project', 'index.html')
    writeFileSync(index, readFileSync(index, 'utf8').replace(/\s*data-composition-variables='[^']*'/, ''))
    return workspace
  }

  it('passes objects and arrays through where nothing is declared, with one key whatever the key order', async () => {
    await withEmulator({}, async (emulator) => {
      const workspace = undeclaredWorkspace()
      const theme = { palette: ['#f00', '#0f0'], layout: { cols: 2, dark: true } }
      const first = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { artifact: 'none', 'strict-variables': 'false', variables: JSON.stringify({ theme }) }) })
      expect(first.code).toBe(0)
      expect(createdBody(emulator).variables).toEqual({ theme })
      expect(first.results[0]?.variables).toEqual({ theme })

      // The same object written in another key order is the same request: the key replays it.
      const reordered = '{"theme": {"layout": {"dark": true, "cols": 2}, "palette": ["#f00", "#0f0"]}}'
      const second = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { artifact: 'none', 'strict-variables': 'false', variables: reordered }) })
      expect(second.code).toBe(0)
      expect(second.results[0]?.idempotency_key).toBe(first.results[0]?.idempotency_key)
      expect(emulator.stats.rendersCreated).toBe(1)
    })
  })

  it('takes object values in the matrix too', async () => {
    await withEmulator({}, async (emulator) => {
      const workspace = undeclaredWorkspace()
      const matrix = JSON.stringify([
        { n: 1, scene: { kind: 'intro', at: [0, 1] } },
        { n: 2, scene: { kind: 'outro', at: [2] } }
      ])
      const run = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { artifact: 'none', 'strict-variables': 'false', matrix, name: 'scene-{n}' }) })
      expect(run.code).toBe(0)
      const sent = emulator
        .renders()
        .map((r) => r.body.variables)
        .sort((a, b) => Number(a?.n) - Number(b?.n))
      expect(sent).toEqual([
        { n: 1, scene: { kind: 'intro', at: [0, 1] } },
        { n: 2, scene: { kind: 'outro', at: [2] } }
      ])
    })
  })

  it('checks an object against the declared type and refuses it before any request', async () => {
    await withEmulator({}, async (emulator, workspace) => {
      const run = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { artifact: 'none', variables: '{"title": {"text": "Hi"}}' }) })
      expect(run.code).toBe(1)
      expect(run.stdout).toMatch(/::error::.*'title' is declared as string; expected a string, got an object \{"text":"Hi"\}/)
      expect(emulator.stats.requests).toHaveLength(0)
    })
  })
})

describe('short-lived signed URLs', () => {
  it('fetches a fresh video URL when the one it holds expired before the download', async () => {
    // The first download reaches storage 3.2 s after its URL was signed, past the 2 s lifetime.
    await withEmulator({ urlTtlSeconds: 2, faults: [{ route: 'GET video', delayMs: 3200, times: 1 }] }, async (emulator, workspace) => {
      const run = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { artifact: 'none' }) })
      expect(run.stdout).not.toContain('::error::')
      expect(run.code).toBe(0)
      const downloads = emulator.stats.requests.filter((r) => r.route === 'GET video')
      expect(downloads.map((r) => r.status)).toEqual([403, 200])
      const [result] = run.results
      const bytes = readFileSync(path.join(workspace, result!.video_path as string))
      expect(bytes.equals(emulator.videoBytes(result!.render_id as string) as Buffer)).toBe(true)
    })
  })
})
