import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { startEmulator, type Emulator } from '../emulator/index.js'
import { previewFolder } from '../src/publish/previews/preview-branch.js'
import { imageKind, webpFrameCount } from '../src/publish/previews/image-kind.js'
import { SHA_A, emulatorInputs, makeWorkspace, runAction, type ActionRun } from './support/action-runner.js'
import { startGitHubServer, type GitHubServer } from './support/github-server.js'
import { hasTool } from './support/has-tool.js'

// Previews committed to a branch with the Git Data API, end to end: dist/index.js renders against
// the emulator, makes the previews with the runner's ffmpeg, and commits them to the local GitHub
// server, whose /raw/ route then serves what the comment's <img> tags point at.

const KEY = 'project/index.html'
const hasFfmpeg = hasTool('ffmpeg')
const hasFfprobe = hasTool('ffprobe')
if (!hasFfmpeg) console.log('preview-branch e2e: ffmpeg is not installed, so the animated-preview tests are skipped (apt-get install ffmpeg).')
const withFfmpeg = hasFfmpeg ? it : it.skip

function prEvent(number: number, headRepo = 'octo/videos'): Record<string, unknown> {
  return {
    action: 'synchronize',
    number,
    pull_request: {
      number,
      state: 'open',
      head: { sha: SHA_A, ref: `feature-${number}`, repo: { full_name: headRepo, fork: headRepo !== 'octo/videos' } },
      base: { sha: 'f'.repeat(40), ref: 'main', repo: { full_name: 'octo/videos' } }
    },
    repository: { full_name: 'octo/videos', name: 'videos', owner: { login: 'octo' } }
  }
}

const matrix = (...titles: string[]): string => JSON.stringify(titles.map((title, i) => ({ title, color: ['#ff0000', '#00ff00', '#0000ff'][i % 3] })))

