import AdmZip from 'adm-zip'
import { createHash } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import { inflateSync } from 'node:zlib'
import { startEmulator, type Emulator, type EmulatorOptions } from '../emulator/index.js'
import { sideBySide } from './support/side-by-side.js'
import { memoEngine } from './support/video-engines.js'

// The emulator over real HTTP on loopback: every call goes through fetch, nothing is mocked.

const KEY = 'test-key'
const AUTH = { 'x-api-key': KEY }

const VARIABLES = JSON.stringify([
  { id: 'title', type: 'string', label: 'Title', default: 'Hello' },
  { id: 'color', type: 'color', label: 'Background', default: '#336699' }
])
const INDEX_HTML = `<!doctype html>
<html data-composition-variables='${VARIABLES}'>
  <body>
    <div id="root" data-composition-id="main" data-start="0" data-width="1920" data-height="1080" data-duration="1.5">
      <h1 data-var-text="title"></h1>
    </div>
  </body>
</html>`

function fixtureZip(files: Record<string, string> = { 'index.html': INDEX_HTML }): Buffer {
  const zip = new AdmZip()
  for (const [name, content] of Object.entries(files)) zip.addFile(name, Buffer.from(content))
  return zip.toBuffer()
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex')
const base64Project = (zip: Buffer) => ({ type: 'base64', media_type: 'application/zip', data: zip.toString('base64') })

interface Reply {
  status: number
  headers: Headers
  /** Loosely typed on purpose: the tests assert the shapes. */
  json: any
}

async function api(em: Emulator, method: string, path: string, body?: unknown, headers: Record<string, string> = AUTH): Promise<Reply> {
  const response = await fetch(`${em.url}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) })
  })
  const text = await response.text()
  return { status: response.status, headers: response.headers, json: text === '' ? undefined : JSON.parse(text) }
}

async function initUpload(em: Emulator, zip: Buffer): Promise<any> {
  const reply = await api(em, 'POST', '/v3/assets/direct-uploads', {
    filename: 'project.zip',
    content_type: 'application/zip',
    size_bytes: zip.length,
    checksum_sha256: sha256(zip)
  })
  expect(reply.status).toBe(200)
  return reply.json.data
}

function putUpload(upload: any, zip: Buffer, extra: Record<string, string> = {}): Promise<Response> {
  return fetch(upload.upload_url, {
    method: 'PUT',
    headers: { 'content-type': 'application/zip', ...upload.upload_headers, ...extra },
    body: new Uint8Array(zip)
  })
}

async function uploadProject(em: Emulator, zip: Buffer = fixtureZip()): Promise<string> {
  const upload = await initUpload(em, zip)
  expect((await putUpload(upload, zip)).status).toBe(200)
  const done = await api(em, 'POST', `/v3/assets/${upload.asset_id}/complete`, { checksum_sha256: sha256(zip) })
  expect(done.status).toBe(200)
  return upload.asset_id as string
}

/** Polls with a bounded loop; no assertion depends on how long it takes. */
async function waitForTerminal(em: Emulator, renderId: string): Promise<any> {
  for (let i = 0; i < 400; i++) {
    const reply = await api(em, 'GET', `/v3/hyperframes/renders/${renderId}`)
    expect(reply.status).toBe(200)
    if (reply.json.data.status === 'completed' || reply.json.data.status === 'failed') return reply.json.data
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error(`render ${renderId} never finished`)
}

async function waitUntil(predicate: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !predicate(); i++) await new Promise((resolve) => setTimeout(resolve, 10))
  if (!predicate()) throw new Error('condition never became true')
}

/** Width and height from the first track header of an MP4 (16.16 fixed point at the end of tkhd). */
function mp4Dimensions(mp4: Buffer): { width: number; height: number } {
  const at = mp4.indexOf('tkhd', 0, 'latin1') - 4
  const size = mp4.readUInt32BE(at)
  return { width: mp4.readUInt32BE(at + size - 8) >>> 16, height: mp4.readUInt32BE(at + size - 4) >>> 16 }
}

/** The RGB of the top-right pixel of a PNG written with filter 0 (the moving bar starts at the left). */
function topRightPixel(png: Buffer): number[] {
  const width = png.readUInt32BE(16)
  const chunks: Buffer[] = []
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at)
    if (png.toString('latin1', at + 4, at + 8) === 'IDAT') chunks.push(png.subarray(at + 8, at + 8 + length))
    at += 12 + length
  }
  const raw = inflateSync(Buffer.concat(chunks))
  const at = 1 + (width - 1) * 3
  return [raw[at]!, raw[at + 1]!, raw[at + 2]!]
}

const started: Emulator[] = []
/**
 * The emulator's own fast engine, memoised: renders with the same settings share one encode, so
 * the many renders these tests create only to count them do not queue encodes (serialised, on this
 * process's CPU) in front of the next test. Every video is still the fast engine's bytes for its
 * settings; the default engine itself is what every other emulator in the suite runs.
 */
async function emulatorWith(options: EmulatorOptions = {}): Promise<Emulator> {
  const em = await startEmulator({ apiKeys: [KEY], renderMs: 30, queueMs: 5, seed: 7, engine: memoEngine, ...options })
  started.push(em)
  return em
}
afterAll(async () => {
  await Promise.all(started.map((em) => em.close()))
})
/** For a test that mostly waits and shares nothing: it starts with the file and runs beside the rest. */
const inBackground = sideBySide()

describe('direct upload, render and download', () => {
  it('runs the whole flow and serves a real MP4 and PNG thumbnail', async () => {
    const em = await emulatorWith()
    const zip = fixtureZip()
    const assetId = await uploadProject(em, zip)
    expect(em.stats.assetsCreated).toBe(1)
    expect(em.stats.bytesUploaded).toBe(zip.length)

    const created = await api(em, 'POST', '/v3/hyperframes/renders', {
      project: { type: 'asset_id', asset_id: assetId },
      title: 'Full flow',
      fps: 24,
      variables: { title: 'Hi there' }
    })
    expect(created.status).toBe(202)
    const renderId: string = created.json.data.render_id

    const detail = await waitForTerminal(em, renderId)
    expect(detail).toMatchObject({ render_id: renderId, status: 'completed', format: 'mp4', title: 'Full flow', fps: 24, aspect_ratio: '16:9', duration: 1.5 })
    expect(typeof detail.completed_at).toBe('number')

    const video = await fetch(detail.video_url)
    expect(video.status).toBe(200)
    expect(video.headers.get('content-type')).toBe('video/mp4')
    const videoBytes = Buffer.from(await video.arrayBuffer())
    expect(Number(video.headers.get('content-length'))).toBe(videoBytes.length)
    expect(videoBytes.toString('latin1', 4, 8)).toBe('ftyp')
    expect(videoBytes.equals(em.videoBytes(renderId)!)).toBe(true)
    expect(mp4Dimensions(videoBytes)).toEqual({ width: 320, height: 180 })

    const thumb = await fetch(detail.thumbnail_url)
    expect(thumb.headers.get('content-type')).toBe('image/png')
    const thumbBytes = Buffer.from(await thumb.arrayBuffer())
    expect(thumbBytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    expect(Number(thumb.headers.get('content-length'))).toBe(thumbBytes.length)

    expect(em.stats.downloads).toBe(2)
    expect(em.stats.downloadBytes).toBe(videoBytes.length + thumbBytes.length)
    expect(em.stats.requests.filter((r) => r.route === 'GET video' || r.route === 'PUT upload').every((r) => !r.hadApiKey)).toBe(true)
    expect(em.renders()).toEqual([expect.objectContaining({ render_id: renderId, status: 'completed' })])
  })

  it('renders portrait and mov outputs with the right size, brand and content type', async () => {
    const em = await emulatorWith()
    const created = await api(em, 'POST', '/v3/hyperframes/renders', { project: base64Project(fixtureZip()), format: 'mov', aspect_ratio: '9:16' })
    expect(created.status).toBe(202)
    const detail = await waitForTerminal(em, created.json.data.render_id)
    expect(detail.video_url).toMatch(/\.mov\?/)
    const response = await fetch(detail.video_url)
    expect(response.headers.get('content-type')).toBe('video/quicktime')
    const bytes = Buffer.from(await response.arrayBuffer())
    expect(bytes.toString('latin1', 8, 12)).toBe('qt  ')
    expect(mp4Dimensions(bytes)).toEqual({ width: 180, height: 320 })
  })

  it('refuses downloads that carry an API key and downloads through an expired URL', async () => {
    const em = await emulatorWith()
    const created = await api(em, 'POST', '/v3/hyperframes/renders', { project: base64Project(fixtureZip()) })
    const detail = await waitForTerminal(em, created.json.data.render_id)
    const withKey = await fetch(detail.video_url, { headers: AUTH })
    expect(withKey.status).toBe(403)
    expect(await withKey.text()).toContain('<Error>')
    const tampered = await fetch(detail.video_url.replace(/sig=[0-9a-f]{4}/, 'sig=0000'))
    expect(tampered.status).toBe(403)
    expect(em.stats.downloads).toBe(0)

    const expiring = await emulatorWith({ urlTtlSeconds: 0 })
    const again = await api(expiring, 'POST', '/v3/hyperframes/renders', { project: base64Project(fixtureZip()) })
    const stale = await waitForTerminal(expiring, again.json.data.render_id)
    const expired = await fetch(stale.video_url)
    expect(expired.status).toBe(403)
    expect(await expired.text()).toContain('Request has expired')
  })

  it('fires the callback_url webhook on completion', async () => {
    const received: any[] = []
    const hook: Server = createServer((req, res) => {
      let body = ''
      req.on('data', (chunk: Buffer) => (body += chunk.toString()))
      req.on('end', () => {
        received.push(JSON.parse(body))
        res.end()
      })
    })
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve))
    try {
      const port = (hook.address() as { port: number }).port
      const em = await emulatorWith()
      const created = await api(em, 'POST', '/v3/hyperframes/renders', {
        project: base64Project(fixtureZip()),
        callback_id: 'cb-1',
        callback_url: `http://127.0.0.1:${port}/hook`
      })
      await waitForTerminal(em, created.json.data.render_id)
      await waitUntil(() => received.length > 0)
      expect(received[0]).toMatchObject({
        event_type: 'hyperframes_video.success',
        event_data: { render_id: created.json.data.render_id, callback_id: 'cb-1' }
      })
      expect(received[0].event_data.video_url).toContain('/_storage/videos/')
    } finally {
      await new Promise((resolve) => hook.close(resolve))
    }
  })
})

