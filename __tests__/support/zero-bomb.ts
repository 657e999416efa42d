import { writeFile } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { crc32, createDeflateRaw } from 'node:zlib'

export const MiB = 1024 * 1024

/**
 * Writes a zip holding `big.bin` (`mib` MiB of zeros, deflated) and a small stored `index.html`.
 * The entry is deflated at level 1 from a stream of zeros, so the zip is about 4.5 KiB per MiB
 * and takes a fraction of a second to build, while unpacking it still streams `mib` MiB out of
 * inflate (a zip library's default compressor and JavaScript CRC cost seconds for the same file).
 */
export async function writeZeroBomb(file: string, mib: number): Promise<void> {
  const zeros = Buffer.alloc(MiB)
  let crc = 0
  for (let i = 0; i < mib; i++) crc = crc32(zeros, crc)
  const deflated: Buffer[] = []
  const source = Readable.from(
    (function* () {
      for (let i = 0; i < mib; i++) yield zeros
    })()
  )
  for await (const chunk of source.pipe(createDeflateRaw({ level: 1 }))) deflated.push(chunk as Buffer)
  const data = Buffer.concat(deflated)
  const html = Buffer.from('<html></html>')
  const big = localHeader('big.bin', 8, crc, data.length, mib * MiB)
  const htmlOffset = big.length + data.length
  const small = localHeader('index.html', 0, crc32(html), html.length, html.length)
  const dirOffset = htmlOffset + small.length + html.length
  const dir = Buffer.concat([centralHeader('big.bin', 8, crc, data.length, mib * MiB, 0), centralHeader('index.html', 0, crc32(html), html.length, html.length, htmlOffset)])
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(2, 8)
  end.writeUInt16LE(2, 10)
  end.writeUInt32LE(dir.length, 12)
  end.writeUInt32LE(dirOffset, 16)
  await writeFile(file, Buffer.concat([big, data, small, html, dir, end]))
}

function localHeader(fileName: string, method: number, crc: number, compressedSize: number, size: number): Buffer {
  const name = Buffer.from(fileName)
  const header = Buffer.alloc(30)
  header.writeUInt32LE(0x04034b50, 0)
  header.writeUInt16LE(20, 4)
  header.writeUInt16LE(method, 8)
  header.writeUInt16LE(0x21, 12) // 1980-01-01
  header.writeUInt32LE(crc >>> 0, 14)
  header.writeUInt32LE(compressedSize, 18)
  header.writeUInt32LE(size, 22)
  header.writeUInt16LE(name.length, 26)
  return Buffer.concat([header, name])
}

function centralHeader(fileName: string, method: number, crc: number, compressedSize: number, size: number, offset: number): Buffer {
  const name = Buffer.from(fileName)
  const header = Buffer.alloc(46)
  header.writeUInt32LE(0x02014b50, 0)
  header.writeUInt16LE(20, 4)
  header.writeUInt16LE(20, 6)
  header.writeUInt16LE(method, 10)
  header.writeUInt16LE(0x21, 14)
  header.writeUInt32LE(crc >>> 0, 16)
  header.writeUInt32LE(compressedSize, 20)
  header.writeUInt32LE(size, 24)
  header.writeUInt16LE(name.length, 28)
  header.writeUInt32LE(offset, 42)
  return Buffer.concat([header, name])
}
