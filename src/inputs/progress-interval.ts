import { UserError } from '../user-error.js'

/**
 * A testing aid, not an action input: the seconds between progress heartbeats, from
 * HYPERFRAMES_PROGRESS_INTERVAL_SECONDS. Unset keeps the default (30 s), which is what a runner
 * wants; a test sets it to watch a heartbeat happen without waiting half a minute per beat.
 */
export const PROGRESS_INTERVAL_ENV = 'HYPERFRAMES_PROGRESS_INTERVAL_SECONDS'

/** Milliseconds, or undefined for the default; a bad value is an error naming the variable. */
export function readProgressInterval(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env[PROGRESS_INTERVAL_ENV]?.trim()
  if (!raw) return undefined
  const seconds = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : NaN
  if (!(seconds >= 0.1 && seconds <= 3600)) {
    throw new UserError(`Environment variable ${PROGRESS_INTERVAL_ENV}: expected seconds between 0.1 and 3600 (e.g. 1), got '${raw}'. Unset it to keep the default of 30.`)
  }
  return Math.round(seconds * 1000)
}
