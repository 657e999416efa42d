import type { Variables } from '../inputs/matrix.js'
import { ApiError } from './api-error.js'
import type { HeygenClient } from './client.js'
import { unexpected } from './client.js'
import { untrustedText } from '../untrusted-text.js'
import type { RenderDetail } from '../render/backend.js'
import { zipEntry, type RenderJob } from '../render/job.js'
import { dataObject, optionalNumber, optionalString, requireString } from './envelope.js'

/** The create body, exactly the contract's properties (the API refuses any other). */
export interface CreateRenderBody {
  project: { type: 'asset_id'; asset_id: string }
  fps?: number
  quality: string
  format: string
  resolution: string
  aspect_ratio: string
  composition?: string
  /** Any JSON per id, as the contract's schema allows (additionalProperties: true). */
  variables?: Variables
  title?: string
  callback_id?: string
  callback_url?: string
}

/** The create body for a job: only the fields it sets, so the body stays minimal. */
export function createBody(job: RenderJob, assetId: string): CreateRenderBody {
  const s = job.settings
  const body: CreateRenderBody = {
    project: { type: 'asset_id', asset_id: assetId },
    fps: s.fps,
    quality: s.quality,
    format: s.format,
    resolution: s.resolution,
    aspect_ratio: s.aspectRatio,
    composition: wireComposition(s.composition),
    variables: Object.keys(job.variables).length > 0 ? job.variables : undefined,
    title: s.title,
    callback_id: s.callbackId,
    callback_url: s.callbackUrl
  }
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)) as CreateRenderBody
}

/**
 * The entry path as the API takes it: the API refuses './index.html' and backslashes, which name
 * no zip entry. undefined for index.html, the API's own default.
 */
export function wireComposition(composition: string): string | undefined {
  const entry = zipEntry(composition)
  return entry === 'index.html' ? undefined : entry
}

/** A render as the API describes it, parsed into the render stage's own words. */
export type { RenderDetail } from '../render/backend.js'

export async function createRender(client: HeygenClient, body: CreateRenderBody, key: string, label: string): Promise<string> {
  const operation = `Create render '${label}'`
  const res = await client.call('POST', '/v3/hyperframes/renders', { operation, kind: 'render-create', body, idempotencyKey: key })
  return requireString(dataObject(res.json, operation, res.status), 'render_id', operation, res.status)
}

export async function getRender(client: HeygenClient, renderId: string, label: string): Promise<RenderDetail> {
  const operation = `Get render '${label}' (${renderId})`
  const res = await client.call('GET', `/v3/hyperframes/renders/${encodeURIComponent(renderId)}`, { operation, kind: 'render-status' })
  return parseRenderDetail(dataObject(res.json, operation, res.status), operation, res.status)
}

export interface RenderPage {
  renders: RenderDetail[]
  /** Set when the API has another page. */
  nextToken?: string
}

/**
 * One page of `GET /v3/hyperframes/renders`, newest first. Items that do not parse are skipped:
 * the page also holds renders that are none of this run's business. `attempts` lets a caller with
 * a cheaper fallback than waiting (the status watcher asks each render directly) skip the retries.
 */
export async function listRenders(client: HeygenClient, page: { limit: number; token?: string; attempts?: number }): Promise<RenderPage> {
  const operation = 'List renders'
  const res = await client.call('GET', '/v3/hyperframes/renders', { operation, kind: 'render-list', query: { limit: page.limit, token: page.token }, maxAttempts: page.attempts })
  const data = res.json.data
  if (!Array.isArray(data)) throw unexpected(operation, res.status, JSON.stringify(res.json))
  const renders: RenderDetail[] = []
  for (const item of data) {
    if (!item || typeof item !== 'object' || Array.isArray(item)) continue
    try {
      renders.push(parseRenderDetail(item as Record<string, unknown>, operation, res.status))
    } catch {
      // Someone else's render in a state we do not know: not ours to judge.
    }
  }
  const hasMore = res.json.has_more === true
  const next = res.json.next_token
  if (!hasMore) return { renders }
  // Ending here would look like the last page and silently hide every older render.
  if (typeof next !== 'string' || next === '') {
    throw new ApiError(operation, res.status, 'unexpected_response', `has_more is true but next_token is ${JSON.stringify(next ?? null)}, so the next page cannot be asked for`)
  }
  return { renders, nextToken: next }
}

export function parseRenderDetail(data: Record<string, unknown>, operation: string, status: number): RenderDetail {
  const renderStatus = data.status
  if (typeof renderStatus !== 'string' || renderStatus.trim() === '') {
    throw unexpected(operation, status, `render status ${JSON.stringify(renderStatus)} is not a status`)
  }
  const failure = optionalString(data, 'failure_message')
  return {
    renderId: requireString(data, 'render_id', operation, status),
    status: renderStatus,
    videoUrl: optionalString(data, 'video_url'),
    thumbnailUrl: optionalString(data, 'thumbnail_url'),
    duration: optionalNumber(data, 'duration'),
    // The server's own words: made safe once, here, before any report shows them.
    failureMessage: failure === undefined ? undefined : untrustedText(failure),
    createdAt: optionalNumber(data, 'created_at')
  }
}
