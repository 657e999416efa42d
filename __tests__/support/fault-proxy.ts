import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'

/**
 * A small HTTP proxy in front of the emulator for faults the emulator cannot make by itself: an
 * answer lost after the server did the work, a download that ends cleanly half-way, an endless
 * body. The API's presigned URLs are rewritten to point here too, so downloads pass through it.
 */
export type ProxyLabel = 'create' | 'status' | 'list' | 'video' | 'other'

export interface ProxiedRequest {
  method: string
  path: string
  label: ProxyLabel
  /** 1 for the first request with this label, 2 for the second… */
  n: number
}

export type ProxyFault =
  /** Forward, then replace the (2xx) body with its first half: JSON that does not parse. */
  | { kind: 'garble' }
  /** Answer this without forwarding. */
  | { kind: 'answer'; status: number; body: string; contentType?: string }
  /** Answer `bytes` of filler (chunked, no Content-Length) without forwarding. */
  | { kind: 'huge'; status: number; bytes: number; contentType: string }
  /** Forward, then send the first half of the body chunked and end the response cleanly. */
  | { kind: 'chunked-half' }

export interface FaultProxy {
  url: string
  /** Filler bytes the proxy managed to write for 'huge' faults. */
  hugeBytesSent: number
  close(): Promise<void>
}

export async function startFaultProxy(target: { url: string; storageUrl: string }, decide: (req: ProxiedRequest) => ProxyFault | undefined): Promise<FaultProxy> {
  const counts = new Map<ProxyLabel, number>()
  const sockets = new Set<Socket>()
  let self = ''
  const proxy: FaultProxy = { url: '', hugeBytesSent: 0, close: async () => undefined }

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://proxy.invalid')
      const label = labelOf(req.method ?? 'GET', url.pathname)
      const n = (counts.get(label) ?? 0) + 1
      counts.set(label, n)
      const fault = decide({ method: req.method ?? 'GET', path: url.pathname, label, n })
      const body = await readAll(req)
      if (fault?.kind === 'answer') {
        res.writeHead(fault.status, { 'content-type': fault.contentType ?? 'text/html', 'content-length': String(Buffer.byteLength(fault.body)) })
        res.end(fault.body)
        return
      }
      if (fault?.kind === 'huge') return sendHuge(res, fault, (bytes) => (proxy.hugeBytesSent += bytes))
      const origin = url.pathname.startsWith('/_storage/') ? target.storageUrl : target.url
      const upstream = await forward(origin, req, body)
      let bytes = upstream.body
      const headers = { ...upstream.headers }
      delete headers['content-length']
      delete headers['transfer-encoding']
      delete headers.connection
      delete headers['keep-alive']
      if (origin === target.url) bytes = Buffer.from(bytes.toString('utf8').split(target.storageUrl).join(self))
      if (fault?.kind === 'garble' && upstream.status >= 200 && upstream.status < 300) bytes = bytes.subarray(0, Math.floor(bytes.length / 2))
      if (fault?.kind === 'chunked-half') {
        res.writeHead(upstream.status, headers) // no Content-Length: chunked
        res.end(bytes.subarray(0, Math.floor(bytes.length / 2)))
        return
      }
      res.writeHead(upstream.status, { ...headers, 'content-length': String(bytes.length) })
      res.end(bytes)
    })().catch(() => res.destroy())
  })
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('fault proxy: no address')
  self = `http://127.0.0.1:${address.port}`
  proxy.url = self
  proxy.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve())
      for (const socket of sockets) socket.destroy()
    })
  return proxy
}

function labelOf(method: string, pathname: string): ProxyLabel {
  if (pathname === '/v3/hyperframes/renders') return method === 'POST' ? 'create' : 'list'
  if (method === 'GET' && pathname.startsWith('/v3/hyperframes/renders/')) return 'status'
  if (method === 'GET' && pathname.startsWith('/_storage/videos/')) return 'video'
  return 'other'
}

async function readAll(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

function forward(origin: string, req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers }
    delete headers.host
    const out = request(new URL(req.url ?? '/', origin), { method: req.method, headers: { ...headers, 'content-length': String(body.length) } }, (res) => {
      readAll(res).then((bytes) => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: bytes }), reject)
    })
    out.on('error', reject)
    out.end(body)
  })
}

function sendHuge(res: ServerResponse, fault: { status: number; bytes: number; contentType: string }, sent: (bytes: number) => void): void {
  res.writeHead(fault.status, { 'content-type': fault.contentType })
  const chunk = Buffer.alloc(64 * 1024, 0x20)
  let left = fault.bytes
  const pump = (): void => {
    while (left > 0 && !res.destroyed) {
      const piece = left >= chunk.length ? chunk : chunk.subarray(0, left)
      left -= piece.length
      sent(piece.length)
      if (!res.write(piece)) return void res.once('drain', pump)
    }
    if (!res.destroyed) res.end()
  }
  res.on('close', () => (left = 0))
  pump()
}
