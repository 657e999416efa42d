import { createHash } from 'node:crypto'
import { createFastEngine, type RenderEngine } from '../../emulator/index.js'

// Engines for the emulator in tests about what the action does with videos, not about making
// them: an encode costs CPU (serialised, in the test's own process) that a loaded machine has
// little of.

const encoded = new Map<string, ReturnType<RenderEngine['render']>>()
const fast = createFastEngine()

/** The fast engine, encoding each distinct video once per test file. */
export const memoEngine: RenderEngine = {
  name: 'fast (memoised)',
  render(job) {
    const { renderId: _id, signal: _signal, projectZip, ...what } = job
    const key = JSON.stringify({ ...what, zip: projectZip.length })
    let video = encoded.get(key)
    if (!video) {
      video = fast.render(job)
      video.catch(() => encoded.delete(key))
      encoded.set(key, video)
    }
    return video
  }
}

/**
 * Different bytes for every render at the cost of one encode: the memoised video with a top-level
 * MP4 'free' box naming the render appended, which players and ffprobe skip. A file saved under
 * another render's name, or cut, still fails a byte-for-byte comparison.
 */
export const distinctEngine: RenderEngine = {
  name: 'fast (one encode, distinct bytes)',
  async render(job) {
    const base = await memoEngine.render({ ...job, variables: {} })
    const payload = createHash('sha256').update(job.renderId).digest()
    const box = Buffer.alloc(8 + payload.length)
    box.writeUInt32BE(box.length, 0)
    box.write('free', 4, 'latin1')
    payload.copy(box, 8)
    return { ...base, video: Buffer.concat([base.video, box]) }
  }
}
