import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Emulator } from '../emulator/index.js'
import { emulatorInputs, makeWorkspace, runAction, type ActionRun } from './support/action-runner.js'
import { startTestEmulator, withEmulator } from './support/with-emulator.js'

// Where the contract is silent or loose, the action does what HeyGen's own CLI does. What the
// client sends is tested in process (api-fidelity.test.ts); here is what needs the whole run: the
// inputs as a user writes them, read, planned and sent.

function createdBody(emulator: Emulator): Record<string, unknown> {
  const [render] = emulator.renders()
  return render!.body as unknown as Record<string, unknown>
}

/** The basic fixture without its data-composition-variables: nothing to check values against. */
function undeclaredWorkspace(into = 'project'): string {
  const workspace = makeWorkspace('basic', into)
  const index = path.join(workspace, into, 'index.html')
  writeFileSync(index, readFileSync(index, 'utf8').replace(/\s*data-composition-variables='[^']*'/, ''))
  return workspace
}

// One run read by several tests: a project folder named promo-video, a callback-url, and an
// object variable where nothing is declared.
describe('one run with a named folder, a callback-url and an object variable', () => {
  const theme = { palette: ['#f00', '#0f0'], layout: { cols: 2, dark: true } }
  const base = { path: 'promo-video', artifact: 'none', 'callback-url': 'https://h.example.com', 'strict-variables': 'false' }
  let emulator: Emulator
  let workspace: string
  let first: ActionRun
  beforeAll(async () => {
    emulator = await startTestEmulator({ renderMs: 60, queueMs: 10 })
    workspace = undeclaredWorkspace('promo-video')
    first = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { ...base, variables: JSON.stringify({ theme }) }) })
  }, 60_000)
  afterAll(async () => {
    await emulator.close()
    rmSync(workspace, { recursive: true, force: true })
  })

  it('names the zip after the project folder, as HeyGen CLI does', () => {
    expect(first.code).toBe(0)
    const project = createdBody(emulator).project as { asset_id: string }
    expect(emulator.assetFilename(project.asset_id)).toBe('promo-video.zip')
  })

  it('sends callback-url exactly as written', () => {
    expect(first.code).toBe(0)
    expect(createdBody(emulator).callback_url).toBe('https://h.example.com')
  })

  it('passes objects and arrays through where nothing is declared, with one key whatever the key order', async () => {
    expect(first.code).toBe(0)
    expect(createdBody(emulator).variables).toEqual({ theme })
    expect(first.results[0]?.variables).toEqual({ theme })

    // The same object written in another key order is the same request: the key replays it.
    const reordered = '{"theme": {"layout": {"dark": true, "cols": 2}, "palette": ["#f00", "#0f0"]}}'
    const second = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { ...base, variables: reordered }) })
    expect(second.code).toBe(0)
    expect(second.results[0]?.idempotency_key).toBe(first.results[0]?.idempotency_key)
    expect(emulator.stats.rendersCreated).toBe(1)
  })
})

describe('variable values of any JSON type', () => {
  it('takes object values in the matrix too', async () => {
    await withEmulator({}, async (emulator) => {
      const workspace = undeclaredWorkspace()
      try {
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
      } finally {
        rmSync(workspace, { recursive: true, force: true })
      }
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
