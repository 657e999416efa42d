import { rmSync } from 'node:fs'
import type { EmulatorStats } from '../emulator/index.js'
import { emulatorInputs, makeWorkspace, runAction, type ActionRun } from './support/action-runner.js'
import { inBackground } from './support/background-run.js'
import { useServers } from './support/servers.js'
import { distinctEngine } from './support/video-engines.js'

// End to end through dist/index.js: what only a whole run shows about the composition. The request
// carries the settings read from it, a dry run plans without one request what a real run then
// submits, and a failed check still writes the outputs and the summary. Each check on the project
// itself (variables, lint, what goes into the zip, every refusal) runs in-process, against the
// same stages, in project-stages.test.ts. The three runs start at once in beforeAll, each dry run
// with an emulator of its own to prove it sent nothing, and each test reads its runs.

const servers = useServers({ emulator: { engine: distinctEngine }, fixture: 'portrait' })

function bodyOf(renderId: string | null): Record<string, unknown> {
  const render = servers.emulator.renders().find((r) => r.render_id === renderId)
  if (!render) throw new Error(`render ${renderId} not found`)
  return render.body as unknown as Record<string, unknown>
}

const MATRIX = JSON.stringify([{ title: 'One' }, { title: 'Two' }])
let planned: Promise<{ run: ActionRun; stats: EmulatorStats }>
let failedCheck: Promise<{ run: ActionRun; requests: number }>
let real: ActionRun
let realStats: EmulatorStats

beforeAll(async () => {
  const { emulator, workspace } = servers
  // The plan of the same workspace the real run renders (a dry run only reads the project).
  planned = inBackground({}, async (own) => {
    const run = await runAction({ workspace, inputs: { path: 'project', 'api-url': own.url, matrix: MATRIX, name: 'p-{title}', 'dry-run': 'true' } })
    return { run, stats: structuredClone(own.stats) }
  })
  failedCheck = inBackground({}, async (own) => {
    const lintError = makeWorkspace('lint-error')
    try {
      const run = await runAction({ workspace: lintError, inputs: { path: 'project', 'dry-run': 'true', lint: 'strict' } })
      return { run, requests: own.stats.requests.length }
    } finally {
      rmSync(lintError, { recursive: true, force: true })
    }
  })
  // Awaited here, not in a test: the shared emulator's counters are reset before every test.
  emulator.resetStats()
  real = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { matrix: MATRIX, name: 'p-{title}', artifact: 'none' }) })
  realStats = structuredClone(emulator.stats)
})

afterAll(async () => {
  await Promise.allSettled([planned, failedCheck])
})

describe('a portrait composition, planned by a dry run and then rendered', () => {
  it('sends 9:16 and data-fps for a portrait composition', () => {
    expect(real.code).toBe(0)
    expect(bodyOf(real.results[0]?.render_id ?? null)).toMatchObject({ aspect_ratio: '9:16', fps: 60 })
    expect(real.stdout).toContain('Composition project/index.html: 1080×1920 → aspect ratio 9:16 (auto), 60 fps (data-fps).')
    expect(real.summary).toContain('9:16 · 60 fps')
  })

  it('dry-run checks and packs without a key and without a single request, and reports the plan', async () => {
    const { run: dry, stats: dryStats } = await planned
    expect(dry.stderr).toBe('')
    expect(dry.code).toBe(0)
    expect(dryStats.requests).toHaveLength(0)
    expect(dry.results.map((r) => [r.name, r.status, r.render_id])).toEqual([
      ['p-One', 'planned', null],
      ['p-Two', 'planned', null]
    ])
    expect(dry.results[0]?.variables).toEqual({ title: 'One' })
    expect(dry.outputs.succeeded).toBe('0')
    expect(dry.outputs.failed).toBe('0')
    expect(dry.outputs['render-ids']).toBe('[]')
    expect(dry.outputs['asset-id']).toBe('')
    expect(dry.stdout).toMatch(/Dry run: nothing was uploaded and no render was submitted\. 2 renders would be submitted:/)
    expect(dry.stdout).toContain(`1. p-One  key ${dry.results[0]?.idempotency_key}  variables {"title":"One"}`)
    expect(dry.stdout).toMatch(/Project zip: [\d.]+ (B|KiB), 1 file, sha256 [0-9a-f]{64}\. Largest files:\n\s+[\d.]+ (B|KiB) {2}index\.html/)
    expect(dry.summary).toContain('## 📝 HyperFrames render plan (dry run): 2 renders')
    expect(dry.summary).toContain(`| 1 | p-One | \`title\`: "One" | \`${dry.results[0]?.idempotency_key}\` |`)
    expect(dry.summary).toMatch(/\*\*Project zip:\*\* [\d.]+ (B|KiB) · 1 file · sha256 `[0-9a-f]{12}`/)
    expect(dry.summary).toContain('| Size | File |')

    // The real run submits exactly what the plan said, under the same keys.
    expect(real.code).toBe(0)
    expect(real.results.map((r) => r.idempotency_key)).toEqual(dry.results.map((r) => r.idempotency_key))
    expect(realStats.rendersCreated).toBe(2)
  })
})

describe('a dry run whose check fails', () => {
  it('fails like a real run when a check fails, still writing the outputs and the summary', async () => {
    const { run, requests } = await failedCheck
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('HyperFrames lint found 1 error; nothing was uploaded')
    // A user mistake is one plain line: no stack trace.
    expect(run.stdout).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/)
    expect(run.outputs.results).toBe('[]')
    expect(requests).toBe(0)
    expect(run.summary).toContain('## 📝 HyperFrames render plan (dry run): 0 renders')
    expect(run.summary).toContain('> [!CAUTION]')
  })
})
