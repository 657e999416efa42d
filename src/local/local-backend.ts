import { copyFile, rename, rm, stat } from 'node:fs/promises'
import path from 'node:path'
import type { RenderBackend, RenderDetail, RenderStatus } from '../render/backend.js'
import { DEFAULT_FPS, type RenderJob } from '../render/job.js'
import type { PollPolicy, RenderLog } from '../render/scheduler.js'
import { LocalRenderError, type LocalRenderer, type LocalRenderResult } from './local-renderer.js'

/** Status is a map lookup here, so poll often: a finished render is noticed within a second. */
export const LOCAL_POLL: PollPolicy = { firstMs: 250, minMs: 250, maxMs: 1000, fraction: 0.06 }

interface LocalRecord {
  /** The idempotency key of the submission that started it. */
  key: string
  status: RenderStatus
  result?: LocalRenderResult
  failureMessage?: string
  settled: Promise<void>
}

/**
 * `backend: local`: each job is rendered on this machine by the hyperframes CLI. Submitting
 * queues the render (the renderer runs as many at once as the machine allows); the scheduler
 * polls and "downloads" exactly as it does against HeyGen.
 */
export class LocalBackend implements RenderBackend {
  private readonly records = new Map<string, LocalRecord>()
  /** Render ids by idempotency key: a key submitted again replays its render, as the API's does. */
  private readonly byKey = new Map<string, string>()
  private readonly stop = new AbortController()

  constructor(
    private readonly renderer: LocalRenderer,
    /** The unpacked project zip, shared by every render. */
    private readonly projectDir: string,
    /** Where videos are written before fetchVideo moves them to the output folder. */
    private readonly workDir: string,
    private readonly log: RenderLog
  ) {}

  /**
   * A key seen before replays its render. One render per entry per run: a second key for the same
   * entry (the scheduler's "submit again after an earlier run's failure") has no earlier run here,
   * so it replays this run's render of the entry too, as it always has.
   */
  async submit(job: RenderJob, key: string): Promise<string> {
    const replayed = this.byKey.get(key)
    if (replayed) return replayed
    const renderId = `local-${job.index}`
    this.byKey.set(key, renderId)
    if (this.records.has(renderId)) return renderId
    const s = job.settings
    const record: LocalRecord = { key, status: 'queued', settled: Promise.resolve() }
    record.settled = this.renderer
      .render({
        projectDir: this.projectDir,
        composition: s.composition,
        variables: job.variables,
        // The contract's default, not the composition's data-fps: the same job renders the same everywhere.
        fps: s.fps ?? DEFAULT_FPS,
        quality: s.quality,
        format: s.format,
        resolution: s.resolution,
        output: path.join(this.workDir, `${renderId}.${s.format}`),
        label: job.name,
        signal: this.stop.signal,
        onStart: () => {
          record.status = 'rendering'
        }
      })
      .then(
        (result) => {
          record.status = 'completed'
          record.result = result
        },
        (error: unknown) => {
          record.status = 'failed'
          record.failureMessage = error instanceof Error ? error.message : String(error)
          if (error instanceof LocalRenderError && error.logTail.length > 0 && !this.stop.signal.aborted) {
            this.log.group(`${job.name}: renderer log (last ${error.logTail.length} lines)`, error.logTail)
          }
        }
      )
    this.records.set(renderId, record)
    return renderId
  }

  async status(renderId: string): Promise<RenderDetail> {
    const record = this.records.get(renderId)
    if (!record) throw new Error(`unknown local render ${renderId}`)
    return {
      renderId,
      status: record.status,
      duration: record.result?.duration,
      failureMessage: record.failureMessage
    }
  }

  /** The video is already on disk: move it where the scheduler wants it. */
  async fetchVideo(detail: RenderDetail, _job: RenderJob, dest: string): Promise<number> {
    const result = this.records.get(detail.renderId)?.result
    if (!result) throw new Error(`local render ${detail.renderId} has no video`)
    try {
      await rename(result.output, dest)
    } catch {
      // Another file system (RUNNER_TEMP vs. the workspace): copy instead.
      await copyFile(result.output, dest)
      await rm(result.output, { force: true })
    }
    return (await stat(dest)).size
  }

  /** Stops renders still running (timeout or cancellation) and waits until their processes exit. */
  async close(): Promise<void> {
    const running = [...this.records.values()].filter((r) => r.status === 'queued' || r.status === 'rendering').length
    if (running > 0) this.log.info(`Stopping ${running} local render${running === 1 ? '' : 's'} still running.`)
    this.stop.abort(new Error('the step is stopping'))
    await Promise.all([...this.records.values()].map((r) => r.settled))
  }
}
