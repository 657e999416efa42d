import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, open, type FileHandle } from 'node:fs/promises'
import path from 'node:path'
import { Readable, Transform, type TransformCallback } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createInflateRaw, crc32 } from 'node:zlib'

/**
 * Unpacks a project zip into `dest`, so a local render sees exactly the files HeyGen would
 * receive (exclusions applied, outside references rewritten). Entries that would land outside
 * `dest` are refused rather than written. Each entry is streamed from the zip to its file: a
 * 400 MB video in the project costs a few buffers of memory, not 400 MB.
 */
export async function unpackZip(zip: string | Buffer, dest: string): Promise<number> {
  const source = typeof zip === 'string' ? await fileSource(zip) : bufferSource(zip)
  try {
    const root = path.resolve(dest)
    let files = 0
    await mkdir(root, { recursive: true })
    for (const entry of await readDirectory(source)) {
      const target = path.resolve(root, entry.name)
      if (target !== root && !target.startsWith(root + path.sep)) {
        throw new Error(`zip entry '${entry.name}' points outside the project folder`)
      }
      if (entry.name.endsWith('/')) {
        await mkdir(target, { recursive: true })
        continue
      }
      await mkdir(path.dirname(target), { recursive: true })
      await extract(source, entry, target)
      files += 1
    }
    return files
  } finally {
    await source.close()
  }
}

interface Source {
  size: number
  read(at: number, length: number): Promise<Buffer>
  /** The bytes [start, end) as a stream. */
  stream(start: number, end: number): Readable
  close(): Promise<void>
}

async function fileSource(file: string): Promise<Source> {
  const handle: FileHandle = await open(file, 'r')
  const { size } = await handle.stat()
  return {
    size,
    read: async (at, length) => {
      const buf = Buffer.alloc(length)
      const { bytesRead } = await handle.read(buf, 0, length, at)
      return buf.subarray(0, bytesRead)
    },
    stream: (start, end) => (end > start ? createReadStream(file, { start, end: end - 1 }) : Readable.from([])),
    close: () => handle.close()
  }
}

function bufferSource(buf: Buffer): Source {
  return {
    size: buf.length,
    read: async (at, length) => buf.subarray(at, at + length),
    stream: (start, end) => Readable.from(end > start ? [buf.subarray(start, end)] : []),
    close: async () => undefined
  }
}

interface Entry {
  name: string
  method: number
  crc: number
  compressedSize: number
  size: number
  localOffset: number
}

const EOCD = 0x06054b50
const ZIP64_LOCATOR = 0x07064b50
const ZIP64_EOCD = 0x06064b50
const CENTRAL = 0x02014b50
const LOCAL = 0x04034b50
const MAX32 = 0xffffffff

/** The central directory: every entry's name, method, sizes and where its data starts. */
async function readDirectory(source: Source): Promise<Entry[]> {
  const tailLength = Math.min(source.size, 22 + 0xffff)
  const tail = await source.read(source.size - tailLength, tailLength)
  let at = tail.length - 22
  while (at >= 0 && tail.readUInt32LE(at) !== EOCD) at--
  if (at < 0) throw new Error('not a zip file (no end of central directory record)')
  let count = tail.readUInt16LE(at + 10)
  let dirSize = tail.readUInt32LE(at + 12)
  let dirOffset = tail.readUInt32LE(at + 16)
  if (count === 0xffff || dirSize === MAX32 || dirOffset === MAX32) {
    const locatorAt = at - 20
    if (locatorAt < 0 || tail.readUInt32LE(locatorAt) !== ZIP64_LOCATOR) throw new Error('zip64 end of central directory locator missing')
    const record = await source.read(Number(tail.readBigUInt64LE(locatorAt + 8)), 56)
    if (record.length < 56 || record.readUInt32LE(0) !== ZIP64_EOCD) throw new Error('zip64 end of central directory record missing')
    count = Number(record.readBigUInt64LE(32))
    dirSize = Number(record.readBigUInt64LE(40))
    dirOffset = Number(record.readBigUInt64LE(48))
  }
  const dir = await source.read(dirOffset, dirSize)
  const entries: Entry[] = []
  let p = 0
  for (let i = 0; i < count; i++) {
    if (p + 46 > dir.length || dir.readUInt32LE(p) !== CENTRAL) throw new Error(`zip central directory is damaged at entry ${i + 1}`)
    const nameLength = dir.readUInt16LE(p + 28)
    const extraLength = dir.readUInt16LE(p + 30)
    const commentLength = dir.readUInt16LE(p + 32)
    const entry: Entry = {
      name: dir.toString('utf8', p + 46, p + 46 + nameLength),
      method: dir.readUInt16LE(p + 10),
      crc: dir.readUInt32LE(p + 16),
      compressedSize: dir.readUInt32LE(p + 20),
      size: dir.readUInt32LE(p + 24),
      localOffset: dir.readUInt32LE(p + 42)
    }
    applyZip64(entry, dir.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength))
    entries.push(entry)
    p += 46 + nameLength + extraLength + commentLength
  }
  return entries
}

/** Sizes and offsets over 4 GiB live in the zip64 extra field, in this order, only where the 32-bit field is full. */
function applyZip64(entry: Entry, extra: Buffer): void {
  for (let p = 0; p + 4 <= extra.length;) {
    const id = extra.readUInt16LE(p)
    const length = extra.readUInt16LE(p + 2)
    if (id === 0x0001) {
      let q = p + 4
      const next = (): number => {
        const value = Number(extra.readBigUInt64LE(q))
        q += 8
        return value
      }
      if (entry.size === MAX32) entry.size = next()
      if (entry.compressedSize === MAX32) entry.compressedSize = next()
      if (entry.localOffset === MAX32) entry.localOffset = next()
      return
    }
    p += 4 + length
  }
}

async function extract(source: Source, entry: Entry, target: string): Promise<void> {
  const local = await source.read(entry.localOffset, 30)
  if (local.length < 30 || local.readUInt32LE(0) !== LOCAL) throw new Error(`zip entry '${entry.name}' has no local header`)
  const start = entry.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28)
  const raw = source.stream(start, start + entry.compressedSize)
  const check = new EntryCheck(entry)
  if (entry.method === 8) await pipeline(raw, createInflateRaw(), check, createWriteStream(target))
  else if (entry.method === 0) await pipeline(raw, check, createWriteStream(target))
  else throw new Error(`zip entry '${entry.name}' uses compression method ${entry.method}; only stored and deflate are supported`)
}

/** Counts and checksums an entry as it passes, refusing more bytes than the directory promised. */
class EntryCheck extends Transform {
  private bytes = 0
  private crc = 0

  constructor(private readonly entry: Entry) {
    super()
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length
    if (this.bytes > this.entry.size) return done(new Error(`zip entry '${this.entry.name}' holds more than its declared ${this.entry.size} bytes`))
    this.crc = crc32(chunk, this.crc)
    done(null, chunk)
  }

  override _flush(done: TransformCallback): void {
    if (this.bytes !== this.entry.size) return done(new Error(`zip entry '${this.entry.name}' holds ${this.bytes} bytes, not the declared ${this.entry.size}`))
    if (this.crc >>> 0 !== this.entry.crc >>> 0) return done(new Error(`zip entry '${this.entry.name}' is damaged (CRC mismatch)`))
    done()
  }
}
