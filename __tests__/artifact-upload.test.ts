import AdmZip from 'adm-zip'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { ArtifactMode } from '../src/inputs/read-inputs.js'
import type { RunContext } from '../src/inputs/run-context.js'
import { ARTIFACT_CONCURRENCY, uploadArtifacts, type ArtifactLog, type ArtifactRecord } from '../src/publish/artifacts.js'
import { expectTokenKept, startArtifactServer, type ArtifactServer, type ServiceFault } from './support/artifact-server.js'

// uploadArtifacts in-process, through the real @actions/artifact client, to the local artifact
// service (Twirp results service + blob storage) over loopback sockets: per-video and bundle
// artifacts, re-runs, names already taken, and a service that fails. That a whole run uploads
// the videos it downloaded and links them from results and summary is proved end to end in
// artifacts.e2e.test.ts.

const NAMES = ['1-One', '2-Two', '3-Three']
const RUN_URL = 'https://github.com/octo/videos/actions/runs/1001'

const cleanup: Array<() => Promise<void> | void> = []
const savedEnv = { ...process.env }
afterAll(async () => {
  for (const fn of cleanup.reverse()) await fn()
})
afterEach(() => {
  // The artifact client reads the runner's variables from process.env: none may outlive a test.
  for (const key of ['ACTIONS_RUNTIME_TOKEN', 'ACTIONS_RESULTS_URL', 'GITHUB_WORKSPACE']) {
    if (savedEnv[key] === undefined) delete process.env[key]
    else process.env[key] = savedEnv[key]
  }
})

async function artifactServer(faults: ServiceFault[] = []): Promise<ArtifactServer> {
  const server = await startArtifactServer({ faults })
  cleanup.push(() => server.close())
  return server
}

/** A workspace whose renders/ holds one small distinct "video" per name (random bytes: nothing to compress). */
function workspace(names = NAMES, size = 4096): { ws: string; videos: Array<{ index: number; path: string }> } {
  const ws = mkdtempSync(path.join(os.tmpdir(), 'hf-artifacts-'))
  cleanup.push(() => rmSync(ws, { recursive: true, force: true }))
  mkdirSync(path.join(ws, 'renders'))
  const videos = names.map((name, i) => {
    const file = path.join(ws, 'renders', `${name}.mp4`)
    writeFileSync(file, randomBytes(size))
    return { index: i + 1, path: file }
  })
  return { ws, videos }
}

const context = (ws: string, serverUrl = 'https://github.com'): RunContext => ({
  sha: 'a'.repeat(40),
  eventName: 'push',
  runId: 1001,
  runAttempt: 1,
  repository: 'octo/videos',
  serverUrl,
  workspace: ws,
  actor: 'octocat'
})

interface Upload {
  records: Map<number, ArtifactRecord>
  lines: string[]
  warnings: string[]
  groups: string[]
}

/** uploadArtifacts as main.ts calls it, on a runner whose variables point at `server`. */
async function upload(
  server: ArtifactServer,
  ws: string,
  videos: Array<{ index: number; path: string }>,
  opts: { mode?: ArtifactMode; retentionDays?: number; serverUrl?: string } = {}
): Promise<Upload> {
  Object.assign(process.env, server.env, { GITHUB_WORKSPACE: ws })
  const out: Upload = { records: new Map(), lines: [], warnings: [], groups: [] }
  const log: ArtifactLog = {
    info: (line) => out.lines.push(line),
    warning: (line) => out.warnings.push(line),
    group: (title, fn) => {
      out.groups.push(title)
      return fn()
    }
  }
  out.records = await uploadArtifacts({ mode: opts.mode ?? 'per-video', retentionDays: opts.retentionDays, outputDir: path.join(ws, 'renders'), run: context(ws, opts.serverUrl), videos }, log, {
    ...server.env
  })
  expectTokenKept([...out.lines, ...out.warnings, ...out.groups, JSON.stringify([...out.records])], server)
  return out
}

const calls = (server: ArtifactServer, operation: string): number => server.requests.filter((r) => r.operation === operation).length

