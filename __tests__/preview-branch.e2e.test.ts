import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { previewFolder } from '../src/publish/previews/preview-branch.js'
import { imageKind, webpFrameCount } from '../src/publish/previews/image-kind.js'
import { SHA_A, emulatorInputs, runAction, type ActionRun } from './support/action-runner.js'
import { prEvent } from './support/events.js'
import { startGitHubServer, type GitHubServer } from './support/github-server.js'
import { hasTool } from './support/has-tool.js'
import { useServers } from './support/servers.js'

// Previews committed to a branch with the Git Data API, end to end: dist/index.js renders against
// the emulator, makes the previews with the runner's ffmpeg, and commits them to the local GitHub
// server, whose /raw/ route then serves what the comment's <img> tags point at. How the branch's
// tree changes from one write to the next (replacing, racing, pruning) is tested in process, in
// host-previews.test.ts.

const KEY = 'project/index.html'
const hasFfmpeg = hasTool('ffmpeg')
const hasFfprobe = hasTool('ffprobe')
if (!hasFfmpeg) console.log('preview-branch e2e: ffmpeg is not installed, so the animated-preview test is skipped (apt-get install ffmpeg).')
const withFfmpeg = hasFfmpeg ? it : it.skip

const matrix = (...titles: string[]): string => JSON.stringify(titles.map((title, i) => ({ title, color: ['#ff0000', '#00ff00', '#0000ff'][i % 3] })))

describe('previews on a branch', () => {
  const servers = useServers({ emulator: { completeRaceProbability: 0, renderMs: 40 }, github: {}, fixture: 'basic' })

  /** For the runs about hosting, not making, previews: stills from the renderer's thumbnails, as on a runner without ffmpeg. */
  const NO_FFMPEG = { PATH: '' }
  const runOnPr = (gh: GitHubServer, pr: number, inputs: Record<string, string>, headRepo?: string, env: Record<string, string> = {}): Promise<ActionRun> =>
    runAction({
      workspace: servers.workspace,
      sha: 'd'.repeat(40),
      eventName: 'pull_request',
      event: prEvent(pr, SHA_A, headRepo),
      github: { apiUrl: gh.url, token: gh.token },
      env: { GITHUB_SERVER_URL: gh.url, ...env },
      inputs: emulatorInputs(servers.emulator.url, { name: '{index}-{title}', preview: 'auto', 'preview-branch': 'previews', 'output-dir': `renders-${pr}`, ...inputs })
    })
  const commentOf = (pr: number, key = KEY, gh = servers.github): string => gh.comments(pr).find((c) => c.body.includes(`comment-key: ${key} -->`))?.body ?? ''
  const imgSources = (body: string): string[] => [...body.matchAll(/<img src="([^"]+)"/g)].map((m) => m[1].replace(/&amp;/g, '&'))
  const filesUnder = (branch: string, folder: string): Map<string, Buffer> => new Map([...(servers.github.git.files(branch) ?? new Map<string, Buffer>())].filter(([p]) => p.startsWith(`${folder}/`)))
  const gitCalls = (gh: GitHubServer): string[] => gh.requests.filter((r) => r.path.includes('/git/')).map((r) => `${r.method} ${r.path}`)

  // The three runs start together; the two that each change or watch a whole GitHub stand-in (a
  // 403 on contents; the Git Data calls) get a stand-in of their own, so their renders overlap.
  let animated: ActionRun | undefined
  let forbidden: { run: ActionRun; comment: string }
  let fork: { run: ActionRun; gitCalls: string[] }
  beforeAll(async () => {
    const [forbiddenGh, forkGh] = await Promise.all([startGitHubServer(), startGitHubServer()])
    forbiddenGh.forbid('contents')
    try {
      const [a, f, k] = await Promise.all([
        hasFfmpeg ? runOnPr(servers.github, 7, { matrix: matrix('One', 'Two') }) : undefined,
        runOnPr(forbiddenGh, 11, { matrix: matrix('Nope'), preview: 'poster' }, undefined, NO_FFMPEG),
        // A still is enough: whether anything is committed is the subject, not the animation.
        runOnPr(forkGh, 12, { matrix: matrix('Forked'), preview: 'poster' }, 'someone/videos', NO_FFMPEG)
      ])
      animated = a
      forbidden = { run: f, comment: commentOf(11, KEY, forbiddenGh) }
      fork = { run: k, gitCalls: gitCalls(forkGh) }
    } finally {
      await Promise.all([forbiddenGh.close(), forkGh.close()])
    }
  })

  withFfmpeg('commits one orphan commit with a decodable animated preview per video, and the comment embeds exactly those bytes', async () => {
    const run = animated as ActionRun
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const head = servers.github.git.head('previews')
    expect(head?.parents).toEqual([])
    const files = filesUnder('previews', previewFolder(KEY, '7'))
    expect([...files.keys()].sort()).toEqual([`${previewFolder(KEY, '7')}/1-One.webp`, `${previewFolder(KEY, '7')}/2-Two.webp`])
    for (const [file, bytes] of files) {
      expect(imageKind(bytes)).toBe('webp')
      expect(bytes.length).toBeLessThanOrEqual(1.5 * 1024 * 1024)
      // The emulator's videos are about 1 s long: at 12 fps that is several frames, not one still.
      expect(webpFrameCount(bytes)).toBeGreaterThan(5)
      if (hasFfprobe) {
        // ffmpeg before 8 cannot decode animated WebP frames, but ffprobe still names the codec.
        const dir = mkdtempSync(path.join(os.tmpdir(), 'hf-preview-'))
        writeFileSync(path.join(dir, 'p.webp'), bytes)
        expect(
          execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', path.join(dir, 'p.webp')], { stdio: ['ignore', 'pipe', 'ignore'] })
            .toString()
            .trim()
        ).toBe('webp')
        rmSync(dir, { recursive: true, force: true })
      }
      expect(file).toMatch(/\.webp$/)
    }
    const sources = imgSources(commentOf(7))
    expect(sources).toHaveLength(2)
    const served = await Promise.all(sources.map(async (src) => Buffer.from(await (await fetch(src)).arrayBuffer())))
    expect(served.map((b) => b.toString('base64')).sort()).toEqual([...files.values()].map((b) => b.toString('base64')).sort())
    for (const src of sources) expect(src.startsWith(`${servers.github.url}/octo/videos/raw/previews/`)).toBe(true)
    expect(run.stdout).toMatch(/Previews: 2 committed to branch 'previews'/)
    // The same body is an output, for a workflow_run job to post when the run itself cannot.
    expect(run.outputs['comment-body']).toBe(commentOf(7))
    expect(commentOf(7)).toContain('Previews are kept on the preview branch.')
  })

  it('a 403 on the Git Data API is a warning naming contents: write, and the comment has links only', () => {
    const { run, comment: body } = forbidden
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/::warning::Previews not committed to 'previews': .*permissions: contents: write/)
    expect(body).toContain('1 of 1 succeeded')
    expect(body).not.toContain('<img')
    expect(body).toMatch(/\[run\]\(/)
  })

  it('a fork pull request makes no Git Data call', () => {
    const { run } = fork
    expect(run.code).toBe(0)
    expect(fork.gitCalls).toEqual([])
    expect(run.stdout).toContain("Previews not committed to 'previews': this pull request comes from a fork")
    expect(run.outputs['comment-body']).toMatch(/^<!-- hyperframes-render-action comment-key: project\/index.html -->\n/)
  })
})
