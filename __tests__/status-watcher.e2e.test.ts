import { emulatorInputs, runAction } from './support/action-runner.js'
import { distinctEngine } from './support/video-engines.js'
import { withEmulator } from './support/with-emulator.js'

// The status watcher's behaviour with many renders, failing listings and busy accounts is tested
// in process against the emulator (status-watcher-api.test.ts). What only a whole run shows stays
// here: a refused key met by the listing fails the run with an error line for the workflow.

const STATUS = 'GET /v3/hyperframes/renders/:id'
const LIST = 'GET /v3/hyperframes/renders'

describe('the status watcher when listing fails, in a whole run', () => {
  it('stops every render at once on a refused key, without one GET per render', async () => {
    const matrix = JSON.stringify({ title: ['A', 'B', 'C', 'D'] })
    await withEmulator({ renderMs: 1200, engine: distinctEngine, faults: [{ route: LIST, status: 401, code: 'authentication_failed', message: 'Invalid API key' }] }, async (emulator, workspace) => {
      const run = await runAction({ workspace, inputs: emulatorInputs(emulator.url, { matrix, name: '{title}', artifact: 'none' }) })
      expect(run.code).toBe(1)
      expect(emulator.stats.byRoute[LIST]).toBe(1)
      expect(emulator.stats.byRoute[STATUS] ?? 0).toBe(0)
      expect(run.results.map((r) => r.status)).toEqual(['error', 'error', 'error', 'error'])
      expect(run.stdout).toMatch(/::error::.*List renders failed: HTTP 401 authentication_failed/)
    })
  })
})
