import { createHash } from 'node:crypto'
import AdmZip from 'adm-zip'
import { numericAttribute, readComposition, type CompositionInfo } from './composition-html.js'
import type { EngineJob, RenderEngine } from './engine.js'
import { encodePng } from './png.js'
import type { AspectRatio } from './validate.js'

/**
 * The default engine: a real, small, playable H.264 MP4 made with the h264-mp4-encoder WASM
 * build, in well under a second. It does not run the composition; the picture is a flat colour
 * derived from the variables plus a moving bar, so different variables give different bytes.
 *
 * Limitations: 'webm' gets MP4 bytes (there is no pure-JS VP8/VP9 encoder; a later engine will
 * use ffmpeg) and 'mov' is the MP4 with its ftyp major brand set to 'qt  '.
 */

/** Small frames in the requested aspect ratio; multiples of 4 that the encoder accepts. */
const FRAME_SIZES: Record<AspectRatio, { width: number; height: number }> = {
  '16:9': { width: 320, height: 180 },
  '9:16': { width: 180, height: 320 },
  '1:1': { width: 240, height: 240 }
}
const MAX_ENCODED_SECONDS = 2
const MAX_ENCODED_FPS = 30
const QP_BY_QUALITY: Record<string, number> = { draft: 40, standard: 35, high: 30 }

interface H264Encoder {
  width: number
  height: number
  frameRate: number
  quantizationParameter: number
  speed: number
  outputFilename: string
  initialize(): void
  addFrameRgba(frame: Uint8Array): void
  finalize(): void
  delete(): void
  FS: { readFile(path: string): Uint8Array; unlink(path: string): void }
}

export function createFastEngine(options: { log?: (line: string) => void } = {}): RenderEngine {
  const log = options.log ?? (() => undefined)
  return {
    name: 'fast',
    async render(job: EngineJob) {
      const html = new AdmZip(job.projectZip).getEntry(job.composition)?.getData().toString('utf8') ?? ''
      const info = readComposition(html)
      const declaredDuration = numericAttribute(info.root, 'data-duration')
      const fps = Math.min(job.fps, MAX_ENCODED_FPS)
      const seconds = Math.min(declaredDuration ?? 1, MAX_ENCODED_SECONDS)
      const frameCount = Math.max(1, Math.round(seconds * fps))
      const { width, height } = FRAME_SIZES[job.aspectRatio]
      const colour = backgroundColour(info, job.variables)
      const qp = QP_BY_QUALITY[job.quality] ?? 35

      const frames = (index: number): Uint8Array => drawFrame(width, height, colour, index, frameCount)
      let video = await serialise(() => encode(width, height, fps, qp, frameCount, frames, job.signal))
      if (job.format === 'mov') video = withMajorBrand(video, 'qt  ')
      if (job.format === 'webm') log(`render ${job.renderId}: fast engine cannot encode WebM; serving MP4 bytes as .webm`)
      return {
        video,
        thumbnail: encodePng(width, height, frames(0)),
        // What was encoded, not what was declared: the action checks a download's length against
        // this, as it would HeyGen's, and this engine stops after MAX_ENCODED_SECONDS.
        duration: frameCount / fps
      }
    }
  }
}

let encoderModule: Promise<{ createH264MP4Encoder(): Promise<H264Encoder> }> | undefined

/**
 * Loads the WASM once per process. Its Emscripten glue installs process-wide
 * uncaughtException/unhandledRejection handlers that rethrow or abort; the emulator runs inside
 * test workers and the CLI, so those handlers are removed again.
 */
function loadEncoder(): Promise<{ createH264MP4Encoder(): Promise<H264Encoder> }> {
  encoderModule ??= (async () => {
    const events = ['uncaughtException', 'unhandledRejection']
    const listeners = (event: string): Array<(...args: unknown[]) => void> => (process as NodeJS.EventEmitter).listeners(event) as Array<(...args: unknown[]) => void>
    const before = new Map(events.map((event) => [event, listeners(event)]))
    const mod = await import('h264-mp4-encoder')
    for (const event of events) {
      for (const listener of listeners(event)) {
        if (!before.get(event)!.includes(listener)) process.removeListener(event, listener)
      }
    }
    // CJS interop differs by loader: Node puts module.exports on `default`, tsx may not.
    type Factory = { createH264MP4Encoder(): Promise<H264Encoder> }
    const loaded = mod as unknown as Partial<Factory> & { default?: Partial<Factory> }
    const factory = typeof loaded.default?.createH264MP4Encoder === 'function' ? loaded.default : loaded
    if (typeof factory.createH264MP4Encoder !== 'function') throw new Error('h264-mp4-encoder: createH264MP4Encoder not found')
    return factory as Factory
  })()
  return encoderModule
}

