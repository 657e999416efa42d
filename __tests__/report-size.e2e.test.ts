import { rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { emulatorInputs, runAction, type ActionRun } from './support/action-runner.js'
import { inBackground } from './support/background-run.js'
import { distinctEngine } from './support/video-engines.js'
import { TEST_KEY } from './support/with-emulator.js'

// GitHub drops a job summary over 1 MiB whole. Two runs that used to produce one: a server's
// 2 MB failure_message, and a dry run with a 1.5 MB variable value (read from a matrix file, as an
// environment variable that large cannot be passed to a process). Both start at once in beforeAll.

const SUMMARY_LIMIT = 1024 * 1024
const bytes = (text: string): number => Buffer.byteLength(text, 'utf8')
const VALUE = 'v'.repeat(1.5 * 1024 * 1024)

let failed: Promise<ActionRun>
let dryRun: Promise<ActionRun>

/** The run, with its runner-side files (output, summary) already read and removed. */
async function runAndClean(run: Promise<ActionRun>): Promise<ActionRun> {
  const done = await run
  rmSync(done.stateDir, { recursive: true, force: true })
  return done
}

beforeAll(() => {
  const huge = `font missing ${'x'.repeat(2 * 1024 * 1024)}`
  failed = inBackground({ engine: distinctEngine, failRender: (req) => (req.variables?.title === 'Broken' ? huge : undefined) }, (emulator, workspace) =>
    runAndClean(runAction({ workspace, inputs: emulatorInputs(emulator.url, { 'api-key': TEST_KEY, matrix: '[{"title": "Fine"}, {"title": "Broken"}]', name: '{title}', artifact: 'none' }) }))
  )
  dryRun = inBackground({}, (_emulator, workspace) => {
    writeFileSync(path.join(workspace, 'matrix.json'), JSON.stringify([{ title: VALUE }]))
    return runAndClean(runAction({ workspace, inputs: { path: 'project', 'dry-run': 'true', 'matrix-file': 'matrix.json' } }))
  })
})

afterAll(async () => {
  await Promise.allSettled([failed, dryRun])
})

describe('job summary size', () => {
  it('stays under 1 MiB when a render fails with a 2 MB failure_message', async () => {
    const run = await failed
    expect(run.code).toBe(1)
    expect(run.results[1].status).toBe('failed')
    expect(bytes(run.summary)).toBeLessThan(SUMMARY_LIMIT)
    expect(run.summary).toContain('font missing xxx')
    // The outputs carry the message capped, with the count of what was cut.
    expect(run.results[1].failure_message).toMatch(/^font missing x+… \(\d+ more characters\)$/)
    expect(bytes(run.outputs.results)).toBeLessThan(64 * 1024)
  })

  it('stays under 1 MiB on a dry run with a 1.5 MB variable', async () => {
    const run = await dryRun
    expect(run.code).toBe(0)
    expect(bytes(run.summary)).toBeLessThan(SUMMARY_LIMIT)
    expect(run.summary).toContain('HyperFrames render plan (dry run): 1 render')
    // The output keeps the value whole: later steps get what would be rendered.
    expect(run.results[0].variables.title).toBe(VALUE)
  })
})
