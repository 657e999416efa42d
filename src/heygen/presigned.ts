import { createReadStream, createWriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { pipeline } from 'node:stream/promises'
import { request, type Dispatcher } from 'undici'

/**
 * Requests to presigned storage URLs. The signature is the credential: these never carry the API
 * key (a stray header breaks the signature, and the key must not leave api-url's origin).
 */
export class PresignedError extends Error {
  override name = 'PresignedError'
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message)
  }

  /** 401/403/404 from storage mean the signed URL expired or was refused: ask the API for a new one. */
  get needsFreshUrl(): boolean {
    return this.status === 401 || this.status === 403 || this.status === 404
  }
}

function checkUrl(raw: string): URL {
  const url = new URL(raw)
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new PresignedError(0, `refusing a presigned URL with protocol ${url.protocol}`)
  return url
}

export async function putFile(
  rawUrl: string,
  headers: Record<string, string>,
  filePath: string,
  size: number,
  dispatcher: Dispatcher,
  signal?: AbortSignal
): Promise<void> {
  const url = checkUrl(rawUrl)
  const res = await request(url, {
    method: 'PUT',
    headers: { ...headers, 'content-length': String(size) },
    body: createReadStream(filePath),
    dispatcher,
    signal
  })
  const text = await res.body.text()
  if (res.statusCode < 200 || res.statusCode >= 300) {
    throw new PresignedError(res.statusCode, `upload to storage answered HTTP ${res.statusCode}: ${text.replace(/\s+/g, ' ').slice(0, 200)}`)
  }
}

/**
 * Streams a file to disk. Written to a .part file and renamed only when every announced byte
 * arrived, so a cut connection never leaves a truncated file that looks like a video.
 */
export async function downloadFile(rawUrl: string, dest: string, dispatcher: Dispatcher, signal?: AbortSignal): Promise<number> {
  const url = checkUrl(rawUrl)
  const res = await request(url, { method: 'GET', dispatcher, signal, headers: { accept: '*/*' } })
  if (res.statusCode !== 200) {
    const text = await res.body.text().catch(() => '')
    throw new PresignedError(res.statusCode, `download answered HTTP ${res.statusCode}: ${text.replace(/\s+/g, ' ').slice(0, 200)}`)
  }
  const expected = Number(res.headers['content-length'])
  const part = `${dest}.part`
  let received = 0
  res.body.on('data', (chunk: Buffer) => {
    received += chunk.length
  })
  try {
    await pipeline(res.body, createWriteStream(part))
    if (Number.isFinite(expected) && received !== expected) {
      throw new PresignedError(0, `download was cut short: ${received} of ${expected} bytes`)
    }
    if (received === 0) throw new PresignedError(0, 'download was empty')
    await rename(part, dest)
    return received
  } catch (error) {
    await rm(part, { force: true })
    throw error
  }
}
