import { randomBytes } from 'node:crypto'
import type { RenderEngine } from './engine.js'
import { ApiError, type ApiResult } from './http-io.js'
import type { ResolvedOptions } from './options.js'
import type { Presigner } from './presign.js'
import type { Random } from './prng.js'
import { numericAttribute } from './composition-html.js'
import { checkVariables, openProject } from './project-zip.js'
import { RenderQueue } from './render-queue.js'
import type { EmulatorStats } from './stats.js'
import type { Timers } from './timers.js'
import type { Uploads } from './uploads.js'
import { parseListLimit, type AspectRatio, type CreateRenderBody, type OutputFormat } from './validate.js'
import type { Webhooks } from './webhooks.js'

export type RenderStatus = 'queued' | 'rendering' | 'completed' | 'failed'

interface RenderRecord {
  id: string
  seq: number
  body: CreateRenderBody
  idempotencyKey?: string
  status: RenderStatus
  deleted: boolean
  /** Another client's render (see OtherClients): listed, never rendered, not in snapshots. */
  otherClient?: true
  createdAt: number
  completedAt?: number
  /** Epoch ms with sub-millisecond precision, on the request log's clock. */
  completedAtMs?: number
  duration?: number
  video?: Buffer
  thumbnail?: Buffer
  failureMessage?: string
  projectZip: Buffer
  entryPath: string
  format: OutputFormat
  aspectRatio: AspectRatio
}

export interface RenderSnapshot {
  render_id: string
  status: string
  body: CreateRenderBody
  idempotencyKey?: string
  video?: Buffer
  failure_message?: string
  /** When it ended, on the clock of the request log's receivedAt. */
  completedAtMs?: number
}

/** Inline base64 projects have no documented cap; we assume the multipart limit. */
const MAX_INLINE_BYTES = 32 * 1024 * 1024
const MIME_BY_FORMAT: Record<OutputFormat, string> = { mp4: 'video/mp4', webm: 'video/webm', mov: 'video/quicktime' }

export interface RenderDeps {
  options: ResolvedOptions
  stats: EmulatorStats
  uploads: Uploads
  presigner: Presigner
  timers: Timers
  engine: RenderEngine
  random: Random
  webhooks: Webhooks
  /** Aborted at close(), so engine work stops with the emulator. */
  signal: AbortSignal
}

/** Render resources: create, poll, list, delete, and the timer-driven lifecycle behind them. */
export class Renders {
  private readonly records = new Map<string, RenderRecord>()
  private seq = 0
  private readonly queue: RenderQueue<RenderRecord>

  /** Renders created through the API (other clients' excluded), for the burst that follows them. */
  private created = 0

  constructor(private readonly deps: RenderDeps) {
    this.queue = new RenderQueue(
      deps.options.maxConcurrentRenders,
      (r) => this.startRendering(r),
      (r) => r.deleted
    )
    const others = deps.options.otherClients
    const older = others.olderRenders ?? 0
    const start = Math.floor(Date.now() / 1000) - 3600
    for (let i = 0; i < older; i++) this.addOtherClients(1, 'completed', start - (older - i))
    const perSecond = others.rendersPerSecond ?? 0
    if (perSecond > 0) {
      // Whole renders per step, carrying the fraction, so any rate comes out right on average.
      const stepMs = 50
      let owed = 0
      const step = (): void => {
        owed += (perSecond * stepMs) / 1000
        const whole = Math.floor(owed)
        owed -= whole
        this.addOtherClients(whole, 'rendering')
        deps.timers.after(stepMs, step)
      }
      deps.timers.after(stepMs, step)
    }
  }

  /** Renders another client made: listed like any other, never rendered, no slot taken. */
  private addOtherClients(count: number, status: RenderStatus, createdAt = this.serverSeconds()): void {
    for (let i = 0; i < count; i++) {
      const id = randomBytes(16).toString('hex')
      this.records.set(id, {
        id,
        seq: ++this.seq,
        body: { project: { type: 'asset_id', asset_id: 'other-client' }, title: 'another client' },
        status,
        deleted: false,
        otherClient: true,
        createdAt,
        ...(status === 'completed' ? { completedAt: createdAt + 60, duration: 5 } : {}),
        projectZip: Buffer.alloc(0),
        entryPath: 'index.html',
        format: 'mp4',
        aspectRatio: '16:9'
      })
    }
  }

