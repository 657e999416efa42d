import type { AspectRatio, OutputFormat } from './validate.js'

/** What an engine is asked to render: the project bytes plus the effective render settings. */
export interface EngineJob {
  renderId: string
  projectZip: Buffer
  /** Entry HTML path inside the zip (index.html unless the request named another). */
  composition: string
  /** The request's variable overrides; the engine merges them over the declared defaults. */
  variables: Record<string, unknown>
  fps: number
  quality: string
  format: OutputFormat
  resolution: string
  aspectRatio: AspectRatio
  /** Aborted when the emulator closes; engines should stop work (and child processes) promptly. */
  signal?: AbortSignal
}

export interface RenderEngine {
  name: string
  /** `duration` is the composition's length in seconds, reported as RenderDetail.duration. */
  render(job: EngineJob): Promise<{ video: Buffer; thumbnail: Buffer; duration: number }>
}
