import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { RequestRecord } from '../emulator/index.js'
import { SHA_A, emulatorInputs, runAction, type ActionRun } from './support/action-runner.js'
import { releaseEvent } from './support/events.js'
import { startGitHubServer, type RecordedRequest } from './support/github-server.js'
import { useServers } from './support/servers.js'

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

  const runRelease = (tag: string, matrix = MATRIX, extra: Record<string, string> = {}): Promise<ActionRun> => {
    const release = servers.github.release(tag)
    if (!release) throw new Error(`no release ${tag}`)
    return runAction({
      workspace: servers.workspace,
      eventName: 'release',
      event: releaseEvent(release.id, tag, servers.github),
      github: { apiUrl: servers.github.url, token: servers.github.token },
      inputs: emulatorInputs(servers.emulator.url, { matrix, name: 'promo-{locale}', ...extra })
    })
  }
  const requestsTo = (origin: 'api' | 'uploads', method: string): string[] => servers.github.requests.filter((r) => r.origin === origin && r.method === method).map((r) => r.path)

  it('attaches every finished video to the release of a release event, once', async () => {
    servers.github.addRelease({ tag: 'v1.0.0' })
    const first = await runRelease('v1.0.0')
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    const assets = servers.github.release('v1.0.0')?.assets ?? []
    expect(assets.map((a) => a.name).sort()).toEqual(['promo-de.mp4', 'promo-en.mp4', 'promo-fr.mp4'])
    for (const r of first.results) {
      const asset = assets.find((a) => a.name === `${r.name}.mp4`)
      expect(asset?.bytes.equals(readFileSync(path.join(servers.workspace, r.video_path as string)))).toBe(true)
      expect(asset?.contentType).toBe('video/mp4')
      expect(r.release_asset_url).toBe(`https://github.com/octo/videos/releases/download/v1.0.0/${r.name}.mp4`)
      expect(first.summary).toContain(`[release asset](${r.release_asset_url})`)
    }
    // Uploads went to the upload origin the API named, with the token; nothing was deleted.
    expect(requestsTo('uploads', 'POST')).toHaveLength(3)
    expect(servers.github.requests.filter((r) => r.origin === 'uploads').every((r) => r.authorization === `token ${servers.github.token}`)).toBe(true)
    expect(requestsTo('api', 'DELETE')).toHaveLength(0)
    expect(first.stdout).toContain("Release 'v1.0.0': 3 videos attached (3 new, 0 replaced, 0 unchanged).")
    // A release event has no pull request: the commit's pulls are looked up, none is open, no comment.
    expect(servers.github.requests.some((r) => r.path.includes('/pulls'))).toBe(true)
    expect(servers.github.requests.some((r) => r.path.includes('/comments'))).toBe(false)
  })

  it('fails the step before anything is uploaded or billed when the tag has no release', async () => {
    const run = await runAction({
      workspace: servers.workspace,
      github: { apiUrl: servers.github.url, token: servers.github.token },
      inputs: emulatorInputs(servers.emulator.url, { matrix: MATRIX, name: 'promo-{locale}', release: 'v9.9.9' })
    })
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/::error::Input 'release': octo\/videos has no release for tag 'v9\.9\.9'\. Create the release/)
    expect(servers.emulator.stats.rendersCreated).toBe(0)
    expect(servers.emulator.stats.assetsCreated).toBe(0)
    expect(servers.emulator.stats.requests).toEqual([])
    expect(run.outputs.succeeded).toBe('0')
  })

  // The last two runs each change or watch a whole GitHub stand-in (a rewritten upload_url; the
  // request log), so the second gets a stand-in of its own and both run at once: their waits for
  // the renders overlap.
  describe('two runs side by side', () => {
    let toHeyGen: { run: ActionRun; unknownRoutes: RequestRecord[] }
    let unnamed: { run: ActionRun; releaseRequests: RecordedRequest[] }

    beforeAll(async () => {
      servers.emulator.resetStats()
      servers.github.addRelease({ tag: 'v4.0.0' })
      servers.github.overrideUploadUrl(`${servers.emulator.url}/repos/octo/videos/releases/1/assets{?name,label}`)
      const own = await startGitHubServer()
      try {
        const [a, b] = await Promise.all([
          runRelease('v4.0.0'),
          runAction({
            workspace: servers.workspace,
            sha: SHA_A,
            github: { apiUrl: own.url, token: own.token },
            inputs: emulatorInputs(servers.emulator.url, { matrix: MATRIX, name: 'promo-{locale}', 'output-dir': 'renders-unnamed' })
          })
        ])
        toHeyGen = { run: a, unknownRoutes: servers.emulator.stats.requests.filter((r) => r.route === 'unknown') }
        unnamed = { run: b, releaseRequests: own.requests.filter((r) => r.path.includes('/releases')) }
      } finally {
        servers.github.overrideUploadUrl(undefined)
        await own.close()
      }
    })

    it('never sends the GitHub token to HeyGen, even when an upload_url points there', () => {
      const { run } = toHeyGen
      expect(run.code).toBe(1)
      expect(run.stdout).toMatch(/::error::The release's upload_url points at http:\/\/127\.0\.0\.1:\d+, the HeyGen api-url; the GitHub token is never sent there\./)
      // The emulator saw only its own API and storage routes (from both runs).
      expect(toHeyGen.unknownRoutes).toEqual([])
      expect(servers.github.release('v4.0.0')?.assets).toHaveLength(0)
    })

    it('leaves releases alone when no release is named and the event is not a release', () => {
      const { run } = unnamed
      expect(run.code).toBe(0)
      expect(unnamed.releaseRequests).toEqual([])
      expect(run.results.every((r) => r.release_asset_url === null)).toBe(true)
    })
  })
})
