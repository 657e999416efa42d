import { DeadlineError, boundedSignal, remainingMs } from '../src/deadline.js'

// The deadline every request and wait ends at: timeout-minutes after the renders start.

describe('the run deadline', () => {
  it('takes a deadline that is not a whole millisecond, as timeout-minutes gives one', () => {
    // 0.27 minutes: 0.27 * 60_000 is 16200.000000000002 in floating point.
    const deadline = 0.27 * 60_000
    expect(Number.isInteger(deadline)).toBe(false)
    const signal = boundedSignal(undefined, deadline, 0)
    expect(signal?.aborted).toBe(false)
  })

  it('keeps the run signal: a cancel aborts the bounded signal too', () => {
    const run = new AbortController()
    const signal = boundedSignal(run.signal, 60_000, 0)
    expect(signal?.aborted).toBe(false)
    run.abort(new Error('cancelled'))
    expect(signal?.aborted).toBe(true)
  })

  it('is the run signal itself without a deadline, and never negative time left', () => {
    const run = new AbortController()
    expect(boundedSignal(run.signal, undefined)).toBe(run.signal)
    expect(remainingMs(undefined)).toBe(Number.POSITIVE_INFINITY)
    expect(remainingMs(1_000, 5_000)).toBe(0)
    expect(new DeadlineError('Render status', 'after 3 tries').message).toBe('Render status: timeout-minutes ran out after 3 tries')
  })
})
