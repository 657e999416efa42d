import { ApiError, isFatalStatus } from '../heygen/api-error.js'
import { TERMINAL_STATUSES, type RenderDetail, type RenderStatus } from '../heygen/renders.js'
import { sleep } from '../heygen/sleep.js'
import type { RenderBackend } from './backend.js'
import type { RenderJob } from './plan.js'

/**
 * How often the watcher looks. Each tick comes `fraction` of a typical render's duration after the
 * last, so a completion is noticed within about 3% of the render time on average (what a long
 * matrix loses per wave of renders), never later than `maxMs`, never sooner than `minMs`. Until a
 * render has finished nobody knows how long they take: ticks start at `firstMs` and grow with the
 * age of the oldest render.
 */
export interface PollPolicy {
  firstMs: number
  minMs: number
  maxMs: number
  fraction: number
}

export const DEFAULT_POLL: PollPolicy = { firstMs: 500, minMs: 250, maxMs: 2000, fraction: 0.06 }

/** Counters for the log and the tests. */
export interface WatcherStats {
  ticks: number
  /** Ticks that learnt the statuses from backend.statusMany. */
  batched: number
  /** Renders in flight summed over the ticks: the calls one GET per render per tick would make. */
  renderTicks: number
}

/** How a render ended, as far as the watcher learnt it. */
export interface Ended {
  detail: RenderDetail
  /**
   * false when the detail came from a listing: its signed URLs may be missing or stale, so the
   * caller fetches the render once more before downloading (off the critical path).
   */
  fresh: boolean
}

interface Watched {
  renderId: string
  job: RenderJob
  since: number
  last?: RenderStatus
  /** Seen unfinished at least once: its time to finish says how long renders take. */
  sawUnfinished: boolean
  /** Consecutive ticks statusMany did not report it; after two, it is asked for directly. */
  misses: number
  onStatus: (status: RenderStatus) => void
  settle: (outcome: { end?: Ended; error?: unknown }) => void
}

const MISSES_BEFORE_DIRECT = 2

/**
 * One loop watches every render in flight. With several in flight and a backend that can list
 * (HeyGen's GET /v3/hyperframes/renders), each tick costs about one call for all of them instead
 * of one per render. A render learnt finished from a listing is handed back at once (its slot is
 * free); the caller fetches it on its own only for the fresh video URL its download needs.
 */
export class StatusWatcher {
  readonly stats: WatcherStats = { ticks: 0, batched: 0, renderTicks: 0 }
  private readonly watched = new Map<string, Watched>()
  private readonly durations: number[] = []
  private running = false
  /** Off after the list call failed in a way the client's retries did not fix. */
  private listing = true

  constructor(
    private readonly backend: RenderBackend,
    private readonly options: { deadline: number; signal?: AbortSignal; policy?: PollPolicy; now?: () => number }
  ) {}

  /**
   * Resolves with the render's terminal detail, or undefined when the deadline passed first;
   * rejects when its status cannot be had (the error of that call) or the run was cancelled.
   */
  wait(renderId: string, job: RenderJob, onStatus: (status: RenderStatus) => void): Promise<Ended | undefined> {
    return new Promise((resolve, reject) => {
      this.watched.set(renderId, {
        renderId,
        job,
        since: this.now(),
        sawUnfinished: false,
        misses: 0,
        onStatus,
        settle: ({ end, error }) => {
          this.watched.delete(renderId)
          if (error !== undefined) reject(error)
          else resolve(end)
        }
      })
      if (!this.running) {
        this.running = true
        void this.loop()
      }
    })
  }

  private now(): number {
    return (this.options.now ?? Date.now)()
  }

  private async loop(): Promise<void> {
    const policy = this.options.policy ?? DEFAULT_POLL
    try {
      while (this.watched.size > 0) {
        const remaining = this.options.deadline - this.now()
        if (remaining <= 0) {
          for (const w of [...this.watched.values()]) w.settle({})
          break
        }
        await sleep(Math.min(this.interval(policy), remaining), this.options.signal)
        if (this.now() < this.options.deadline) await this.tick()
      }
    } catch (error) {
      // Cancelled while waiting (or a bug): nobody may be left waiting for an answer.
      for (const w of [...this.watched.values()]) w.settle({ error })
    } finally {
      // Synchronously with the last check, so a wait() arriving next starts a new loop.
      this.running = false
    }
  }

  private interval(policy: PollPolicy): number {
    const typical = median(this.durations)
    if (typical !== undefined) return clamp(policy.fraction * typical, policy.minMs, policy.maxMs)
    // Nothing finished yet: the longer the oldest has been running, the longer renders take.
    let oldest = 0
    for (const w of this.watched.values()) oldest = Math.max(oldest, this.now() - w.since)
    return clamp(policy.fraction * oldest, policy.firstMs, policy.maxMs)
  }

  private async tick(): Promise<void> {
    const batch = [...this.watched.values()]
    this.stats.ticks++
    this.stats.renderTicks += batch.length
    const listable = batch.filter((w) => w.misses < MISSES_BEFORE_DIRECT)
    let seen = new Map<string, RenderDetail>()
    if (this.backend.statusMany && this.listing && listable.length >= 2) {
      try {
        seen = await this.backend.statusMany(new Set(listable.map((w) => w.renderId)))
        this.stats.batched++
      } catch (error) {
        // A refused key or credit fails every call alike: stop here rather than once per render.
        if (error instanceof ApiError && isFatalStatus(error.status)) {
          for (const w of batch) w.settle({ error })
          return
        }
        // Anything else was already retried by the client: ask each render directly from now on.
        this.listing = false
      }
      for (const w of listable) w.misses = seen.has(w.renderId) ? 0 : w.misses + 1
    }
    await Promise.all(
      batch.map(async (w) => {
        try {
          const listed = seen.get(w.renderId)
          this.observe(w, listed ?? (await this.backend.status(w.renderId, w.job)), listed === undefined)
        } catch (error) {
          w.settle({ error })
        }
      })
    )
  }

  private observe(w: Watched, detail: RenderDetail, fresh: boolean): void {
    if (detail.status !== w.last) {
      w.last = detail.status
      w.onStatus(detail.status)
    }
    if (!TERMINAL_STATUSES.has(detail.status)) {
      w.sawUnfinished = true
      return
    }
    // A render that was finished when first seen (a replay) says nothing about render times.
    if (w.sawUnfinished) this.durations.push(this.now() - w.since)
    w.settle({ end: { detail, fresh } })
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value))
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}
