import AdmZip from 'adm-zip'
import { createHash } from 'node:crypto'
import { readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import { emulatorInputs, makeWorkspace, runAction, type ActionRun } from './support/action-runner.js'
import { expectTokenKept, startArtifactServer, type ArtifactServer } from './support/artifact-server.js'
import { hasTool } from './support/has-tool.js'
import { useServers } from './support/servers.js'

// End to end: dist/index.js as a child process uploads through the real @actions/artifact client to a
// local artifact service (Twirp results service + blob storage) on loopback, with HeyGen emulated.
// What only a whole run shows is here: the videos it downloaded become artifacts, linked from the
// results and the summary, and the runtime token stays out of every log. How uploads behave (bundle,
// large files, re-runs, names taken, a failing service, GHES) is tested on uploadArtifacts itself,
// against the same service, in artifact-upload.test.ts.

const MATRIX = JSON.stringify([
  { title: 'One', color: '#ff0000' },
  { title: 'Two', color: '#00ff00' },
  { title: 'Three', color: '#0000ff' }
])
const NAMES = ['1-One', '2-Two', '3-Three']
const RUN_URL = 'https://github.com/octo/videos/actions/runs/1001'

const servers = useServers({ emulator: { renderMs: 60 }, artifacts: {} })

async function render(server: ArtifactServer, extra: Record<string, string> = {}, workspace = servers.workspace): Promise<ActionRun> {
  const run = await runAction({
    workspace,
    env: server.env,
    // No previews unless asked (emulatorInputs): these tests count the videos' artifacts.
    inputs: emulatorInputs(servers.emulator.url, { matrix: MATRIX, name: '{index}-{title}', ...extra })
  })
  expectTokenKept([run.stdout, run.stderr, JSON.stringify(run.outputs), run.summary], server)
  return run
}

const warnings = (run: ActionRun): string[] => run.stdout.split('\n').filter((l) => l.startsWith('::warning'))
const calls = (server: ArtifactServer, operation: string): number => server.requests.filter((r) => r.operation === operation).length
const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex')

const hasFfmpeg = hasTool('ffmpeg')
if (!hasFfmpeg) console.log('previews artifact: ffmpeg is not installed, so the animated previews test is skipped.')

// The two whole runs start together: the one with previews has its own artifact service and
// workspace, so the videos' artifacts each test counts are its own run's alone.
let first: ActionRun
let withPreviews: { run: ActionRun; server: ArtifactServer } | undefined
const cleanups: (() => unknown)[] = []
beforeAll(async () => {
  const renderWithPreviews = async (): Promise<{ run: ActionRun; server: ArtifactServer }> => {
    const server = await startArtifactServer()
    const ws = makeWorkspace()
    cleanups.push(
      () => server.close(),
      () => rmSync(ws, { recursive: true, force: true })
    )
    return { run: await render(server, { preview: 'auto' }, ws), server }
  }
  ;[first, withPreviews] = await Promise.all([render(servers.artifacts), hasFfmpeg ? renderWithPreviews() : undefined])
})
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup()
})

describe('per-video artifacts', () => {
  // One whole run, read by both tests: previews are off (emulatorInputs), so it names none.

  it('uploads each video as its own unarchived artifact named after the file, holding the downloaded bytes', () => {
    const server = servers.artifacts
    const emulator = servers.emulator
    const ws = servers.workspace
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

  it('names no previews artifact when there are no previews', () => {
    expect(first.code).toBe(0)
    expect(first.summary).not.toContain('The previews are in the artifact')
  })
})

describe('previews artifact', () => {
  ;(hasFfmpeg ? it : it.skip)('uploads one <output-dir>-previews artifact holding an animated preview per video', () => {
    // Its own service and workspace: the videos' artifacts counted below are this run's alone.
    const { run, server } = withPreviews as { run: ActionRun; server: ArtifactServer }
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
})
