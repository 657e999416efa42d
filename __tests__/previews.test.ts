import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { readPreviewInputs } from '../src/inputs/preview-inputs.js'
import { imageKind, webpFrameCount } from '../src/publish/previews/image-kind.js'
import { makePreviews } from '../src/publish/previews/make-previews.js'
import { parseIndex, previewFolder, rawUrl } from '../src/publish/previews/preview-branch.js'
import { fetchThumbnail, THUMBNAIL_MAX_BYTES } from '../src/publish/previews/thumbnail-fetch.js'
import type { RenderOutcome } from '../src/render/outcome.js'
import { inputError } from './support/input-error.js'

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32, 1)])

/** A RIFF/WEBP container holding an ANIM chunk and `frames` ANMF chunks (one with an odd size, to test padding). */
function animatedWebp(frames: number): Buffer {
  const chunk = (id: string, size: number): Buffer => {
    const head = Buffer.alloc(8)
    head.write(id, 0, 'latin1')
    head.writeUInt32LE(size, 4)
    return Buffer.concat([head, Buffer.alloc(size + (size % 2))])
  }
  const body = Buffer.concat([Buffer.from('WEBP', 'latin1'), chunk('VP8X', 10), chunk('ANIM', 6), ...Array.from({ length: frames }, (_, i) => chunk('ANMF', 21 + i))])
  const riff = Buffer.alloc(8)
  riff.write('RIFF', 0, 'latin1')
  riff.writeUInt32LE(body.length, 4)
  return Buffer.concat([riff, body])
}

describe('image kinds', () => {
  it('tells images by their first bytes, not by what a server claims', () => {
    expect(imageKind(PNG)).toBe('png')
    expect(imageKind(Buffer.from('GIF89a......'))).toBe('gif')
    expect(imageKind(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]))).toBe('jpeg')
    expect(imageKind(animatedWebp(2))).toBe('webp')
    expect(imageKind(Buffer.from('<!doctype html><title>Expired</title>'))).toBeUndefined()
    expect(imageKind(Buffer.alloc(0))).toBeUndefined()
  })

  it('counts the frames of an animated WebP, and none for anything else', () => {
    expect(webpFrameCount(animatedWebp(7))).toBe(7)
    expect(webpFrameCount(PNG)).toBe(0)
  })
})

describe('preview branch paths', () => {
  it('makes the comment-key one safe folder, keeping keys that only differ in punctuation apart', () => {
    expect(previewFolder('project/index.html', '7')).toMatch(/^project-index\.html-[0-9a-f]{8}\/7$/)
    expect(previewFolder('a/b', '1')).not.toBe(previewFolder('a-b', '1'))
    expect(previewFolder('../../etc', '1')).toMatch(/^etc-[0-9a-f]{8}\/1$/)
    expect(previewFolder('🎬', 'abc')).toMatch(/^previews-[0-9a-f]{8}\/abc$/)
  })

  it('builds raw URLs on the server URL, encoded per segment, with the blob version', () => {
    expect(rawUrl('https://ghes.example.com', 'o/r', 'pre views', 'k-1/7/a b.webp', 'abcdef0123456789')).toBe('https://ghes.example.com/o/r/raw/pre%20views/k-1/7/a%20b.webp?v=abcdef012345')
  })

  it('reads a damaged index as empty rather than failing the write', () => {
    expect(parseIndex('{nope')).toEqual({ version: 1, files: {} })
    expect(parseIndex('{"files": {"a": "2025-01-01T00:00:00Z", "b": 3}}')).toEqual({ version: 1, files: { a: '2025-01-01T00:00:00Z' } })
  })
})

describe('preview inputs', () => {
  const set = (env: Record<string, string>): void => {
    for (const k of ['INPUT_PREVIEW', 'INPUT_PREVIEW-BRANCH', 'INPUT_PREVIEW-RETENTION-DAYS']) delete process.env[k]
    for (const [k, v] of Object.entries(env)) process.env[`INPUT_${k.toUpperCase()}`] = v
  }
  afterEach(() => set({}))

  it('defaults to auto, no branch, 30 days', () => {
    set({})
    expect(readPreviewInputs()).toEqual({ mode: 'auto', branch: undefined, retentionDays: 30 })
  })

  it('names the input and what it expected', () => {
    set({ preview: 'gif' })
    expect(inputError(() => readPreviewInputs()).message).toBe("Input 'preview': 'gif' is not one of auto, poster, none.")
    set({ 'preview-branch': 'refs/heads/x' })
    expect(inputError(() => readPreviewInputs()).input).toBe('preview-branch')
    set({ 'preview-branch': 'my previews' })
    expect(inputError(() => readPreviewInputs()).message).toMatch(/^Input 'preview-branch': 'my previews' is not a valid branch name/)
    set({ 'preview-retention-days': '0' })
    expect(inputError(() => readPreviewInputs()).input).toBe('preview-retention-days')
  })
})

