import { DEFAULT_RETRY, backoffMs, parseRetryAfter, shouldRetry } from '../src/heygen/retry-policy.js'

describe('retry policy', () => {
  it('retries 429 and in-progress 409 on any call', () => {
    expect(shouldRetry({ status: 429 }, false)).toBe(true)
    expect(shouldRetry({ status: 409, code: 'request_in_progress' }, false)).toBe(true)
    expect(shouldRetry({ status: 409, code: 'conflict' }, true)).toBe(false)
  })

  it('retries 5xx and network faults only where a repeat cannot charge twice', () => {
    for (const status of [500, 502, 503, 504]) {
      expect(shouldRetry({ status }, true)).toBe(true)
      expect(shouldRetry({ status }, false)).toBe(false)
    }
    expect(shouldRetry({ networkCode: 'ECONNRESET' }, true)).toBe(true)
    expect(shouldRetry({ networkCode: 'ECONNRESET' }, false)).toBe(false)
    expect(shouldRetry({ networkCode: 'ENOTFOUND' }, true)).toBe(false)
  })

  it('repeats a 2xx whose body did not parse only where the repeat is a replay', () => {
    expect(shouldRetry({ status: 202, unreadable: true }, true)).toBe(true)
    expect(shouldRetry({ status: 202, unreadable: true }, false)).toBe(false)
    expect(shouldRetry({ status: 200 }, true)).toBe(false)
  })

  it('never retries what a retry cannot fix', () => {
    for (const status of [400, 401, 402, 403, 404, 501]) expect(shouldRetry({ status }, true)).toBe(false)
  })

  it('backs off exponentially with jitter, capped', () => {
    const low = () => 0
    const high = () => 1
    expect(backoffMs(1, DEFAULT_RETRY, low)).toBe(DEFAULT_RETRY.baseMs / 2)
    expect(backoffMs(1, DEFAULT_RETRY, high)).toBe(DEFAULT_RETRY.baseMs)
    expect(backoffMs(3, DEFAULT_RETRY, high)).toBe(DEFAULT_RETRY.baseMs * 4)
    expect(backoffMs(30, DEFAULT_RETRY, high)).toBe(DEFAULT_RETRY.maxMs)
  })

  it('reads Retry-After as seconds or as a date', () => {
    expect(parseRetryAfter('3')).toBe(3000)
    expect(parseRetryAfter('0.5')).toBe(500)
    expect(parseRetryAfter(undefined)).toBeUndefined()
    expect(parseRetryAfter('soon')).toBeUndefined()
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000)
  })
})
