import type { IncomingMessage, ServerResponse } from 'node:http'

/** A contract error: rendered as `{"error": {code, message, param, doc_url}}`. */
export class ApiError extends Error {
  override name = 'ApiError'
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly param: string | null = null,
    readonly headers: Record<string, string> = {}
  ) {
    super(message)
  }
}

/** What an API handler produces; kept as data so idempotency can store and replay it verbatim. */
export interface ApiResult {
  status: number
  body: unknown
  headers?: Record<string, string>
}

export function errorBody(code: string, message: string, param: string | null = null): unknown {
  return { error: { code, message, param, doc_url: null } }
}

export function resultFromError(err: ApiError): ApiResult {
  return { status: err.status, body: errorBody(err.code, err.message, err.param), headers: err.headers }
}

/** Thrown by readBody when the client sends more than the route accepts. */
export class BodyTooLarge extends Error {
  override name = 'BodyTooLarge'
}

/** Reads the whole request body, refusing (without buffering it) anything over `maxBytes`. */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'])
    if (Number.isFinite(declared) && declared > maxBytes) {
      reject(new BodyTooLarge(`body of ${declared} bytes exceeds ${maxBytes}`))
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > maxBytes) {
        // Keep draining so the client finishes sending and can read our error response.
        req.removeAllListeners('data')
        req.resume()
        reject(new BodyTooLarge(`body exceeds ${maxBytes} bytes`))
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks, size)))
    req.on('error', reject)
  })
}

export function sendResult(res: ServerResponse, result: ApiResult): void {
  if (res.headersSent || res.destroyed) return
  const payload = Buffer.from(JSON.stringify(result.body))
  res.writeHead(result.status, {
    ...result.headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(payload.length)
  })
  res.end(payload)
}

/**
 * Storage (presigned URL) errors look like S3's, not like the API's envelope: a client that
 * parses every error body as `{"error": ...}` must cope with XML here.
 */
export function sendStorageError(res: ServerResponse, status: number, code: string, message: string): void {
  if (res.headersSent || res.destroyed) return
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>\n`
  const payload = Buffer.from(xml)
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': String(payload.length) })
  res.end(payload)
}

/** Header value as one string (Node joins most duplicates; arrays only for set-cookie and friends). */
export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()]
  return Array.isArray(value) ? value.join(', ') : value
}
