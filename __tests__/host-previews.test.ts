import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { RunContext } from '../src/inputs/run-context.js'
import { GitHubPublisher } from '../src/publish/github-publish.js'
import type { Preview } from '../src/publish/previews/make-previews.js'
import type { PreviewHosting } from '../src/publish/previews/host-previews.js'
import { previewFolder } from '../src/publish/previews/preview-branch.js'
import { SHA_A } from './support/action-runner.js'
import { useServers } from './support/servers.js'

// Previews committed to preview-branch, in process: the publish stage's own code (GitHubPublisher,
// hostPreviews, commitPreviews) against the GitHub stand-in over real sockets. What only a whole
// run shows (ffmpeg's animated previews, the comment embedding the committed bytes, the fallbacks
// a 403 or a fork brings) is in preview-branch.e2e.test.ts.

const KEY = 'project/index.html'

describe('previews committed to a branch', () => {
  const servers = useServers({ github: {} })
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'hf-host-previews-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  /** Preview files as makePreviews leaves them; the bytes differ per name, as two videos' previews do. */
  const previews = (titles: string[]): Preview[] =>
    titles.map((title, i) => {
      const file = path.join(dir, `${i + 1}-${title}.webp`)
      const bytes = Buffer.from(`RIFF\0\0\0\0WEBP a preview of ${title}`)
      writeFileSync(file, bytes)
      return { index: i + 1, name: `${i + 1}-${title}`, path: file, kind: 'webp', mime: 'image/webp', animated: true, bytes: bytes.length }
    })

  /** One run's hosting step for pull request `pr`, as main.ts calls it, with its log lines. */
  const host = async (pr: number, titles: string[], opts: { commentKey?: string; branch?: string; retentionDays?: number } = {}): Promise<{ hosting: PreviewHosting; lines: string[] }> => {
    const lines: string[] = []
    const log = { info: (l: string) => void lines.push(l), warning: (l: string) => void lines.push(`warning: ${l}`) }
    const ctx: RunContext = {
      sha: SHA_A,
      eventName: 'pull_request',
      runId: 1001,
      runAttempt: 1,
      repository: 'octo/videos',
      serverUrl: servers.github.url,
      workspace: dir,
      pullRequest: pr,
      headRepository: 'octo/videos',
      actor: 'contributor'
    }
    const inputs = { token: servers.github.token, comment: 'auto' as const, commentKey: opts.commentKey ?? KEY }
    const publisher = new GitHubPublisher(ctx, inputs, 'http://127.0.0.1:9', log, { GITHUB_API_URL: servers.github.url })
    const hosting = await publisher.hostPreviews({ mode: 'auto', branch: opts.branch ?? 'previews', retentionDays: opts.retentionDays ?? 30 }, previews(titles))
    return { hosting, lines }
  }
  const filesUnder = (branch: string, folder: string): Map<string, Buffer> => new Map([...(servers.github.git.files(branch) ?? new Map<string, Buffer>())].filter(([p]) => p.startsWith(`${folder}/`)))

  it('a second run for the same PR replaces its files: still one commit, nothing stale', async () => {
    const first = await host(7, ['One', 'Two'])
    expect(first.hosting.state).toBe('hosted')
    expect([...filesUnder('previews', previewFolder(KEY, '7')).keys()].sort()).toEqual([`${previewFolder(KEY, '7')}/1-One.webp`, `${previewFolder(KEY, '7')}/2-Two.webp`])
    const before = servers.github.git.head('previews')?.sha

    const again = await host(7, ['Three'])
    expect(again.hosting.state).toBe('hosted')
    const head = servers.github.git.head('previews')
    expect(head?.sha).not.toBe(before)
    expect(head?.parents).toEqual([])
    expect([...filesUnder('previews', previewFolder(KEY, '7')).keys()]).toEqual([`${previewFolder(KEY, '7')}/1-Three.webp`])
  })

  it('two concurrent runs with different comment-keys both end up in the tree', async () => {
    const [a, b] = await Promise.all([host(9, ['Left'], { commentKey: 'left' }), host(9, ['Right'], { commentKey: 'right' })])
    expect([a.hosting.state, b.hosting.state]).toEqual(['hosted', 'hosted'])
    expect([...filesUnder('previews', previewFolder('left', '9')).keys()]).toEqual([`${previewFolder('left', '9')}/1-Left.webp`])
    expect([...filesUnder('previews', previewFolder('right', '9')).keys()]).toEqual([`${previewFolder('right', '9')}/1-Right.webp`])
    // The earlier PR's previews are still there, and the branch is still one commit.
    expect(filesUnder('previews', previewFolder(KEY, '7')).size).toBe(1)
    expect(servers.github.git.head('previews')?.parents).toEqual([])
  })

  it('prunes previews older than preview-retention-days and keeps files it did not write', async () => {
    servers.github.git.seed(
      'old',
      { 'k-1/3/a.webp': Buffer.from('RIFF....WEBP'), 'k-1/4/b.webp': Buffer.from('RIFF....WEBP'), 'README.md': Buffer.from('hello') },
      {
        'k-1/3/a.webp': '2020-01-01T00:00:00.000Z',
        'k-1/4/b.webp': new Date().toISOString()
      }
    )
    const { hosting, lines } = await host(10, ['Fresh'], { branch: 'old', retentionDays: 7 })
    expect(hosting.state).toBe('hosted')
    const paths = [...(servers.github.git.files('old')?.keys() ?? [])].sort()
    expect(paths).toEqual(['README.md', 'k-1/4/b.webp', `${previewFolder(KEY, '10')}/1-Fresh.webp`, 'previews-index.json'].sort())
    expect(lines.join('\n')).toContain('1 older than 7 days pruned')
  })
})