describe('presigned upload', () => {
  it('rejects a PUT that carries the API key, and a complete before any PUT', async () => {
    const em = await emulatorWith()
    const zip = fixtureZip()
    const upload = await initUpload(em, zip)
    expect(upload).toMatchObject({ status: 'pending_upload', max_bytes: 200 * 1024 * 1024, expires_in_seconds: 300 })
    expect(Object.keys(upload.upload_headers).length).toBeGreaterThan(0)

    const withKey = await putUpload(upload, zip, AUTH)
    expect(withKey.status).toBe(403)
    expect(await withKey.text()).toContain('SignatureDoesNotMatch')

    const early = await api(em, 'POST', `/v3/assets/${upload.asset_id}/complete`, { checksum_sha256: sha256(zip) })
    expect(early.status).toBe(409)
    expect(early.json.error.code).toBe('upload_not_found')
    expect(early.json.error.message).toBe('uploaded object not found yet')
  })

  it('signs number and boolean upload_headers, which a PUT must send as strings', async () => {
    const em = await emulatorWith()
    const zip = fixtureZip()
    const upload = await initUpload(em, zip)
    expect(upload.upload_headers).toMatchObject({ 'x-emulator-upload-size': zip.length, 'x-emulator-upload-private': true })
    const onlyStrings = Object.fromEntries(Object.entries(upload.upload_headers).filter(([, v]) => typeof v === 'string')) as Record<string, string>
    const dropped = await fetch(upload.upload_url, { method: 'PUT', headers: { 'content-type': 'application/zip', ...onlyStrings }, body: new Uint8Array(zip) })
    expect(dropped.status).toBe(403)
    expect(await dropped.text()).toContain('x-emulator-upload-size')
    const stringified = Object.fromEntries(Object.entries(upload.upload_headers).map(([k, v]) => [k, String(v)]))
    const ok = await fetch(upload.upload_url, { method: 'PUT', headers: { 'content-type': 'application/zip', ...stringified }, body: new Uint8Array(zip) })
    expect(ok.status).toBe(200)
    expect(em.assetFilename(upload.asset_id)).toBe('project.zip')
  })

  it('answers the first complete after a good PUT with 409 "not found yet" when the race is on', async () => {
    const em = await emulatorWith({ completeRaceProbability: 1 })
    const zip = fixtureZip()
    const upload = await initUpload(em, zip)
    expect((await putUpload(upload, zip)).status).toBe(200)
    const first = await api(em, 'POST', `/v3/assets/${upload.asset_id}/complete`, { checksum_sha256: sha256(zip) })
    expect(first.status).toBe(409)
    expect(first.json).toEqual({ error: { code: 'upload_not_found', message: 'uploaded object not found yet', param: 'asset_id', doc_url: null } })
    const second = await api(em, 'POST', `/v3/assets/${upload.asset_id}/complete`, { checksum_sha256: sha256(zip) })
    expect(second.status).toBe(200)
    expect(second.json.data.status).toBe('processing')

    // Off by default: the first complete after the PUT succeeds.
    const calm = await emulatorWith()
    const other = await initUpload(calm, zip)
    expect((await putUpload(other, zip)).status).toBe(200)
    expect((await api(calm, 'POST', `/v3/assets/${other.asset_id}/complete`, { checksum_sha256: sha256(zip) })).status).toBe(200)
  })

  it('hands out upload URLs that live as long as urlTtlSeconds says', async () => {
    const em = await emulatorWith({ urlTtlSeconds: 4 })
    const upload = await initUpload(em, fixtureZip())
    expect(upload.expires_in_seconds).toBe(4)
    const expires = Number(new URL(upload.upload_url).searchParams.get('expires'))
    // Rounded up to the second: never less than the TTL from now, never a second more.
    expect(expires - Date.now() / 1000).toBeGreaterThanOrEqual(3.9)
    expect(expires - Date.now() / 1000).toBeLessThanOrEqual(5)
  })

  it('rejects a wrong content type, a short body and a mismatched checksum on complete', async () => {
    const em = await emulatorWith()
    const zip = fixtureZip()
    const upload = await initUpload(em, zip)
    expect((await putUpload(upload, zip, { 'content-type': 'application/octet-stream' })).status).toBe(403)
    const short = await fetch(upload.upload_url, { method: 'PUT', headers: { 'content-type': 'application/zip', ...upload.upload_headers }, body: new Uint8Array(zip.subarray(1)) })
    expect(short.status).toBe(400)
    expect((await putUpload(upload, zip)).status).toBe(200)
    const wrong = await api(em, 'POST', `/v3/assets/${upload.asset_id}/complete`, { checksum_sha256: 'a'.repeat(64) })
    expect(wrong.status).toBe(400)
    expect(wrong.json.error.param).toBe('checksum_sha256')
    const ok = await api(em, 'POST', `/v3/assets/${upload.asset_id}/complete`, { checksum_sha256: sha256(zip) })
    expect(ok.json.data).toMatchObject({ asset_id: upload.asset_id, mime_type: 'application/zip', size_bytes: zip.length, status: 'processing' })
  })

  it('rejects an expired upload URL', async () => {
    const em = await emulatorWith({ urlTtlSeconds: 0 })
    const zip = fixtureZip()
    const upload = await initUpload(em, zip)
    const response = await putUpload(upload, zip)
    expect(response.status).toBe(403)
    expect(await response.text()).toContain('Request has expired')
    expect(em.stats.bytesUploaded).toBe(0)
  })

  it('caps declared sizes at 200 MB', async () => {
    const em = await emulatorWith()
    const reply = await api(em, 'POST', '/v3/assets/direct-uploads', {
      filename: 'big.zip',
      content_type: 'application/zip',
      size_bytes: 200 * 1024 * 1024 + 1,
      checksum_sha256: 'b'.repeat(64)
    })
    expect(reply.status).toBe(400)
    expect(reply.json.error).toMatchObject({ code: 'hyperframes_project_too_large', param: 'size_bytes' })
  })
})

