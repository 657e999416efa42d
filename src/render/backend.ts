import type { RenderDetail } from '../heygen/renders.js'
import type { RenderJob } from './plan.js'

/**
 * What the render stage needs from whoever renders: HeyGen's API today, a local renderer
 * tomorrow. The scheduler knows nothing else about the backend.
 */
export interface RenderBackend {
  /** Submits one job (idempotently) and returns its render id. */
  submit(job: RenderJob, key: string): Promise<string>
  status(renderId: string, job: RenderJob): Promise<RenderDetail>
  /** Downloads the finished video to dest; returns the bytes written. */
  fetchVideo(detail: RenderDetail, job: RenderJob, dest: string): Promise<number>
}
