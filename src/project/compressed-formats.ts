import path from 'node:path'

/**
 * Formats that are compressed already: deflate cannot shrink them, so the zip stores them as they
 * are, and each adds at least its own size to the zip. Video, audio, images, fonts and archives are
 * what makes a project large. HEIF ('.heif') is deflated as it always was: storing it instead would
 * change the zip, its checksum and so every idempotency key of a project holding one.
 */
const COMPRESSED = new Set([
  'mp4',
  'm4v',
  'mov',
  'webm',
  'mkv',
  'avi',
  'mp3',
  'm4a',
  'aac',
  'ogg',
  'oga',
  'opus',
  'flac',
  'png',
  'jpg',
  'jpeg',
  'gif',
  'webp',
  'avif',
  'heic',
  'woff',
  'woff2',
  'zip',
  'gz',
  'tgz',
  'bz2',
  'xz',
  '7z',
  'br',
  'zst'
])

/** True for a path (posix, as inside the zip) whose format is compressed already. */
export function isCompressedFormat(file: string): boolean {
  return COMPRESSED.has(path.posix.extname(file).slice(1).toLowerCase())
}