describe('create validation', () => {
  let em: Emulator
  let assetId: string
  beforeAll(async () => {
    // What is checked here is the answer to a create; the renders it accepts are only counted, so
    // they never finish and no encode runs behind the tests (six accepted colours would be six encodes).
    em = await emulatorWith({ neverFinish: () => true })
    assetId = await uploadProject(em)
  })
  const project = () => ({ type: 'asset_id', asset_id: assetId })

  it.each([
    ['an unknown field', { colour: 'red' }, 'colour'],
    ['fps 0', { fps: 0 }, 'fps'],
    ['fps 241', { fps: 241 }, 'fps'],
    ['fps 2.5', { fps: 2.5 }, 'fps'],
    ['a quality outside the enum', { quality: 'ultra' }, 'quality'],
    ['4k with webm', { resolution: '4k', format: 'webm' }, 'resolution'],
    ['a 501-character title', { title: 'x'.repeat(501) }, 'title'],
    ['a plain-http callback_url', { callback_url: 'http://example.com/hook' }, 'callback_url'],
    ['a plain-http callback_url on a host named like loopback', { callback_url: 'http://localhost.example.com/hook' }, 'callback_url'],
    ['a plain-http callback_url on a private address', { callback_url: 'http://10.0.0.1/hook' }, 'callback_url'],
    ['composition ./index.html', { composition: './index.html' }, 'composition'],
    ['composition /index.html', { composition: '/index.html' }, 'composition'],
    ['composition with a backslash', { composition: 'compositions\\intro.html' }, 'composition'],
    ['composition with ..', { composition: 'a/../index.html' }, 'composition'],
    ['variables as an array', { variables: ['a'] }, 'variables']
  ])('rejects %s with 400 invalid_parameter', async (_name, extra, param) => {
    const reply = await api(em, 'POST', '/v3/hyperframes/renders', { project: project(), ...extra })
    expect(reply.status).toBe(400)
    expect(reply.json.error).toMatchObject({ code: 'invalid_parameter', param, doc_url: null })
    expect(em.stats.rendersCreated).toBe(0)
  })

  it('rejects a malformed Idempotency-Key', async () => {
    for (const key of ['has space', 'k'.repeat(256)]) {
      const reply = await api(em, 'POST', '/v3/hyperframes/renders', { project: project() }, { ...AUTH, 'idempotency-key': key })
      expect(reply.status).toBe(400)
      expect(reply.json.error.param).toBe('Idempotency-Key')
    }
  })

  it('rejects an unknown or unfinished asset and unsupported url projects', async () => {
    const unknown = await api(em, 'POST', '/v3/hyperframes/renders', { project: { type: 'asset_id', asset_id: 'nope' } })
    expect(unknown.json.error).toMatchObject({ code: 'invalid_parameter', param: 'project' })
    const pending = await initUpload(em, fixtureZip())
    const unfinished = await api(em, 'POST', '/v3/hyperframes/renders', { project: { type: 'asset_id', asset_id: pending.asset_id } })
    expect(unfinished.status).toBe(400)
    expect(unfinished.json.error.message).toContain('complete')
    const url = await api(em, 'POST', '/v3/hyperframes/renders', { project: { type: 'url', url: 'https://example.com/p.zip' } })
    expect(url.json.error).toMatchObject({ code: 'invalid_parameter', param: 'project' })
  })

  it('accepts the boundary values', async () => {
    const reply = await api(em, 'POST', '/v3/hyperframes/renders', {
      project: project(),
      fps: 240,
      title: 'x'.repeat(500),
      resolution: '4k',
      format: 'mp4',
      quality: 'high',
      callback_id: null,
      variables: null
    })
    expect(reply.status).toBe(202)
    expect(em.stats.rendersCreated).toBe(1)
  })

  it('rejects a zip without the entry file, or not a zip at all', async () => {
    const noIndex = await api(em, 'POST', '/v3/hyperframes/renders', { project: base64Project(fixtureZip({ 'other.html': INDEX_HTML })) })
    expect(noIndex.status).toBe(400)
    expect(noIndex.json.error.code).toBe('hyperframes_project_invalid')
    expect(noIndex.json.error.message).toContain('index.html')

    const nested = await api(em, 'POST', '/v3/hyperframes/renders', { project: base64Project(fixtureZip({ 'proj/index.html': INDEX_HTML })) })
    expect(nested.json.error.message).toContain("Found 'proj/index.html'")

    const named = await api(em, 'POST', '/v3/hyperframes/renders', { project: project(), composition: 'compositions/intro.html' })
    expect(named.json.error.code).toBe('hyperframes_project_invalid')

    const notZip = await api(em, 'POST', '/v3/hyperframes/renders', { project: base64Project(Buffer.from('plain text')) })
    expect(notZip.json.error.code).toBe('hyperframes_project_invalid')
  })

  it('rejects a colour variable that is not a colour, and takes the hex forms CSS knows', async () => {
    const before = em.stats.rendersCreated
    for (const color of ['#12345', '#1234567', 'rgb(1, 2', '#ggg']) {
      const reply = await api(em, 'POST', '/v3/hyperframes/renders', { project: project(), variables: { color } })
      expect(reply.status).toBe(400)
      expect(reply.json.error).toMatchObject({ code: 'hyperframes_project_invalid', param: 'project', doc_url: null })
      expect(reply.json.error.message).toContain("variable 'color'")
    }
    expect(em.stats.rendersCreated).toBe(before)
    for (const color of ['#abc', '#abcd', '#aabbcc', '#aabbccdd', 'rebeccapurple', 'rgb(1 2 3)']) {
      expect((await api(em, 'POST', '/v3/hyperframes/renders', { project: project(), variables: { color } })).status).toBe(202)
    }
  })

  it('refuses a JSON body sent as text/plain on every POST, in the contract error shape', async () => {
    const before = em.stats.rendersCreated
    const plain = { ...AUTH, 'content-type': 'text/plain' }
    const send = (path: string, body: unknown) => fetch(`${em.url}${path}`, { method: 'POST', headers: plain, body: JSON.stringify(body) })
    const zip = fixtureZip()
    const replies = [
      await send('/v3/hyperframes/renders', { project: project() }),
      await send('/v3/assets/direct-uploads', { filename: 'p.zip', content_type: 'application/zip', size_bytes: zip.length, checksum_sha256: sha256(zip) }),
      await send(`/v3/assets/${assetId}/complete`, { checksum_sha256: sha256(zip) })
    ]
    for (const reply of replies) {
      expect(reply.status).toBe(400)
      expect(await reply.json()).toEqual({ error: { code: 'invalid_request', message: "Content-Type must be application/json, got 'text/plain'.", param: null, doc_url: null } })
    }
    expect(em.stats.rendersCreated).toBe(before)
    // A charset parameter is still JSON.
    const withCharset = await fetch(`${em.url}/v3/hyperframes/renders`, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ project: project() })
    })
    expect(withCharset.status).toBe(202)
  })

  it('rejects variables the composition does not declare, naming them', async () => {
    const reply = await api(em, 'POST', '/v3/hyperframes/renders', { project: project(), variables: { title: 'ok', subtitle: 'nope' } })
    expect(reply.status).toBe(400)
    expect(reply.json.error.code).toBe('hyperframes_project_invalid')
    expect(reply.json.error.message).toContain("'subtitle'")
  })
})

