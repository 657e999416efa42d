import { open } from 'node:fs/promises'
import { probeVideo } from '../machine/media-probe.js'

/** What arrived is not a whole video: the caller fetches it again from a fresh URL. */
export class CorruptVideo extends Error {
  override name = 'CorruptVideo'
}

export interface ArrivedFile {
  /** The Content-Type it was served with, if any. */
  contentType?: string
  bytes: number
}

export interface VideoExpectation {
  /** Seconds, as the API reported it. */
  duration?: number
  /** ffprobe's path when it is installed: then the file's own duration must roughly agree. */
  ffprobe?: string
}

// Storage serves videos as video/*; a bucket without a type set says octet-stream.
const MEDIA_TYPES = [/^video\//, /^application\/octet-stream$/, /^binary\/octet-stream$/]

/**
 * Checks a downloaded file before it is called a video: its media type, its container (an
 * MP4/MOV whose boxes fill the file exactly and include the index, or a WebM whose segment ends
 * where the file does) and, when ffprobe is at hand, its duration. Throws CorruptVideo naming what
 * is wrong.
 */
export async function checkVideo(file: string, arrived: ArrivedFile, expect: VideoExpectation, label: string): Promise<void> {
  const type = arrived.contentType?.split(';')[0].trim().toLowerCase()
  if (type && !MEDIA_TYPES.some((re) => re.test(type))) {
    throw new CorruptVideo(`${label} was served as ${type}, not as a video (an error page, most likely); it will be fetched again`)
  }
  const problem = await containerProblem(file, arrived.bytes)
  if (problem) throw new CorruptVideo(`${label} is not a whole video: ${problem}; it will be fetched again`)
  if (expect.ffprobe && expect.duration !== undefined && expect.duration > 0) {
    let seconds: number
    try {
      seconds = (await probeVideo(expect.ffprobe, file)).duration
    } catch (error) {
      throw new CorruptVideo(`${label} could not be read by ffprobe (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); it will be fetched again`)
    }
    // Containers round durations to a frame or so; a cut file is off by far more.
    if (Math.abs(seconds - expect.duration) > Math.max(0.5, expect.duration * 0.1)) {
      throw new CorruptVideo(`${label} plays ${seconds.toFixed(2)} s but the API says ${expect.duration} s; it will be fetched again`)
    }
  }
}

/** Why the bytes are not a complete MP4/MOV or WebM; undefined when they are. */
export async function containerProblem(file: string, size: number): Promise<string | undefined> {
  const handle = await open(file, 'r')
  try {
    const read = async (at: number, length: number): Promise<Buffer> => {
      const buf = Buffer.alloc(length)
      const { bytesRead } = await handle.read(buf, 0, length, at)
      return buf.subarray(0, bytesRead)
    }
    const head = await read(0, 64)
    if (head.length >= 8 && head.toString('latin1', 4, 8) === 'ftyp') return await isoProblem(read, size)
    if (head.length >= 4 && head.readUInt32BE(0) === 0x1a45dfa3) return webmProblem(head, size)
    return `it starts with neither an MP4/MOV 'ftyp' box nor a WebM EBML header (first bytes: ${JSON.stringify(head.toString('latin1', 0, 16))})`
  } finally {
    await handle.close()
  }
}

/** Walks the top-level boxes: they must tile the file exactly, and the index ('moov') must be there. */
async function isoProblem(read: (at: number, length: number) => Promise<Buffer>, size: number): Promise<string | undefined> {
  let offset = 0
  let moov = false
  while (offset < size) {
    const header = await read(offset, 16)
    if (header.length < 8) return `it ends inside a box header at byte ${offset} of ${size}`
    const type = header.toString('latin1', 4, 8)
    let boxSize = header.readUInt32BE(0)
    if (boxSize === 1) {
      if (header.length < 16) return `it ends inside the '${type}' box header at byte ${offset}`
      boxSize = Number(header.readBigUInt64BE(8))
    } else if (boxSize === 0) {
      boxSize = size - offset // runs to the end of the file by definition
    }
    if (boxSize < 8) return `the '${type}' box at byte ${offset} has an impossible size ${boxSize}`
    if (type === 'moov') moov = true
    if (offset + boxSize > size) return `it ends inside the '${type}' box: ${size} bytes arrived, the box needs ${offset + boxSize}`
    offset += boxSize
  }
  return moov ? undefined : `it has no 'moov' box (the index a player needs)`
}

/** The EBML header, then the Segment: when the Segment's size is known, the file must end with it. */
function webmProblem(head: Buffer, size: number): string | undefined {
  const header = readElement(head, 0)
  if (!header || header.size === undefined) return 'its EBML header is unreadable'
  const segmentAt = header.dataStart + header.size
  const segment = readElement(head, segmentAt)
  if (!segment || segment.id !== 0x18538067) return segmentAt + 12 > head.length ? undefined : 'no Segment follows its EBML header'
  if (segment.size === undefined) return undefined // a live-written WebM leaves the size open
  const end = segment.dataStart + segment.size
  return end === size ? undefined : `its Segment needs ${end} bytes but ${size} arrived`
}

function readElement(buf: Buffer, at: number): { id: number; size?: number; dataStart: number } | undefined {
  const id = readVint(buf, at, true)
  if (!id) return undefined
  const size = readVint(buf, at + id.length, false)
  if (!size) return undefined
  return { id: id.value, size: size.unknown ? undefined : size.value, dataStart: at + id.length + size.length }
}

/** An EBML variable-length integer: the leading zero bits of the first byte give its length. */
function readVint(buf: Buffer, at: number, keepMarker: boolean): { value: number; length: number; unknown: boolean } | undefined {
  if (at >= buf.length) return undefined
  const first = buf[at]
  let length = 1
  while (length <= 8 && !(first & (0x80 >> (length - 1)))) length++
  if (length > 8 || at + length > buf.length) return undefined
  let value = keepMarker ? first : first & (0xff >> length)
  let allOnes = value === 0xff >> length
  for (let i = 1; i < length; i++) {
    value = value * 256 + buf[at + i]
    if (buf[at + i] !== 0xff) allOnes = false
  }
  return { value, length, unknown: !keepMarker && allOnes }
}
