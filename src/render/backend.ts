import type { RenderJob } from './job.js'

export const RENDER_STATUSES = ['queued', 'rendering', 'completed', 'failed'] as const
export type KnownRenderStatus = (typeof RENDER_STATUSES)[number]
/**
 * A status outside the known four (say 'processing') is kept as its text: it is not terminal, so
 * the render is waited on until timeout-minutes.
 */
export type RenderStatus = KnownRenderStatus | (string & {})
export const TERMINAL_STATUSES: ReadonlySet<string> = new Set<KnownRenderStatus>(['completed', 'failed'])

export function isKnownStatus(status: string): status is KnownRenderStatus {
  return (RENDER_STATUSES as readonly string[]).includes(status)
}

/** What a backend knows about one render. */
export interface RenderDetail {
  renderId: string
  status: RenderStatus
  videoUrl?: string
  thumbnailUrl?: string
  /** Seconds. */
  duration?: number
  failureMessage?: string
  /** On the backend's own clock (never compared with this machine's). */
  createdAt?: number
}

/**
 * What the render stage needs from whoever renders. The scheduler knows nothing else about the
 * backend. Errors a backend throws say how bad they are through BackendError (failure-kind.ts).
 */
export interface RenderBackend {
  /** Submits one job (idempotently: the same key must not render twice) and returns its render id. */
  submit(job: RenderJob, key: string): Promise<string>
  status(renderId: string, job: RenderJob): Promise<RenderDetail>
  /** Downloads the finished video to dest; returns the bytes written. */
  fetchVideo(detail: RenderDetail, job: RenderJob, dest: string): Promise<number>
  /**
   * Optional: the statuses of many renders in as few calls as the backend allows, for the status
   * watcher to learn every render in flight per tick instead of calling status() once per render.
   * Renders it did not come across are left out (the watcher asks status() for those). A
   * completed detail from here may lack a fresh video URL: the watcher re-asks status() for it.
   * `createdSince` is the oldest `createdAt` (the backend's own clock) among the renders sought:
   * nothing created before it needs looking at. Without it, only the newest renders are looked at.
   * It makes one attempt: the watcher has a cheaper fallback than retrying.
   */
  statusMany?(renderIds: ReadonlySet<string>, options?: { createdSince?: number }): Promise<Map<string, RenderDetail>>
  /**
   * Optional: the epoch ms of timeout-minutes, so every call, retry and wait inside the backend
   * ends there (a Retry-After or a hanging request included) instead of at its own timeout.
   */
  setDeadline?(at: number): void
}