describe('auth', () => {
  it('answers 401 authentication_failed without or with a wrong key, and accepts Bearer', async () => {
    const em = await emulatorWith()
    const none = await api(em, 'GET', '/v3/hyperframes/renders', undefined, {})
    expect(none.status).toBe(401)
    expect(none.json.error.code).toBe('authentication_failed')
    const wrong = await api(em, 'GET', '/v3/hyperframes/renders', undefined, { 'x-api-key': 'other' })
    expect(wrong.status).toBe(401)
    const bearer = await api(em, 'GET', '/v3/hyperframes/renders', undefined, { authorization: `Bearer ${KEY}` })
    expect(bearer.status).toBe(200)
    expect(bearer.json).toEqual({ data: [], has_more: false, next_token: null })
  })
})

describe('idempotency', () => {
  it('replays the original response for a repeated key, even with a different body', async () => {
    const em = await emulatorWith()
    const headers = { ...AUTH, 'idempotency-key': 'render-1' }
    const first = await api(em, 'POST', '/v3/hyperframes/renders', { project: base64Project(fixtureZip()), title: 'A' }, headers)
    const second = await api(em, 'POST', '/v3/hyperframes/renders', { project: base64Project(fixtureZip()), title: 'B' }, headers)
    expect(first.status).toBe(202)
    expect(second.status).toBe(202)
    expect(second.json.data.render_id).toBe(first.json.data.render_id)
    expect(second.headers.get('idempotent-replayed')).toBe('true')
    expect(em.stats.rendersCreated).toBe(1)
    expect(em.stats.replays).toBe(1)

    const other = await api(em, 'POST', '/v3/hyperframes/renders', { project: base64Project(fixtureZip()) }, { ...AUTH, 'idempotency-key': 'render-2' })
    expect(other.json.data.render_id).not.toBe(first.json.data.render_id)
    // Scope is per route: the same key on the upload route is independent.
    const upload = await api(em, 'POST', '/v3/assets/direct-uploads', { filename: 'p.zip', content_type: 'application/zip', size_bytes: 10, checksum_sha256: 'c'.repeat(64) }, headers)
    expect(upload.status).toBe(200)
    expect(em.stats.assetsCreated).toBe(1)
  })

  // The original is held for a real second, so the retry surely arrives while it is in flight;
  // the second passes while the tests before this one run (support/side-by-side.ts).
  it(
    'answers 409 request_in_progress while the original is still in flight',
    inBackground(async () => {
      const em = await emulatorWith({ faults: [{ route: 'POST /v3/hyperframes/renders', delayMs: 1000, times: 1 }] })
      const headers = { ...AUTH, 'idempotency-key': 'slow-1' }
      const body = { project: base64Project(fixtureZip()) }
      const original = api(em, 'POST', '/v3/hyperframes/renders', body, headers)
      await waitUntil(() => em.stats.requests.length === 1)
      const retry = await api(em, 'POST', '/v3/hyperframes/renders', body, headers)
      expect(retry.status).toBe(409)
      expect(retry.json.error.code).toBe('request_in_progress')
      const done = await original
      expect(done.status).toBe(202)
      const later = await api(em, 'POST', '/v3/hyperframes/renders', body, headers)
      expect(later.json.data.render_id).toBe(done.json.data.render_id)
      expect(em.stats.rendersCreated).toBe(1)
    })
  )

  it('does not store injected 5xx responses', async () => {
    const em = await emulatorWith({ faults: [{ route: 'POST /v3/hyperframes/renders', status: 503, times: 1 }] })
    const headers = { ...AUTH, 'idempotency-key': 'flaky-1' }
    const failed = await api(em, 'POST', '/v3/hyperframes/renders', { project: base64Project(fixtureZip()) }, headers)
    expect(failed.status).toBe(503)
    expect(failed.json.error.code).toBe('service_unavailable')
    const retried = await api(em, 'POST', '/v3/hyperframes/renders', { project: base64Project(fixtureZip()) }, headers)
    expect(retried.status).toBe(202)
    expect(em.stats.replays).toBe(0)
    expect(em.stats.rendersCreated).toBe(1)
  })
})

