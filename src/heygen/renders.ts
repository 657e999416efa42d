import type { Variables } from '../inputs/matrix.js'
import { ApiError } from './api-error.js'
import type { HeygenClient } from './client.js'
import { unexpected } from './client.js'
import { untrustedText } from '../untrusted-text.js'
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

export const RENDER_STATUSES = ['queued', 'rendering', 'completed', 'failed'] as const
export type KnownRenderStatus = (typeof RENDER_STATUSES)[number]
/**
 * A status outside the documented four (say 'processing') is kept as its text: it is not
 * terminal, so the render is waited on until timeout-minutes, as HeyGen's CLI does.
 */
export type RenderStatus = KnownRenderStatus | (string & {})
export const TERMINAL_STATUSES: ReadonlySet<string> = new Set<KnownRenderStatus>(['completed', 'failed'])

export function isKnownStatus(status: string): status is KnownRenderStatus {
  return (RENDER_STATUSES as readonly string[]).includes(status)
}

export interface RenderDetail {
  renderId: string
  status: RenderStatus
  videoUrl?: string
  thumbnailUrl?: string
  duration?: number
  failureMessage?: string
  /** Unix seconds. */
  createdAt?: number
}

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