  create(body: CreateRenderBody, idempotencyKey: string | undefined): ApiResult {
    const zip = this.projectBytes(body)
    const project = openProject(zip, body.composition)
    checkVariables(project.info, body.variables)
    const aspectRatio = body.aspect_ratio ?? '16:9'
    this.warnOnAspectMismatch(
      project.info.root === undefined ? undefined : { w: numericAttribute(project.info.root, 'data-width'), h: numericAttribute(project.info.root, 'data-height') },
      aspectRatio
    )

    const record: RenderRecord = {
      id: randomBytes(16).toString('hex'),
      seq: ++this.seq,
      body,
      ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
      status: 'queued',
      deleted: false,
      createdAt: this.serverSeconds(),
      projectZip: zip,
      entryPath: project.entryPath,
      format: body.format ?? 'mp4',
      aspectRatio
    }
    this.records.set(record.id, record)
    this.deps.stats.rendersCreated += 1
    const burst = this.deps.options.otherClients.burst
    if (burst && ++this.created === burst.creates) this.addOtherClients(burst.count, 'queued')
    this.deps.timers.after(this.deps.options.queueMs, () => this.queue.enqueue(record))
    return { status: 202, body: { data: { render_id: record.id } } }
  }

  get(id: string): ApiResult {
    return { status: 200, body: { data: this.detail(this.live(id)) } }
  }

  list(query: URLSearchParams): ApiResult {
    const limit = parseListLimit(query.get('limit'))
    const token = query.get('token')
    const before = token === null || token === '' ? Number.POSITIVE_INFINITY : decodeToken(token)
    const newestFirst = [...this.records.values()].filter((r) => !r.deleted && r.seq < before).sort((a, b) => b.seq - a.seq)
    const page = newestFirst.slice(0, limit)
    const hasMore = newestFirst.length > limit
    return {
      status: 200,
      body: {
        data: page.map((r) => this.detail(r)),
        has_more: hasMore,
        next_token: hasMore ? encodeToken(page[page.length - 1]!.seq) : null
      }
    }
  }

  remove(id: string): ApiResult {
    const record = this.live(id)
    record.deleted = true
    return { status: 200, body: { data: { render_id: record.id } } }
  }

  /** Bytes for a presigned download; deleted renders keep their objects, like a bucket would. */
  media(id: string, kind: 'video' | 'thumbnail'): { bytes: Buffer; contentType: string; format: OutputFormat } | undefined {
    const record = this.records.get(id)
    const bytes = kind === 'video' ? record?.video : record?.thumbnail
    if (!record || !bytes) return undefined
    return { bytes, contentType: kind === 'video' ? MIME_BY_FORMAT[record.format] : 'image/png', format: record.format }
  }

  snapshot(): RenderSnapshot[] {
    return [...this.records.values()]
      .filter((r) => !r.otherClient)
      .map((r) => ({
        render_id: r.id,
        status: r.status,
        body: r.body,
        ...(r.idempotencyKey !== undefined ? { idempotencyKey: r.idempotencyKey } : {}),
        ...(r.video !== undefined ? { video: r.video } : {}),
        ...(r.failureMessage !== undefined ? { failure_message: r.failureMessage } : {}),
        ...(r.completedAtMs !== undefined ? { completedAtMs: r.completedAtMs } : {})
      }))
  }

  videoBytes(id: string): Buffer | undefined {
    return this.records.get(id)?.video
  }

  /** Unix seconds by the server's clock, skewed as configured. */
  private serverSeconds(): number {
    return Math.floor(Date.now() / 1000) + this.deps.options.clockSkewSeconds
  }

  private live(id: string): RenderRecord {
    const record = this.records.get(id)
    if (!record || record.deleted) {
      throw new ApiError(404, 'hyperframes_render_not_found', `HyperFrames render '${id}' not found.`, 'render_id')
    }
    return record
  }

