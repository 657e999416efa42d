import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { CorruptVideo, checkVideo, containerProblem } from '../src/heygen/video-check.js'

const dir = mkdtempSync(path.join(os.tmpdir(), 'hf-video-check-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function box(type: string, payload: Buffer): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(8 + payload.length, 0)
  head.write(type, 4, 'latin1')
  return Buffer.concat([head, payload])
}

function file(name: string, bytes: Buffer): string {
  const p = path.join(dir, name)
  writeFileSync(p, bytes)
  return p
}

const MP4 = Buffer.concat([box('ftyp', Buffer.from('isom\0\0\0\0isom')), box('mdat', Buffer.alloc(1000, 7)), box('moov', Buffer.alloc(200, 1))])

describe('containerProblem', () => {
  it('accepts an MP4 whose boxes fill the file and include moov', async () => {
    expect(await containerProblem(file('ok.mp4', MP4), MP4.length)).toBeUndefined()
  })

  it('names a file cut inside a box, one without moov, and one that is not a video', async () => {
    const half = MP4.subarray(0, 600)
    expect(await containerProblem(file('half.mp4', half), half.length)).toBe("it ends inside the 'mdat' box: 600 bytes arrived, the box needs 1028")
    const noIndex = MP4.subarray(0, MP4.length - 208)
    expect(await containerProblem(file('noindex.mp4', noIndex), noIndex.length)).toBe("it has no 'moov' box (the index a player needs)")
    const html = Buffer.from('<html><body>502</body></html>')
    expect(await containerProblem(file('page.mp4', html), html.length)).toMatch(/^it starts with neither an MP4\/MOV 'ftyp' box nor a WebM EBML header/)
  })

  it('checks a WebM segment of known size against the file length', async () => {
    // EBML header (id 1A45DFA3, size 0) then Segment (id 18538067, 1-byte size 0x84 = 4) and 4 bytes.
    const webm = Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x80, 0x18, 0x53, 0x80, 0x67, 0x84, 1, 2, 3, 4])
    expect(await containerProblem(file('ok.webm', webm), webm.length)).toBeUndefined()
    const cut = webm.subarray(0, 12)
    expect(await containerProblem(file('cut.webm', cut), cut.length)).toBe('its Segment needs 14 bytes but 12 arrived')
  })
})

describe('checkVideo', () => {
  it('refuses a page served as text/html before looking at its bytes', async () => {
    const p = file('typed.mp4', MP4)
    await expect(checkVideo(p, { contentType: 'text/html; charset=utf-8', bytes: MP4.length }, {}, "video 'x'")).rejects.toThrow(CorruptVideo)
    await expect(checkVideo(p, { contentType: 'video/mp4', bytes: MP4.length }, {}, "video 'x'")).resolves.toBeUndefined()
    await expect(checkVideo(p, { contentType: 'application/octet-stream', bytes: MP4.length }, {}, "video 'x'")).resolves.toBeUndefined()
    expect(readFileSync(p).length).toBe(MP4.length)
  })
})
