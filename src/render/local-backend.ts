import { copyFile, rename, rm, stat } from 'node:fs/promises'
import path from 'node:path'
import type { RenderDetail, RenderStatus } from '../heygen/renders.js'
import type { RenderBackend } from './backend.js'
import { LocalRenderError, type LocalFormat, type LocalQuality, type LocalRenderer, type LocalRenderResult } from './local-renderer.js'
import type { RenderJob } from './plan.js'
import type { PollPolicy, RenderLog } from './scheduler.js'

/** Status is a map lookup here, so poll often: a finished render is noticed within a second. */
export const LOCAL_POLL: PollPolicy = { firstMs: 250, minMs: 250, maxMs: 1000, fraction: 0.06 }

interface LocalRecord {
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
  private readonly stop = new AbortController()

  constructor(
    private readonly renderer: LocalRenderer,
    /** The unpacked project zip, shared by every render. */
    private readonly projectDir: string,
    /** Where videos are written before fetchVideo moves them to the output folder. */
    private readonly workDir: string,
    private readonly log: RenderLog
  ) {}

  async submit(job: RenderJob): Promise<string> {
    const renderId = `local-${job.index}`
    if (this.records.has(renderId)) return renderId
    const request = job.request
    const record: LocalRecord = { status: 'queued', settled: Promise.resolve() }
    record.settled = this.renderer
      .render({
        projectDir: this.projectDir,
        composition: request.composition ?? 'index.html',
        variables: job.variables,
        // The API's default, not the composition's data-fps: the same request renders the same.
        fps: request.fps ?? 30,
        quality: request.quality as LocalQuality,
        format: request.format as LocalFormat,
        resolution: request.resolution === '4k' ? '4k' : '1080p',
        output: path.join(this.workDir, `${renderId}.${request.format}`),
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
