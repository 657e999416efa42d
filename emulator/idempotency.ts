import type { ApiResult } from './http-io.js'

export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_:.-]{1,255}$/
const RETENTION_MS = 24 * 60 * 60 * 1000

type Entry = { state: 'in_progress' } | { state: 'done'; result: ApiResult; storedAt: number }

export type Claim = { kind: 'replay'; result: ApiResult } | { kind: 'in_progress' } | { kind: 'claimed'; finish(result: ApiResult): void; abandon(): void }

/**
 * Idempotency-Key records, scoped per route *with* its path parameters (the same key on another
 * asset or route is independent), kept 24 h like the real service. A replay returns the stored
 * status and body verbatim even when the new request body differs.
 */
export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>()

  /** Must be called synchronously on arrival so a concurrent retry sees 'in_progress'. */
  claim(scope: string, key: string): Claim {
    const id = `${scope}\u0000${key}`
    const entry = this.entries.get(id)
    if (entry?.state === 'in_progress') return { kind: 'in_progress' }
    if (entry?.state === 'done' && Date.now() - entry.storedAt < RETENTION_MS) {
      return { kind: 'replay', result: entry.result }
    }
    this.entries.set(id, { state: 'in_progress' })
    return {
      kind: 'claimed',
      finish: (result) => {
        if (isStorable(result.status)) this.entries.set(id, { state: 'done', result, storedAt: Date.now() })
        else this.entries.delete(id)
      },
      abandon: () => {
        this.entries.delete(id)
      }
    }
  }
}

/**
 * 5xx means the request may never have happened, and 409/429 are transient by definition (e.g.
 * "uploaded object not found yet"): storing those would make every retry with the same key
 * replay the transient failure forever.
 */
function isStorable(status: number): boolean {
  return status < 500 && status !== 409 && status !== 429
}
