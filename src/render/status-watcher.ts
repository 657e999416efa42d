import { sleep } from '../sleep.js'
import { TERMINAL_STATUSES, type RenderBackend, type RenderDetail, type RenderStatus } from './backend.js'
import { failureKind, isPassing } from './failure-kind.js'
import type { RenderJob } from './job.js'

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
  /** Ticks whose listing failed, so each render was asked directly. */
  listFailures: number
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

export interface WatcherOptions {
  /** Epoch ms (on `now`'s clock) when waiting stops. */
  deadline: number
  signal?: AbortSignal
  policy?: PollPolicy
  now?: () => number
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  log?: (line: string) => void
}

interface Watched {
  renderId: string
  job: RenderJob
  since: number
  last?: RenderStatus
  /** Seen unfinished at least once: its time to finish says how long renders take. */
  sawUnfinished: boolean
  /** The backend's created_at, once any answer carried it: it bounds how deep a listing pages. */
  createdAt?: number
  /** Found by a listing at least once, so a listing reaches it. */
  listed: boolean
  /** Set while its status calls keep failing, so the trouble is logged once, not every tick. */
  trouble: boolean
  onStatus: (status: RenderStatus) => void
  settle: (outcome: { end?: Ended; error?: unknown }) => void
}

/** After a failed listing, list again only after this long (doubling per failure, up to the max). */
const LIST_BACKOFF_FIRST_MS = 2000
const LIST_BACKOFF_MAX_MS = 60_000
/** Between tries of the one GET a completed render needs for its video URL. */
const REFETCH_FIRST_MS = 500
const REFETCH_MAX_MS = 10_000

/**
 * One loop watches every render in flight. With several in flight and a backend that can list
 * (HeyGen's GET /v3/hyperframes/renders), each tick costs about one call for all of them instead
 * of one per render; a render the listing did not show is asked for directly, that tick only. A
 * render learnt finished from a listing is handed back at once (its slot is free); the caller
 * fetches it on its own (refetch) only for the fresh video URL its download needs.
 *
 * Trouble with a status call (a 5xx, a reset, a garbled answer) is not the render's fault: the
 * render stays watched and is asked again until the deadline. Only the backend saying `failed` ends
 * a render as failed; a refused key or credit (401/402/403) or a render that no longer exists (404)
 * ends its wait with that error.
 */
export class StatusWatcher {
  readonly stats: WatcherStats = { ticks: 0, batched: 0, renderTicks: 0, listFailures: 0 }
  private readonly watched = new Map<string, Watched>()
  private readonly durations: number[] = []
  private running = false
  /** Consecutive failed listings, and when (watcher clock) to list again after the last one. */
  private listFailuresInRow = 0
  private listAgainAt = Number.NEGATIVE_INFINITY

  constructor(
    private readonly backend: RenderBackend,
    private readonly options: WatcherOptions
  ) {}

  /**
   * Resolves with the render's terminal detail, or undefined when the deadline passed first;
   * rejects when no retry can get its status (a refused key, a deleted render) or the run was
   * cancelled.
   */
  wait(renderId: string, job: RenderJob, onStatus: (status: RenderStatus) => void): Promise<Ended | undefined> {
    return new Promise((resolve, reject) => {
      this.watched.set(renderId, {
        renderId,
        job,
        since: this.now(),
        sawUnfinished: false,
        listed: false,
        trouble: false,
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

  /**
   * The render's detail straight from the backend (fresh signed URLs), asked again after trouble
   * until the deadline: a completed render is paid for, and a passing 503 must not lose it.
   */
  async refetch(renderId: string, job: RenderJob): Promise<RenderDetail> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.backend.status(renderId, job)
      } catch (error) {
        const wait = Math.min(REFETCH_MAX_MS, REFETCH_FIRST_MS * 2 ** (attempt - 1))
        if (!isPassing(error) || this.options.signal?.aborted || this.now() + wait >= this.options.deadline) throw error
        this.log(`${job.name} (${renderId}): ${describe(error)}; asking again in ${(wait / 1000).toFixed(1)} s.`)
        await this.sleep(wait)
      }
    }
  }

  private now(): number {
    return (this.options.now ?? Date.now)()
  }

  private sleep(ms: number): Promise<void> {
    return (this.options.sleep ?? sleep)(ms, this.options.signal)
  }

  private log(line: string): void {
    this.options.log?.(line)
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
        await this.sleep(Math.min(this.interval(policy), remaining))
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
    let seen = new Map<string, RenderDetail>()
    if (this.backend.statusMany && batch.length >= 2 && this.now() >= this.listAgainAt) {
      try {
        seen = await this.backend.statusMany(new Set(batch.map((w) => w.renderId)), { createdSince: this.createdSince(batch) })
        this.stats.batched++
        this.listFailuresInRow = 0
      } catch (error) {
        // A refused key or credit fails every call alike: stop here rather than once per render.
        if (failureKind(error) === 'fatal') {
          for (const w of batch) w.settle({ error })
          return
        }
        if (this.options.signal?.aborted) throw error
        // Rate-limited: a GET per render now would only add to it, so the next tick lists again
        // (only once: if the list call stays limited, the GETs below may not be).
        if (failureKind(error) === 'rate-limited' && this.listFailuresInRow === 0) {
          this.listFailuresInRow++
          this.log(`${describe(error)}; checking again next tick.`)
          return
        }
        // This tick asks each render directly; the listing gets another chance later, so an
        // outage of the list call costs a tick or two, not every tick.
        this.stats.listFailures++
        this.listFailuresInRow++
        const wait = Math.min(LIST_BACKOFF_MAX_MS, LIST_BACKOFF_FIRST_MS * 2 ** (this.listFailuresInRow - 1))
        this.listAgainAt = this.now() + wait
        this.log(`${describe(error)}; asking each render directly, and listing again in ${(wait / 1000).toFixed(0)} s.`)
      }
    }
    await Promise.all(
      batch.map(async (w) => {
        const listed = seen.get(w.renderId)
        if (listed) {
          w.listed = true
          this.observe(w, listed, false)
          return
        }
        let detail: RenderDetail
        try {
          detail = await this.backend.status(w.renderId, w.job)
        } catch (error) {
          this.troubled(w, error)
          return
        }
        this.observe(w, detail, true)
      })
    )
  }

  /**
   * The oldest creation time a listing must reach. Renders a listing found are the measure: a
   * render submitted after one of them was seen is newer still. Only when none was ever listed do
   * the creation times learnt from direct answers count (an old replay would page deep for nothing).
   */
  private createdSince(batch: Watched[]): number | undefined {
    let listed: number | undefined
    let any: number | undefined
    for (const w of batch) {
      if (w.createdAt === undefined) continue
      any = any === undefined ? w.createdAt : Math.min(any, w.createdAt)
      if (w.listed) listed = listed === undefined ? w.createdAt : Math.min(listed, w.createdAt)
    }
    return listed ?? any
  }

  private troubled(w: Watched, error: unknown): void {
    if (this.options.signal?.aborted || !isPassing(error)) {
      w.settle({ error })
      return
    }
    if (!w.trouble) this.log(`${w.job.name} (${w.renderId}): ${describe(error)}; asking again every tick until timeout-minutes.`)
    w.trouble = true
  }

  private observe(w: Watched, detail: RenderDetail, fresh: boolean): void {
    if (detail.createdAt !== undefined) w.createdAt = detail.createdAt
    if (w.trouble) {
      w.trouble = false
      this.log(`${w.job.name} (${w.renderId}): status checks answer again.`)
    }
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

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value))
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}
