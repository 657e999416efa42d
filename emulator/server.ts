import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { hasCredentialHeader, requireApiKey } from './auth.js'
import { serveDownload } from './downloads.js'
import { createFastEngine } from './engine-fast.js'
import { FaultInjector, type FaultAction, type FaultRule } from './faults.js'
import { ApiError, BodyTooLarge, errorBody, header, readBody, resultFromError, sendResult, sendStorageError, type ApiResult } from './http-io.js'
import { IDEMPOTENCY_KEY_PATTERN, IdempotencyStore, type Claim } from './idempotency.js'
import { resolveOptions, type EmulatorOptions, type ResolvedOptions } from './options.js'
import { Presigner } from './presign.js'
import { createRandom } from './prng.js'
import { Renders, type RenderSnapshot } from './renders.js'
import { isStorageRoute, matchRoute, type RouteMatch, type RouteName } from './routes.js'
import { createStats, resetStats, type EmulatorStats, type RequestRecord } from './stats.js'
import { Timers } from './timers.js'
import { Uploads } from './uploads.js'
import { parseJsonBody, requireJsonContentType, validateCompleteBody, validateCreateBody, validateDirectUploadBody } from './validate.js'
import { Webhooks } from './webhooks.js'

export interface Emulator {
  /** The API origin, e.g. http://127.0.0.1:54321 */
  url: string
  port: number
  /**
   * The storage origin that presigned upload/download URLs point at. Like S3 beside
   * api.heygen.com it is another origin, so a test can see what a client sends where.
   */
  storageUrl: string
  stats: EmulatorStats
  renders(): RenderSnapshot[]
  videoBytes(renderId: string): Buffer | undefined
  /** The bytes uploaded for an asset, once its PUT arrived: what a test inspects to see what was packed. */
  assetBytes(assetId: string): Buffer | undefined
  /** The filename an asset's upload was created with. */
  assetFilename(assetId: string): string | undefined
  setFaults(faults: FaultRule[]): void
  /** Clears stats only; renders, assets and idempotency records stay. */
  resetStats(): void
  /** Closes the server and every socket and clears every timer, so the process can exit. */
  close(): Promise<void>
}

const MAX_JSON_BYTES = 64 * 1024 * 1024

interface App {
  options: ResolvedOptions
  stats: EmulatorStats
  faults: FaultInjector
  idempotency: IdempotencyStore
  presigner: Presigner
  uploads: Uploads
  renders: Renders
  timers: Timers
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const resolved = resolveOptions(options)
  const sockets = new Set<Socket>()
  // eslint-disable-next-line prefer-const -- set once the servers listen; until then they answer 503
  let app: App | undefined
  const listen = async (origin: Origin): Promise<{ server: Server; url: string; port: number }> => {
    const server = createServer((req, res) => {
      if (!app) {
        res.writeHead(503).end()
        return
      }
      handle(app, origin, req, res).catch((err: unknown) => {
        resolved.log(`internal error: ${(err as Error).stack ?? String(err)}`)
        if (!res.headersSent) sendResult(res, { status: 500, body: errorBody('internal_error', 'Emulator internal error.') })
        else res.destroy()
      })
    })
    server.on('connection', (socket: Socket) => {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(origin === 'api' ? resolved.port : 0, resolved.host, () => {
        server.off('error', reject)
        resolve()
      })
    })
    const address = server.address()
    if (address === null || typeof address === 'string') throw new Error('emulator: unexpected server address')
    return { server, url: `http://${urlHost(resolved.host)}:${address.port}`, port: address.port }
  }
  const api = await listen('api')
  const storage = await listen('storage')
  const url = api.url

  const stats = createStats()
  const random = createRandom(options.seed)
  const timers = new Timers()
  const webhooks = new Webhooks(resolved.log)
  const presigner = new Presigner(storage.url, resolved.urlTtlSeconds)
  const uploads = new Uploads(stats, presigner, storage.url, { probability: resolved.completeRaceProbability, random })
  const engine = options.engine ?? createFastEngine({ log: resolved.log })
  const shutdown = new AbortController()
  const renders = new Renders({ options: resolved, stats, uploads, presigner, timers, engine, random, webhooks, signal: shutdown.signal })
  const faults = new FaultInjector(random, options.faults)
  app = { options: resolved, stats, faults, idempotency: new IdempotencyStore(), presigner, uploads, renders, timers }

