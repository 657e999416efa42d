import type { RenderJob } from './job.js'

/**
 * Where a render ended up. `error`: the action could not submit, poll or download it;
 * `pending`: never submitted; `timed_out` / `cancelled`: still running on HeyGen when we stopped;
 * `planned`: a dry run, which submits nothing.
 */
export type OutcomeStatus = 'planned' | 'pending' | 'submitted' | 'queued' | 'rendering' | 'completed' | 'failed' | 'timed_out' | 'cancelled' | 'error'

export interface RenderOutcome {
  job: RenderJob
  key: string
  status: OutcomeStatus
  renderId?: string
  videoPath?: string
  videoBytes?: number
  videoUrl?: string
  thumbnailUrl?: string
  duration?: number
  failureMessage?: string
  /** The render was made by an earlier run and answered again for its idempotency key: not billed again. */
  replayed?: boolean
  /** Set when the error was the API's own (code from the contract). */
  errorCode?: string
}

/** The one rule for success: a finished video, or (with wait: false) an accepted submission. */
export function isSuccessStatus(status: string): boolean {
  return status === 'completed' || status === 'submitted'
}