describe('per-video artifacts', () => {
  it('on a re-run attempt links the identical artifacts the first attempt left in the run', async () => {
    const server = await artifactServer()
    const { ws, videos } = workspace()
    const first = await upload(server, ws, videos)
    expect(first.warnings).toEqual([])
    expect(server.artifacts()).toHaveLength(3)

    const before = server.requests.length
    const again = await upload(server, ws, videos)
    expect(again.warnings).toEqual([])
    // The real service keeps names unique within a run: each create is refused, then looked up.
    const fresh = server.requests.slice(before)
    expect(fresh.filter((r) => r.operation === 'CreateArtifact').map((r) => r.status)).toEqual([409, 409, 409])
    expect(fresh.filter((r) => r.operation === 'ListArtifacts')).toHaveLength(3)
    expect(fresh.filter((r) => r.origin === 'blob')).toHaveLength(0)
    expect(server.artifacts()).toHaveLength(3)
    // By matrix index: uploads finish in any order.
    expect(again.records).toEqual(first.records)
    for (const [index, record] of again.records) expect(record.url).toBe(`${RUN_URL}/artifacts/${first.records.get(index)?.id}`)
    expect(again.records.size).toBe(3)
    expect(again.lines).toContainEqual(expect.stringMatching(/^Artifacts: linked '1-One\.mp4' \(ID \d+\), '2-Two\.mp4' \(ID \d+\), '3-Three\.mp4' \(ID \d+\), already in this run with the same bytes/))
  })
})

describe('a video larger than one upload block', () => {
  it('is staged in 8 MiB blocks and committed in order', async () => {
    const server = await artifactServer()
    // Random bytes, so blocks put back in the wrong order could not compare equal.
    const { ws, videos } = workspace(['Big'], 20 * 1024 * 1024 + 4096)
    const out = await upload(server, ws, videos)
    expect(out.warnings).toEqual([])
    const [artifact] = server.artifacts()
    expect(artifact.name).toBe('Big.mp4')
    expect(artifact.bytes?.length).toBeGreaterThan(20 * 1024 * 1024)
    expect(artifact.bytes?.equals(readFileSync(path.join(ws, 'renders', 'Big.mp4')))).toBe(true)
    expect(artifact.blocksCommitted).toBe(3)
    expect(calls(server, 'block')).toBe(3)
    expect(calls(server, 'blocklist')).toBe(1)
  })
})

describe('a name already used in the run by other bytes', () => {
  it('warns once, leaves that artifact alone and unlinked, and uploads the others', async () => {
    const server = await artifactServer()
    const { ws, videos } = workspace()
    const other = server.seed('2-Two.mp4', Buffer.from('another job uploaded this'))
    const out = await upload(server, ws, videos)
    expect(out.warnings).toHaveLength(1)
    expect(out.warnings[0]).toMatch(
      new RegExp(`Artifact name already used in this workflow run: '2-Two\\.mp4' \\(ID ${other.id}\\) already exists with different content\\..*The videos are in renders\\.`)
    )
    expect(
      server
        .artifacts()
        .find((a) => a.id === other.id)
        ?.bytes?.toString()
    ).toBe('another job uploaded this')
    expect(
      server
        .artifacts()
        .map((a) => a.name)
        .sort()
    ).toEqual(['1-One.mp4', '2-Two.mp4', '3-Three.mp4'])
    expect([1, 2, 3].map((i) => out.records.has(i))).toEqual([true, false, true])
    expect(out.records.get(2)?.url).toBeUndefined()
    expect(existsSync(path.join(ws, 'renders', '2-Two.mp4'))).toBe(true)
  })
})

