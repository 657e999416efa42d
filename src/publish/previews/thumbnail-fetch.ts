import { imageKind, type ImageKind } from './image-kind.js'

/** A thumbnail is a few hundred KB; anything bigger is not what we asked for. */
export const THUMBNAIL_MAX_BYTES = 2 * 1024 * 1024
const TIMEOUT_MS = 30_000

/**
 * Downloads the render's thumbnail_url at once, while its signature is still valid. The bytes are
 * untrusted: the body is cut off past THUMBNAIL_MAX_BYTES and kept only when it starts like an image.
 */
export async function fetchThumbnail(url: string, signal?: AbortSignal): Promise<{ bytes: Buffer; kind: ImageKind }> {
  const parsed = new URL(url)
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error(`thumbnail_url is not an http(s) URL (${parsed.protocol})`)
  const timeout = AbortSignal.timeout(TIMEOUT_MS)
  // No credentials: the URL is pre-signed, and nothing of ours is sent with it.
  const res = await fetch(parsed, { redirect: 'follow', signal: signal ? AbortSignal.any([signal, timeout]) : timeout })
  if (!res.ok || !res.body) throw new Error(`thumbnail download answered HTTP ${res.status}`)
  const declared = Number(res.headers.get('content-length') ?? NaN)
  if (declared > THUMBNAIL_MAX_BYTES) {
    await res.body.cancel()
    throw new Error(`thumbnail is ${declared} bytes, over the ${THUMBNAIL_MAX_BYTES}-byte cap`)
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of res.body) {
    size += chunk.byteLength
    if (size > THUMBNAIL_MAX_BYTES) throw new Error(`thumbnail is over the ${THUMBNAIL_MAX_BYTES}-byte cap`)
    chunks.push(Buffer.from(chunk))
  }
  const bytes = Buffer.concat(chunks)
  const kind = imageKind(bytes)
  if (!kind) throw new Error('thumbnail is not a PNG, JPEG, GIF or WebP image (its first bytes say otherwise)')
  return { bytes, kind }
}
