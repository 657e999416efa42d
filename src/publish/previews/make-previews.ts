import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { PreviewMode } from '../../inputs/preview-inputs.js'
import type { RenderOutcome } from '../../render/outcome.js'
import { animatedPreview, findFfmpeg, posterFrame, type FfmpegInfo } from './ffmpeg-preview.js'
import { IMAGE_EXTENSION, IMAGE_MIME, imageKind, type ImageKind } from './image-kind.js'
import { fetchThumbnail } from './thumbnail-fetch.js'

/** One finished video's preview, written next to the videos. */
export interface Preview {
  /** The matrix entry it shows. */
  index: number
  name: string
  /** Absolute path on the runner. */
  path: string
  kind: ImageKind
  mime: string
  animated: boolean
  bytes: number
  /** The artifact it was uploaded in, once it was. */
  artifact?: { name: string; url: string }
}

export interface PreviewLog {
  info(line: string): void
  warning(line: string): void
}

export interface PreviewOptions {
  mode: PreviewMode
  /** Where the preview files go (a folder of their own, so the video artifacts stay as they were). */
  dir: string
  log: PreviewLog
  signal?: AbortSignal
  /** Overridable so tests can take ffmpeg away. */
  ffmpeg?: () => Promise<FfmpegInfo | undefined>
}

/** Previews run a few at a time: ffmpeg is CPU-bound and runners have 2 to 4 cores. */
const CONCURRENCY = 2

/**
 * A preview for each finished video: animated when ffmpeg is here and mode is auto, else a still
 * (ffmpeg's frame, or the API's thumbnail downloaded now). A preview that cannot be made is a
 * warning: the video is what the run is for.
 */
export async function makePreviews(outcomes: RenderOutcome[], opts: PreviewOptions): Promise<Preview[]> {
  if (opts.mode === 'none') return []
  const done = outcomes.filter((o) => o.status === 'completed' && (o.videoPath || o.thumbnailUrl))
  if (done.length === 0) return []
  const ff = await (opts.ffmpeg ?? findFfmpeg)()
  await mkdir(opts.dir, { recursive: true })
  const previews: Preview[] = []
  const failures: string[] = []
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < done.length && !opts.signal?.aborted) {
      const o = done[next++]
      try {
        const p = await previewOf(o, ff, opts)
        if (p) previews.push(p)
        else failures.push(`${o.job.name}: no ffmpeg on the runner and no thumbnail from the renderer`)
      } catch (error) {
        failures.push(`${o.job.name}: ${error instanceof Error ? error.message : String(error)}`)
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, done.length) }, worker))
  previews.sort((a, b) => a.index - b.index)
  const animated = previews.filter((p) => p.animated).length
  opts.log.info(
    `Previews: ${previews.length} of ${done.length} made (${animated} animated, ${previews.length - animated} still)${ff ? '' : '; ffmpeg is not on the runner, so only stills from the renderer’s thumbnails'}.`
  )
  if (failures.length > 0) opts.log.warning(`No preview for ${failures.length} video${failures.length === 1 ? '' : 's'}:\n${failures.map((f) => `- ${f}`).join('\n')}`)
  return previews
}

async function previewOf(o: RenderOutcome, ff: FfmpegInfo | undefined, opts: PreviewOptions): Promise<Preview | undefined> {
  const base = path.join(opts.dir, o.job.name)
  const record = (kind: ImageKind, file: string, bytes: Buffer, animated: boolean): Preview => ({
    index: o.job.index,
    name: o.job.name,
    path: file,
    kind,
    mime: IMAGE_MIME[kind],
    animated,
    bytes: bytes.length
  })
  if (ff && o.videoPath) {
    if (opts.mode === 'auto') {
      const ext = ff.webp ? 'webp' : 'gif'
      const file = `${base}.${ext}`
      const bytes = await animatedPreview(ff, o.videoPath, file)
      if (bytes && imageKind(bytes)) return record(imageKind(bytes) as ImageKind, file, bytes, true)
    }
    const file = `${base}.jpg`
    const bytes = await posterFrame(ff, o.videoPath, file)
    const kind = imageKind(bytes)
    if (kind) return record(kind, file, bytes, false)
  }
  if (!o.thumbnailUrl) return undefined
  const thumb = await fetchThumbnail(o.thumbnailUrl, opts.signal)
  const file = `${base}.${IMAGE_EXTENSION[thumb.kind]}`
  await writeFile(file, thumb.bytes)
  return record(thumb.kind, file, thumb.bytes, false)
}