  private projectBytes(body: CreateRenderBody): Buffer {
    const project = body.project
    switch (project.type) {
      case 'asset_id':
        return this.deps.uploads.zipFor(project.asset_id)
      case 'url':
        throw new ApiError(
          400,
          'invalid_parameter',
          "project.type 'url' is not supported by the emulator (it never fetches from the network): upload the zip with POST /v3/assets/direct-uploads and pass {type: 'asset_id'}, or send {type: 'base64'}.",
          'project'
        )
      case 'base64': {
        if (project.media_type !== 'application/zip') {
          throw new ApiError(400, 'invalid_parameter', `project.media_type must be 'application/zip', got '${project.media_type}'.`, 'project')
        }
        const compact = project.data.replace(/\s+/g, '')
        if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) {
          throw new ApiError(400, 'invalid_parameter', 'project.data is not valid base64.', 'project')
        }
        const bytes = Buffer.from(compact, 'base64')
        if (bytes.length > MAX_INLINE_BYTES) {
          throw new ApiError(400, 'hyperframes_project_too_large', `Inline project is ${bytes.length} bytes; use the direct upload for projects over ${MAX_INLINE_BYTES} bytes.`, 'project')
        }
        return bytes
      }
    }
  }

  private startRendering(record: RenderRecord): void {
    const { options, timers, engine, random } = this.deps
    record.status = 'rendering'
    if (options.neverFinish(record.body)) return // keeps its slot, as a stuck render would
    const jitter = options.renderJitterMs * (random() * 2 - 1)
    const renderTime = new Promise<void>((resolve) => timers.after(options.renderMs + jitter, resolve))
    const failure = options.failRender(record.body)
    if (failure !== undefined) {
      void renderTime.then(() => this.finish(record, { failure }))
      return
    }
    const output = engine.render({
      renderId: record.id,
      projectZip: record.projectZip,
      composition: record.entryPath,
      variables: record.body.variables ?? {},
      fps: record.body.fps ?? 30,
      quality: record.body.quality ?? 'standard',
      format: record.format,
      resolution: record.body.resolution ?? '1080p',
      aspectRatio: record.aspectRatio,
      signal: this.deps.signal
    })
    Promise.all([output, renderTime]).then(
      ([result]) => this.finish(record, { result }),
      (err: unknown) => this.finish(record, { failure: `Render failed: ${(err as Error).message ?? String(err)}` })
    )
  }

  private finish(record: RenderRecord, outcome: { result?: { video: Buffer; thumbnail: Buffer; duration: number }; failure?: string }): void {
    if (this.deps.timers.isClosed) return
    // completedAtMs is on the request log's clock (tests compare the two); completed_at is the API's, skewed as configured.
    record.completedAtMs = performance.timeOrigin + performance.now()
    record.completedAt = this.serverSeconds()
    if (outcome.result) {
      record.status = 'completed'
      record.video = outcome.result.video
      record.thumbnail = outcome.result.thumbnail
      record.duration = outcome.result.duration
    } else {
      record.status = 'failed'
      record.failureMessage = outcome.failure ?? 'Render failed.'
    }
    record.projectZip = Buffer.alloc(0) // the engine is done with it
    this.deps.options.log(`render ${record.id} ${record.status}${record.failureMessage ? `: ${record.failureMessage}` : ''}`)
    this.queue.release()
    this.notify(record)
  }

  private notify(record: RenderRecord): void {
    const url = record.body.callback_url
    if (!url || record.deleted) return
    const callbackId = record.body.callback_id ?? null
    if (record.status === 'completed') {
      this.deps.webhooks.send(url, {
        event_type: 'hyperframes_video.success',
        event_data: { render_id: record.id, callback_id: callbackId, video_url: this.signedUrl(record, 'video') }
      })
    } else {
      this.deps.webhooks.send(url, {
        event_type: 'hyperframes_video.fail',
        event_data: { render_id: record.id, callback_id: callbackId, failure_message: record.failureMessage ?? 'Render failed.' }
      })
    }
  }

  /** Presigned URLs are minted fresh on every GET, so a client can always re-GET for a live one. */
  private signedUrl(record: RenderRecord, kind: 'video' | 'thumbnail'): string {
    const path = kind === 'video' ? `/_storage/videos/${record.id}.${record.format}` : `/_storage/thumbnails/${record.id}.png`
    return this.deps.presigner.sign('GET', path).url
  }

  private detail(r: RenderRecord): Record<string, unknown> {
    const done = r.status === 'completed'
    return {
      render_id: r.id,
      status: r.status,
      format: r.format,
      title: r.body.title ?? null,
      callback_id: r.body.callback_id ?? null,
      fps: r.body.fps ?? 30,
      quality: r.body.quality ?? 'standard',
      resolution: r.body.resolution ?? '1080p',
      aspect_ratio: r.aspectRatio,
      composition: r.body.composition ?? null,
      created_at: r.createdAt,
      completed_at: r.completedAt ?? null,
      duration: done ? (r.duration ?? null) : null,
      video_url: done ? this.signedUrl(r, 'video') : null,
      thumbnail_url: done ? this.signedUrl(r, 'thumbnail') : null,
      failure_message: r.status === 'failed' ? (r.failureMessage ?? null) : null
    }
  }

  private warnOnAspectMismatch(size: { w: number | undefined; h: number | undefined } | undefined, aspect: AspectRatio): void {
    if (!size?.w || !size.h) return
    const actual = size.w > size.h ? '16:9' : size.w < size.h ? '9:16' : '1:1'
    if (actual !== aspect) {
      this.deps.options.log(`warning: composition is ${size.w}x${size.h} but aspect_ratio is '${aspect}'; the real service renders this wrong`)
    }
  }
}

/** Cursor = the sequence number of the last item on the page, opaque to clients. */
function encodeToken(seq: number): string {
  return Buffer.from(`r:${seq}`).toString('base64url')
}

function decodeToken(token: string): number {
  const match = /^r:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'))
  if (!match) throw new ApiError(400, 'invalid_parameter', 'token is not a valid page token.', 'token')
  return Number(match[1])
}
