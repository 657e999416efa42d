import { createReadStream, createWriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { pipeline } from 'node:stream/promises'
import { request, type Dispatcher } from 'undici'
import { ERROR_BODY_CAP, readCapped } from './capped-body.js'
import { summarize } from './body-text.js'

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

export async function putFile(rawUrl: string, headers: Record<string, string>, filePath: string, size: number, dispatcher: Dispatcher, signal?: AbortSignal): Promise<void> {
  const url = checkUrl(rawUrl)
  const res = await request(url, {
    method: 'PUT',
    headers: { ...headers, 'content-length': String(size) },
    body: createReadStream(filePath),
    dispatcher,
    signal
  })
  const { text } = await readCapped(res.body, ERROR_BODY_CAP)
  if (res.statusCode < 200 || res.statusCode >= 300) {
    throw new PresignedError(res.statusCode, `upload to storage answered HTTP ${res.statusCode}: ${summarize(text)}`)
  }
}

/** What a download said about itself, for checking the file before it is called a video. */
export interface DownloadInfo {
  contentType?: string
  bytes: number
}

export interface DownloadOptions {
  signal?: AbortSignal
  /** Names the file in messages: "video 'intro-en' (render abc)". */
  label: string
  /** Runs on the complete .part file; a throw keeps it from ever reaching `dest`. */
  verify?: (partPath: string, info: DownloadInfo) => Promise<void>
}

/**
 * Streams a file to disk. Written to a .part file and renamed only when every announced byte
 * arrived and `verify` accepted it, so a cut connection or an error page never leaves a file at
 * `dest` that looks like a video.
 */
export async function downloadFile(rawUrl: string, dest: string, dispatcher: Dispatcher, opts: DownloadOptions): Promise<number> {
  const url = checkUrl(rawUrl)
  const res = await request(url, { method: 'GET', dispatcher, signal: opts.signal, headers: { accept: '*/*' } })
  if (res.statusCode !== 200) {
    const { text } = await readCapped(res.body, ERROR_BODY_CAP).catch(() => ({ text: '' }))
    throw new PresignedError(res.statusCode, `download of ${opts.label} answered HTTP ${res.statusCode}: ${summarize(text)}`)
  }
  const announced = res.headers['content-length']
  const expected = announced === undefined ? undefined : Number(announced)
  const contentType = typeof res.headers['content-type'] === 'string' ? res.headers['content-type'] : undefined
  const part = `${dest}.part`
  let received = 0
  res.body.on('data', (chunk: Buffer) => {
    received += chunk.length
  })
  const of = expected !== undefined && Number.isFinite(expected) ? ` of ${expected}` : ''
  try {
    try {
      await pipeline(res.body, createWriteStream(part))
    } catch (error) {
      if (opts.signal?.aborted) throw error
      const why = error instanceof Error ? error.message : String(error)
      throw new PresignedError(0, `download of ${opts.label} was cut after ${received}${of} bytes (${why}); it will be retried`)
    }
    if (expected !== undefined && Number.isFinite(expected) && received !== expected) {
      throw new PresignedError(0, `download of ${opts.label} was cut short: ${received}${of} bytes arrived; it will be retried`)
    }
    if (received === 0) throw new PresignedError(0, `download of ${opts.label} was empty; it will be retried`)
    await opts.verify?.(part, { contentType, bytes: received })
    await rename(part, dest)
    return received
  } catch (error) {
    await rm(part, { force: true })
    throw error
  }
}
