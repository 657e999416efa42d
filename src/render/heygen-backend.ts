import type { HeygenClient } from '../heygen/client.js'
import { PresignedError, downloadFile } from '../heygen/presigned.js'
import { createRender, getRender, listRenders, type RenderDetail } from '../heygen/renders.js'
import { DEFAULT_RETRY, backoffMs } from '../heygen/retry-policy.js'
import { sleep } from '../heygen/sleep.js'
import { UserError } from '../user-error.js'
import type { RenderBackend } from './backend.js'
import type { RenderJob } from './plan.js'

const DOWNLOAD_TRIES = 6
const LIST_PAGE = 100
/** A bound on one tick's paging, however busy the account: past it, asking directly is cheaper. */
const LIST_PAGES_MAX = 10

export class HeygenBackend implements RenderBackend {
  constructor(
    private readonly client: HeygenClient,
    private readonly assetId: string
  ) {}

  submit(job: RenderJob, key: string): Promise<string> {
    return createRender(this.client, { project: { type: 'asset_id', asset_id: this.assetId }, ...job.request }, key, job.name)
  }

  status(renderId: string, job: RenderJob): Promise<RenderDetail> {
    return getRender(this.client, renderId, job.name)
  }

  /**
   * Pages the list call, newest first, until every wanted render was seen or a page reaches
   * renders created before the oldest wanted one (the rest are older still). Only created_at values
   * from the API are compared, never with this machine's clock. The page size is the largest the
   * API allows: other clients' renders share the account, and one page more is one call more.
   */
  async statusMany(renderIds: ReadonlySet<string>, options: { createdSince?: number } = {}): Promise<Map<string, RenderDetail>> {
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

  /** Signed video URLs are short-lived: on a refusal or a cut transfer, ask for a fresh one. */
  async fetchVideo(detail: RenderDetail, job: RenderJob, dest: string): Promise<number> {
    let current = detail
    for (let attempt = 1; ; attempt++) {
      if (!current.videoUrl) throw new UserError(`Render '${job.name}' (${current.renderId}) completed without a video_url.`)
      try {
        return await downloadFile(current.videoUrl, dest, this.client.dispatcher, this.client.signal)
      } catch (error) {
        if (this.client.signal?.aborted || attempt >= DOWNLOAD_TRIES) throw error
        const retryable = error instanceof PresignedError ? error.needsFreshUrl || error.status === 0 || error.status === 429 || error.status >= 500 : true
        if (!retryable) throw error
        if (!(error instanceof PresignedError) || error.status >= 500 || error.status === 429) await sleep(backoffMs(attempt, DEFAULT_RETRY), this.client.signal)
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
