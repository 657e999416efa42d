import { DeadlineError } from '../deadline.js'
import { untrustedText } from '../untrusted-text.js'
import { isKnownStatus, type RenderBackend, type RenderDetail, type RenderStatus } from './backend.js'
import { BackendError, failureKind } from './failure-kind.js'
import { retryKey } from './idempotency.js'
import type { RenderOutcome } from './outcome.js'
import { ProgressReporter } from './progress.js'
import { StatusWatcher, type Ended, type PollPolicy } from './status-watcher.js'
import path from 'node:path'

export { DEFAULT_POLL, type PollPolicy } from './status-watcher.js'

export interface RenderLog {
  info(line: string): void
  /** One collapsible block per render, printed when it is done so concurrent logs do not interleave. */
  group(title: string, lines: string[]): void
  /** Internal metrics and idempotency keys: core.debug on a runner. */
  debug?(line: string): void
}

export interface SchedulerOptions {
  concurrency: number
  wait: boolean
  /** Epoch ms after which nothing new is started and waiting stops. */
  deadline: number
  outputDir: string
  signal?: AbortSignal
  poll?: PollPolicy
  log: RenderLog
  /** The clock `deadline` is on, and the timer of every wait: tests pass their own. */
  now?: () => number
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  /** Most time between two progress lines; 30 s unless a test shortens it. */
  heartbeatMs?: number
}

export interface SchedulerResult {
  /** A fatal backend error (a refused key or credit): every further call would fail the same way, so the run stopped early. */
  fatal?: BackendError
}

/**
 * Runs every job through submit → poll → download with at most `concurrency` in flight. It updates
 * `outcomes` in place so that a cancelled or failing run can still report everything it did.
 */
export async function runRenders(outcomes: RenderOutcome[], backend: RenderBackend, opts: SchedulerOptions): Promise<SchedulerResult> {
  const result: SchedulerResult = {}
  backend.setDeadline?.(opts.deadline)
  // One watcher for every render in flight: a tick learns all their statuses at once.
  const now = opts.now ?? Date.now
  const watcher = new StatusWatcher(backend, { deadline: opts.deadline, signal: opts.signal, policy: opts.poll, now, sleep: opts.sleep, log: (line) => opts.log.info(line) })
  let next = 0
  const stopped = (): boolean => result.fatal !== undefined || opts.signal?.aborted === true || now() >= opts.deadline

  const fail = (outcome: RenderOutcome, error: unknown, note: (line: string) => void): void => {
    if (opts.signal?.aborted) {
      outcome.status = outcome.renderId ? 'cancelled' : 'pending'
      note('stopped: the job was cancelled')
    } else if (failureKind(error) === 'deadline' || now() >= opts.deadline) {
      // Whatever was going on, the deadline ended it: the render may still finish on HeyGen.
      outcome.status = outcome.renderId ? 'timed_out' : 'pending'
      const what = error instanceof Error ? error.message : String(error)
      outcome.failureMessage = outcome.renderId ? `${what} (render id ${outcome.renderId})` : `not submitted: ${what}`
      note(outcome.failureMessage)
    } else {
      outcome.status = 'error'
      // Any error may quote a server (a storage error page, a socket message): made safe like API text.
      outcome.failureMessage = untrustedText(error instanceof Error ? error.message : String(error))
      if (error instanceof BackendError) {
        outcome.errorCode = error.code
        if (error.kind === 'fatal') result.fatal ??= error
      }
      note(`error: ${outcome.failureMessage}`)
    }
  }
  const progress = new ProgressReporter({ total: outcomes.length, concurrency: opts.concurrency, heartbeatMs: opts.heartbeatMs, now, log: (line) => opts.log.info(line) })
  progress.start()
  const report = (outcome: RenderOutcome, lines: string[]): void => {
    const n = progress.ended(outcome.job.index, outcome.status === 'completed')
    opts.log.group(`${progress.tag(n)} ${outcome.job.name}: ${outcome.status}${outcome.renderId ? ` (${outcome.renderId})` : ''}`, lines)
  }
  const downloads: Array<Promise<void>> = []

  const worker = async (): Promise<void> => {
    while (!stopped() && next < outcomes.length) {
      const outcome = outcomes[next++]
      progress.started(outcome.job.index)
      const lines: string[] = []
      const note = (line: string): void => {
        lines.push(`${new Date(now()).toISOString().slice(11, 19)} ${line}`)
      }
      let collect: (() => Promise<void>) | undefined
      try {
        collect = await runOne(outcome, backend, opts, note, watcher)
      } catch (error) {
        fail(outcome, error, note)
      }
      if (!collect) {
        report(outcome, lines)
        continue
      }
      // The render has ended, so its slot is free: the next one starts while this video downloads.
      downloads.push(
        collect().then(
          () => report(outcome, lines),
          (error: unknown) => {
            fail(outcome, error, note)
            report(outcome, lines)
          }
        )
      )
    }
  }
  await Promise.all(Array.from({ length: Math.min(opts.concurrency, outcomes.length) }, worker))
  await Promise.all(downloads)
  progress.stop()
  const w = watcher.stats
  if (w.ticks > 0) {
    ;(opts.log.debug ?? opts.log.info)(`Status checks: ${w.ticks} ticks, ${w.batched} of them answered by listing renders; one GET per render per tick would have taken ${w.renderTicks} calls.`)
  }

  for (const o of outcomes) {
    if (o.status !== 'pending') continue
    o.failureMessage ??= result.fatal ? `not submitted: ${result.fatal.message}` : opts.signal?.aborted ? 'not submitted: the job was cancelled' : 'not submitted: timeout-minutes was reached first'
  }
  return result
}