describe('faults', () => {
  it('applies a rule only `times` times and sends Retry-After', async () => {
    const em = await emulatorWith()
    em.setFaults([{ route: 'GET /v3/hyperframes/renders', status: 429, retryAfter: 2, times: 2 }])
    const statuses: number[] = []
    for (let i = 0; i < 3; i++) {
      const reply = await api(em, 'GET', '/v3/hyperframes/renders')
      statuses.push(reply.status)
      if (reply.status === 429) {
        expect(reply.headers.get('retry-after')).toBe('2')
        expect(reply.json.error.code).toBe('rate_limit_exceeded')
      }
    }
    expect(statuses).toEqual([429, 429, 200])
    expect(em.stats.byRoute['GET /v3/hyperframes/renders']).toBe(3)
  })

  it('resets connections, truncates downloads and hangs until close', async () => {
    const em = await emulatorWith()
    const created = await api(em, 'POST', '/v3/hyperframes/renders', { project: base64Project(fixtureZip()) })
    const detail = await waitForTerminal(em, created.json.data.render_id)

    em.setFaults([{ route: 'GET /v3/hyperframes/renders/:id', reset: true, times: 1 }])
    await expect(api(em, 'GET', `/v3/hyperframes/renders/${detail.render_id}`)).rejects.toThrow()
    expect((await api(em, 'GET', `/v3/hyperframes/renders/${detail.render_id}`)).status).toBe(200)

    em.setFaults([{ route: 'GET video', truncate: true, times: 1 }])
    const truncated = fetch(detail.video_url).then((response) => response.arrayBuffer())
    await expect(truncated).rejects.toThrow()
    const whole = Buffer.from(await (await fetch(detail.video_url)).arrayBuffer())
    expect(whole.equals(em.videoBytes(detail.render_id)!)).toBe(true)
    expect(em.stats.downloads).toBe(1)

    em.setFaults([{ route: '*', hang: true }])
    const hung = api(em, 'GET', '/v3/hyperframes/renders').catch((err: Error) => err)
    await waitUntil(() => em.stats.requests.some((r) => r.route === 'GET /v3/hyperframes/renders'))
    await em.close()
    // A TypeError from fetch's realm, so match on the message rather than instanceof.
    expect(await hung).toMatchObject({ message: expect.stringMatching(/fetch failed|terminated|closed/i) })
  })

  it('fails renders chosen by failRender, with no video', async () => {
    const em = await emulatorWith({ failRender: (body) => (body.title === 'boom' ? 'Composition threw at 0.4s' : undefined) })
    const created = await api(em, 'POST', '/v3/hyperframes/renders', { project: base64Project(fixtureZip()), title: 'boom' })
    const detail = await waitForTerminal(em, created.json.data.render_id)
    expect(detail).toMatchObject({ status: 'failed', failure_message: 'Composition threw at 0.4s', video_url: null })
    expect(em.videoBytes(detail.render_id)).toBeUndefined()
  })

  it('runs 10 renders at once by default, as on pay-as-you-go plans', async () => {
    const em = await emulatorWith({ neverFinish: () => true })
    const ids: string[] = []
    for (let i = 0; i < 11; i++) ids.push((await api(em, 'POST', '/v3/hyperframes/renders', { project: base64Project(fixtureZip()) })).json.data.render_id)
    await waitUntil(() => em.renders().filter((r) => r.status === 'rendering').length === 10)
    for (let i = 0; i < 5; i++) {
      const detail = await api(em, 'GET', `/v3/hyperframes/renders/${ids[10]}`)
      expect(detail.json.data.status).toBe('queued')
    }
    expect(em.renders().filter((r) => r.status === 'rendering')).toHaveLength(10)
  })

  it('keeps renders queued while the concurrency slots are taken', async () => {
    const em = await emulatorWith({ maxConcurrentRenders: 1, neverFinish: (body) => body.title === 'stuck' })
    const stuck = await api(em, 'POST', '/v3/hyperframes/renders', { project: base64Project(fixtureZip()), title: 'stuck' })
    const next = await api(em, 'POST', '/v3/hyperframes/renders', { project: base64Project(fixtureZip()), title: 'next' })
    await waitUntil(() => em.renders().find((r) => r.render_id === stuck.json.data.render_id)?.status === 'rendering')
    for (let i = 0; i < 5; i++) {
      const detail = await api(em, 'GET', `/v3/hyperframes/renders/${next.json.data.render_id}`)
      expect(detail.json.data.status).toBe('queued')
    }
  })
})

