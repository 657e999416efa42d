import type { IncomingMessage, ServerResponse } from 'node:http'
import { hasCredentialHeader } from './auth.js'
import { header, sendStorageError } from './http-io.js'
import type { Presigner } from './presign.js'
import type { Renders } from './renders.js'
import type { EmulatorStats } from './stats.js'

export type DownloadKind = 'video' | 'thumbnail'

/**
 * Presigned video/thumbnail GETs, answered like object storage: no API key allowed, XML errors,
 * exact Content-Type and Content-Length, single byte ranges (206) so a client can resume.
 */
export function serveDownload(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: { presigner: Presigner; renders: Renders; stats: EmulatorStats },
  kind: DownloadKind,
  path: string,
  query: URLSearchParams,
  truncate: boolean
): void {
  const check = ctx.presigner.check('GET', path, query)
  if (check === 'invalid') return sendStorageError(res, 403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.')
  if (check === 'expired') return sendStorageError(res, 403, 'AccessDenied', 'Request has expired')
  if (hasCredentialHeader(req)) {
    return sendStorageError(res, 403, 'InvalidArgument', 'Only one auth mechanism allowed: the presigned URL carries its own signature, so send no x-api-key or Authorization header.')
  }
  const name = path.slice(path.lastIndexOf('/') + 1)
  const media = ctx.renders.media(name.slice(0, name.indexOf('.')), kind)
  if (!media) return sendStorageError(res, 404, 'NoSuchKey', 'The specified key does not exist.')

  const range = parseRange(header(req, 'range'), media.bytes.length)
  if (range === 'unsatisfiable') {
    res.writeHead(416, { 'content-range': `bytes */${media.bytes.length}` })
    res.end()
    return
  }
  const [start, end] = range ?? [0, media.bytes.length - 1]
  const body = media.bytes.subarray(start, end + 1)
  res.writeHead(range ? 206 : 200, {
    'content-type': media.contentType,
    'content-length': String(body.length),
    'accept-ranges': 'bytes',
    etag: `"${name}"`,
    ...(range ? { 'content-range': `bytes ${start}-${end}/${media.bytes.length}` } : {})
  })
  if (truncate) {
    // Headers promise the whole body; half arrives, then the connection dies.
    const half = body.subarray(0, Math.floor(body.length / 2))
    ctx.stats.downloadBytes += half.length
    res.write(half, () => res.destroy())
    return
  }
  ctx.stats.downloadBytes += body.length
  res.on('finish', () => {
    ctx.stats.downloads += 1
  })
  res.end(body)
}

/** One `bytes=a-b`, `bytes=a-` or `bytes=-n` range; anything else is ignored (full body), like S3. */
function parseRange(value: string | undefined, size: number): [number, number] | 'unsatisfiable' | undefined {
  const match = value === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(value.trim())
  if (!match || (match[1] === '' && match[2] === '')) return undefined
  if (match[1] === '') {
    const suffix = Number(match[2])
    if (suffix === 0) return 'unsatisfiable'
    return [Math.max(0, size - suffix), size - 1]
  }
  const start = Number(match[1])
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1)
  if (start >= size || start > end) return 'unsatisfiable'
  return [start, end]
}
