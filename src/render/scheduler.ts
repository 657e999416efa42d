import { ApiError, isFatalStatus } from '../heygen/api-error.js'
import { TERMINAL_STATUSES, type RenderDetail, type RenderStatus } from '../heygen/renders.js'
import { sleep } from '../heygen/sleep.js'
import type { RenderBackend } from './backend.js'
import { retryKey } from './idempotency.js'
import type { RenderOutcome } from './outcome.js'
import path from 'node:path'

export interface PollPolicy {
  firstMs: number
  factor: number
  maxMs: number
}

// Renders take minutes; start close so short ones are noticed quickly, then back off to a
// steady rate far below HeyGen's own CLI's fixed 10 s hammer per render.
export const DEFAULT_POLL: PollPolicy = { firstMs: 1000, factor: 1.5, maxMs: 10_000 }

export interface RenderLog {
  info(line: string): void
  /** One collapsible block per render, printed when it is done so concurrent logs do not interleave. */
  group(title: string, lines: string[]): void
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
  /** Epoch ms when this run started: a failed render created before it belongs to an earlier run. */
  runStartedAt: number
}

export interface SchedulerResult {
  /** A 401/402/403: every further call would fail the same way, so the run stopped early. */
  fatal?: ApiError
}

/**
 * Runs every job through submit → poll → download with at most `concurrency` in flight. It updates
 * `outcomes` in place so that a cancelled or failing run can still report everything it did.
 */
export async function runRenders(outcomes: RenderOutcome[], backend: RenderBackend, opts: SchedulerOptions): Promise<SchedulerResult> {
  const result: SchedulerResult = {}
  let next = 0
  const stopped = (): boolean => result.fatal !== undefined || opts.signal?.aborted === true || Date.now() >= opts.deadline

  const worker = async (): Promise<void> => {
    while (!stopped() && next < outcomes.length) {
      const outcome = outcomes[next++]
      const lines: string[] = []
      const note = (line: string): void => {
        lines.push(`${new Date().toISOString().slice(11, 19)} ${line}`)
      }
      try {
        await runOne(outcome, backend, opts, note)
      } catch (error) {
        if (opts.signal?.aborted) {
          outcome.status = outcome.renderId ? 'cancelled' : 'pending'
          note('stopped: the job was cancelled')
        } else {
          outcome.status = 'error'
          outcome.failureMessage = error instanceof Error ? error.message : String(error)
          if (error instanceof ApiError) {
            outcome.errorCode = error.code
            if (isFatalStatus(error.status)) result.fatal ??= error
          }
          note(`error: ${outcome.failureMessage}`)
        }
      }
      opts.log.group(`${outcome.job.name}: ${outcome.status}${outcome.renderId ? ` (${outcome.renderId})` : ''}`, lines)
    }
  }
  await Promise.all(Array.from({ length: Math.min(opts.concurrency, outcomes.length) }, worker))

  for (const o of outcomes) {
    if (o.status !== 'pending') continue
    o.failureMessage ??= result.fatal
      ? `not submitted: ${result.fatal.message}`
      : opts.signal?.aborted
        ? 'not submitted: the job was cancelled'
        : 'not submitted: timeout-minutes was reached first'
  }
  return result
}

async function runOne(outcome: RenderOutcome, backend: RenderBackend, opts: SchedulerOptions, note: (line: string) => void): Promise<void> {
  const { job } = outcome
  const baseKey = outcome.key
  const vars = Object.entries(job.variables).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')
  outcome.renderId = await backend.submit(job, outcome.key)
  outcome.status = 'submitted'
  note(`submitted as ${outcome.renderId}${vars ? ` with ${vars}` : ''} (idempotency key ${outcome.key})`)
  if (!opts.wait) return

  let detail = await waitForTerminal(outcome, backend, opts, note)
  // A key replays for 24 h, failures included. A failure left by an earlier run is submitted again
  // under a key that names it; a re-run after that replays the new render instead of paying again.
  for (let hop = 0; detail?.status === 'failed' && isFromEarlierRun(detail, opts) && hop < MAX_RETRY_HOPS; hop++) {
    note(`render ${detail.renderId} failed in an earlier run (${detail.failureMessage ?? 'no message'}); submitting it again`)
    outcome.key = retryKey(baseKey, detail.renderId)
    outcome.renderId = await backend.submit(job, outcome.key)
    note(`submitted again as ${outcome.renderId} (idempotency key ${outcome.key})`)
    detail = await waitForTerminal(outcome, backend, opts, note)
  }
  if (!detail) return
  outcome.duration = detail.duration
  outcome.thumbnailUrl = detail.thumbnailUrl
  if (detail.status === 'failed') {
    outcome.status = 'failed'
    outcome.failureMessage = detail.failureMessage ?? 'the render failed without a failure_message'
    note(`failed: ${outcome.failureMessage}${vars ? ` (variables: ${vars})` : ''}`)
    return
  }
  const dest = path.join(opts.outputDir, `${job.name}.${job.request.format}`)
  outcome.videoBytes = await backend.fetchVideo(detail, job, dest)
  outcome.videoPath = dest
  outcome.videoUrl = detail.videoUrl
  outcome.status = 'completed'
  note(`downloaded ${formatBytes(outcome.videoBytes)} to ${dest}`)
}

const MAX_RETRY_HOPS = 10

function isFromEarlierRun(detail: RenderDetail, opts: SchedulerOptions): boolean {
  // created_at is whole seconds; one more second of slack absorbs clock skew with the API.
  return detail.createdAt !== undefined && detail.createdAt * 1000 < opts.runStartedAt - 1000
}

/** Polls one render until it ends; returns undefined when the deadline passed first. */
async function waitForTerminal(
  outcome: RenderOutcome,
  backend: RenderBackend,
  opts: SchedulerOptions,
  note: (line: string) => void
): Promise<RenderDetail | undefined> {
  const poll = opts.poll ?? DEFAULT_POLL
  let interval = poll.firstMs
  let last: RenderStatus | undefined
  for (;;) {
    const remaining = opts.deadline - Date.now()
    if (remaining <= 0) {
      outcome.status = 'timed_out'
      outcome.failureMessage = `still ${last ?? 'queued'} when timeout-minutes ran out (render id ${outcome.renderId})`
      note(outcome.failureMessage)
      return undefined
    }
    await sleep(Math.min(interval, remaining), opts.signal)
    interval = Math.min(poll.maxMs, interval * poll.factor)
    if (Date.now() >= opts.deadline) continue
    const detail = await backend.status(outcome.renderId as string, outcome.job)
    if (detail.status !== last) {
      note(`status: ${detail.status}`)
      last = detail.status
      if (detail.status === 'queued' || detail.status === 'rendering') outcome.status = detail.status
    }
    if (TERMINAL_STATUSES.has(detail.status)) return detail
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`
  return `${(n / 1024 / 1024).toFixed(1)} MiB`
}