/** The WASM module has one heap and one virtual file system: one encode at a time. */
let queueTail: Promise<unknown> = Promise.resolve()
function serialise<T>(task: () => Promise<T>): Promise<T> {
  const run = queueTail.then(task, task)
  queueTail = run.catch(() => undefined)
  return run
}

async function encode(width: number, height: number, fps: number, qp: number, frameCount: number, frame: (index: number) => Uint8Array, signal: AbortSignal | undefined): Promise<Buffer> {
  // Checked only before starting: deleting an encoder before finalize() aborts the WASM module,
  // and one encode takes ~100 ms, so queued encodes are skipped and a running one completes.
  signal?.throwIfAborted()
  const encoder = await (await loadEncoder()).createH264MP4Encoder()
  try {
    encoder.width = width
    encoder.height = height
    encoder.frameRate = fps
    encoder.quantizationParameter = qp
    encoder.speed = 10
    encoder.initialize()
    for (let i = 0; i < frameCount; i++) {
      encoder.addFrameRgba(frame(i))
      // Encoding is synchronous WASM; yield now and then so the server keeps answering polls.
      if (i % 8 === 7) await new Promise<void>((resolve) => setImmediate(resolve))
    }
    encoder.finalize()
    const bytes = Buffer.from(encoder.FS.readFile(encoder.outputFilename))
    encoder.FS.unlink(encoder.outputFilename)
    return bytes
  } finally {
    encoder.delete()
  }
}

type Rgb = [number, number, number]

/**
 * A colour variable (declared type 'color', else any hex value) paints the background, so a
 * matrix over colours yields visibly different videos; otherwise a colour hashed from the values.
 */
export function backgroundColour(info: CompositionInfo, overrides: Record<string, unknown>): Rgb {
  const declared = info.variables ?? []
  const merged: Record<string, unknown> = {}
  for (const variable of declared) if (variable.default !== undefined) merged[variable.id] = variable.default
  Object.assign(merged, overrides)
  const colourIds = declared.filter((v) => v.type === 'color').map((v) => v.id)
  const ordered = [...colourIds, ...Object.keys(merged)]
  for (const id of ordered) {
    const rgb = parseHexColour(merged[id])
    if (rgb) return rgb
  }
  const sorted = Object.fromEntries(Object.entries(merged).sort(([a], [b]) => a.localeCompare(b)))
  const digest = createHash('sha256').update(JSON.stringify(sorted)).digest()
  return [digest[0]!, digest[1]!, digest[2]!]
}

function parseHexColour(value: unknown): Rgb | undefined {
  if (typeof value !== 'string') return undefined
  const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/i.exec(value)
  if (short) return [parseInt(short[1]! + short[1]!, 16), parseInt(short[2]! + short[2]!, 16), parseInt(short[3]! + short[3]!, 16)]
  const long = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})(?:[0-9a-f]{2})?$/i.exec(value)
  return long ? [parseInt(long[1]!, 16), parseInt(long[2]!, 16), parseInt(long[3]!, 16)] : undefined
}

function drawFrame(width: number, height: number, bg: Rgb, index: number, frameCount: number): Uint8Array {
  const frame = new Uint8Array(width * height * 4)
  const bar: Rgb = [255 - bg[0], 255 - bg[1], 255 - bg[2]]
  const barWidth = Math.max(4, Math.floor(width / 10))
  const barX = Math.floor(((width - barWidth) * index) / Math.max(1, frameCount - 1))
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const c = x >= barX && x < barX + barWidth ? bar : bg
      const p = (y * width + x) * 4
      frame[p] = c[0]
      frame[p + 1] = c[1]
      frame[p + 2] = c[2]
      frame[p + 3] = 255
    }
  }
  return frame
}

/** Rewrites the major brand of a leading ftyp box (bytes 8..11). */
function withMajorBrand(mp4: Buffer, brand: string): Buffer {
  const out = Buffer.from(mp4)
  if (out.toString('latin1', 4, 8) === 'ftyp') out.write(brand, 8, 'latin1')
  return out
}