/** Submits one job and waits for it to end; returns how to collect its video when it completed. */
async function runOne(outcome: RenderOutcome, backend: RenderBackend, opts: SchedulerOptions, note: (line: string) => void, watcher: StatusWatcher): Promise<(() => Promise<void>) | undefined> {
  const { job } = outcome
  const baseKey = outcome.key
  const vars = Object.entries(job.variables)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ')
  outcome.renderId = await backend.submit(job, outcome.key)
  outcome.status = 'submitted'
  note(`submitted as ${outcome.renderId}${vars ? ` with ${vars}` : ''}`)
  opts.log.debug?.(`${job.name}: idempotency key ${outcome.key}`)
  if (!opts.wait) return undefined

  let end = await waitForTerminal(outcome, watcher, note)
  // A key replays for 24 h, failures included. A render that was already 'failed' when this run
  // first saw it was made by an earlier run (this run's own are seen queued or rendering first):
  // it is submitted again under a key that names it. A re-run follows that chain by replays, which
  // cost nothing, and at most one render per entry is created by any one run (one more only when
  // this run's own render failed before the first status check). No clock is compared with
  // HeyGen's: created_at says nothing reliable about who made a render.
  for (let hop = 0; end?.detail.status === 'failed' && end.firstSeenFailed && hop < MAX_RETRY_HOPS; hop++) {
    note(`render ${end.detail.renderId} failed in an earlier run (${end.detail.failureMessage ?? 'no message'}); submitting it again`)
    outcome.key = retryKey(baseKey, end.detail.renderId)
    outcome.renderId = await backend.submit(job, outcome.key)
    // Looked at at once: a replay of an earlier run's failure is already failed; a render this
    // create just made cannot be, so it is this run's and ends the chain whatever becomes of it.
    const first = await watcher.refetch(outcome.renderId, job)
    opts.log.debug?.(`${job.name}: idempotency key ${outcome.key}`)
    if (first.status === 'failed') {
      note(`submitted again: replayed ${outcome.renderId}, which had failed too`)
      end = { detail: first, fresh: true, firstSeenFailed: true, firstSeenDone: true }
      continue
    }
    note(`submitted again as ${outcome.renderId}`)
    end = await waitForTerminal(outcome, watcher, note)
    if (end) {
      end.firstSeenFailed = false
      end.firstSeenDone = false
    }
    break
  }
  if (!end) return undefined
  const renderId = outcome.renderId
  const settle = (detail: RenderDetail): void => {
    outcome.duration = detail.duration
    outcome.thumbnailUrl = detail.thumbnailUrl
    // Billed by an earlier run when it had already ended the first time this run looked: the same
    // fact that decides resubmission, never a comparison of HeyGen's clock with the runner's.
    outcome.replayed = end.firstSeenDone
  }
  if (end.detail.status === 'failed') {
    const detail = end.fresh ? end.detail : await watcher.refetch(renderId, job)
    settle(detail)
    outcome.status = 'failed'
    outcome.failureMessage = detail.failureMessage ?? 'the render failed without a failure_message'
    note(`failed: ${outcome.failureMessage}${vars ? ` (variables: ${vars})` : ''}`)
    return undefined
  }
  const { detail: listed, fresh } = end
  return async () => {
    // Signed video URLs are short-lived: a completion learnt from a listing is fetched once more.
    const detail = fresh ? listed : await watcher.refetch(renderId, job)
    settle(detail)
    const dest = path.join(opts.outputDir, `${job.name}.${job.settings.format}`)
    outcome.videoBytes = await backend.fetchVideo(detail, job, dest)
    outcome.videoPath = dest
    outcome.videoUrl = detail.videoUrl
    outcome.status = 'completed'
    note(`downloaded ${formatBytes(outcome.videoBytes)} to ${dest}`)
  }
}

const MAX_RETRY_HOPS = 10

/** How a render ended, and whether this run ever saw it unfinished. */
type Seen = Ended & { firstSeenFailed: boolean; firstSeenDone: boolean }

/** Waits for one render to end; returns undefined when the deadline passed first. */
async function waitForTerminal(outcome: RenderOutcome, watcher: StatusWatcher, note: (line: string) => void): Promise<Seen | undefined> {
  let last: RenderStatus | undefined
  let unknownNoted = false
  let first: RenderStatus | undefined
  const onStatus = (status: RenderStatus): void => {
    first ??= status
    last = status
    if (!isKnownStatus(status)) {
      // Logged once: a service that reports it on every tick would otherwise flood the log.
      if (!unknownNoted) note(`status: '${status}' is not one the API documents (queued, rendering, completed, failed); treating it as unfinished and waiting until timeout-minutes`)
      unknownNoted = true
      return
    }
    note(`status: ${status}`)
    if (status === 'queued' || status === 'rendering') outcome.status = status
  }
  let ended: Ended | undefined
  try {
    ended = await watcher.wait(outcome.renderId as string, outcome.job, onStatus)
  } catch (error) {
    // A status call the deadline stopped before it was made (the client reads the clock a moment
    // before the watcher does) is the same end as running out between two checks: still running,
    // with its last status. A deadline that cut off retries keeps its own message, which quotes
    // what the server last answered.
    if (!(error instanceof DeadlineError && error.beforeCall)) throw error
  }
  const end = ended && { ...ended, firstSeenFailed: first === 'failed', firstSeenDone: first === 'failed' || first === 'completed' }
  if (!end) {
    outcome.status = 'timed_out'
    outcome.failureMessage = `still ${last ?? 'queued'} when timeout-minutes ran out (render id ${outcome.renderId})`
    note(outcome.failureMessage)
  }
  return end
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`
  return `${(n / 1024 / 1024).toFixed(1)} MiB`
}
