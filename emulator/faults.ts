import type { Random } from './prng.js'

export interface FaultRule {
  /** A route label such as 'POST /v3/hyperframes/renders', 'PUT upload', 'GET video', or '*'. */
  route: string
  /** Respond with this status and a contract error envelope. */
  status?: number
  /** Error code for the envelope; derived from `status` when omitted. */
  code?: string
  message?: string
  /** Seconds, sent as Retry-After. */
  retryAfter?: number
  /** Destroy the socket without a response (connection reset). */
  reset?: boolean
  /** Never answer; the socket is destroyed at close(). */
  hang?: boolean
  /** GET video / GET thumbnail: send the full Content-Length, then cut the body halfway. */
  truncate?: boolean
  /** Add latency, then continue (with this rule's action, or normally if it has none). */
  delayMs?: number
  /** Answer `status` (default 200) with this body as-is: a proxy's HTML page, a truncated JSON. */
  rawBody?: string
  /** Content-Type for `rawBody`; default text/html. */
  contentType?: string
  /** Apply to the next N matching requests only (default: unlimited). */
  times?: number
  /** 0..1: apply randomly, drawn from the seeded PRNG. */
  probability?: number
}

/** The terminal part of a fault; `delayMs` is accumulated separately. */
export type FaultAction =
  | { kind: 'status'; status: number; code: string; message: string; retryAfter?: number }
  | { kind: 'reset' }
  | { kind: 'hang' }
  | { kind: 'truncate' }
  | { kind: 'raw'; status: number; body: string; contentType: string }

export interface FaultPlan {
  delayMs: number
  action?: FaultAction
}

const DEFAULT_CODES: Record<number, string> = {
  400: 'invalid_parameter',
  401: 'authentication_failed',
  402: 'insufficient_credit',
  403: 'forbidden',
  404: 'not_found',
  409: 'request_in_progress',
  429: 'rate_limit_exceeded',
  500: 'internal_error',
  502: 'bad_gateway',
  503: 'service_unavailable',
  504: 'gateway_timeout'
}

export function defaultCodeFor(status: number): string {
  return DEFAULT_CODES[status] ?? (status >= 500 ? 'internal_error' : 'invalid_request')
}

/**
 * Decides, per request, which injected faults fire. Rules are checked in order: a rule with only
 * `delayMs` adds latency and lets later rules fire too; the first rule with an action (status,
 * reset, hang, truncate) ends the scan. `times` counts firings, not matches.
 */
export class FaultInjector {
  private rules: Array<FaultRule & { remaining: number }> = []

  constructor(
    private readonly random: Random,
    rules: FaultRule[] = []
  ) {
    this.set(rules)
  }

  set(rules: FaultRule[]): void {
    this.rules = rules.map((rule) => ({ ...rule, remaining: rule.times ?? Number.POSITIVE_INFINITY }))
  }

  plan(route: string): FaultPlan {
    const plan: FaultPlan = { delayMs: 0 }
    for (const rule of this.rules) {
      if (rule.route !== '*' && rule.route !== route) continue
      if (rule.remaining <= 0) continue
      if (rule.truncate && !rule.status && !rule.reset && !rule.hang && rule.rawBody === undefined && !isDownload(route)) continue
      if (rule.probability !== undefined && this.random() >= rule.probability) continue
      rule.remaining -= 1
      plan.delayMs += rule.delayMs ?? 0
      const action = actionOf(rule)
      if (action) {
        plan.action = action
        break
      }
    }
    return plan
  }
}

function isDownload(route: string): boolean {
  return route === 'GET video' || route === 'GET thumbnail'
}

function actionOf(rule: FaultRule): FaultAction | undefined {
  if (rule.reset) return { kind: 'reset' }
  if (rule.hang) return { kind: 'hang' }
  if (rule.rawBody !== undefined) return { kind: 'raw', status: rule.status ?? 200, body: rule.rawBody, contentType: rule.contentType ?? 'text/html' }
  if (rule.status !== undefined) {
    return {
      kind: 'status',
      status: rule.status,
      code: rule.code ?? defaultCodeFor(rule.status),
      message: rule.message ?? `Injected fault: HTTP ${rule.status}.`,
      ...(rule.retryAfter !== undefined ? { retryAfter: rule.retryAfter } : {})
    }
  }
  if (rule.truncate) return { kind: 'truncate' }
  return undefined
}
