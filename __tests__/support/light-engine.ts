import type { RenderEngine } from '../../emulator/engine.js'
import { createFastEngine } from '../../emulator/engine-fast.js'

/**
 * The emulator's fast engine asked for one frame a second: still a real, playable MP4 of the
 * composition's length (so a duration check on download holds), for a tenth of the encoding.
 * The encoder is one WASM module per process, so encodes queue behind each other; a file with
 * tens of renders would spend its time there, not on what it tests (requests, logs).
 */
export function lightEngine(): RenderEngine {
  const fast = createFastEngine()
  return { name: 'light', render: (job) => fast.render({ ...job, fps: 1 }) }
}
