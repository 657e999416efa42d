import { rmSync } from 'node:fs'
import path from 'node:path'
import { makeWorkspace, runAction } from './support/action-runner.js'

// backend: local without its tools: the step fails at once with one error that says what to
// install, before it installs anything or renders. Runs everywhere; no Chrome needed.

describe('backend: local on a machine without Chrome or ffmpeg', () => {
  let workspace: string
  beforeAll(() => {
    workspace = makeWorkspace('tiny')
  })
  afterAll(() => rmSync(workspace, { recursive: true, force: true }))

  it('fails with one clear error naming what to install, and still writes the outputs', async () => {
    const run = await runAction({
      workspace,
      inputs: { backend: 'local', path: 'project', matrix: '[{"bg": "#ff0000"}, {"bg": "#0000ff"}]' },
      env: {
        // Only the directory of this Node on PATH, and explicit paths that do not exist.
        PATH: path.dirname(process.execPath),
        HYPERFRAMES_BROWSER_PATH: '/nonexistent/chrome',
        HYPERFRAMES_FFMPEG_PATH: '/nonexistent/ffmpeg',
        HYPERFRAMES_FFPROBE_PATH: '/nonexistent/ffprobe'
      }
    })
    expect(run.code).toBe(1)
    const errors = run.stdout.split('\n').filter((line) => line.startsWith('::error::'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain('The local renderer cannot run')
    expect(errors[0]).toContain('Chrome/Chromium at HYPERFRAMES_BROWSER_PATH=/nonexistent/chrome')
    expect(errors[0]).toContain('ffmpeg at HYPERFRAMES_FFMPEG_PATH=/nonexistent/ffmpeg')
    expect(errors[0]).toContain('sudo apt-get install -y chromium ffmpeg')
    // No API key was asked for, nothing was installed, no stack trace.
    expect(run.stdout).not.toContain("Input 'api-key'")
    expect(run.stdout).not.toContain('Installing the HyperFrames renderer')
    expect(run.stdout).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/)
    expect(run.results.map((r) => r.status)).toEqual(['pending', 'pending'])
    expect(run.outputs.failed).toBe('2')
  })

  it('on-missing-key: local turns a fork PR without the secret into a local render', async () => {
    const run = await runAction({
      workspace,
      eventName: 'pull_request',
      event: { pull_request: { number: 3, head: { sha: 'c'.repeat(40), repo: { full_name: 'someone/videos' } } } },
      inputs: { 'api-key': '', 'on-missing-key': 'local', 'api-url': 'https://api.heygen.invalid', path: 'project', comment: 'false', matrix: '[{"bg": "#ff0000"}]' },
      env: { PATH: path.dirname(process.execPath), HYPERFRAMES_BROWSER_PATH: '/nonexistent/chrome', HYPERFRAMES_FFMPEG_PATH: '/nonexistent/ffmpeg' }
    })
    // The notice says why it rendered locally; the local renderer, not HeyGen, was then tried.
    expect(run.stdout).toMatch(
      /::notice::api-key is empty, so the renders run on this runner with the open-source renderer \(on-missing-key: local\)\. This pull request comes from the fork someone\/videos/
    )
    expect(run.stdout).toContain('The local renderer cannot run')
    expect(run.stdout).not.toContain('heygen.invalid')
    expect(run.outputs.skipped).toBe('false')
  })
})