  let closing: Promise<void> | undefined
  return {
    url,
    port: api.port,
    storageUrl: storage.url,
    stats,
    renders: () => renders.snapshot(),
    videoBytes: (id) => renders.videoBytes(id),
    assetBytes: (id) => uploads.bytesOf(id),
    assetFilename: (id) => uploads.filenameOf(id),
    setFaults: (rules) => faults.set(rules),
    resetStats: () => resetStats(stats),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        timers.clearAll()
        webhooks.close()
        shutdown.abort()
        let open = 2
        for (const { server } of [api, storage]) server.close(() => --open === 0 && resolve())
        // Hung requests and idle keep-alive connections would otherwise hold close() open.
        for (const socket of sockets) socket.destroy()
        for (const { server } of [api, storage]) server.closeAllConnections()
      })
      return closing
    }
  }
}

type Origin = 'api' | 'storage'

async function handle(app: App, origin: Origin, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? 'GET'
  const url = new URL(req.url ?? '/', 'http://emulator.invalid')
  const found = matchRoute(method, url.pathname)
  // Each origin serves only its own routes, as api.heygen.com and its storage bucket do.
  const match: RouteMatch = found.kind === 'route' && isStorageRoute(found.name) !== (origin === 'storage') ? { kind: 'unknown' } : found
  const label = match.kind === 'route' ? match.name : 'unknown'
  const idempotencyKey = header(req, 'idempotency-key')
  const record: RequestRecord = {
    method,
    route: label,
    path: url.pathname,
    status: 0,
    ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
    hadApiKey: hasCredentialHeader(req),
    receivedAt: preciseNow()
  }
  app.stats.requests.push(record)
  app.stats.byRoute[label] = (app.stats.byRoute[label] ?? 0) + 1
  res.on('finish', () => {
    record.status = res.statusCode
    record.answeredAt = preciseNow()
    app.options.log(`${method} ${url.pathname} → ${res.statusCode}`)
  })

  if (match.kind === 'unknown') {
    return sendResult(res, { status: 404, body: errorBody('not_found', `No route for ${method} ${url.pathname}.`) })
  }
  if (match.kind === 'method_not_allowed') {
    return sendResult(res, { status: 405, headers: { allow: match.allow }, body: errorBody('method_not_allowed', `${method} is not allowed on ${url.pathname} (allowed: ${match.allow}).`) })
  }
  if (isStorageRoute(match.name)) return handleStorage(app, req, res, match.name, url)
  return handleApi(app, req, res, match.name, match.id, url)
}

/**
 * API pipeline: auth → Idempotency-Key check → faults (+ latency) → replay / in-progress →
 * handler. The key is claimed synchronously on arrival, so a retry arriving while the original
 * is delayed gets 409 request_in_progress.
 */
async function handleApi(app: App, req: IncomingMessage, res: ServerResponse, route: RouteName, id: string | undefined, url: URL): Promise<void> {
  let claim: Claim | undefined
  let delayed = false
  try {
    requireApiKey(req, app.options.apiKeys)
    const key = req.method === 'POST' ? header(req, 'idempotency-key') : undefined
    if (key !== undefined && !IDEMPOTENCY_KEY_PATTERN.test(key)) {
      throw new ApiError(400, 'invalid_parameter', 'Idempotency-Key must be 1–255 characters from [A-Za-z0-9_:.-].', 'Idempotency-Key')
    }
    const plan = app.faults.plan(route)
    if (key !== undefined) claim = app.idempotency.claim(url.pathname, key)
    delayed = true
    await app.timers.sleep(plan.delayMs + app.options.latencyMs)
    if (app.timers.isClosed) return
    if (plan.action) {
      if (claim?.kind === 'claimed') claim.abandon() // a faulted request never happened
      claim = undefined
      return applyFault(app, req, res, plan.action, false)
    }
    if (claim?.kind === 'replay') {
      app.stats.replays += 1
      return sendResult(res, { ...claim.result, headers: { ...claim.result.headers, 'idempotent-replayed': 'true' } })
    }
    if (claim?.kind === 'in_progress') {
      claim = undefined
      throw new ApiError(409, 'request_in_progress', 'A request with this Idempotency-Key is already in progress. Retry shortly.')
    }
    const result = await runHandler(app, req, route, id, url, key)
    if (claim?.kind === 'claimed') claim.finish(result)
    sendResult(res, result)
  } catch (err) {
    const result = toResult(err, app)
    if (claim?.kind === 'claimed') claim.finish(result)
    // latencyMs applies to every API response, early refusals (401, bad key) included.
    if (!delayed) await app.timers.sleep(app.options.latencyMs)
    sendResult(res, result)
  }
}

