import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/*
 * A local stand-in for GitHub's Actions cache service (v2), speaking what @actions/cache sends:
 * Twirp JSON calls POST /twirp/github.actions.results.api.v1.CacheService/<Method> on
 * ACTIONS_RESULTS_URL with the runtime token; the archive goes to a signed URL with one Azure
 * Put Blob (BlockBlobClient.uploadFile sends archives under 128 MiB in one shot) and comes back
 * with a plain GET (URLs not on blob.core.windows.net are downloaded with the http client).
 * Entries are keyed by key and version, as on GitHub; a key is written once.
 */

export const CACHE_PREFIX = '/twirp/github.actions.results.api.v1.CacheService/'

export interface CacheEntry {
  key: string
  version: string
  bytes?: Buffer
  finalized: boolean
}

export interface CacheServer {
  url: string
  /** What a runner sets for a step that may use the cache service. */
  env: Record<string, string>
  entries: CacheEntry[]
  /** Twirp method or blob operation of every request, in order. */
  calls: string[]
  /** Answer every Twirp call with this HTTP status (e.g. 503) until cleared. */
  failWith(status: number | undefined): void
  close(): Promise<void>
}

export async function startCacheServer(): Promise<CacheServer> {
  const token = `cache-token-${randomBytes(6).toString('hex')}`
  const entries: CacheEntry[] = []
  const calls: string[] = []
  let failing: number | undefined
  let url = ''

  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req)
      const u = new URL(req.url ?? '/', url)
      const json = (status: number, value: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value))
      }
      if (u.pathname.startsWith('/blob/')) {
        const entry = entries[Number(u.pathname.slice('/blob/'.length))]
        if (!entry) return void res.writeHead(404).end()
        if (req.method === 'PUT') {
          calls.push('put-blob')
          if (entry.finalized || req.headers['x-ms-blob-type'] !== 'BlockBlob') return void res.writeHead(400).end()
          entry.bytes = body
          return void res.writeHead(201, { 'x-ms-request-id': randomBytes(4).toString('hex'), etag: '"0x1"', 'content-length': '0' }).end()
        }
        calls.push('get-blob')
        if (!entry.finalized || !entry.bytes) return void res.writeHead(404).end()
        return void res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(entry.bytes.length) }).end(entry.bytes)
      }
      if (req.method !== 'POST' || !u.pathname.startsWith(CACHE_PREFIX)) return json(404, { code: 'bad_route', msg: 'not found' })
      const method = u.pathname.slice(CACHE_PREFIX.length)
      calls.push(method)
      if (failing) return json(failing, { code: 'unavailable', msg: `injected ${failing}` })
      if (req.headers.authorization !== `Bearer ${token}`) return json(401, { code: 'unauthenticated', msg: 'bad token' })
      const msg = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>
      const key = String(msg.key ?? '')
      const version = String(msg.version ?? '')
      if (method === 'GetCacheEntryDownloadURL') {
        const hit = entries.findIndex((e) => e.finalized && e.key === key && e.version === version)
        return hit < 0 ? json(200, { ok: false }) : json(200, { ok: true, signed_download_url: `${url}/blob/${hit}?sig=r`, matched_key: key })
      }
      if (method === 'CreateCacheEntry') {
        if (entries.some((e) => e.key === key && e.version === version)) return json(409, { code: 'already_exists', msg: 'cache entry already exists' })
        entries.push({ key, version, finalized: false })
        return json(200, { ok: true, signed_upload_url: `${url}/blob/${entries.length - 1}?sig=w` })
      }
      if (method === 'FinalizeCacheEntryUpload') {
        const at = entries.findIndex((e) => !e.finalized && e.key === key && e.version === version)
        const entry = entries[at]
        if (!entry?.bytes || Number(msg.size_bytes) !== entry.bytes.length) return json(400, { code: 'invalid_argument', msg: 'size does not match the upload' })
        entry.finalized = true
        return json(200, { ok: true, entry_id: String(at + 1) })
      }
      return json(404, { code: 'bad_route', msg: `${method} is not served here` })
    })().catch(() => res.writeHead(500).end())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    env: { ACTIONS_RESULTS_URL: `${url}/`, ACTIONS_RUNTIME_TOKEN: token, ACTIONS_CACHE_SERVICE_V2: 'true' },
    entries,
    calls,
    failWith: (status) => void (failing = status),
    close: () => {
      server.closeAllConnections()
      return new Promise((resolve) => server.close(() => resolve()))
    }
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}
