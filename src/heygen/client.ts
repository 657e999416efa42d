import { Agent, request, type Dispatcher } from 'undici'
import { ApiError, isFatalStatus } from './api-error.js'
import { summarize } from './body-text.js'
import { ERROR_BODY_CAP, JSON_BODY_CAP, readCapped } from './capped-body.js'
import { DeadlineError, boundedSignal, remainingMs } from '../deadline.js'
import { DEFAULT_RETRY, backoffMs, isNetworkCode, parseRetryAfter, shouldRetry, type Outcome, type RetryPolicy } from './retry-policy.js'
import { sleep } from '../sleep.js'

export interface HeygenClientOptions {
  apiUrl: URL
  apiKey: string
  retry?: RetryPolicy
  log?: (line: string) => void
  signal?: AbortSignal
  userAgent?: string
  /** Silence after which a request is a network fault (and retried where safe). Default 60 s. */
  timeoutMs?: number
  /** The clock and the timer of every retry and wait: tests pass their own, as HeyGen's CLI does. */
  now?: () => number
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
}

export interface CallOptions {
  /** Human name of the call, used in errors: "Create render 'intro-en'". */
  operation: string
  /** Which API call this is, for the request counters. */
  kind: CallKind
  body?: unknown
  idempotencyKey?: string
  /** A POST the API documents as idempotent by itself (complete), safe to repeat without a key. */
  idempotent?: boolean
  query?: Record<string, string | number | undefined>
  /** Fewer tries than the policy's, for a call whose caller has a cheaper fallback than waiting. */
  maxAttempts?: number
}

export interface CallResult {
  status: number
  /** The whole parsed JSON body (the envelope). */
  json: Record<string, unknown>
}

/** Counters a run reports and tests assert on. */
export interface ClientStats {
  requests: number
  retries: number
  byKind: Partial<Record<CallKind, number>>
}

export type CallKind = 'upload-create' | 'upload-complete' | 'render-create' | 'render-status' | 'render-list' | 'render-delete'

type Method = 'GET' | 'POST' | 'DELETE'

/**
 * The only place the API key is attached to a request, and only to api-url's origin. Presigned
 * storage URLs go through presigned.ts, which never sees the key.
 */
export class HeygenClient {
  readonly stats: ClientStats = { requests: 0, retries: 0, byKind: {} }
  readonly dispatcher: Dispatcher
  private readonly retry: RetryPolicy
  readonly log: (line: string) => void
  /** Epoch ms from which nothing more is waited for or retried (timeout-minutes). */
  private deadline: number | undefined

  constructor(private readonly options: HeygenClientOptions) {
    this.retry = options.retry ?? DEFAULT_RETRY
    this.log = options.log ?? (() => undefined)
    // Keep-alive pool shared by every call; timeouts turn a silent server into a retryable fault.
    const timeout = options.timeoutMs ?? 60_000
    this.dispatcher = new Agent({ connections: 64, headersTimeout: timeout, bodyTimeout: timeout, connectTimeout: Math.min(timeout, 15_000) })
  }

  /** Epoch ms on the client's clock. */
  now(): number {
    return (this.options.now ?? Date.now)()
  }

  /** Waits on the client's timer; ends early (rejecting) when the run is cancelled. */
  sleep(ms: number): Promise<void> {
    return (this.options.sleep ?? sleep)(ms, this.options.signal)
  }

  get signal(): AbortSignal | undefined {
    return this.options.signal
  }

  /** From here on every request, retry and wait ends at `at`, with a DeadlineError. */
  setDeadline(at: number): void {
    this.deadline = at
  }

  /** Aborted on cancel or at the deadline: for requests made outside call() (downloads). */
  requestSignal(): AbortSignal | undefined {
    return boundedSignal(this.options.signal, this.deadline, this.now())
  }

  get hasDeadline(): boolean {
    return this.deadline !== undefined
  }

  get deadlinePassed(): boolean {
    return this.deadline !== undefined && this.now() >= this.deadline
  }

  /** Waits `ms`, or until the deadline and then throws: no wait outlives timeout-minutes. */
  async sleepWithin(ms: number, operation: string, why: string): Promise<void> {
    const left = remainingMs(this.deadline, this.now())
    await this.sleep(Math.min(ms, left))
    if (ms >= left) throw new DeadlineError(operation, `while waiting ${(ms / 1000).toFixed(1)} s ${why}`)
  }

