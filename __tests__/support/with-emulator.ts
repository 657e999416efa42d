import { rmSync } from 'node:fs'
import { startEmulator, type Emulator, type EmulatorOptions } from '../../emulator/index.js'
import { makeWorkspace } from './action-runner.js'

export const TEST_KEY = 'test-key-123'

/** A fresh emulator and workspace for one test, both gone afterwards whatever the test did. */
export async function withEmulator(options: EmulatorOptions, body: (emulator: Emulator, workspace: string) => Promise<void>): Promise<void> {
  const emulator = await startEmulator({ apiKeys: [TEST_KEY], renderMs: 60, queueMs: 10, ...options })
  const workspace = makeWorkspace()
  try {
    await body(emulator, workspace)
  } finally {
    await emulator.close()
    rmSync(workspace, { recursive: true, force: true })
  }
}
