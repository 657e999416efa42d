/** The image formats a preview may be, told by their first bytes rather than by a name or a header. */
export type ImageKind = 'webp' | 'gif' | 'png' | 'jpeg'

export const IMAGE_MIME: Record<ImageKind, string> = { webp: 'image/webp', gif: 'image/gif', png: 'image/png', jpeg: 'image/jpeg' }
export const IMAGE_EXTENSION: Record<ImageKind, string> = { webp: 'webp', gif: 'gif', png: 'png', jpeg: 'jpg' }

/**
 * Sniffs the magic bytes. A server may say image/png and send an HTML error page; only bytes that
 * start like an image are kept and published.
 */
export function imageKind(bytes: Uint8Array): ImageKind | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return 'webp'
  if (b.length >= 6 && (b.toString('latin1', 0, 6) === 'GIF87a' || b.toString('latin1', 0, 6) === 'GIF89a')) return 'gif'
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png'
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg'
  return undefined
}

/** Frames of an animated WebP (its ANMF chunks); 0 for a still. ffmpeg before 8 cannot decode these, so count here. */
export function webpFrameCount(bytes: Uint8Array): number {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (imageKind(b) !== 'webp') return 0
  let frames = 0
  for (let at = 12; at + 8 <= b.length;) {
    const id = b.toString('latin1', at, at + 4)
    const size = b.readUInt32LE(at + 4)
    if (id === 'ANMF') frames++
    // Chunks are padded to an even length.
    at += 8 + size + (size % 2)
  }
  return frames
}
