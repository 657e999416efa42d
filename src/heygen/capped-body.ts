import type { Readable } from 'node:stream'

/** What the API answers is JSON of a few KiB (a page of 100 renders is ~100 KiB): 4 MiB is plenty. */
export const JSON_BODY_CAP = 4 * 1024 * 1024
/** An error body is read for its message only. */
export const ERROR_BODY_CAP = 64 * 1024

export interface CappedText {
  text: string
  /** true when the body went on past `cap` bytes; the rest was not read and the connection is dropped. */
  overCap: boolean
}

/**
 * Reads at most `cap` bytes of a response body. A server that sends hundreds of MiB (a proxy's
 * error page, a runaway listing) would otherwise hold them all in memory, then fail as a string.
 */
export async function readCapped(body: Readable, cap: number): Promise<CappedText> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array)
    if (size + buf.length > cap) {
      chunks.push(buf.subarray(0, cap - size))
      body.destroy()
      return { text: Buffer.concat(chunks).toString('utf8'), overCap: true }
    }
    chunks.push(buf)
    size += buf.length
  }
  return { text: Buffer.concat(chunks).toString('utf8'), overCap: false }
}