describe('thumbnail download', () => {
  let server: Server
  let base: string
  const served: string[] = []
  beforeAll(async () => {
    server = createServer((req, res) => {
      served.push(req.url ?? '')
      if (req.url === '/ok.png') return res.writeHead(200, { 'content-type': 'image/png' }).end(PNG)
      if (req.url === '/page.png') return res.writeHead(200, { 'content-type': 'image/png' }).end('<html>AccessDenied</html>')
      if (req.url === '/declared-huge.png') return res.writeHead(200, { 'content-length': String(THUMBNAIL_MAX_BYTES + 1) }).end()
      if (req.url === '/endless.png') {
        // No length up front: the cap must hold while streaming.
        res.writeHead(200, { 'content-type': 'image/png' })
        res.write(PNG)
        const chunk = Buffer.alloc(256 * 1024)
        let sent = 0
        const more = (): void => {
          while (sent < THUMBNAIL_MAX_BYTES * 2) {
            sent += chunk.length
            if (!res.write(chunk)) return void res.once('drain', more)
          }
          res.end()
        }
        return more()
      }
      res.writeHead(403).end('expired')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })

  it('keeps an image', async () => {
    const t = await fetchThumbnail(`${base}/ok.png`)
    expect(t.kind).toBe('png')
    expect(t.bytes.equals(PNG)).toBe(true)
  })

  it('refuses what is not an image, an expired link, and anything over the cap', async () => {
    await expect(fetchThumbnail(`${base}/page.png`)).rejects.toThrow(/not a PNG, JPEG, GIF or WebP image/)
    await expect(fetchThumbnail(`${base}/gone.png`)).rejects.toThrow(/HTTP 403/)
    await expect(fetchThumbnail(`${base}/declared-huge.png`)).rejects.toThrow(/over the \d+-byte cap/)
    await expect(fetchThumbnail(`${base}/endless.png`)).rejects.toThrow(/over the \d+-byte cap/)
    await expect(fetchThumbnail('file:///etc/passwd')).rejects.toThrow(/not an http\(s\) URL/)
  })

  it('without ffmpeg, a poster is the downloaded thumbnail; a bad one is a warning, not a failure', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hf-previews-'))
    const outcome = (index: number, thumb: string): RenderOutcome => ({
      job: { index, name: `r-${index}` } as RenderOutcome['job'],
      key: `k${index}`,
      status: 'completed',
      videoPath: path.join(dir, `r-${index}.mp4`),
      thumbnailUrl: `${base}/${thumb}`
    })
    const warnings: string[] = []
    try {
      const previews = await makePreviews([outcome(1, 'ok.png'), outcome(2, 'page.png')], {
        mode: 'auto',
        dir,
        log: { info: () => undefined, warning: (l) => warnings.push(l) },
        ffmpeg: async () => undefined
      })
      expect(previews.map((p) => [p.index, p.kind, p.animated, path.basename(p.path)])).toEqual([[1, 'png', false, 'r-1.png']])
      expect(readFileSync(previews[0].path).equals(PNG)).toBe(true)
      expect(warnings).toHaveLength(1)
      expect(warnings[0]).toMatch(/No preview for 1 video:\n- r-2: thumbnail is not a PNG/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('makes nothing with preview: none', async () => {
    const before = served.length
    const previews = await makePreviews([{ job: { index: 1, name: 'x' } as RenderOutcome['job'], key: 'k', status: 'completed', thumbnailUrl: `${base}/ok.png` }], {
      mode: 'none',
      dir: os.tmpdir(),
      log: { info: () => undefined, warning: () => undefined }
    })
    expect(previews).toEqual([])
    expect(served.length).toBe(before)
  })
})
