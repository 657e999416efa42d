/**
 * The progress of a batch of renders, as lines a person can follow in the log:
 * `[7/20] 5 rendering · 8 queued · 2m10s elapsed · ~3m left`. One line whenever a render ends, and
 * a heartbeat at least every `heartbeatMs` while nothing does, so a long wait never looks hung.
 * The clock and the timer are injected, so the tests take no time.
 */
export interface ProgressOptions {
  total: number
  /** Renders in flight at once: the ETA counts the waves still to go. */
  concurrency: number
  log: (line: string) => void
  now?: () => number
  /** Calls `fn` every `ms` until the returned function is called. */
  every?: (ms: number, fn: () => void) => () => void
  heartbeatMs?: number
}

export const HEARTBEAT_MS = 30_000

const realEvery = (ms: number, fn: () => void): (() => void) => {
  const timer = setInterval(fn, ms)
  // The heartbeat must never keep the process alive on its own.
  timer.unref()
  return () => clearInterval(timer)
}

export class ProgressReporter {
  private readonly now: () => number
  private readonly startedAt: number
  private readonly heartbeatMs: number
  private lastLineAt: number
  private inFlight = 0
  private done = 0
  private readonly durations: number[] = []
  private readonly startOf = new Map<number, number>()
  private stopTimer?: () => void
  private checkMs = 0

  constructor(private readonly opts: ProgressOptions) {
    this.now = opts.now ?? Date.now
    this.startedAt = this.now()
    this.lastLineAt = this.startedAt
    this.heartbeatMs = opts.heartbeatMs ?? HEARTBEAT_MS
  }

  /**
   * Starts the heartbeat. It checks six times per period and speaks once a line is a check short
   * of due, so two lines are never more than `heartbeatMs` apart.
   */
  start(): void {
    if (this.stopTimer || this.opts.total === 0) return
    this.checkMs = Math.max(1, Math.floor(this.heartbeatMs / 6))
    this.stopTimer = (this.opts.every ?? realEvery)(this.checkMs, () => this.beat())
  }

  stop(): void {
    this.stopTimer?.()
    this.stopTimer = undefined
  }

  /** A render took a slot (entry `index`). */
  started(index: number): void {
    this.inFlight++
    this.startOf.set(index, this.now())
  }

  /** A render ended, whatever its outcome; logs the line and returns its place, for the group title. */
  ended(index: number, finished: boolean): number {
    const began = this.startOf.get(index)
    if (began !== undefined) {
      this.inFlight = Math.max(0, this.inFlight - 1)
      this.startOf.delete(index)
      if (finished) this.durations.push(this.now() - began)
    }
    this.done++
    this.emit()
    return this.done
  }

  /** `[n/N]` for a group title. */
  tag(n: number): string {
    return `[${n}/${this.opts.total}]`
  }

  line(): string {
    const queued = Math.max(0, this.opts.total - this.done - this.inFlight)
    const eta = this.eta()
    return `${this.tag(this.done)} ${this.inFlight} rendering · ${queued} queued · ${formatDuration(this.now() - this.startedAt)} elapsed${eta === undefined ? '' : ` · ~${formatRough(eta)} left`}`
  }

  /** Median finished duration × the waves still to go; unknown until one render has finished. */
  eta(): number | undefined {
    const left = this.opts.total - this.done
    if (left <= 0 || this.durations.length === 0) return undefined
    const sorted = [...this.durations].sort((a, b) => a - b)
    const mid = Math.floor(sorted.length / 2)
    const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    return median * Math.ceil(left / Math.max(1, this.opts.concurrency))
  }

  private beat(): void {
    if (this.done < this.opts.total && this.now() - this.lastLineAt >= this.heartbeatMs - this.checkMs) this.emit()
  }

  private emit(): void {
    this.lastLineAt = this.now()
    this.opts.log(this.line())
  }
}

/** 4m12s, 45s, 1h02m. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000))
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
}

/** An estimate needs no seconds past the first minute: ~40s, ~3m, ~1h10m. */
function formatRough(ms: number): string {
  const s = Math.max(1, Math.round(ms / 1000))
  if (s < 60) return `${s}s`
  const m = Math.round(s / 60)
  return m < 60 ? `${m}m` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`
}
