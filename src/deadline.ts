import { UserError } from './user-error.js'

/**
 * timeout-minutes ran out while a call was waiting or retrying. The render stage reads a passed
 * deadline as "timed out", so what was submitted is reported with its render id, not as an error.
 */
export class DeadlineError extends UserError {
  override name = 'DeadlineError'
  constructor(
    readonly operation: string,
    detail: string,
    /** Nothing was asked: the deadline had passed when the call was due, so it says no more than a plain timeout. */
    readonly beforeCall = false
  ) {
    super(`${operation}: timeout-minutes ran out ${detail}`)
  }
}

/** Milliseconds left before `deadline` (Infinity without one), never negative. */
export function remainingMs(deadline: number | undefined, now: number = Date.now()): number {
  return deadline === undefined ? Number.POSITIVE_INFINITY : Math.max(0, deadline - now)
}

/**
 * The run's cancel signal, also aborted when the deadline comes: a hanging request or a long
 * Retry-After wait ends there instead of at its own timeout.
 */
export function boundedSignal(signal: AbortSignal | undefined, deadline: number | undefined, now: number = Date.now()): AbortSignal | undefined {
  if (deadline === undefined) return signal
  // Whole milliseconds: AbortSignal.timeout throws a RangeError on a fraction, and minutes × 60,000
  // gives one for many inputs (timeout-minutes: 0.27 is 16200.000000000002 ms).
  const timer = AbortSignal.timeout(Math.max(1, Math.ceil(remainingMs(deadline, now))))
  return signal ? AbortSignal.any([signal, timer]) : timer
}
