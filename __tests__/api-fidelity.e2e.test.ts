import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Emulator } from '../emulator/index.js'
import { emulatorInputs, makeWorkspace, runAction, type ActionRun } from './support/action-runner.js'
import { inBackground } from './support/background-run.js'
import { distinctEngine } from './support/video-engines.js'

// Where the contract is silent or loose, the action does what HeyGen's own CLI does. What the
// client sends is tested in process (api-fidelity.test.ts); here is what needs the whole run: the
// inputs as a user writes them, read, planned and sent. The runs start side by side in beforeAll,
// each on an emulator of its own, and each test reads its own.

function createdBody(emulator: Emulator): Record<string, unknown> {
  const [render] = emulator.renders()
  return render!.body as unknown as Record<string, unknown>
}

/** Runs in a workspace of its own, removed afterwards. */
async function inWorkspace<T>(workspace: string, body: (workspace: string) => Promise<T>): Promise<T> {
  try {
    return await body(workspace)
  } finally {
    rmSync(workspace, { recursive: true, force: true })
  }
}

/** The basic fixture without its data-composition-variables: nothing to check values against. */
function undeclaredWorkspace(into = 'project'): string {
  const workspace = makeWorkspace('basic', into)
  const index = path.join(workspace, into, 'index.html')
  writeFileSync(index, readFileSync(index, 'utf8').replace(/\s*data-composition-variables='[^']*'/, ''))
  return workspace
}

const theme = { palette: ['#f00', '#0f0'], layout: { cols: 2, dark: true } }
// The same object written in another key order.
const reordered = '{"theme": {"layout": {"dark": true, "cols": 2}, "palette": ["#f00", "#0f0"]}}'

interface Named {
  first: ActionRun
  /** The create body of the first run's render, and the name its asset was uploaded under. */
  body: Record<string, unknown>
  assetFilename: string | undefined
  second: ActionRun
  rendersCreated: number
}

let named: Promise<Named>
let matrixRun: Promise<{ run: ActionRun; sent: Array<Record<string, unknown> | null | undefined> }>
let refused: Promise<{ run: ActionRun; requests: number }>

beforeAll(() => {
  // One run read by several tests: a project folder named promo-video, a callback-url, and an
  // object variable where nothing is declared; then the same run with the object's keys reordered.
  // What was sent is the subject, so neither waits for its render (wait: false).
  named = inBackground({ engine: distinctEngine }, (emulator) =>
    inWorkspace(undeclaredWorkspace('promo-video'), async (workspace) => {
      const base = { path: 'promo-video', artifact: 'none', wait: 'false', 'callback-url': 'https://h.example.com', 'strict-variables': 'false' }
      const first = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { ...base, variables: JSON.stringify({ theme }) }) })
      const body = createdBody(emulator)
      const assetFilename = emulator.assetFilename((body.project as { asset_id: string }).asset_id)
      const second = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { ...base, variables: reordered }) })
      return { first, body, assetFilename, second, rendersCreated: emulator.stats.rendersCreated }
    })
  )
  // The variables each create sent are the subject here too: no waiting for the renders.
  matrixRun = inBackground({ engine: distinctEngine }, (emulator) =>
    inWorkspace(undeclaredWorkspace(), async (workspace) => {
      const matrix = JSON.stringify([
        { n: 1, scene: { kind: 'intro', at: [0, 1] } },
        { n: 2, scene: { kind: 'outro', at: [2] } }
      ])
      const run = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { artifact: 'none', wait: 'false', 'strict-variables': 'false', matrix, name: 'scene-{n}' }) })
      return { run, sent: emulator.renders().map((r) => r.body.variables as Record<string, unknown> | null | undefined) }
    })
  )
  refused = inBackground({}, async (emulator, workspace) => {
    const run = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { artifact: 'none', variables: '{"title": {"text": "Hi"}}' }) })
    return { run, requests: emulator.stats.requests.length }
  })
})

afterAll(async () => {
  await Promise.allSettled([named, matrixRun, refused])
})

describe('one run with a named folder, a callback-url and an object variable', () => {
  it('names the zip after the project folder, as HeyGen CLI does', async () => {
    const { first, assetFilename } = await named
    expect(first.code).toBe(0)
    expect(assetFilename).toBe('promo-video.zip')
  })

  it('sends callback-url exactly as written', async () => {
    const { first, body } = await named
    expect(first.code).toBe(0)
    expect(body.callback_url).toBe('https://h.example.com')
  })

  it('passes objects and arrays through where nothing is declared, with one key whatever the key order', async () => {
    const { first, body, second, rendersCreated } = await named
    expect(first.code).toBe(0)
    expect(body.variables).toEqual({ theme })
    expect(first.results[0]?.variables).toEqual({ theme })

    // The same object in another key order is the same request: the key replays it.
    expect(second.code).toBe(0)
    expect(second.results[0]?.idempotency_key).toBe(first.results[0]?.idempotency_key)
    expect(rendersCreated).toBe(1)
  })
})

describe('variable values of any JSON type', () => {
  it('takes object values in the matrix too', async () => {
    const { run, sent } = await matrixRun
    expect(run.code).toBe(0)
    expect([...sent].sort((a, b) => Number(a?.n) - Number(b?.n))).toEqual([
      { n: 1, scene: { kind: 'intro', at: [0, 1] } },
      { n: 2, scene: { kind: 'outro', at: [2] } }
    ])
  })

  it('checks an object against the declared type and refuses it before any request', async () => {
    const { run, requests } = await refused
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/::error::.*'title' is declared as string; expected a string, got an object \{"text":"Hi"\}/)
    expect(requests).toBe(0)
  })
})
