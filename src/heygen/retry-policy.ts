/**
 * When to retry and how long to wait, as a pure function of what happened. Mirrors HeyGen's own
 * CLI: 429 on any call (after Retry-After), 5xx and network faults only where a retry cannot
 * create a second resource — idempotent methods, or POSTs that carry an Idempotency-Key.
 */
export interface RetryPolicy {
  maxAttempts: number
  baseMs: number
  maxMs: number
  /** Upper bound on a server-requested Retry-After wait. */
  retryAfterCapMs: number
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 7, baseMs: 500, maxMs: 30_000, retryAfterCapMs: 120_000 }

const RETRYABLE_STATUS = new Set([500, 502, 503, 504])
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH'
])

/** `unreadable`: a 2xx whose body did not parse, so the answer was lost after the work was done. */
export type Outcome = { status: number; code?: string; unreadable?: boolean } | { networkCode: string }

export function isNetworkCode(code: unknown): code is string {
  return typeof code === 'string' && NETWORK_CODES.has(code)
}

export function shouldRetry(outcome: Outcome, safeToRepeat: boolean): boolean {
  if ('networkCode' in outcome) return safeToRepeat && NETWORK_CODES.has(outcome.networkCode)
  if (outcome.unreadable) return safeToRepeat
  if (outcome.status === 429) return true
  // The original request is still being processed under this key: waiting is the whole fix.
  if (outcome.status === 409 && outcome.code === 'request_in_progress') return true
  return safeToRepeat && RETRYABLE_STATUS.has(outcome.status)
}

/** Exponential backoff with jitter in [half, full] of the step, so a crowd of clients spreads out. */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const step = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1))
  return Math.round(step / 2 + (random() * step) / 2)
}

/** Retry-After in seconds or as an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | undefined, now: number = Date.now()): number | undefined {
  if (!header) return undefined
  const trimmed = header.trim()
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000)
  const date = Date.parse(trimmed)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}
