import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A small HTTP proxy on loopback in front of the emulator's API: what a gateway in front of
 * HeyGen does (a path prefix), or a service answering something the contract does not document.
 */
export interface ApiProxy {
  url: string
  /** Every path the proxy was asked for, as the client sent it. */
  paths: string[]
  close(): Promise<void>
}

export interface ApiProxyOptions {
  /** Only paths under this prefix are forwarded, without it; any other path answers 404. */
  prefix?: string
  /** Rewrites a 2xx JSON response body on its way to the client. */
  rewriteJson?: (path: string, body: unknown) => unknown
}

export async function startApiProxy(target: string, options: ApiProxyOptions = {}): Promise<ApiProxy> {
  const paths: string[] = []
  const upstream = new URL(target)
  const server = createServer((req, res) => {
    const path = req.url ?? '/'
    paths.push(path)
    const prefix = options.prefix ?? ''
    if (!path.startsWith(`${prefix}/`)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`no route ${path} (this gateway serves ${prefix}/...)`)
      return
    }
    forward(req, res, upstream, path.slice(prefix.length), options.rewriteJson)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    paths,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

function forward(req: IncomingMessage, res: ServerResponse, upstream: URL, path: string, rewrite: ApiProxyOptions['rewriteJson']): void {
  const out = request({ host: upstream.hostname, port: upstream.port, method: req.method, path, headers: { ...req.headers, host: upstream.host } }, (answer) => {
    const json = (answer.headers['content-type'] ?? '').includes('application/json')
    const status = answer.statusCode ?? 502
    if (!rewrite || !json || status < 200 || status >= 300) {
      res.writeHead(status, answer.headers)
      answer.pipe(res)
      return
    }
    const chunks: Buffer[] = []
    answer.on('data', (chunk: Buffer) => chunks.push(chunk))
    answer.on('end', () => {
      const body = Buffer.from(JSON.stringify(rewrite(path, JSON.parse(Buffer.concat(chunks).toString('utf8')))))
      res.writeHead(status, { ...answer.headers, 'content-length': String(body.length) })
      res.end(body)
    })
  })
  out.on('error', () => res.destroy())
  req.pipe(out)
}
