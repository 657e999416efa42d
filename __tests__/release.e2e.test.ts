import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { Emulator, RequestRecord } from '../emulator/index.js'
import { SHA_A, emulatorInputs, runAction, type ActionRun } from './support/action-runner.js'
import { releaseEvent } from './support/events.js'
import { startGitHubServer, type GitHubServer, type RecordedRequest } from './support/github-server.js'
import { useServers } from './support/servers.js'
import { startTestEmulator } from './support/with-emulator.js'

// Release videos end to end: every finished video becomes an asset of the GitHub Release, once,
// against a local GitHub server whose uploads origin is separate from its API origin. Re-attaching
// (unchanged videos kept, changed ones replaced), finding a draft and a 403 from the releases API
// are the publish stage's alone, and are tested in process, in release-assets.test.ts.

const MATRIX = JSON.stringify([
  { locale: 'en', color: '#ff0000' },
  { locale: 'fr', color: '#00ff00' },
  { locale: 'de', color: '#0000ff' }
])

describe('release assets', () => {
  const servers = useServers({ emulator: {}, github: {}, fixture: 'basic' })

  const runRelease = (github: GitHubServer, tag: string, outputDir: string): Promise<ActionRun> => {
    const release = github.release(tag)
    if (!release) throw new Error(`no release ${tag}`)
    return runAction({
      workspace: servers.workspace,
      eventName: 'release',
      event: releaseEvent(release.id, tag, github),
      github: { apiUrl: github.url, token: github.token },
      inputs: emulatorInputs(servers.emulator.url, { matrix: MATRIX, name: 'promo-{locale}', 'output-dir': outputDir })
    })
  }

  // Every run of the file starts at once, each test reading its own. Each run that changes or
  // watches a whole stand-in (a rewritten upload_url; the request log; an emulator that must not
  // be called) has one of its own, so their waits for the renders overlap.
  let first: { run: ActionRun; requests: RecordedRequest[] }
  let noRelease: { run: ActionRun; quiet: Emulator }
  let toHeyGen: { run: ActionRun; unknownRoutes: RequestRecord[]; github: GitHubServer }
  let unnamed: { run: ActionRun; releaseRequests: RecordedRequest[] }
  const standIns: Array<{ close: () => Promise<void> }> = []

  beforeAll(async () => {
    const [missing, redirected, own] = await Promise.all([startGitHubServer(), startGitHubServer(), startGitHubServer()])
    const quiet = await startTestEmulator()
    standIns.push(missing, redirected, own, quiet)
    servers.github.addRelease({ tag: 'v1.0.0' })
    redirected.addRelease({ tag: 'v4.0.0' })
    redirected.overrideUploadUrl(`${servers.emulator.url}/repos/octo/videos/releases/1/assets{?name,label}`)
    const attach = async (): Promise<void> => {
      const run = await runRelease(servers.github, 'v1.0.0', 'renders')
      first = { run, requests: [...servers.github.requests] }
    }
    const [, failed, redirectedRun, unnamedRun] = await Promise.all([
      attach(),
      runAction({
        workspace: servers.workspace,
        github: { apiUrl: missing.url, token: missing.token },
        inputs: emulatorInputs(quiet.url, { matrix: MATRIX, name: 'promo-{locale}', release: 'v9.9.9', 'output-dir': 'renders-missing' })
      }),
      runRelease(redirected, 'v4.0.0', 'renders-redirected'),
      runAction({
        workspace: servers.workspace,
        sha: SHA_A,
        github: { apiUrl: own.url, token: own.token },
        inputs: emulatorInputs(servers.emulator.url, { matrix: MATRIX, name: 'promo-{locale}', 'output-dir': 'renders-unnamed' })
      })
    ])
    noRelease = { run: failed, quiet }
    // The emulator's log after every run that used it.
    toHeyGen = { run: redirectedRun, unknownRoutes: servers.emulator.stats.requests.filter((r) => r.route === 'unknown'), github: redirected }
    unnamed = { run: unnamedRun, releaseRequests: own.requests.filter((r) => r.path.includes('/releases')) }
  })
  afterAll(async () => {
    await Promise.all(standIns.map((s) => s.close()))
  })

  const requestsTo = (origin: 'api' | 'uploads', method: string): string[] => first.requests.filter((r) => r.origin === origin && r.method === method).map((r) => r.path)

  it('attaches every finished video to the release of a release event, once', () => {
    const { run } = first
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const assets = servers.github.release('v1.0.0')?.assets ?? []
    expect(assets.map((a) => a.name).sort()).toEqual(['promo-de.mp4', 'promo-en.mp4', 'promo-fr.mp4'])
    for (const r of run.results) {
      const asset = assets.find((a) => a.name === `${r.name}.mp4`)
      expect(asset?.bytes.equals(readFileSync(path.join(servers.workspace, r.video_path as string)))).toBe(true)
      expect(asset?.contentType).toBe('video/mp4')
      expect(r.release_asset_url).toBe(`https://github.com/octo/videos/releases/download/v1.0.0/${r.name}.mp4`)
      expect(run.summary).toContain(`[release asset](${r.release_asset_url})`)
    }
    // Uploads went to the upload origin the API named, with the token; nothing was deleted.
    expect(requestsTo('uploads', 'POST')).toHaveLength(3)
    expect(first.requests.filter((r) => r.origin === 'uploads').every((r) => r.authorization === `token ${servers.github.token}`)).toBe(true)
    expect(requestsTo('api', 'DELETE')).toHaveLength(0)
    expect(run.stdout).toContain("Release 'v1.0.0': 3 videos attached (3 new, 0 replaced, 0 unchanged).")
    // A release event has no pull request: the commit's pulls are looked up, none is open, no comment.
    expect(first.requests.some((r) => r.path.includes('/pulls'))).toBe(true)
    expect(first.requests.some((r) => r.path.includes('/comments'))).toBe(false)
  })

  it('fails the step before anything is uploaded or billed when the tag has no release', () => {
    const { run, quiet } = noRelease
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/::error::Input 'release': octo\/videos has no release for tag 'v9\.9\.9'\. Create the release/)
    expect(quiet.stats.rendersCreated).toBe(0)
    expect(quiet.stats.assetsCreated).toBe(0)
    expect(quiet.stats.requests).toEqual([])
    expect(run.outputs.succeeded).toBe('0')
  })

  describe('runs on stand-ins of their own', () => {
    it('never sends the GitHub token to HeyGen, even when an upload_url points there', () => {
      const { run } = toHeyGen
      expect(run.code).toBe(1)
      expect(run.stdout).toMatch(/::error::The release's upload_url points at http:\/\/127\.0\.0\.1:\d+, the HeyGen api-url; the GitHub token is never sent there\./)
      // The emulator saw only its own API and storage routes (from every run that used it).
      expect(toHeyGen.unknownRoutes).toEqual([])
      expect(toHeyGen.github.release('v4.0.0')?.assets).toHaveLength(0)
    })

    it('leaves releases alone when no release is named and the event is not a release', () => {
      const { run } = unnamed
      expect(run.code).toBe(0)
      expect(unnamed.releaseRequests).toEqual([])
      expect(run.results.every((r) => r.release_asset_url === null)).toBe(true)
    })
  })
})
