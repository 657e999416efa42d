import type { HeygenClient } from '../heygen/client.js'
import { PresignedError, downloadFile } from '../heygen/presigned.js'
import { createRender, getRender, listRenders, type RenderDetail } from '../heygen/renders.js'
import { DEFAULT_RETRY, backoffMs } from '../heygen/retry-policy.js'
import { sleep } from '../heygen/sleep.js'
import { UserError } from '../user-error.js'
import type { RenderBackend } from './backend.js'
import type { RenderJob } from './plan.js'

const DOWNLOAD_TRIES = 6
const LIST_PAGE_MIN = 20
const LIST_PAGE_MAX = 100

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
   * Pages the list call, newest first, until every wanted render was seen. A render submitted by
   * this run is among the newest, so one page usually holds them all; paging stops as soon as
   * another page would cost more calls than asking the missing renders one by one.
   */
  async statusMany(renderIds: ReadonlySet<string>): Promise<Map<string, RenderDetail>> {
    const found = new Map<string, RenderDetail>()
    // Twice as many as wanted leaves room for renders finished meanwhile and for other clients'.
    const limit = Math.min(LIST_PAGE_MAX, Math.max(LIST_PAGE_MIN, renderIds.size * 2))
    let token: string | undefined
    for (let pages = 1; ; pages++) {
      const page = await listRenders(this.client, { limit, token })
      const before = found.size
      for (const detail of page.renders) if (renderIds.has(detail.renderId)) found.set(detail.renderId, detail)
      const missing = renderIds.size - found.size
      // A page without any of ours means the rest are older than the page reaches (replays of an
      // earlier run, say): asking for them directly is cheaper than paging on.
      if (missing === 0 || !page.nextToken || found.size === before || pages >= missing) return found
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
