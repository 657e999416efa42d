import { DeadlineError } from '../deadline.js'
import { onPathAll } from '../machine/on-path.js'
import type { RenderBackend, RenderDetail } from '../render/backend.js'
import { BackendError, type FailureKind } from '../render/failure-kind.js'
import type { RenderJob } from '../render/job.js'
import { CorruptVideo, checkVideo } from './video-check.js'
import { UserError } from '../user-error.js'
import { ApiError, isFatalStatus } from './api-error.js'
import type { HeygenClient } from './client.js'
import { PresignedError, downloadFile } from './presigned.js'
import { createBody, createRender, getRender, listRenders } from './renders.js'
import { DEFAULT_RETRY, backoffMs } from './retry-policy.js'

/** Without a deadline (never in a run: the scheduler always sets one) downloads give up after this many tries. */
const DOWNLOAD_TRIES_WITHOUT_DEADLINE = 6
const LIST_PAGE = 100
/** A bound on one tick's paging, however busy the account: past it, asking directly is cheaper. */
const LIST_PAGES_MAX = 10

export class HeygenBackend implements RenderBackend {
  /** ffprobe when installed: a downloaded video's duration is then checked against the API's. */
  private readonly ffprobe: string | undefined

  /**
   * `ffprobe`: found on PATH (or HYPERFRAMES_FFPROBE_PATH) unless given; false checks downloads
   * without it, as on a machine that has none (in-process tests, where each spawn from a large
   * test process is dear).
   */
  constructor(
    private readonly client: HeygenClient,
    private readonly assetId: string,
    ffprobe: string | false = process.env.HYPERFRAMES_FFPROBE_PATH?.trim() || onPathAll('ffprobe')[0] || false
  ) {
    this.ffprobe = ffprobe || undefined
  }

  setDeadline(at: number): void {
    this.client.setDeadline(at)
  }

  submit(job: RenderJob, key: string): Promise<string> {
    return atEdge(createRender(this.client, createBody(job, this.assetId), key, job.name))
  }

  status(renderId: string, job: RenderJob): Promise<RenderDetail> {
    return atEdge(getRender(this.client, renderId, job.name))
  }

  /**
   * Pages the list call, newest first, until every wanted render was seen or a page reaches
   * renders created before the oldest wanted one (the rest are older still). Only created_at values
   * from the API are compared, never with this machine's clock. The page size is the largest the
   * API allows: other clients' renders share the account, and one page more is one call more.
   */
  statusMany(renderIds: ReadonlySet<string>, options: { createdSince?: number } = {}): Promise<Map<string, RenderDetail>> {
    return atEdge(this.listUntilFound(renderIds, options))
  }

  private async listUntilFound(renderIds: ReadonlySet<string>, options: { createdSince?: number }): Promise<Map<string, RenderDetail>> {
    const found = new Map<string, RenderDetail>()
    let token: string | undefined
    for (let pages = 1; ; pages++) {
      // One attempt: when listing fails the watcher asks each render directly, which beats waiting.
      const page = await listRenders(this.client, { limit: LIST_PAGE, token, attempts: 1 })
      for (const detail of page.renders) if (renderIds.has(detail.renderId)) found.set(detail.renderId, detail)
      if (found.size === renderIds.size || !page.nextToken || pages >= LIST_PAGES_MAX) return found
      // Without a known creation time, the newest page is all that is sure to hold a new render.
      if (options.createdSince === undefined) return found
      const oldest = oldestCreatedAt(page.renders)
      if (oldest !== undefined && oldest < options.createdSince) return found
      token = page.nextToken
    }
  }

  /**
   * Signed video URLs are short-lived: on a refusal, a cut transfer or a file that is not a whole
   * video, ask for a fresh one and try again, until timeout-minutes. A render paid for is worth
   * every retry the deadline allows; a file that failed its checks never reaches `dest`.
   */
  fetchVideo(detail: RenderDetail, job: RenderJob, dest: string): Promise<number> {
    return atEdge(this.download(detail, job, dest))
  }

  private async download(detail: RenderDetail, job: RenderJob, dest: string): Promise<number> {
    let current = detail
    const label = `video '${job.name}' (render ${detail.renderId})`
    for (let attempt = 1; ; attempt++) {
      if (!current.videoUrl) throw new UserError(`Render '${job.name}' (${current.renderId}) completed without a video_url.`)
      const signal = this.client.requestSignal()
      try {
        const expected = { duration: current.duration, ffprobe: this.ffprobe }
        return await downloadFile(current.videoUrl, dest, this.client.dispatcher, {
          signal,
          label,
          verify: (part, arrived) => checkVideo(part, arrived, expected, label)
        })
      } catch (error) {
        if (this.client.signal?.aborted) throw error
        const message = error instanceof Error ? error.message : String(error)
        const ranOut = (): DeadlineError => new DeadlineError(`Download of ${label}`, `after ${attempt} attempt${attempt === 1 ? '' : 's'} (last: ${message})`)
        if (signal?.aborted || this.client.deadlinePassed) throw ranOut()
        const retryable = error instanceof CorruptVideo || (error instanceof PresignedError ? error.needsFreshUrl || error.status === 0 || error.status === 429 || error.status >= 500 : true)
        if (!retryable || (!this.client.hasDeadline && attempt >= DOWNLOAD_TRIES_WITHOUT_DEADLINE)) throw error
        this.client.log(message)
        await this.client.sleepWithin(backoffMs(attempt, DEFAULT_RETRY), `Download of ${label}`, 'to fetch it again').catch((error: unknown) => {
          throw error instanceof DeadlineError ? ranOut() : error
        })
        current = await getRender(this.client, current.renderId, job.name)
      }
    }
  }
}

function oldestCreatedAt(renders: RenderDetail[]): number | undefined {
  let oldest: number | undefined
  for (const r of renders) if (r.createdAt !== undefined && (oldest === undefined || r.createdAt < oldest)) oldest = r.createdAt
  return oldest
}

/** ApiError stops here: the render stage learns only how bad an error is, and its code. */
async function atEdge<T>(work: Promise<T>): Promise<T> {
  try {
    return await work
  } catch (error) {
    throw toBackendError(error)
  }
}

/** An ApiError as the render stage sees it; any other error is left as it is. */
export function toBackendError(error: unknown): unknown {
  return error instanceof ApiError ? new BackendError(error.message, kindOf(error.status), error.code, { cause: error }) : error
}

/**
 * A refused key, credit or access fails every call alike; a 5xx, a rate limit, a network fault
 * (status 0) or an answer that did not parse (2xx) may pass; anything else (a render that no
 * longer exists) ends that render only.
 */
function kindOf(status: number): Exclude<FailureKind, 'deadline'> {
  if (isFatalStatus(status)) return 'fatal'
  if (status === 429) return 'rate-limited'
  if (status === 0 || (status >= 200 && status < 300) || status === 408 || status === 409 || status >= 500) return 'passing'
  return 'final'
}