describe('bundle artifact', () => {
  it('uploads one zip of every video, stored as is, with the retention the input asked for', async () => {
    const server = await artifactServer()
    const { ws, videos } = workspace()
    const before = Date.now()
    const out = await upload(server, ws, videos, { mode: 'bundle', retentionDays: 5 })
    const after = Date.now()
    expect(out.warnings).toEqual([])

    const artifacts = server.artifacts()
    expect(artifacts).toHaveLength(1)
    const [bundle] = artifacts
    expect(bundle.name).toBe('renders') // after output-dir
    expect(bundle.mimeType).toBe('application/zip')
    const zip = new AdmZip(bundle.bytes as Buffer)
    const entries = zip.getEntries()
    expect(entries.map((e) => e.entryName).sort()).toEqual(NAMES.map((n) => `${n}.mp4`))
    for (const v of videos) {
      const entry = entries.find((e) => e.entryName === path.basename(v.path))
      expect(entry?.getData().equals(readFileSync(v.path))).toBe(true)
      expect(entry?.header.method).toBe(0) // stored: video does not deflate
      expect(out.records.get(v.index)).toEqual({ id: bundle.id, url: `${RUN_URL}/artifacts/${bundle.id}` })
    }

    // retention-days travels as CreateArtifact's expires_at. The library adds calendar days in local
    // time, so a daylight-saving change may move it by an hour.
    const days = 5 * 24 * 3600_000
    const slack = 3600_000 + 60_000
    const expires = bundle.expiresAt?.getTime() ?? 0
    expect(expires).toBeGreaterThanOrEqual(before + days - slack)
    expect(expires).toBeLessThanOrEqual(after + days + slack)
  })
})

describe('artifact: none', () => {
  it('never calls the artifact service', async () => {
    const server = await artifactServer()
    const { ws, videos } = workspace()
    const out = await upload(server, ws, videos, { mode: 'none' })
    expect(out.warnings).toEqual([])
    expect(server.requests).toHaveLength(0)
    expect(out.records.size).toBe(0)
  })
})

describe('an artifact service that fails', () => {
  it('refusing to create: one warning, a green step, every video on disk, and no more uploads started', async () => {
    const server = await artifactServer([{ on: 'CreateArtifact', status: 403, code: 'permission_denied', message: 'artifact storage is disabled for this repository' }])
    const { ws, videos } = workspace(['v-A', 'v-B', 'v-C', 'v-D', 'v-E', 'v-F'])
    const bytes = videos.map((v) => readFileSync(v.path))
    // Resolves, never throws: artifacts do not fail the step.
    const out = await upload(server, ws, videos)
    expect(out.warnings).toHaveLength(1)
    expect(out.warnings[0]).toMatch(
      /Artifacts: 0 of 6 uploaded; the artifact service failed .*\(403\).*artifact storage is disabled.*The videos are in renders; the step does not fail because of artifacts\./
    )
    // The uploads already in flight end; none is started after the first refusal.
    expect(calls(server, 'CreateArtifact')).toBe(ARTIFACT_CONCURRENCY)
    expect(out.records.size).toBe(0)
    videos.forEach((v, i) => expect(readFileSync(v.path).equals(bytes[i])).toBe(true))
  })

  it('refusing the blob upload: one warning; a re-run then finds the names held by the unfinished uploads', async () => {
    const server = await artifactServer([{ on: 'blob', status: 403, code: 'AuthorizationFailure', message: 'This request is not authorized.' }])
    const { ws, videos } = workspace()
    const out = await upload(server, ws, videos)
    expect(out.warnings).toHaveLength(1)
    expect(out.warnings[0]).toMatch(/Artifacts: 0 of 3 uploaded; the artifact service failed/)
    expect(server.artifacts()).toHaveLength(0)
    expect(server.created()).toHaveLength(3) // created, never finalized: the names are taken
    expect(calls(server, 'FinalizeArtifact')).toBe(0)
    for (const v of videos) expect(existsSync(v.path)).toBe(true)

    server.setFaults([])
    const again = await upload(server, ws, videos)
    expect(again.warnings).toHaveLength(1)
    expect(again.warnings[0]).toMatch(/Artifact names already used in this workflow run: '1-One\.mp4' is held by an unfinished upload; '2-Two\.mp4' is held/)
    expect(again.records.size).toBe(0)
  })
})

describe('GitHub Enterprise Server', () => {
  it('warns once and calls nothing: the artifact service behind @actions/artifact v2+ does not exist there', async () => {
    const server = await artifactServer()
    const { ws, videos } = workspace()
    const out = await upload(server, ws, videos, { serverUrl: 'https://ghes.example.com' })
    expect(out.warnings).toHaveLength(1)
    expect(out.warnings[0]).toMatch(/Artifacts not uploaded: GitHub Enterprise Server \(ghes\.example\.com\) does not support .*actions\/upload-artifact@v3/)
    expect(server.requests).toHaveLength(0)
  })
})
