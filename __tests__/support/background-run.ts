import type { Emulator, EmulatorOptions } from '../../emulator/index.js'
import { withEmulator } from './with-emulator.js'

/**
 * Starts `body` on a fresh emulator and workspace (both gone when it ends) and returns what it
 * read: a file whose runs mostly wait (renders, status ticks) starts them all in beforeAll, side
 * by side, and each test awaits its own. `body` copies what the test needs from the emulator
 * (counters, request logs) before the emulator closes.
 */
export function inBackground<T>(options: EmulatorOptions, body: (emulator: Emulator, workspace: string) => Promise<T>): Promise<T> {
  const result = (async () => {
    let value: { v: T } | undefined
    await withEmulator(options, async (emulator, workspace) => {
      value = { v: await body(emulator, workspace) }
    })
    return (value as { v: T }).v
  })()
  // Awaited by its test, which reports a failure; never an unhandled rejection meanwhile.
  result.catch(() => undefined)
  return result
}
