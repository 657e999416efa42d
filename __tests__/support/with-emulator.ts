import { rmSync } from 'node:fs'
import { startEmulator, type Emulator, type EmulatorOptions } from '../../emulator/index.js'
import { makeWorkspace } from './action-runner.js'

export const TEST_KEY = 'test-key-123'

/**
 * What every end-to-end test meets unless it says otherwise: HeyGen's documented rough edges.
 * Half the uploads see storage lag behind the PUT (the first complete answers 409 "uploaded
 * object not found yet"), and signed URLs live a few seconds, so a client that holds one too long
 * finds out here rather than on HeyGen.
 */
export const TEST_EMULATOR_DEFAULTS: EmulatorOptions = { apiKeys: [TEST_KEY], completeRaceProbability: 0.5, urlTtlSeconds: 5 }

/** An emulator with the test defaults above; `options` override them. */
export function startTestEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({ ...TEST_EMULATOR_DEFAULTS, ...options })
}

/** A fresh emulator and workspace for one test, both gone afterwards whatever the test did. */
export async function withEmulator(options: EmulatorOptions, body: (emulator: Emulator, workspace: string) => Promise<void>): Promise<void> {
  const emulator = await startTestEmulator({ renderMs: 60, queueMs: 10, ...options })
  const workspace = makeWorkspace()
  try {
    await body(emulator, workspace)
  } finally {
    await emulator.close()
    rmSync(workspace, { recursive: true, force: true })
  }
}
