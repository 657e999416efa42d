import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { selectEngine } from '../emulator/engine-select.js'
import { chooseBackend } from '../src/inputs/backend-choice.js'
import { failureSummary, progressThrottle, renderArguments, type LocalRenderRequest, type RenderProgress } from '../src/local/local-renderer.js'
import { probeToolchain } from '../src/local/local-toolchain.js'
import { RenderSlots } from '../src/local/render-slots.js'

const request: LocalRenderRequest = {
  projectDir: '/tmp/project',
  composition: 'index.html',
  variables: {},
  fps: 30,
  quality: 'draft',
  format: 'mp4',
  resolution: '1080p',
  output: '/tmp/out.mp4',
  label: 'x'
}

describe('renderArguments', () => {
  it('maps the request onto hyperframes render flags', () => {
    expect(renderArguments(request, 2)).toEqual(['render', '/tmp/project', '--output', '/tmp/out.mp4', '--format', 'mp4', '--quality', 'draft', '--fps', '30', '--workers', '2'])
  })

  it('passes variables strictly, another entry file and 4k only when asked', () => {
    const args = renderArguments({ ...request, variables: { title: 'Hi', n: 2 }, composition: 'compositions/intro.html', resolution: '4k', format: 'webm' }, 1)
    expect(args).toEqual(expect.arrayContaining(['--composition', 'compositions/intro.html', '--resolution', '4k', '--format', 'webm', '--strict-variables']))
    expect(args[args.indexOf('--variables') + 1]).toBe('{"title":"Hi","n":2}')
  })
})

describe('failureSummary', () => {
  it("takes the CLI's own headline and the variable problems above it", () => {
    const tail = ['Lint: 0 error(s)', 'Variable "locale" must be one of "en", "fr" (got "de").', '✗  Variable validation failed', 'Aborting render due to variable issues (--strict-variables mode).']
    expect(failureSummary(tail, { code: 1, signal: null })).toBe(
      'hyperframes render failed (exit 1): Variable validation failed · Aborting render due to variable issues (--strict-variables mode). · Variable "locale" must be one of "en", "fr" (got "de").'
    )
  })

  it('falls back to the last lines, and names a signal', () => {
    expect(failureSummary(['a', 'b', 'c', 'd', 'e'], { code: null, signal: 'SIGKILL' })).toBe('hyperframes render failed (killed by SIGKILL): b · c · d · e')
  })
})

describe('progressThrottle', () => {
  it('emits on a phase change or every 10 %, not on every frame', () => {
    const seen: string[] = []
    const feed = progressThrottle((p) => seen.push(`${p.phase} ${p.percent}`))
    const p = (phase: string, percent: number, done = 0, total = 0): RenderProgress => ({ phase, percent, done, total })
    for (const update of [p('compile', 5), p('capture', 30, 1, 10), p('capture', 33, 2, 10), p('capture', 41, 4, 10), p('capture', 80, 10, 10), p('encode', 80), undefined]) feed(update)
    expect(seen).toEqual(['compile 5', 'capture 30', 'capture 41', 'capture 80', 'encode 80'])
  })
})

describe('RenderSlots', () => {
  it('holds extra callers in order until a slot is released', async () => {
    const slots = new RenderSlots(2)
    const order: number[] = []
    const releases = await Promise.all([slots.acquire(), slots.acquire()])
    const third = slots.acquire().then((release) => (order.push(3), release))
    const fourth = slots.acquire().then((release) => (order.push(4), release))
    await new Promise((resolve) => setImmediate(resolve))
    expect(order).toEqual([])
    releases[0]()
    releases[0]() // a second release of the same slot is ignored
    await third
    await new Promise((resolve) => setImmediate(resolve))
    expect(order).toEqual([3])
    releases[1]()
    await fourth
    expect(order).toEqual([3, 4])
  })

  it('lets a waiting caller give up', async () => {
    const slots = new RenderSlots(1)
    await slots.acquire()
    const abort = new AbortController()
    const waiting = slots.acquire(abort.signal)
    abort.abort(new Error('stop'))
    await expect(waiting).rejects.toThrow('stop')
  })
})

describe('chooseBackend', () => {
  const ctx = { actor: 'octocat', repository: 'octo/videos', headRepository: 'someone/videos' }

  it('needs a key for heygen only', () => {
    expect(chooseBackend('heygen', 'k', 'fail', ctx)).toEqual({ action: 'render', backend: 'heygen' })
    expect(chooseBackend('local', '', 'fail', ctx)).toEqual({ action: 'render', backend: 'local' })
    expect(chooseBackend('local', 'k', 'skip', ctx)).toEqual({ action: 'render', backend: 'local' })
    expect(() => chooseBackend('heygen', '', 'fail', ctx)).toThrow(/Input 'api-key': is empty; .*backend: local/)
  })

  it('lets on-missing-key skip, or render locally with a notice naming the fork', () => {
    const skip = chooseBackend('heygen', '', 'skip', ctx)
    expect(skip.action).toBe('skip')
    const local = chooseBackend('heygen', '', 'local', ctx)
    expect(local).toMatchObject({ action: 'render', backend: 'local' })
    expect(local.action === 'render' && local.notice).toMatch(/on-missing-key: local\). This pull request comes from the fork someone\/videos/)
  })
})

describe('probeToolchain', () => {
  let bin: string
  beforeAll(() => {
    bin = mkdtempSync(path.join(os.tmpdir(), 'hf-bin-'))
    for (const name of ['chromium', 'ffmpeg', 'ffprobe']) {
      writeFileSync(path.join(bin, name), '#!/bin/sh\nexit 0\n')
      chmodSync(path.join(bin, name), 0o755)
    }
    writeFileSync(path.join(bin, 'not-executable'), '')
  })
  afterAll(() => rmSync(bin, { recursive: true, force: true }))

  it('finds the browser and ffmpeg on PATH, or honours explicit paths', () => {
    const env = { PATH: bin, HYPERFRAMES_BROWSER_PATH: path.join(bin, 'chromium') }
    const probe = probeToolchain(env)
    expect(probe.missing.filter((m) => !m.startsWith('Node.js'))).toEqual([])
    if (probe.toolchain) expect(probe.toolchain).toMatchObject({ browser: path.join(bin, 'chromium'), ffmpeg: path.join(bin, 'ffmpeg'), ffprobe: path.join(bin, 'ffprobe') })
  })

  it('names every missing program at once', () => {
    const probe = probeToolchain({ PATH: '', HYPERFRAMES_BROWSER_PATH: path.join(bin, 'not-executable') })
    expect(probe.toolchain).toBeUndefined()
    expect(probe.missing).toEqual(
      expect.arrayContaining([`Chrome/Chromium at HYPERFRAMES_BROWSER_PATH=${path.join(bin, 'not-executable')} (no executable file there)`, 'ffmpeg (not on PATH)', 'ffprobe (not on PATH)'])
    )
  })
})

describe('the emulator engine choice', () => {
  it('auto falls back to the fast engine with a one-line notice when tools are missing', async () => {
    const selected = await selectEngine('auto', { env: { PATH: '', HYPERFRAMES_BROWSER_PATH: '/nonexistent/chrome' } })
    expect(selected.engine.name).toBe('fast')
    expect(selected.notice).toMatch(/^Fast test engine \(flat-colour videos\): the real HyperFrames renderer needs .*Chrome\/Chromium/)
    expect(selected.notice).not.toContain('\n')
  })

  it('fast is the fast engine, without a notice', async () => {
    expect(await selectEngine('fast')).toEqual({ engine: expect.objectContaining({ name: 'fast' }) })
  })
})
