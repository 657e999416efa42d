import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import { dirname } from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import yazl from 'yazl'
import { UserError } from '../user-error.js'
import { isCompressedFormat } from './compressed-formats.js'

/** One file to store: its posix path inside the archive, its size, and where its bytes come from. */
export interface ZipSource {
  path: string
  size: number
  source: string
  /** The bytes themselves, when the packer rewrote the file (small HTML or CSS); else `source` is streamed. */
  data?: Buffer
}

export interface WrittenZip {
  /** Hex SHA-256 of the bytes written. */
  sha256: string
  size: number
}

// Local-time fields, so the DOS date/time stored is 1980-01-01 00:00 in any time zone. The
// extended-timestamp extra field (UTC seconds) is left out: it would differ between zones.
const FIXED_TIME = new Date(1980, 0, 1, 0, 0, 0)
const FILE_MODE = 0o100644

/**
 * Streams `entries`, in the order given, into a zip at `outFile` and hashes it on the way: no file
 * and not the archive are ever held in memory whole. The same entries give the same bytes on any
 * host: fixed times, mode and "made by", no directory entries, the deflate level fixed.
 */
export async function writeZip(entries: readonly ZipSource[], outFile: string): Promise<WrittenZip> {
  await mkdir(dirname(outFile), { recursive: true })
  const zip = new yazl.ZipFile()
  const hash = createHash('sha256')
  let size = 0
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk)
      size += chunk.length
      done(null, chunk)
    }
  })
  // yazl reports a failed entry on the ZipFile, not on its output: end the output with it.
  const output = zip.outputStream as unknown as NodeJS.ReadableStream & { destroy(error?: Error): void }
  let current = ''
  zip.on('error', (error: Error) => output.destroy(describe(error, current)))

  for (const entry of entries) {
    const options = { mtime: FIXED_TIME, mode: FILE_MODE, forceDosTimestamp: true, compress: !isCompressedFormat(entry.path) }
    if (entry.data) {
      zip.addBuffer(entry.data, entry.path, options)
      continue
    }
    zip.addReadStreamLazy(entry.path, { ...options, size: entry.size }, (ready) => {
      current = entry.path
      const stream = createReadStream(entry.source)
      stream.on('error', (error) => zip.emit('error', error))
      ready(null, stream)
    })
  }
  zip.end()
  try {
    await pipeline(output, tap, createWriteStream(outFile))
  } catch (error) {
    await rm(outFile, { force: true })
    throw error
  }
  return { sha256: hash.digest('hex'), size }
}

function describe(error: Error, path: string): Error {
  // yazl checks every entry against the size it was listed with.
  if (/unexpected number of bytes/.test(error.message)) {
    return new UserError(`Project file '${path}' changed size while it was being packed; re-run once nothing writes into the project folder.`)
  }
  return error
}
