import { UserError } from '../user-error.js'
import { isCompressedFormat } from './compressed-formats.js'
import type { ZipFileEntry } from './zip.js'

/** The direct-upload limit of the API. */
export const MAX_ZIP_BYTES = 200 * 1024 * 1024

/**
 * A lower bound of the zip's size, known before reading a byte: the files in compressed formats
 * at their full size. When it is over the limit the zip would be too, so the step fails at
 * once instead of deflating 200 MB of video first.
 */
export function minimumZipBytes(files: readonly ZipFileEntry[]): number {
  return files.reduce((sum, f) => sum + (isCompressedFormat(f.path) ? f.size : 0), 0)
}

/** Fails fast when the files in compressed formats alone exceed the upload limit. */
export function checkPredictedSize(files: readonly ZipFileEntry[], projectLabel: string): void {
  const floor = minimumZipBytes(files)
  if (floor > MAX_ZIP_BYTES) {
    throw new UserError(oversize(`The project's video, audio, image and font files alone come to ${mb(floor)}, so its zip would exceed the API's 200 MB upload limit`, files, projectLabel))
  }
}

/** The actual zip, once written. */
export function checkZipSize(zipBytes: number, files: readonly ZipFileEntry[], projectLabel: string): void {
  if (zipBytes > MAX_ZIP_BYTES) {
    throw new UserError(oversize(`The project zip is ${mb(zipBytes)} (${zipBytes} bytes), over the API's 200 MB upload limit (${MAX_ZIP_BYTES} bytes)`, files, projectLabel))
  }
}

export function largestFiles<T extends ZipFileEntry>(files: readonly T[], count = 10): T[] {
  return [...files].sort((a, b) => b.size - a.size || (a.path < b.path ? -1 : 1)).slice(0, count)
}

function oversize(head: string, files: readonly ZipFileEntry[], projectLabel: string): string {
  return (
    `${head}. Largest included files:\n` +
    largestFiles(files)
      .map((f) => `  ${mb(f.size).padStart(10)}  ${f.path}`)
      .join('\n') +
    `\nExclude what the composition does not use with a .hyperframesignore file in '${projectLabel}' (gitignore syntax, e.g. 'raw/' or '*.mov'), or host large media elsewhere and reference it by https URL.`
  )
}

function mb(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MB`
}