async function runHandler(app: App, req: IncomingMessage, route: RouteName, id: string | undefined, url: URL, key: string | undefined): Promise<ApiResult> {
  const json = async (): Promise<Record<string, unknown>> => {
    requireJsonContentType(header(req, 'content-type'))
    return parseJsonBody(await readBody(req, MAX_JSON_BYTES))
  }
  switch (route) {
    case 'POST /v3/assets/direct-uploads':
      return app.uploads.createDirectUpload(validateDirectUploadBody(await json()))
    case 'POST /v3/assets/:id/complete':
      return app.uploads.complete(id ?? '', validateCompleteBody(await json()).checksum_sha256)
    case 'POST /v3/hyperframes/renders':
      return app.renders.create(validateCreateBody(await json()), key)
    case 'GET /v3/hyperframes/renders':
      return app.renders.list(url.searchParams)
    case 'GET /v3/hyperframes/renders/:id':
      return app.renders.get(id ?? '')
    case 'DELETE /v3/hyperframes/renders/:id':
      return app.renders.remove(id ?? '')
    default:
      throw new Error(`route ${route} is not an API route`)
  }
}

async function handleStorage(app: App, req: IncomingMessage, res: ServerResponse, route: RouteName, url: URL): Promise<void> {
  const plan = app.faults.plan(route)
  await app.timers.sleep(plan.delayMs)
  if (app.timers.isClosed) return
  if (plan.action && plan.action.kind !== 'truncate') return applyFault(app, req, res, plan.action, true)
  if (route === 'PUT upload') {
    const assetId = url.pathname.slice(url.pathname.lastIndexOf('/') + 1)
    return app.uploads.put(req, res, assetId, url.searchParams)
  }
  const kind = route === 'GET video' ? 'video' : 'thumbnail'
  serveDownload(req, res, app, kind, url.pathname, url.searchParams, plan.action?.kind === 'truncate')
}

function applyFault(app: App, req: IncomingMessage, res: ServerResponse, action: FaultAction, storage: boolean): void {
  switch (action.kind) {
    case 'reset':
      app.options.log(`${req.method} ${req.url} → connection reset (fault)`)
      req.socket.resetAndDestroy()
      return
    case 'hang':
      app.options.log(`${req.method} ${req.url} → hanging (fault)`)
      return // the socket is destroyed by close()
    case 'status': {
      if (action.retryAfter !== undefined) res.setHeader('retry-after', String(action.retryAfter))
      if (storage) return sendStorageError(res, action.status, action.code, action.message)
      sendResult(res, { status: action.status, body: errorBody(action.code, action.message) })
      return
    }
    case 'raw':
      res.writeHead(action.status, { 'content-type': action.contentType, 'content-length': String(Buffer.byteLength(action.body)) })
      res.end(action.body)
      return
    case 'truncate':
      return // only meaningful for downloads, handled there
  }
}

function toResult(err: unknown, app: App): ApiResult {
  if (err instanceof ApiError) return resultFromError(err)
  if (err instanceof BodyTooLarge) return { status: 413, body: errorBody('payload_too_large', `Request body too large: ${err.message}.`) }
  app.options.log(`internal error: ${(err as Error).stack ?? String(err)}`)
  return { status: 500, body: errorBody('internal_error', 'Emulator internal error.') }
}

/** Epoch milliseconds with the monotonic clock's resolution. */
function preciseNow(): number {
  return performance.timeOrigin + performance.now()
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1'
  return host.includes(':') ? `[${host}]` : host
}
