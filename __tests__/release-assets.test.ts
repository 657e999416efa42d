import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { RunContext } from '../src/inputs/run-context.js'
import { GitHubPublisher, type ReleaseOutcome } from '../src/publish/github-publish.js'
import type { RenderOutcome } from '../src/render/outcome.js'
import { SHA_A } from './support/action-runner.js'
import { useServers } from './support/servers.js'

// Attaching videos to a release, in process: the publish stage's own code (GitHubPublisher,
// findRelease, attachToRelease) against the GitHub stand-in, whose uploads origin is separate from
// its API origin, over real sockets. What a whole run shows (the results, the summary, a failure
// that fails the step, the token never reaching HeyGen) is in release.e2e.test.ts.

const LOCALES = ['en', 'fr', 'de']
const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex')

describe('release assets, in process', () => {
  const servers = useServers({ github: {} })
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'hf-release-assets-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  const videoPath = (locale: string): string => path.join(dir, `promo-${locale}.mp4`)
  /** The finished videos as the render stage hands them over; each locale's bytes depend on its colour. */
  const rendered = (colors: Record<string, string>): RenderOutcome[] =>
    LOCALES.map((locale, i) => {
      writeFileSync(videoPath(locale), Buffer.from(`\0\0\0\x18ftypisom a video of ${locale} on ${colors[locale]}`))
      const settings = { composition: 'index.html', quality: 'standard', format: 'mp4', resolution: '1080p', aspectRatio: '16:9', title: locale } as const
      return { job: { index: i + 1, name: `promo-${locale}`, variables: { locale }, settings }, key: `key-${locale}`, status: 'completed', videoPath: videoPath(locale) }
    })

  /** One run's release step for the release `tag` names, as main.ts calls it, with its log lines. */
  const attach = async (colors: Record<string, string>, tag = 'v1.0.0'): Promise<{ outcome: ReleaseOutcome; lines: string[] }> => {
    const lines: string[] = []
    const log = { info: (l: string) => void lines.push(l), warning: (l: string) => void lines.push(`warning: ${l}`) }
    const ctx: RunContext = {
      sha: SHA_A,
      eventName: 'release',
      runId: 1001,
      runAttempt: 1,
      repository: 'octo/videos',
      serverUrl: 'https://github.com',
      workspace: dir,
      actor: 'octo'
    }
    const publisher = new GitHubPublisher(ctx, { token: servers.github.token, comment: 'false', commentKey: 'k', release: { tag } }, 'http://127.0.0.1:9', log, {
      GITHUB_API_URL: servers.github.url
    })
    await publisher.checkTargets()
    const outcome = await publisher.attachVideos(rendered(colors))
    return { outcome, lines }
  }
  const requestsTo = (origin: 'api' | 'uploads', method: string): string[] => servers.github.requests.filter((r) => r.origin === origin && r.method === method).map((r) => r.path)
  const COLORS = { en: '#ff0000', fr: '#00ff00', de: '#0000ff' }

  let first: ReleaseOutcome
  beforeAll(async () => {
    servers.github.addRelease({ tag: 'v1.0.0' })
    ;({ outcome: first } = await attach(COLORS))
  })

  it('re-running with the same videos uploads nothing and duplicates nothing', async () => {
    const before = (servers.github.release('v1.0.0')?.assets ?? []).map((a) => a.id)
    expect(before).toHaveLength(3)
    const again = await attach(COLORS)
    expect(again.outcome.failure).toBeUndefined()
    expect((servers.github.release('v1.0.0')?.assets ?? []).map((a) => a.id)).toEqual(before)
    expect(requestsTo('uploads', 'POST')).toHaveLength(0)
    expect([...again.outcome.urls]).toEqual([...first.urls])
    expect(again.lines.join('\n')).toContain('(0 new, 0 replaced, 3 unchanged)')
  })

  it('replaces a same-named asset whose video changed, never adding a second', async () => {
    const oldFr = servers.github.release('v1.0.0')?.assets.find((a) => a.name === 'promo-fr.mp4')
    const run = await attach({ ...COLORS, fr: '#123456' })
    expect(run.outcome.failure).toBeUndefined()
    const assets = servers.github.release('v1.0.0')?.assets ?? []
    expect(assets).toHaveLength(3)
    expect(new Set(assets.map((a) => a.name)).size).toBe(3)
    const fr = assets.find((a) => a.name === 'promo-fr.mp4')
    expect(fr?.id).not.toBe(oldFr?.id)
    expect(sha256(fr?.bytes ?? Buffer.alloc(0))).toBe(sha256(readFileSync(videoPath('fr'))))
    expect(requestsTo('api', 'DELETE')).toEqual([`/repos/octo/videos/releases/assets/${oldFr?.id}`])
    expect(requestsTo('uploads', 'POST')).toHaveLength(1)
    expect(run.lines.join('\n')).toContain('(0 new, 1 replaced, 2 unchanged)')
  })

  it('attaches to a draft release named by the release input', async () => {
    // A draft is not found by tag, only in the list of releases.
    const draft = servers.github.addRelease({ tag: 'v2.0.0-rc.1', draft: true })
    const run = await attach(COLORS, 'v2.0.0-rc.1')
    expect(run.outcome.failure).toBeUndefined()
    expect(draft.assets.map((a) => a.name).sort()).toEqual(['promo-de.mp4', 'promo-en.mp4', 'promo-fr.mp4'])
  })

  it('turns a 403 into a warning naming contents: write, and the step stays green', async () => {
    servers.github.addRelease({ tag: 'v3.0.0' })
    servers.github.forbid('releases')
    try {
      const run = await attach(COLORS, 'v3.0.0')
      // No failure: nothing the run would fail the step for.
      expect(run.outcome.failure).toBeUndefined()
      expect(run.lines.join('\n')).toMatch(
        /warning: Videos not attached to release 'v3\.0\.0': the token may not write releases \(HTTP 403: Resource not accessible by integration.*\)\. Add `permissions: contents: write`/
      )
      expect(servers.github.release('v3.0.0')?.assets).toHaveLength(0)
      // No asset URL for any result.
      expect(run.outcome.urls.size).toBe(0)
    } finally {
      servers.github.forbid('releases', false)
    }
  })
})
