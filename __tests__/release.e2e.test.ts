import { createHash } from 'node:crypto'
import { readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import type { Emulator } from '../emulator/index.js'
import { SHA_A, emulatorInputs, makeWorkspace, runAction, type ActionRun } from './support/action-runner.js'
import { startTestEmulator } from './support/with-emulator.js'
import { startGitHubServer, type GitHubServer } from './support/github-server.js'

// Release videos end to end: every finished video becomes an asset of the GitHub Release, once,
// against a local GitHub server whose uploads origin is separate from its API origin.

const MATRIX = JSON.stringify([
  { locale: 'en', color: '#ff0000' },
  { locale: 'fr', color: '#00ff00' },
  { locale: 'de', color: '#0000ff' }
])

function releaseEvent(id: number, tag: string, github: GitHubServer): Record<string, unknown> {
  return {
    action: 'published',
    release: { id, tag_name: tag, draft: false, upload_url: `${github.uploadsUrl}/repos/octo/videos/releases/${id}/assets{?name,label}` },
    repository: { full_name: 'octo/videos', name: 'videos', owner: { login: 'octo' } }
  }
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex')

describe('release assets', () => {
  let emulator: Emulator
  let github: GitHubServer
  let workspace: string

  beforeAll(async () => {
    emulator = await startTestEmulator({ renderMs: 50, queueMs: 10 })
    github = await startGitHubServer()
    workspace = makeWorkspace()
  })
  afterAll(async () => {
    await emulator.close()
    await github.close()
    rmSync(workspace, { recursive: true, force: true })
  })

  const runRelease = (tag: string, matrix = MATRIX, extra: Record<string, string> = {}): Promise<ActionRun> => {
    const release = github.release(tag)
    if (!release) throw new Error(`no release ${tag}`)
    return runAction({
      workspace,
      eventName: 'release',
      event: releaseEvent(release.id, tag, github),
      github: { apiUrl: github.url, token: github.token },
      inputs: emulatorInputs(emulator.url, { matrix, name: 'promo-{locale}', ...extra })
    })
  }
  const requestsTo = (origin: 'api' | 'uploads', method: string): string[] => github.requests.filter((r) => r.origin === origin && r.method === method).map((r) => r.path)

  let first: ActionRun

  it('attaches every finished video to the release of a release event, once', async () => {
    github.addRelease({ tag: 'v1.0.0' })
    github.resetRequests()
    first = await runRelease('v1.0.0')
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    const assets = github.release('v1.0.0')?.assets ?? []
    expect(assets.map((a) => a.name).sort()).toEqual(['promo-de.mp4', 'promo-en.mp4', 'promo-fr.mp4'])
    for (const r of first.results) {
      const asset = assets.find((a) => a.name === `${r.name}.mp4`)
      expect(asset?.bytes.equals(readFileSync(path.join(workspace, r.video_path as string)))).toBe(true)
      expect(asset?.contentType).toBe('video/mp4')
      expect(r.release_asset_url).toBe(`https://github.com/octo/videos/releases/download/v1.0.0/${r.name}.mp4`)
      expect(first.summary).toContain(`[release asset](${r.release_asset_url})`)
    }
    // Uploads went to the upload origin the API named, with the token; nothing was deleted.
    expect(requestsTo('uploads', 'POST')).toHaveLength(3)
    expect(github.requests.filter((r) => r.origin === 'uploads').every((r) => r.authorization === `token ${github.token}`)).toBe(true)
    expect(requestsTo('api', 'DELETE')).toHaveLength(0)
    expect(first.stdout).toContain("Release 'v1.0.0': 3 videos attached (3 new, 0 replaced, 0 unchanged).")
    // A release event has no pull request: the commit's pulls are looked up, none is open, no comment.
    expect(github.requests.some((r) => r.path.includes('/pulls'))).toBe(true)
    expect(github.requests.some((r) => r.path.includes('/comments'))).toBe(false)
  })

  it('re-running with the same videos uploads nothing and duplicates nothing', async () => {
    const before = (github.release('v1.0.0')?.assets ?? []).map((a) => a.id)
    github.resetRequests()
    const again = await runRelease('v1.0.0')
    expect(again.code).toBe(0)
    expect((github.release('v1.0.0')?.assets ?? []).map((a) => a.id)).toEqual(before)
    expect(requestsTo('uploads', 'POST')).toHaveLength(0)
    expect(again.results.map((r) => r.release_asset_url)).toEqual(first.results.map((r) => r.release_asset_url))
    expect(again.stdout).toContain('(0 new, 0 replaced, 3 unchanged)')
  })

  it('replaces a same-named asset whose video changed, never adding a second', async () => {
    const changed = JSON.stringify([
      { locale: 'en', color: '#ff0000' },
      { locale: 'fr', color: '#123456' },
      { locale: 'de', color: '#0000ff' }
    ])
    const oldFr = github.release('v1.0.0')?.assets.find((a) => a.name === 'promo-fr.mp4')
    github.resetRequests()
    const run = await runRelease('v1.0.0', changed)
    expect(run.code).toBe(0)
    const assets = github.release('v1.0.0')?.assets ?? []
    expect(assets).toHaveLength(3)
    expect(new Set(assets.map((a) => a.name)).size).toBe(3)
    const fr = assets.find((a) => a.name === 'promo-fr.mp4')
    expect(fr?.id).not.toBe(oldFr?.id)
    expect(sha256(fr?.bytes ?? Buffer.alloc(0))).toBe(sha256(readFileSync(path.join(workspace, 'renders/promo-fr.mp4'))))
    expect(requestsTo('api', 'DELETE')).toEqual([`/repos/octo/videos/releases/assets/${oldFr?.id}`])
    expect(requestsTo('uploads', 'POST')).toHaveLength(1)
    expect(run.stdout).toContain('(0 new, 1 replaced, 2 unchanged)')
  })

  it('attaches to a draft release named by the release input', async () => {
    const draft = github.addRelease({ tag: 'v2.0.0-rc.1', draft: true })
    const run = await runAction({
      workspace,
      eventName: 'workflow_dispatch',
      event: { inputs: {} },
      github: { apiUrl: github.url, token: github.token },
      inputs: emulatorInputs(emulator.url, { matrix: MATRIX, name: 'promo-{locale}', release: 'v2.0.0-rc.1' })
    })
    expect(run.code).toBe(0)
    expect(draft.assets.map((a) => a.name).sort()).toEqual(['promo-de.mp4', 'promo-en.mp4', 'promo-fr.mp4'])
  })

  it('fails the step before anything is uploaded or billed when the tag has no release', async () => {
    emulator.resetStats()
    const run = await runAction({ workspace, github: { apiUrl: github.url, token: github.token }, inputs: emulatorInputs(emulator.url, { matrix: MATRIX, name: 'promo-{locale}', release: 'v9.9.9' }) })
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/::error::Input 'release': octo\/videos has no release for tag 'v9\.9\.9'\. Create the release/)
    expect(emulator.stats.rendersCreated).toBe(0)
    expect(emulator.stats.assetsCreated).toBe(0)
    expect(emulator.stats.requests).toEqual([])
    expect(run.outputs.succeeded).toBe('0')
  })

  it('turns a 403 into a warning naming contents: write, and the step stays green', async () => {
    github.addRelease({ tag: 'v3.0.0' })
    github.forbid('releases')
    try {
      const run = await runRelease('v3.0.0')
      expect(run.code).toBe(0)
      expect(run.stdout).toMatch(
        /::warning::Videos not attached to release 'v3\.0\.0': the token may not write releases \(HTTP 403: Resource not accessible by integration.*\)\. Add `permissions: contents: write`/
      )
      expect(github.release('v3.0.0')?.assets).toHaveLength(0)
      expect(run.results.every((r) => r.release_asset_url === null)).toBe(true)
    } finally {
      github.forbid('releases', false)
    }
  })

  it('never sends the GitHub token to HeyGen, even when an upload_url points there', async () => {
    github.addRelease({ tag: 'v4.0.0' })
    github.overrideUploadUrl(`${emulator.url}/repos/octo/videos/releases/1/assets{?name,label}`)
    try {
      emulator.resetStats()
      const run = await runRelease('v4.0.0')
      expect(run.code).toBe(1)
      expect(run.stdout).toMatch(/::error::The release's upload_url points at http:\/\/127\.0\.0\.1:\d+, the HeyGen api-url; the GitHub token is never sent there\./)
      // The emulator saw only its own API and storage routes.
      expect(emulator.stats.requests.filter((r) => r.route === 'unknown')).toEqual([])
      expect(github.release('v4.0.0')?.assets).toHaveLength(0)
    } finally {
      github.overrideUploadUrl(undefined)
    }
  })

  it('leaves releases alone when no release is named and the event is not a release', async () => {
    github.resetRequests()
    const run = await runAction({ workspace, sha: SHA_A, github: { apiUrl: github.url, token: github.token }, inputs: emulatorInputs(emulator.url, { matrix: MATRIX, name: 'promo-{locale}' }) })
    expect(run.code).toBe(0)
    expect(github.requests.filter((r) => r.path.includes('/releases'))).toEqual([])
    expect(run.results.every((r) => r.release_asset_url === null)).toBe(true)
  })
})