describe('previews on a branch', () => {
  let emulator: Emulator
  let github: GitHubServer
  let workspace: string

  beforeAll(async () => {
    emulator = await startEmulator({ apiKeys: ['test-key-123'], renderMs: 40, queueMs: 10 })
    github = await startGitHubServer()
    workspace = makeWorkspace()
  })
  afterAll(async () => {
    await emulator.close()
    await github.close()
    rmSync(workspace, { recursive: true, force: true })
  })

  const runOnPr = (pr: number, inputs: Record<string, string>, headRepo?: string): Promise<ActionRun> =>
    runAction({
      workspace,
      sha: 'd'.repeat(40),
      eventName: 'pull_request',
      event: prEvent(pr, headRepo),
      github: { apiUrl: github.url, token: github.token },
      env: { GITHUB_SERVER_URL: github.url },
      inputs: emulatorInputs(emulator.url, { name: '{index}-{title}', preview: 'auto', 'preview-branch': 'previews', ...inputs })
    })
  const commentOf = (pr: number, key = KEY): string => github.comments(pr).find((c) => c.body.includes(`comment-key: ${key} -->`))?.body ?? ''
  const imgSources = (body: string): string[] => [...body.matchAll(/<img src="([^"]+)"/g)].map((m) => m[1].replace(/&amp;/g, '&'))
  const filesUnder = (branch: string, folder: string): Map<string, Buffer> => new Map([...(github.git.files(branch) ?? new Map<string, Buffer>())].filter(([p]) => p.startsWith(`${folder}/`)))
  const gitCalls = (): string[] => github.requests.filter((r) => r.path.includes('/git/')).map((r) => `${r.method} ${r.path}`)

  withFfmpeg('commits one orphan commit with a decodable animated preview per video, and the comment embeds exactly those bytes', async () => {
    const run = await runOnPr(7, { matrix: matrix('One', 'Two') })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const head = github.git.head('previews')
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
    for (const src of sources) expect(src.startsWith(`${github.url}/octo/videos/raw/previews/`)).toBe(true)
    expect(run.stdout).toMatch(/Previews: 2 committed to branch 'previews'/)
    // The same body is an output, for a workflow_run job to post when the run itself cannot.
    expect(run.outputs['comment-body']).toBe(commentOf(7))
    expect(commentOf(7)).toContain('Previews are kept on the preview branch.')
  })

  withFfmpeg('a second run for the same PR replaces its files: still one commit, nothing stale', async () => {
    const before = github.git.head('previews')?.sha
    const run = await runOnPr(7, { matrix: matrix('Three') })
    expect(run.code).toBe(0)
    const head = github.git.head('previews')
    expect(head?.sha).not.toBe(before)
    expect(head?.parents).toEqual([])
    expect([...filesUnder('previews', previewFolder(KEY, '7')).keys()]).toEqual([`${previewFolder(KEY, '7')}/1-Three.webp`])
  })

  withFfmpeg('two concurrent runs with different comment-keys both end up in the tree', async () => {
    const [a, b] = await Promise.all([runOnPr(9, { matrix: matrix('Left'), 'comment-key': 'left' }), runOnPr(9, { matrix: matrix('Right'), 'comment-key': 'right' })])
    expect([a.code, b.code]).toEqual([0, 0])
    expect([...filesUnder('previews', previewFolder('left', '9')).keys()]).toEqual([`${previewFolder('left', '9')}/1-Left.webp`])
    expect([...filesUnder('previews', previewFolder('right', '9')).keys()]).toEqual([`${previewFolder('right', '9')}/1-Right.webp`])
    // The earlier PR's previews are still there, and the branch is still one commit.
    expect(filesUnder('previews', previewFolder(KEY, '7')).size).toBe(1)
    expect(github.git.head('previews')?.parents).toEqual([])
  })

  withFfmpeg('prunes previews older than preview-retention-days and keeps files it did not write', async () => {
    github.git.seed(
      'old',
      { 'k-1/3/a.webp': Buffer.from('RIFF....WEBP'), 'k-1/4/b.webp': Buffer.from('RIFF....WEBP'), 'README.md': Buffer.from('hello') },
      {
        'k-1/3/a.webp': '2020-01-01T00:00:00.000Z',
        'k-1/4/b.webp': new Date().toISOString()
      }
    )
    const run = await runOnPr(10, { matrix: matrix('Fresh'), 'preview-branch': 'old', 'preview-retention-days': '7' })
    expect(run.code).toBe(0)
    const paths = [...(github.git.files('old')?.keys() ?? [])].sort()
    expect(paths).toEqual(['README.md', 'k-1/4/b.webp', `${previewFolder(KEY, '10')}/1-Fresh.webp`, 'previews-index.json'].sort())
    expect(run.stdout).toContain('1 older than 7 days pruned')
  })

  it('a 403 on the Git Data API is a warning naming contents: write, and the comment has links only', async () => {
    github.forbid('contents')
    try {
      const run = await runOnPr(11, { matrix: matrix('Nope'), preview: 'poster' })
      expect(run.code).toBe(0)
      expect(run.stdout).toMatch(/::warning::Previews not committed to 'previews': .*permissions: contents: write/)
      const body = commentOf(11)
      expect(body).toContain('1 of 1 succeeded')
      expect(body).not.toContain('<img')
      expect(body).toMatch(/\[run\]\(/)
    } finally {
      github.forbid('contents', false)
    }
  })

  it('a fork pull request makes no Git Data call', async () => {
    github.resetRequests()
    const run = await runOnPr(12, { matrix: matrix('Forked') }, 'someone/videos')
    expect(run.code).toBe(0)
    expect(gitCalls()).toEqual([])
    expect(run.stdout).toContain("Previews not committed to 'previews': this pull request comes from a fork")
    expect(run.outputs['comment-body']).toMatch(/^<!-- hyperframes-render-action comment-key: project\/index.html -->\n/)
  })
})
