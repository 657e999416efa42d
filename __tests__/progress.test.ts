import { ProgressReporter, formatDuration } from '../src/render/progress.js'

/** A clock and a timer the test moves by hand. */
function fakeTime(): { now: () => number; every: (ms: number, fn: () => void) => () => void; advance: (ms: number) => void; timers: number } {
  let t = 1_000_000
  const timers: Array<{ ms: number; fn: () => void; next: number; on: boolean }> = []
  return {
    now: () => t,
    every(ms, fn) {
      const timer = { ms, fn, next: t + ms, on: true }
      timers.push(timer)
      return () => void (timer.on = false)
    },
    advance(ms) {
      const end = t + ms
      for (;;) {
        const due = timers.filter((x) => x.on && x.next <= end).sort((a, b) => a.next - b.next)[0]
        if (!due) break
        t = due.next
        due.next += due.ms
        due.fn()
      }
      t = end
    },
    get timers() {
      return timers.filter((x) => x.on).length
    }
  }
}

describe('progress reporter', () => {
  it('logs a line whenever a render ends, in order, with the median × waves ETA', () => {
    const time = fakeTime()
    const lines: string[] = []
    const p = new ProgressReporter({ total: 20, concurrency: 5, log: (l) => lines.push(l), now: time.now, every: time.every })
    for (let i = 1; i <= 5; i++) p.started(i)
    time.advance(60_000)
    expect(p.ended(1, true)).toBe(1)
    expect(lines.at(-1)).toBe('[1/20] 4 rendering · 15 queued · 1m00s elapsed · ~4m left')
    p.started(6)
    time.advance(10_000)
    expect(p.ended(2, true)).toBe(2)
    // Median of 60 s and 70 s is 65 s; 18 left at 5 at a time is 4 waves: 260 s.
    expect(lines.at(-1)).toBe('[2/20] 4 rendering · 14 queued · 1m10s elapsed · ~4m left')
    expect(p.tag(2)).toBe('[2/20]')
  })

  it('beats at least every 30 s while nothing ends, and not when lines are fresh', () => {
    const time = fakeTime()
    const lines: string[] = []
    const p = new ProgressReporter({ total: 3, concurrency: 3, log: (l) => lines.push(l), now: time.now, every: time.every })
    p.start()
    p.started(1)
    p.started(2)
    p.started(3)
    time.advance(24_000)
    expect(lines).toEqual([])
    time.advance(6_000)
    expect(lines).toEqual(['[0/3] 3 rendering · 0 queued · 25s elapsed'])
    time.advance(20_000)
    expect(lines).toEqual(['[0/3] 3 rendering · 0 queued · 25s elapsed', '[0/3] 3 rendering · 0 queued · 50s elapsed'])
    p.ended(1, true) // a line at 50 s: the next heartbeat counts from it
    time.advance(20_000)
    expect(lines).toHaveLength(3)
    time.advance(10_000)
    expect(lines).toEqual([
      '[0/3] 3 rendering · 0 queued · 25s elapsed',
      '[0/3] 3 rendering · 0 queued · 50s elapsed',
      '[1/3] 2 rendering · 0 queued · 50s elapsed · ~50s left',
      '[1/3] 2 rendering · 0 queued · 1m15s elapsed · ~50s left'
    ])
    // Over ten minutes of silence, no two lines are more than 30 s apart.
    const at: number[] = []
    const q = new ProgressReporter({ total: 2, concurrency: 1, log: () => at.push(time.now()), now: time.now, every: time.every })
    q.start()
    q.started(1)
    const from = time.now()
    time.advance(600_000)
    const gaps = [at[0] - from, ...at.slice(1).map((x, i) => x - at[i])]
    expect(Math.max(...gaps)).toBeLessThanOrEqual(30_000)
    q.stop()
  })

  it('stops beating when stopped and when everything has ended', () => {
    const time = fakeTime()
    const lines: string[] = []
    const p = new ProgressReporter({ total: 1, concurrency: 1, log: (l) => lines.push(l), now: time.now, every: time.every })
    p.start()
    p.started(1)
    p.ended(1, false)
    time.advance(120_000)
    expect(lines).toEqual(['[1/1] 0 rendering · 0 queued · 0s elapsed'])
    p.stop()
    expect(time.timers).toBe(0)
  })

  it('formats durations', () => {
    expect(formatDuration(0)).toBe('0s')
    expect(formatDuration(45_400)).toBe('45s')
    expect(formatDuration(252_000)).toBe('4m12s')
    expect(formatDuration(3_720_000)).toBe('1h02m')
  })
})