describe('list, delete and variables', () => {
  it('pages newest first and 404s deleted renders', async () => {
    const em = await emulatorWith()
    const ids: string[] = []
    for (const title of ['one', 'two', 'three']) {
      const created = await api(em, 'POST', '/v3/hyperframes/renders', { project: base64Project(fixtureZip()), title })
      ids.push(created.json.data.render_id)
    }
    const page1 = await api(em, 'GET', '/v3/hyperframes/renders?limit=2')
    expect(page1.json.data.map((r: any) => r.render_id)).toEqual([ids[2], ids[1]])
    expect(page1.json.has_more).toBe(true)
    const page2 = await api(em, 'GET', `/v3/hyperframes/renders?limit=2&token=${page1.json.next_token}`)
    expect(page2.json.data.map((r: any) => r.render_id)).toEqual([ids[0]])
    expect(page2.json).toMatchObject({ has_more: false, next_token: null })
    expect((await api(em, 'GET', '/v3/hyperframes/renders?limit=0')).json.error.param).toBe('limit')
    // Only digits: what Number() would read as 10 is refused, not guessed at.
    for (const limit of ['1e1', '%2010', '10.0', '+10', '0x0a', '']) {
      const reply = await api(em, 'GET', `/v3/hyperframes/renders?limit=${limit}`)
      expect(reply.status).toBe(400)
      expect(reply.json.error).toMatchObject({ code: 'invalid_parameter', param: 'limit', doc_url: null })
    }

    const deleted = await api(em, 'DELETE', `/v3/hyperframes/renders/${ids[1]}`)
    expect(deleted.json).toEqual({ data: { render_id: ids[1] } })
    const gone = await api(em, 'GET', `/v3/hyperframes/renders/${ids[1]}`)
    expect(gone.status).toBe(404)
    expect(gone.json.error.code).toBe('hyperframes_render_not_found')
    expect((await api(em, 'DELETE', `/v3/hyperframes/renders/${ids[1]}`)).status).toBe(404)
    const after = await api(em, 'GET', '/v3/hyperframes/renders?limit=100')
    expect(after.json.data.map((r: any) => r.render_id)).toEqual([ids[2], ids[0]])
  })

  it('paints the colour variable, so different colours give different videos', async () => {
    const em = await emulatorWith()
    const assetId = await uploadProject(em)
    const render = async (color: string) => {
      const created = await api(em, 'POST', '/v3/hyperframes/renders', { project: { type: 'asset_id', asset_id: assetId }, variables: { color } })
      const detail = await waitForTerminal(em, created.json.data.render_id)
      const thumbnail = Buffer.from(await (await fetch(detail.thumbnail_url)).arrayBuffer())
      return { video: em.videoBytes(detail.render_id)!, thumbnail }
    }
    const red = await render('#ff0000')
    const green = await render('#00ff00')
    expect(red.video.equals(green.video)).toBe(false)
    expect(topRightPixel(red.thumbnail)).toEqual([255, 0, 0])
    expect(topRightPixel(green.thumbnail)).toEqual([0, 255, 0])
    // One upload served both renders.
    expect(em.stats.assetsCreated).toBe(1)
  })
})
