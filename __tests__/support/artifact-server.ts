import { createHash, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'

/*
 * A local stand-in for GitHub's artifact service, speaking what @actions/artifact v6 sends:
 *
 * - the results service: Twirp JSON calls POST /twirp/github.actions.results.api.v1.ArtifactService/<Method>
 *   with `Authorization: Bearer <ACTIONS_RUNTIME_TOKEN>`. Upload uses CreateArtifact then FinalizeArtifact;
 *   getArtifact/listArtifacts use ListArtifacts. Field names are the proto names (snake_case), int64 values
 *   are strings, wrappers (StringValue) are bare values, Timestamps are RFC 3339 strings.
 * - blob storage, on its own origin: the signed upload URL from CreateArtifact, written by @azure/storage-blob's
 *   BlockBlobClient.uploadStream, which always stages blocks (PUT ?comp=block&blockid=…) and commits them
 *   (PUT ?comp=blocklist with an XML <BlockList>). A single Put Blob is never sent, so it is refused.
 *
 * The runtime token is an unsigned JWT whose `scp` claim carries `Actions.Results:<run id>:<job id>`: the
 * library reads the backend ids from it and sends them in every call. Download lists by id (ListArtifacts
 * with id_filter), asks GetSignedArtifactURL for a read URL on blob storage and GETs it: a zip is
 * served as application/zip (the library unzips it), a skipArchive file as its own type. Artifact names are unique within a
 * workflow run (409 already_exists), as on GitHub; a name is taken from CreateArtifact on, finalized or not.
 */

export const TWIRP_PREFIX = '/twirp/github.actions.results.api.v1.ArtifactService/'
export type TwirpMethod = 'CreateArtifact' | 'FinalizeArtifact' | 'ListArtifacts' | 'GetSignedArtifactURL' | 'DeleteArtifact'
const IMPLEMENTED = new Set<string>(['CreateArtifact', 'FinalizeArtifact', 'ListArtifacts', 'GetSignedArtifactURL'])

export interface StoredArtifact {
  id: number
  name: string
  runBackendId: string
  jobBackendId: string
  /** CreateArtifact's mime_type: the file's own type with skipArchive, application/zip otherwise. */
  mimeType?: string
  version?: number
  /** CreateArtifact's expires_at, present only when retention-days was given. */
  expiresAt?: Date
  createdAt: Date
  finalized: boolean
  /** The committed blob, reassembled from its blocks in block-list order. */
  bytes?: Buffer
  /** x-ms-blob-content-type sent with the block list. */
  blobContentType?: string
  blocksCommitted: number
  /** FinalizeArtifact's hash: `sha256:<hex>` of the uploaded bytes. */
  digest?: string
}

/** A call the service received, for counting (never timing). */
export interface ServiceRequest {
  origin: 'results' | 'blob'
  method: string
  /** Twirp method, or the blob operation (`block`, `blocklist`, `put-blob`, …). */
  operation: string
  status: number
  /** The Authorization header as sent; blob storage must never see the runtime token. */
  authorization?: string
}

export interface ServiceFault {
  /** A Twirp method, or `blob` for every blob-storage request. */
  on: TwirpMethod | 'blob'
  status: number
  /** Twirp error code (results service) or Azure error code (blob storage). */
  code?: string
  message?: string
  /** Only the first N matching requests fail; default: all of them. */
  times?: number
  /** Only for this artifact name (Twirp calls that carry one). */
  name?: string
}

export interface ArtifactServerOptions {
  runBackendId?: string
  jobBackendId?: string
  faults?: ServiceFault[]
}

export interface ArtifactServer {
  /** ACTIONS_RESULTS_URL, with the trailing slash runners give it. */
  resultsUrl: string
  blobUrl: string
  /** ACTIONS_RUNTIME_TOKEN: an unsigned JWT carrying the backend ids. */
  token: string
  /** The variables a runner sets for a step that may upload artifacts. */
  env: Record<string, string>
  /** Finalized artifacts, in id order. */
  artifacts(): StoredArtifact[]
  /** Every artifact created, finalized or not. */
  created(): StoredArtifact[]
  requests: ServiceRequest[]
  /** Requests the real service would not expect from @actions/artifact's upload path. */
  unexpected: string[]
  /** Puts a finalized artifact in the run, as if an earlier attempt or another job had uploaded it. */
  seed(name: string, bytes: Buffer, mimeType?: string): StoredArtifact
  setFaults(faults: ServiceFault[]): void
  close(): Promise<void>
}

const MAX_BODY = 256 * 1024 * 1024
const FIRST_ID = 4_100_000_001

/**
 * The runtime token stayed where it belongs: in none of `texts` (log lines, outputs, the summary),
 * on every request to the results service, and on none to blob storage (its URLs are signed).
 */
export function expectTokenKept(texts: string[], server: ArtifactServer): void {
  const claims = server.token.split('.')[1]
  for (const text of texts) {
    expect(text).not.toContain(server.token)
    expect(text).not.toContain(claims)
  }
  for (const r of server.requests) {
    if (r.origin === 'blob') expect(r.authorization).toBeUndefined()
    else expect(r.authorization).toBe(`Bearer ${server.token}`)
  }
  expect(server.unexpected).toEqual([])
}

export function makeRuntimeToken(runBackendId: string, jobBackendId: string): string {
  const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')
  const claims = {
    // The library only needs scp; the rest mirrors what a runner's token carries.
    scp: `Actions.ExampleScope Actions.Results:${runBackendId}:${jobBackendId}`,
    iss: 'https://token.actions.githubusercontent.invalid',
    aud: 'vso:test',
    nbf: Math.floor(Date.now() / 1000) - 60,
    exp: Math.floor(Date.now() / 1000) + 3600
  }
  // alg none and an empty signature: jwt-decode reads claims without verifying, as the library does.
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`
}

export async function startArtifactServer(options: ArtifactServerOptions = {}): Promise<ArtifactServer> {
  const runBackendId = options.runBackendId ?? 'c0ffee00-0000-4000-8000-000000000001'
  const jobBackendId = options.jobBackendId ?? 'c0ffee00-0000-4000-8000-000000000002'
  const token = makeRuntimeToken(runBackendId, jobBackendId)
  const store: StoredArtifact[] = []
  const staged = new Map<number, Map<string, Buffer>>()
  const sigs = new Map<number, string>()
  const requests: ServiceRequest[] = []
  const unexpected: string[] = []
  let faults: Array<ServiceFault & { used: number }> = (options.faults ?? []).map((f) => ({ ...f, used: 0 }))
  let nextId = FIRST_ID
  const sockets = new Set<Socket>()

  const takeFault = (on: ServiceFault['on'], name?: string): ServiceFault | undefined => {
    const fault = faults.find((f) => f.on === on && (f.name === undefined || f.name === name) && (f.times === undefined || f.used < f.times))
    if (fault) fault.used++
    return fault
  }

  const listen = async (handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>): Promise<{ server: Server; url: string }> => {
    const server = createServer((req, res) => {
      handler(req, res).catch((err: unknown) => {
        unexpected.push(`internal error: ${(err as Error).stack ?? String(err)}`)
        if (!res.headersSent) res.writeHead(500).end()
        else res.destroy()
      })
    })
    server.on('connection', (socket: Socket) => {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, '127.0.0.1', () => resolve())
    })
    const address = server.address()
    if (address === null || typeof address === 'string') throw new Error('artifact server: unexpected address')
    return { server, url: `http://127.0.0.1:${address.port}` }
  }

  // ---- results service (Twirp JSON) ----
  const results = await listen(async (req, res) => {
    const record: ServiceRequest = { origin: 'results', method: req.method ?? '', operation: '', status: 0, authorization: req.headers.authorization }
    requests.push(record)
    const reply = (status: number, body: unknown): void => {
      record.status = status
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
    }
    const twirpError = (status: number, code: string, msg: string): void => reply(status, { code, msg })
    const url = new URL(req.url ?? '/', 'http://results.invalid')
    const body = await readBody(req)
    if (req.method !== 'POST' || !url.pathname.startsWith(TWIRP_PREFIX)) {
      unexpected.push(`results: ${req.method} ${url.pathname}`)
      return twirpError(404, 'bad_route', `no handler for ${req.method} ${url.pathname}`)
    }
    const method = url.pathname.slice(TWIRP_PREFIX.length)
    record.operation = method
    if (!IMPLEMENTED.has(method)) {
      unexpected.push(`results: ${method}`)
      return twirpError(404, 'bad_route', `${method} is not served here`)
    }
    if (req.headers.authorization !== `Bearer ${token}`) return twirpError(401, 'unauthenticated', 'missing or wrong runtime token')
    if (!String(req.headers['content-type']).startsWith('application/json')) return twirpError(415, 'malformed', 'expected application/json')
    let msg: Record<string, unknown>
    try {
      const parsed: unknown = JSON.parse(body.toString('utf8'))
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object')
      msg = parsed as Record<string, unknown>
    } catch {
      return twirpError(400, 'malformed', 'the body is not a JSON object')
    }
    // Every call is scoped to the run and job the token names.
    if (msg.workflow_run_backend_id !== runBackendId || msg.workflow_job_run_backend_id !== jobBackendId) {
      return twirpError(403, 'permission_denied', 'backend ids do not match the runtime token')
    }
    const name = typeof msg.name === 'string' ? msg.name : undefined
    const fault = takeFault(method as TwirpMethod, name)
    if (fault) return twirpError(fault.status, fault.code ?? 'internal', fault.message ?? `injected ${fault.status}`)

    if (method === 'CreateArtifact') {
      if (!name) return twirpError(400, 'invalid_argument', 'name is required')
      if (typeof msg.version !== 'number') return twirpError(400, 'invalid_argument', 'version is required')
      if (store.some((a) => a.runBackendId === runBackendId && a.name === name)) {
        return twirpError(409, 'already_exists', 'an artifact with this name already exists on the workflow run')
      }
      let expiresAt: Date | undefined
      if (msg.expires_at !== undefined) {
        expiresAt = typeof msg.expires_at === 'string' ? new Date(msg.expires_at) : new Date(NaN)
        if (Number.isNaN(expiresAt.getTime()) || expiresAt.getTime() <= Date.now()) return twirpError(400, 'invalid_argument', 'expires_at must be a future RFC 3339 time')
      }
      const artifact: StoredArtifact = {
        id: nextId++,
        name,
        runBackendId,
        jobBackendId,
        mimeType: typeof msg.mime_type === 'string' ? msg.mime_type : undefined,
        version: msg.version,
        expiresAt,
        createdAt: new Date(),
        finalized: false,
        blocksCommitted: 0
      }
      store.push(artifact)
      const sig = randomBytes(24).toString('base64url')
      sigs.set(artifact.id, sig)
      const se = new Date(Date.now() + 3600_000).toISOString()
      const query = new URLSearchParams({ sv: '2024-11-04', se, sr: 'b', sp: 'cw', sig })
      return reply(200, { ok: true, signed_upload_url: `${blob.url}/actions-results/${artifact.id}/${encodeURIComponent(name)}?${query}` })
    }

    if (method === 'FinalizeArtifact') {
      const artifact = store.find((a) => a.name === name && a.runBackendId === runBackendId && !a.finalized)
      if (!artifact) return twirpError(404, 'not_found', 'no artifact of this name is waiting to be finalized')
      if (!artifact.bytes) return twirpError(400, 'failed_precondition', 'no blob was committed for this artifact')
      if (typeof msg.size !== 'string' || Number(msg.size) !== artifact.bytes.length) {
        return twirpError(400, 'invalid_argument', `size ${String(msg.size)} does not match the ${artifact.bytes.length} bytes committed`)
      }
      const digest = `sha256:${createHash('sha256').update(artifact.bytes).digest('hex')}`
      if (msg.hash !== undefined && msg.hash !== digest) return twirpError(400, 'invalid_argument', `hash ${String(msg.hash)} does not match ${digest}`)
      artifact.digest = digest
      artifact.finalized = true
      return reply(200, { ok: true, artifact_id: String(artifact.id) })
    }

    if (method === 'GetSignedArtifactURL') {
      const artifact = store.find((a) => a.finalized && a.runBackendId === runBackendId && a.name === name)
      if (!artifact) return twirpError(404, 'not_found', 'no finalized artifact of this name in the run')
      const se = new Date(Date.now() + 3600_000).toISOString()
      const query = new URLSearchParams({ sv: '2024-11-04', se, sr: 'b', sp: 'r', sig: sigs.get(artifact.id) ?? '' })
      return reply(200, { signed_url: `${blob.url}/actions-results/${artifact.id}/${encodeURIComponent(artifact.name)}?${query}` })
    }

    // ListArtifacts: only finalized artifacts of the run, optionally by name and id.
    const byName = typeof msg.name_filter === 'string' ? msg.name_filter : undefined
    const byId = typeof msg.id_filter === 'string' ? Number(msg.id_filter) : undefined
    const found = store.filter((a) => a.finalized && a.runBackendId === runBackendId && (byName === undefined || a.name === byName) && (byId === undefined || a.id === byId))
    return reply(200, {
      artifacts: found.map((a) => ({
        workflow_run_backend_id: a.runBackendId,
        workflow_job_run_backend_id: a.jobBackendId,
        database_id: String(a.id),
        name: a.name,
        size: String(a.bytes?.length ?? 0),
        created_at: a.createdAt.toISOString(),
        digest: a.digest
      }))
    })
  })

  // ---- blob storage (the signed upload URL) ----
  const blob = await listen(async (req, res) => {
    const record: ServiceRequest = { origin: 'blob', method: req.method ?? '', operation: '', status: 0, authorization: req.headers.authorization }
    requests.push(record)
    const now = new Date()
    const headers = { 'x-ms-request-id': randomBytes(8).toString('hex'), 'x-ms-version': '2024-11-04', date: now.toUTCString() }
    const azureError = (status: number, code: string, message: string): void => {
      record.status = status
      res
        .writeHead(status, { ...headers, 'x-ms-error-code': code, 'content-type': 'application/xml' })
        .end(`<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`)
    }
    const url = new URL(req.url ?? '/', 'http://blob.invalid')
    const body = await readBody(req)
    const comp = url.searchParams.get('comp')
    record.operation = comp ?? (req.method === 'PUT' ? 'put-blob' : (req.method ?? '').toLowerCase())
    const match = /^\/actions-results\/(\d+)\/[^/]+$/.exec(url.pathname)
    const artifact = match ? store.find((a) => a.id === Number(match[1])) : undefined
    if (!artifact) {
      unexpected.push(`blob: ${req.method} ${url.pathname}`)
      return azureError(404, 'BlobNotFound', 'The specified blob does not exist.')
    }
    if (url.searchParams.get('sig') !== sigs.get(artifact.id) || new Date(url.searchParams.get('se') ?? 0) < now) {
      return azureError(403, 'AuthenticationFailed', 'Server failed to authenticate the request.')
    }
    const fault = takeFault('blob')
    if (fault) return azureError(fault.status, fault.code ?? 'InternalError', fault.message ?? `injected ${fault.status}`)
    if (req.method === 'GET' && comp === null) {
      if (!artifact.finalized || !artifact.bytes) return azureError(404, 'BlobNotFound', 'The specified blob does not exist.')
      record.operation = 'get-blob'
      record.status = 200
      res.writeHead(200, { ...headers, 'content-type': artifact.mimeType ?? 'application/octet-stream', 'content-length': String(artifact.bytes.length) }).end(artifact.bytes)
      return
    }
    if (req.method !== 'PUT' || (comp !== 'block' && comp !== 'blocklist')) {
      unexpected.push(`blob: ${req.method} ${comp ?? '(no comp)'}`)
      return azureError(400, 'UnsupportedHttpVerb', 'Only Put Block and Put Block List are served here.')
    }
    if (artifact.finalized) return azureError(409, 'BlobImmutable', 'The artifact is finalized.')
    const blocks = staged.get(artifact.id) ?? new Map<string, Buffer>()
    staged.set(artifact.id, blocks)

    if (comp === 'block') {
      const blockId = url.searchParams.get('blockid')
      if (!blockId || Buffer.from(blockId, 'base64').length === 0) return azureError(400, 'InvalidQueryParameterValue', 'blockid is required.')
      if (Number(req.headers['content-length']) !== body.length) return azureError(400, 'InvalidHeaderValue', 'Content-Length does not match the body.')
      blocks.set(blockId, body)
      record.status = 201
      res.writeHead(201, { ...headers, 'x-ms-request-server-encrypted': 'true', 'content-length': '0' }).end()
      return
    }

    // Put Block List: <BlockList><Latest|Uncommitted|Committed>id</…>…</BlockList>, in blob order.
    const ids = [...body.toString('utf8').matchAll(/<(Latest|Uncommitted|Committed)>([^<]*)<\/\1>/g)].map((m) => m[2])
    if (!/<BlockList>/.test(body.toString('utf8'))) return azureError(400, 'InvalidXmlDocument', 'Expected a BlockList.')
    const parts: Buffer[] = []
    for (const id of ids) {
      const part = blocks.get(id)
      if (!part) return azureError(400, 'InvalidBlockList', `Block ${id} was never staged.`)
      parts.push(part)
    }
    artifact.bytes = Buffer.concat(parts)
    artifact.blocksCommitted = ids.length
    artifact.blobContentType = req.headers['x-ms-blob-content-type'] as string | undefined
    staged.delete(artifact.id)
    record.status = 201
    res
      .writeHead(201, { ...headers, etag: `"0x${randomBytes(8).toString('hex').toUpperCase()}"`, 'last-modified': now.toUTCString(), 'x-ms-request-server-encrypted': 'true', 'content-length': '0' })
      .end()
  })

  let closing: Promise<void> | undefined
  return {
    resultsUrl: `${results.url}/`,
    blobUrl: blob.url,
    token,
    env: { ACTIONS_RUNTIME_TOKEN: token, ACTIONS_RESULTS_URL: `${results.url}/` },
    artifacts: () => store.filter((a) => a.finalized),
    created: () => [...store],
    requests,
    unexpected,
    seed: (name, bytes, mimeType = 'application/octet-stream') => {
      const artifact: StoredArtifact = {
        id: nextId++,
        name,
        runBackendId,
        // Another job of the same run.
        jobBackendId: 'c0ffee00-0000-4000-8000-0000000000ff',
        mimeType,
        version: 7,
        createdAt: new Date(),
        finalized: true,
        bytes,
        blocksCommitted: 1,
        digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`
      }
      store.push(artifact)
      sigs.set(artifact.id, randomBytes(24).toString('base64url'))
      return artifact
    },
    setFaults: (next) => {
      faults = next.map((f) => ({ ...f, used: 0 }))
    },
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        let open = 2
        for (const { server } of [results, blob]) server.close(() => --open === 0 && resolve())
        // Idle keep-alive sockets from the action's HTTP agents would otherwise hold close() open.
        for (const socket of sockets) socket.destroy()
        for (const { server } of [results, blob]) server.closeAllConnections()
      })
      return closing
    }
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY) {
        req.destroy()
        reject(new Error(`body over ${MAX_BODY} bytes`))
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks, size)))
    req.on('error', reject)
  })
}