  async call(method: Method, route: string, opts: CallOptions): Promise<CallResult> {
    const url = routeUrl(this.options.apiUrl, route)
    if (url.origin !== this.options.apiUrl.origin) throw new Error(`refusing to send the API key to ${url.origin}`)
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v))
    const headers: Record<string, string> = {
      'x-api-key': this.options.apiKey,
      accept: 'application/json',
      'user-agent': this.options.userAgent ?? 'hyperframes-render-action'
    }
    if (opts.body !== undefined) headers['content-type'] = 'application/json'
    if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey
    const body = opts.body === undefined ? undefined : JSON.stringify(opts.body)
    // A POST may be repeated only when its key makes the repeat a replay rather than a second charge.
    const safeToRepeat = method !== 'POST' || Boolean(opts.idempotencyKey) || opts.idempotent === true
    const maxAttempts = Math.min(opts.maxAttempts ?? this.retry.maxAttempts, this.retry.maxAttempts)

    // Kept so that a deadline ending the retries still says what the server last answered.
    let lastFailure: ApiError | undefined
    for (let attempt = 1; ; attempt++) {
      if (this.deadlinePassed) {
        throw lastFailure
          ? new DeadlineError(opts.operation, `after ${attempt - 1} attempts; the last answer was ${lastFailure.answer}`)
          : new DeadlineError(opts.operation, 'before the call was made', true)
      }
      this.stats.requests++
      this.stats.byKind[opts.kind] = (this.stats.byKind[opts.kind] ?? 0) + 1
      let outcome: Outcome
      let waitMs: number | undefined
      let failure: ApiError
      let reqSignal: AbortSignal | undefined
      try {
        const res = await request(url, { method, headers, body, dispatcher: this.dispatcher, signal: (reqSignal = this.requestSignal()) })
        const ok = res.statusCode >= 200 && res.statusCode < 300
        const { text, overCap } = await readCapped(res.body, ok ? JSON_BODY_CAP : ERROR_BODY_CAP)
        if (ok && overCap) {
          throw new ApiError(
            opts.operation,
            res.statusCode,
            'response_too_large',
            `the response body was over ${JSON_BODY_CAP / 1024 / 1024} MiB, far more than this call ever returns; it was not read`
          )
        }
        const json = overCap ? undefined : parseJson(text)
        if (ok) {
          if (json) return { status: res.statusCode, json }
          // The server did the work but its answer was lost on the way. Where a repeat is a replay
          // (a GET, a keyed POST) it brings the same answer back; a bare POST must not be repeated.
          failure = unexpected(opts.operation, res.statusCode, text)
          outcome = { status: res.statusCode, unreadable: true }
        } else {
          const err = readError(json)
          failure = new ApiError(opts.operation, res.statusCode, err?.code ?? `http_${res.statusCode}`, err?.message ?? summarize(text), err?.param)
          if (isFatalStatus(res.statusCode)) throw failure
          outcome = { status: res.statusCode, code: err?.code }
          waitMs = parseRetryAfter(headerValue(res.headers['retry-after']), this.now())
        }
      } catch (error) {
        if (error instanceof ApiError) throw error
        if (this.options.signal?.aborted) throw error
        if (reqSignal?.aborted || this.deadlinePassed) throw new DeadlineError(opts.operation, 'while waiting for the answer')
        const code = (error as { code?: unknown }).code
        if (!isNetworkCode(code)) throw error
        outcome = { networkCode: code }
        failure = new ApiError(opts.operation, 0, 'network_error', `${code}: ${(error as Error).message}`)
      }
      if (attempt >= maxAttempts || !shouldRetry(outcome, safeToRepeat)) throw failure
      lastFailure = failure
      const delay = waitMs !== undefined ? Math.min(waitMs, this.retry.retryAfterCapMs) : backoffMs(attempt, this.retry)
      this.stats.retries++
      this.log(`${opts.operation}: ${describeOutcome(outcome)}; retrying in ${(delay / 1000).toFixed(1)}s (attempt ${attempt + 1} of ${maxAttempts})`)
      await this.sleepWithin(delay, opts.operation, `to retry; the last answer was ${failure.answer}`)
    }
  }

  async close(): Promise<void> {
    // After a cancel nothing in flight matters any more: drop the sockets instead of draining them.
    if (this.options.signal?.aborted) await this.dispatcher.destroy()
    else await this.dispatcher.close()
  }
}

/**
 * api-url is a base, as HeyGen's CLI reads HEYGEN_API_URL: a gateway's path prefix stays in front
 * of the route (https://gateway.example.com/heygen + /v3/x → /heygen/v3/x), where
 * `new URL('/v3/x', base)` would drop it.
 */
export function routeUrl(apiUrl: URL, route: string): URL {
  const base = new URL(apiUrl.href)
  if (!base.pathname.endsWith('/')) base.pathname += '/'
  return new URL(route.replace(/^\/+/, ''), base)
}

function describeOutcome(outcome: Outcome): string {
  if ('networkCode' in outcome) return outcome.networkCode
  if (outcome.unreadable) return `HTTP ${outcome.status} with an unreadable body`
  return `HTTP ${outcome.status}${outcome.code ? ` ${outcome.code}` : ''}`
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text)
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

function readError(json: Record<string, unknown> | undefined): { code: string; message: string; param?: string } | undefined {
  const error = json?.error
  if (!error || typeof error !== 'object') return undefined
  const e = error as Record<string, unknown>
  if (typeof e.code !== 'string') return undefined
  return { code: e.code, message: typeof e.message === 'string' ? e.message : '', param: typeof e.param === 'string' ? e.param : undefined }
}

export function unexpected(operation: string, status: number, detail: string): ApiError {
  return new ApiError(operation, status, 'unexpected_response', `the response was not the expected JSON (${summarize(detail)})`)
}
