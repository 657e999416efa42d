import { DeadlineError } from '../deadline.js'
import { UserError } from '../user-error.js'

/**
 * How bad a backend's error is, for the render stage:
 * - `fatal`: every further call fails the same way (a refused key or credit): stop everything;
 * - `passing`: a later call may not have it (a 5xx, a reset, a garbled answer): ask again;
 * - `rate-limited`: passing, but asking more often only adds to it;
 * - `deadline`: timeout-minutes ran out while the backend was waiting or retrying;
 * - `final`: this render cannot go on (it no longer exists, or anything not classified).
 */
export type FailureKind = 'fatal' | 'passing' | 'rate-limited' | 'deadline' | 'final'

/** An error a backend classified at its edge; `code` is the backend's own error code, for reports. */
export class BackendError extends UserError {
  override name = 'BackendError'
  constructor(
    message: string,
    readonly kind: Exclude<FailureKind, 'deadline'>,
    readonly code?: string,
    options?: { cause?: unknown }
  ) {
    super(message, options)
  }
}

/** The one classification the scheduler and the status watcher act on. */
export function failureKind(error: unknown): FailureKind {
  if (error instanceof DeadlineError) return 'deadline'
  if (error instanceof BackendError) return error.kind
  return 'final'
}

/** Trouble a later call may not have. */
export function isPassing(error: unknown): boolean {
  const kind = failureKind(error)
  return kind === 'passing' || kind === 'rate-limited'
}
