import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { unpackZip } from '../src/project/unpack-zip.js'
import type { LocalRenderer, LocalQuality } from '../src/local/local-renderer.js'
import { extractFrame } from '../src/machine/media-probe.js'
import type { EngineJob, RenderEngine } from './engine.js'

/**
 * The real engine: the project is rendered by the open-source HyperFrames renderer, through the
 * same module the action's `backend: local` uses, so the emulator serves actual videos of the
 * composition with the request's variables applied.
 */
export function createHyperframesEngine(renderer: LocalRenderer): RenderEngine {
  return {
    name: 'hyperframes',
    async render(job: EngineJob) {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'hf-emulator-render-'))
      try {
        const projectDir = path.join(dir, 'project')
        await unpackZip(job.projectZip, projectDir)
        const output = path.join(dir, `video.${job.format}`)
        const result = await renderer.render({
          projectDir,
          composition: job.composition,
          variables: job.variables,
          fps: job.fps,
          quality: job.quality as LocalQuality,
          format: job.format,
          resolution: job.resolution === '4k' ? '4k' : '1080p',
          output,
          label: `render ${job.renderId}`,
          signal: job.signal
        })
        // Mid-video rather than frame 0, which is often still blank while things fade in.
        const thumbnail = path.join(dir, 'thumbnail.png')
        await extractFrame(renderer.toolchain.ffmpeg, output, thumbnail, Math.min(1, result.duration / 2))
        return { video: await readFile(output), thumbnail: await readFile(thumbnail), duration: result.duration }
      } finally {
        await rm(dir, { recursive: true, force: true })
      }
    }
  }
}
