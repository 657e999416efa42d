import AdmZip from 'adm-zip'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import { createFastEngine, type Emulator } from '../emulator/index.js'
import { ARTIFACT_CONCURRENCY } from '../src/publish/artifacts.js'
import { emulatorInputs, makeWorkspace, runAction, type ActionRun } from './support/action-runner.js'
import { startTestEmulator } from './support/with-emulator.js'
import { startArtifactServer, type ArtifactServer, type ServiceFault } from './support/artifact-server.js'
import { hasTool } from './support/has-tool.js'

// End to end: dist/index.js as a child process uploads through the real @actions/artifact client to a
// local artifact service (Twirp results service + blob storage) on loopback, with HeyGen emulated.

const MATRIX = JSON.stringify([
  { title: 'One', color: '#ff0000' },
  { title: 'Two', color: '#00ff00' },
  { title: 'Three', color: '#0000ff' }
])
const NAMES = ['1-One', '2-Two', '3-Three']
const RUN_URL = 'https://github.com/octo/videos/actions/runs/1001'

let emulator: Emulator
const cleanup: Array<() => Promise<void> | void> = []

beforeAll(async () => {
  emulator = await startTestEmulator({ renderMs: 60, queueMs: 10 })
})
afterAll(async () => {
  for (const fn of cleanup.reverse()) await fn()
  await emulator.close()
})

async function artifactServer(faults: ServiceFault[] = []): Promise<ArtifactServer> {
  const server = await startArtifactServer({ faults })
  cleanup.push(() => server.close())
  return server
}

function workspace(): string {
  const ws = makeWorkspace()
  cleanup.push(() => rmSync(ws, { recursive: true, force: true }))
  return ws
}

async function render(ws: string, server: ArtifactServer, extra: Record<string, string> = {}, opts: { runAttempt?: number; env?: Record<string, string> } = {}): Promise<ActionRun> {
  const run = await runAction({
    workspace: ws,
    runAttempt: opts.runAttempt,
    env: { ...server.env, ...opts.env },
    // No previews unless asked (emulatorInputs): these tests count the videos' artifacts.
    inputs: emulatorInputs(emulator.url, { matrix: MATRIX, name: '{index}-{title}', ...extra })
  })
  expectTokenKept(run, server)
  return run
}

/** The runtime token goes to the results service only, and never into logs, outputs or the summary. */
function expectTokenKept(run: ActionRun, server: ArtifactServer): void {
  const claims = server.token.split('.')[1]
  for (const text of [run.stdout, run.stderr, JSON.stringify(run.outputs), run.summary]) {
    expect(text).not.toContain(server.token)
    expect(text).not.toContain(claims)
  }
  for (const r of server.requests) {
    if (r.origin === 'blob') expect(r.authorization).toBeUndefined()
    else expect(r.authorization).toBe(`Bearer ${server.token}`)
  }
  expect(server.unexpected).toEqual([])
}

const warnings = (run: ActionRun): string[] => run.stdout.split('\n').filter((l) => l.startsWith('::warning'))
const calls = (server: ArtifactServer, operation: string): number => server.requests.filter((r) => r.operation === operation).length
const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex')

describe('per-video artifacts', () => {
  let server: ArtifactServer
  let ws: string
  let first: ActionRun

  beforeAll(async () => {
    server = await artifactServer()
    ws = workspace()
  })

  it('uploads each video as its own unarchived artifact named after the file, holding the downloaded bytes', async () => {
    first = await render(ws, server)
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    expect(warnings(first)).toEqual([])

    const artifacts = server.artifacts()
    expect(artifacts.map((a) => a.name).sort()).toEqual(NAMES.map((n) => `${n}.mp4`))
    expect(server.created()).toHaveLength(3) // nothing left unfinalized
    expect(calls(server, 'CreateArtifact')).toBe(3)
    expect(calls(server, 'FinalizeArtifact')).toBe(3)

    for (const r of first.results) {
      const artifact = artifacts.find((a) => a.name === `${r.name}.mp4`)
      const onDisk = readFileSync(path.join(ws, r.video_path as string))
      expect(artifact?.bytes?.equals(onDisk)).toBe(true)
      expect(artifact?.bytes?.equals(emulator.videoBytes(r.render_id as string) as Buffer)).toBe(true)
      // skipArchive: the file itself, typed so a browser plays it, not a zip.
      expect(artifact?.mimeType).toBe('video/mp4')
      expect(artifact?.blobContentType).toBe('video/mp4')
      expect(artifact?.digest).toBe(`sha256:${sha256(onDisk)}`)
      expect(artifact?.expiresAt).toBeUndefined() // no retention-days: the repository default
      expect(r.artifact_id).toBe(artifact?.id)
      expect(r.artifact_url).toBe(`${RUN_URL}/artifacts/${artifact?.id}`)
      expect(first.summary).toContain(`(${RUN_URL}/artifacts/${artifact?.id})`)
    }
    expect(new Set(first.results.map((r) => r.artifact_id)).size).toBe(3)
    expect(first.stdout).toMatch(/^Artifacts: uploaded '1-One\.mp4', '2-Two\.mp4', '3-Three\.mp4'\.$/m)
    // The library's own step-by-step lines are folded into one group after the three render groups.
    expect(first.stdout.match(/::group::/g)).toHaveLength(4)
    expect(first.stdout).toContain('::group::Uploading 3 artifacts (per-video)')
  })

  it('on a re-run attempt links the identical artifacts the first attempt left in the run', async () => {
    const before = server.requests.length
    const again = await render(ws, server, {}, { runAttempt: 2 })
    expect(again.code).toBe(0)
    expect(warnings(again)).toEqual([])
    // The real service keeps names unique within a run: each create is refused, then looked up.
    const fresh = server.requests.slice(before)
    expect(fresh.filter((r) => r.operation === 'CreateArtifact').map((r) => r.status)).toEqual([409, 409, 409])
    expect(fresh.filter((r) => r.operation === 'ListArtifacts')).toHaveLength(3)
    expect(fresh.filter((r) => r.origin === 'blob')).toHaveLength(0)
    expect(server.artifacts()).toHaveLength(3)
    expect(again.results.map((r) => r.artifact_id)).toEqual(first.results.map((r) => r.artifact_id))
    expect(again.results.map((r) => r.artifact_url)).toEqual(first.results.map((r) => r.artifact_url))
    expect(again.stdout).toMatch(/Artifacts: linked '1-One\.mp4' \(ID \d+\), '2-Two\.mp4' \(ID \d+\), '3-Three\.mp4' \(ID \d+\), already in this run with the same bytes/)
  })
})

describe('a video larger than one upload block', () => {
  it('is staged in 8 MiB blocks and committed in order', async () => {
    // Random bytes, so blocks put back in the wrong order could not compare equal.
    const fast = createFastEngine()
    const big = await startTestEmulator({
      renderMs: 20,
      queueMs: 5,
      engine: {
        name: 'padded',
        render: async (job) => {
          const out = await fast.render(job)
          // Padded inside a top-level 'free' box, so the file stays a whole MP4 (the action checks).
          const pad = randomBytes(20 * 1024 * 1024)
          const head = Buffer.alloc(8)
          head.writeUInt32BE(8 + pad.length, 0)
          head.write('free', 4, 'latin1')
          return { ...out, video: Buffer.concat([out.video, head, pad]) }
        }
      }
    })
    cleanup.push(() => big.close())
    const server = await artifactServer()
    const ws = workspace()
    const run = await runAction({ workspace: ws, env: server.env, inputs: emulatorInputs(big.url, { matrix: '[{"title": "Big"}]', name: '{title}' }) })
    expectTokenKept(run, server)
    expect(run.code).toBe(0)
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
    const ws = workspace()
    const other = server.seed('2-Two.mp4', Buffer.from('another job uploaded this'))
    const run = await render(ws, server)
    expect(run.code).toBe(0)
    expect(warnings(run)).toHaveLength(1)
    expect(warnings(run)[0]).toMatch(
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
    expect(run.results.map((r) => r.artifact_id === null)).toEqual([false, true, false])
    expect(run.results[1].artifact_url).toBeNull()
    expect(existsSync(path.join(ws, 'renders', '2-Two.mp4'))).toBe(true)
  })
})

describe('bundle artifact', () => {
  it('uploads one zip of every video, stored as is, with the retention the input asked for', async () => {
    const server = await artifactServer()
    const ws = workspace()
    const before = Date.now()
    const run = await render(ws, server, { artifact: 'bundle', 'retention-days': '5' })
    const after = Date.now()
    expect(run.code).toBe(0)
    expect(warnings(run)).toEqual([])

    const artifacts = server.artifacts()
    expect(artifacts).toHaveLength(1)
    const [bundle] = artifacts
    expect(bundle.name).toBe('renders') // after output-dir
    expect(bundle.mimeType).toBe('application/zip')
    const zip = new AdmZip(bundle.bytes as Buffer)
    const entries = zip.getEntries()
    expect(entries.map((e) => e.entryName).sort()).toEqual(NAMES.map((n) => `${n}.mp4`))
    for (const r of run.results) {
      const entry = entries.find((e) => e.entryName === `${r.name}.mp4`)
      expect(entry?.getData().equals(readFileSync(path.join(ws, r.video_path as string)))).toBe(true)
      expect(entry?.header.method).toBe(0) // stored: video does not deflate
      expect(r.artifact_id).toBe(bundle.id)
      expect(r.artifact_url).toBe(`${RUN_URL}/artifacts/${bundle.id}`)
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
    const run = await render(workspace(), server, { artifact: 'none' })
    expect(run.code).toBe(0)
    expect(warnings(run)).toEqual([])
    expect(server.requests).toHaveLength(0)
    expect(run.results.every((r) => r.artifact_id === null && r.artifact_url === null && r.status === 'completed')).toBe(true)
  })
})

describe('an artifact service that fails', () => {
  it('refusing to create: one warning, a green step, every video on disk, and no more uploads started', async () => {
    const server = await artifactServer([{ on: 'CreateArtifact', status: 403, code: 'permission_denied', message: 'artifact storage is disabled for this repository' }])
    const ws = workspace()
    const six = JSON.stringify({ title: ['A', 'B', 'C', 'D', 'E', 'F'] })
    const run = await render(ws, server, { matrix: six, name: 'v-{title}' })
    expect(run.code).toBe(0)
    expect(run.stdout).not.toContain('::error')
    expect(warnings(run)).toHaveLength(1)
    expect(warnings(run)[0]).toMatch(
      /Artifacts: 0 of 6 uploaded; the artifact service failed .*\(403\).*artifact storage is disabled.*The videos are in renders; the step does not fail because of artifacts\./
    )
    // The uploads already in flight end; none is started after the first refusal.
    expect(calls(server, 'CreateArtifact')).toBe(ARTIFACT_CONCURRENCY)
    expect(run.outputs.succeeded).toBe('6')
    for (const r of run.results) {
      expect(r.artifact_id).toBeNull()
      expect(readFileSync(path.join(ws, r.video_path as string)).equals(emulator.videoBytes(r.render_id as string) as Buffer)).toBe(true)
    }
  })

  it('refusing the blob upload: one warning; a re-run then finds the names held by the unfinished uploads', async () => {
    const server = await artifactServer([{ on: 'blob', status: 403, code: 'AuthorizationFailure', message: 'This request is not authorized.' }])
    const ws = workspace()
    const run = await render(ws, server)
    expect(run.code).toBe(0)
    expect(warnings(run)).toHaveLength(1)
    expect(warnings(run)[0]).toMatch(/Artifacts: 0 of 3 uploaded; the artifact service failed/)
    expect(server.artifacts()).toHaveLength(0)
    expect(server.created()).toHaveLength(3) // created, never finalized: the names are taken
    expect(calls(server, 'FinalizeArtifact')).toBe(0)
    for (const r of run.results) expect(existsSync(path.join(ws, r.video_path as string))).toBe(true)

    server.setFaults([])
    const again = await render(ws, server, {}, { runAttempt: 2 })
    expect(again.code).toBe(0)
    expect(warnings(again)).toHaveLength(1)
    expect(warnings(again)[0]).toMatch(/Artifact names already used in this workflow run: '1-One\.mp4' is held by an unfinished upload; '2-Two\.mp4' is held/)
    expect(again.results.every((r) => r.artifact_id === null)).toBe(true)
  })
})

describe('GitHub Enterprise Server', () => {
  it('warns once and calls nothing: the artifact service behind @actions/artifact v2+ does not exist there', async () => {
    const server = await artifactServer()
    const run = await render(workspace(), server, {}, { env: { GITHUB_SERVER_URL: 'https://ghes.example.com' } })
    expect(run.code).toBe(0)
    expect(warnings(run)).toHaveLength(1)
    expect(warnings(run)[0]).toMatch(/Artifacts not uploaded: GitHub Enterprise Server \(ghes\.example\.com\) does not support .*actions\/upload-artifact@v3/)
    expect(server.requests).toHaveLength(0)
  })
})

describe('previews artifact', () => {
  const hasFfmpeg = hasTool('ffmpeg')
  if (!hasFfmpeg) console.log('previews artifact: ffmpeg is not installed, so the animated previews test is skipped.')
  ;(hasFfmpeg ? it : it.skip)('uploads one <output-dir>-previews artifact holding an animated preview per video', async () => {
    const server = await artifactServer()
    const ws = workspace()
    const run = await render(ws, server, { preview: 'auto' })
    expect(run.code).toBe(0)
    expect(warnings(run)).toEqual([])
    const previews = server.artifacts().find((a) => a.name === 'renders-previews')
    expect(previews?.mimeType).toBe('application/zip')
    const entries = new AdmZip(previews?.bytes as Buffer).getEntries()
    expect(entries.map((e) => e.entryName).sort()).toEqual(NAMES.map((n) => `${n}.webp`))
    for (const e of entries) expect(e.getData().toString('latin1', 8, 12)).toBe('WEBP')
    // The videos keep their own artifacts, one file each.
    expect(server.artifacts().filter((a) => a.name.endsWith('.mp4'))).toHaveLength(3)
    // Not hosted, so the summary cannot show these files: it names their artifact, with its link.
    expect(run.summary).toContain(`The previews are in the artifact [renders-previews](${RUN_URL}/artifacts/${previews?.id}): a job summary cannot show files from the runner.`)
  })

  it('names no previews artifact when there are no previews', async () => {
    const run = await render(workspace(), await artifactServer(), { preview: 'none' })
    expect(run.code).toBe(0)
    expect(run.summary).not.toContain('The previews are in the artifact')
  })
})
