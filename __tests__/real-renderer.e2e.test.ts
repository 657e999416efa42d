import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createHyperframesEngine, type Emulator } from '../emulator/index.js'
import { ensureHyperframesCli, HYPERFRAMES_VERSION, type InstalledCli } from '../src/local/hyperframes-cli.js'
import { LocalRenderer } from '../src/local/local-renderer.js'
import { probeVideo } from '../src/machine/media-probe.js'
import { emulatorInputs, makeWorkspace, runAction } from './support/action-runner.js'
import { startTestEmulator } from './support/with-emulator.js'
import { DEV_CACHE_ROOT, TEST_TOOL_CACHE, closeTo, describeIfSupported, frameColour, realRenderSupport } from './support/real-render.js'

// Real videos: the open-source HyperFrames renderer (Chrome + ffmpeg) through the action's
// `backend: local`, through the emulator's real engine, and HeyGen's own CLI against the
// emulator. Few and short on purpose: 1 s, 320x180, 10 fps, draft.

const support = realRenderSupport()
const RENDER_TIMEOUT = 5 * 60_000
const RED = { r: 255, g: 0, b: 0 }
const BLUE = { r: 0, g: 0, b: 255 }
const GREEN = { r: 0, g: 255, b: 0 }
// A corner patch, away from the title text in the middle.
const CORNER = { x: 4, y: 4 }

let cli: InstalledCli
beforeAll(async () => {
  if (support.skipReason) return
  // Installed once here (with this process's registry settings); the action finds it in RUNNER_TOOL_CACHE.
  cli = await ensureHyperframesCli({ cacheRoot: DEV_CACHE_ROOT, log: (line) => console.log(line) })
}, RENDER_TIMEOUT)

describeIfSupported('backend: local renders on the runner', support.skipReason, () => {
  let workspace: string
  beforeAll(() => {
    workspace = makeWorkspace('tiny')
  })
  afterAll(() => rmSync(workspace, { recursive: true, force: true }))

  it(
    'renders every matrix entry with its variables, without an API key',
    async () => {
      const run = await runAction({
        workspace,
        inputs: {
          backend: 'local',
          path: 'project',
          name: '{index}-{title}',
          fps: '10',
          quality: 'draft',
          matrix: JSON.stringify([
            { title: 'Red', bg: '#ff0000' },
            { title: 'Blue', bg: '#0000ff' }
          ])
        },
        env: { RUNNER_TOOL_CACHE: TEST_TOOL_CACHE }
      })
      expect(run.stdout).not.toContain('::error::')
      expect(run.code).toBe(0)
      expect(run.stdout).toContain(`locally with hyperframes ${HYPERFRAMES_VERSION}`)
      // The pinned CLI was already installed by this suite: the action reused it.
      expect(run.stdout).not.toContain('Installing the HyperFrames renderer')
      // Progress from the renderer shows in the log, per render.
      expect(run.stdout).toMatch(/^1-Red: \d+% capture \d+\/10$/m)
      expect(run.stdout).toMatch(/^2-Blue: \d+% capture \d+\/10$/m)

      expect(run.results.map((r) => [r.name, r.status, r.render_id])).toEqual([
        ['1-Red', 'completed', 'local-1'],
        ['2-Blue', 'completed', 'local-2']
      ])
      expect(run.outputs.succeeded).toBe('2')
      expect(run.outputs['asset-id']).toBe('')
      expect(JSON.parse(run.outputs.videos)).toEqual(['renders/1-Red.mp4', 'renders/2-Blue.mp4'])
      expect(run.summary).toContain('2 of 2 succeeded')
      expect(run.summary).toContain(`local renderer (hyperframes ${HYPERFRAMES_VERSION})`)

      const { ffmpeg, ffprobe } = support.toolchain!
      const colours = []
      for (const r of run.results) {
        const file = path.join(workspace, r.video_path as string)
        const info = await probeVideo(ffprobe, file)
        expect(info).toMatchObject({ width: 320, height: 180, codec: 'h264' })
        expect(info.duration).toBeGreaterThan(0.8)
        expect(info.duration).toBeLessThan(1.3)
        expect(r.duration).toBeCloseTo(info.duration, 1)
        colours.push(await frameColour(ffmpeg, file, 0.5, CORNER))
      }
      // The bg variable reached the frames: one red video, one blue.
      expect(colours.map((c, i) => ({ ...c, matches: closeTo(c, [RED, BLUE][i]) }))).toEqual([expect.objectContaining({ matches: true }), expect.objectContaining({ matches: true })])
    },
    RENDER_TIMEOUT
  )
})

describeIfSupported('backend: local reports a failed render', support.skipReason, () => {
  let workspace: string
  beforeAll(() => {
    workspace = makeWorkspace('tiny')
  })
  afterAll(() => rmSync(workspace, { recursive: true, force: true }))

  it(
    "fails the entry with the renderer's own reason, like the API refuses undeclared variables",
    async () => {
      const run = await runAction({
        workspace,
        // strict-variables: false lets the undeclared variable past the action's own check, so the
        // renderer's refusal is what this test sees.
        inputs: { backend: 'local', path: 'project', fps: '10', quality: 'draft', name: 'undeclared', variables: '{"nope": "x"}', 'strict-variables': 'false' },
        env: { RUNNER_TOOL_CACHE: TEST_TOOL_CACHE }
      })
      expect(run.code).toBe(1)
      const [result] = run.results
      expect(result.status).toBe('failed')
      expect(result.failure_message).toMatch(/^hyperframes render failed \(exit 1\): Variable validation failed/)
      expect(result.failure_message).toContain('Variable "nope" is not declared')
      expect(run.stdout).toContain('::group::undeclared: renderer log')
      expect(run.summary).toContain('Variable "nope" is not declared')
    },
    RENDER_TIMEOUT
  )
})

describeIfSupported('backend: local stops its renders when the job is cancelled', support.skipReason, () => {
  let workspace: string
  let temp: string
  beforeAll(() => {
    workspace = makeWorkspace('tiny')
    temp = mkdtempSync(path.join(os.tmpdir(), 'hf-cancel-'))
  })
  afterAll(() => {
    rmSync(workspace, { recursive: true, force: true })
    rmSync(temp, { recursive: true, force: true })
  })

  it(
    'on SIGTERM the running render is killed, reported cancelled, and nothing is left running',
    async () => {
      let sent = false
      const run = await runAction({
        workspace,
        inputs: { backend: 'local', path: 'project', fps: '10', quality: 'draft', name: 'cancelled' },
        env: { RUNNER_TOOL_CACHE: TEST_TOOL_CACHE, RUNNER_TEMP: temp },
        onSpawn: (child) => {
          // Cancel as soon as the renderer reports progress: its process (and Chrome) are running.
          child.stdout?.on('data', (chunk: Buffer) => {
            if (!sent && /^cancelled: \d+% /m.test(chunk.toString())) {
              sent = true
              child.kill('SIGTERM')
            }
          })
        }
      })
      expect(sent).toBe(true)
      expect(run.code).toBe(1)
      expect(run.stdout).toMatch(/::error::The job was cancelled \(SIGTERM\)/)
      expect(run.stdout).toContain('Stopping 1 local render still running.')
      expect(run.results.map((r) => r.status)).toEqual(['cancelled'])
      expect(existsSync(path.join(workspace, 'renders', 'cancelled.mp4'))).toBe(false)
      // The CLI ran on the project unpacked under RUNNER_TEMP; no process still refers to it.
      expect(processesMentioning(temp)).toEqual([])
    },
    RENDER_TIMEOUT
  )
})

/** Command lines of live processes that contain `text` (Linux /proc). */
function processesMentioning(text: string): string[] {
  const found: string[] = []
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')
      if (cmdline.includes(text)) found.push(`${pid}: ${cmdline}`)
    } catch {
      // The process ended while we looked.
    }
  }
  return found
}

describeIfSupported('the emulator with the real engine', support.skipReason, () => {
  let emulator: Emulator
  let workspace: string
  beforeAll(async () => {
    const renderer = await LocalRenderer.open({ cacheRoot: DEV_CACHE_ROOT, log: () => undefined })
    // Links live long here: the test opens the thumbnail link from `results` after probing the video.
    emulator = await startTestEmulator({ renderMs: 0, queueMs: 10, urlTtlSeconds: 300, engine: createHyperframesEngine(renderer) })
    workspace = makeWorkspace('tiny')
  }, RENDER_TIMEOUT)
  afterAll(async () => {
    await emulator?.close()
    rmSync(workspace, { recursive: true, force: true })
  })

  it(
    'serves the action a playable video of the composition with the variable applied',
    async () => {
      const run = await runAction({
        workspace,
        inputs: emulatorInputs(emulator.url, { variables: '{"title": "Green", "bg": "#00ff00"}', fps: '10', quality: 'draft', name: 'green' })
      })
      expect(run.stdout).not.toContain('::error::')
      expect(run.code).toBe(0)
      const [result] = run.results
      expect(result.status).toBe('completed')
      const file = path.join(workspace, result.video_path as string)
      expect(readFileSync(file).equals(emulator.videoBytes(result.render_id as string) as Buffer)).toBe(true)

      const { ffmpeg, ffprobe } = support.toolchain!
      const info = await probeVideo(ffprobe, file)
      expect(info).toMatchObject({ width: 320, height: 180, codec: 'h264' })
      expect(info.duration).toBeGreaterThan(0.8)
      expect(info.duration).toBeLessThan(1.3)
      const colour = await frameColour(ffmpeg, file, 0.5, CORNER)
      expect({ ...colour, matches: closeTo(colour, GREEN) }).toEqual(expect.objectContaining({ matches: true }))
      // The emulator's thumbnail is a real PNG frame of the video.
      const thumbnail = await fetch(result.thumbnail_url as string)
      expect(thumbnail.status).toBe(200)
      expect(
        Buffer.from(await thumbnail.arrayBuffer())
          .subarray(1, 4)
          .toString('latin1')
      ).toBe('PNG')
    },
    RENDER_TIMEOUT
  )
})

/** Runs HeyGen's own `hyperframes` CLI (the reference client for this API) against the emulator. */
function heygenCli(args: string[], env: Record<string, string>, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(support.node as string, [cli.entry, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

// The CLI needs only a Node >= 22: the emulator's fast engine renders, nothing launches Chrome.
const cliSkip = support.node ? undefined : "HeyGen's CLI needs Node.js >= 22 (none found on PATH)"
describeIfSupported("HeyGen's hyperframes CLI against the emulator", support.skipReason && cliSkip, () => {
  const KEY = 'hg_emulator_key_123'
  let emulator: Emulator
  let project: string
  let env: Record<string, string>
  beforeAll(async () => {
    if (!cli) cli = await ensureHyperframesCli({ cacheRoot: DEV_CACHE_ROOT, log: (line) => console.log(line) })
    // Upload URLs live long here: the replay below hands the first run's upload URL out again,
    // and HeyGen's CLI PUTs to it as given.
    emulator = await startTestEmulator({ apiKeys: [KEY], renderMs: 50, queueMs: 10, urlTtlSeconds: 300 })
    project = path.join(makeWorkspace('tiny'), 'project')
    const home = mkdtempSync(path.join(os.tmpdir(), 'hf-cli-home-'))
    // The variable names come from the CLI's own source: HEYGEN_API_URL overrides the base URL,
    // HEYGEN_API_KEY is the first credential it reads, HEYGEN_CONFIG_DIR keeps it off ~/.heygen.
    env = {
      PATH: process.env.PATH ?? '',
      HOME: home,
      HEYGEN_API_URL: emulator.url,
      HEYGEN_API_KEY: KEY,
      HEYGEN_CONFIG_DIR: path.join(home, 'heygen'),
      HYPERFRAMES_NO_TELEMETRY: '1',
      HYPERFRAMES_NO_UPDATE_CHECK: '1',
      NO_COLOR: '1'
    }
  }, RENDER_TIMEOUT)
  afterAll(async () => {
    await emulator?.close()
    rmSync(path.dirname(project), { recursive: true, force: true })
  })

  let renderId: string
  let assetId: string

  it(
    'cloud render: zips, uploads once, renders with the variables and downloads the video',
    async () => {
      const out = path.join(project, '..', 'cli.mp4')
      const args = ['cloud', 'render', '.', '--quality', 'draft', '--fps', '10', '--title', 'From the CLI', '--variables', '{"bg":"#00ff00"}']
      const first = await heygenCli([...args, '--idempotency-key', 'cli-key-1', '--poll-interval', '1', '-o', out, '--json'], env, project)
      expect(first.stdout + first.stderr).not.toContain('✗')
      expect(first.code).toBe(0)
      const parsed = JSON.parse(first.stdout) as { render: { render_id: string; status: string }; bytes_written: number }
      renderId = parsed.render.render_id
      expect(parsed.render.status).toBe('completed')
      expect(readFileSync(out).equals(emulator.videoBytes(renderId) as Buffer)).toBe(true)
      expect(emulator.stats.byRoute['PUT upload']).toBe(1)
      const [created] = emulator.renders()
      assetId = created.body.project.type === 'asset_id' ? created.body.project.asset_id : ''
      // The CLI detects the aspect ratio from the composition's 320x180.
      expect(created.body).toMatchObject({ quality: 'draft', fps: 10, title: 'From the CLI', variables: { bg: '#00ff00' }, aspect_ratio: '16:9' })

      // The same key again replays: the upload URL is handed out again and re-PUT, no new render.
      const again = await heygenCli([...args, '--idempotency-key', 'cli-key-1', '--poll-interval', '1', '-o', out, '--json'], env, project)
      expect(again.code).toBe(0)
      expect((JSON.parse(again.stdout) as { render: { render_id: string } }).render.render_id).toBe(renderId)
      expect(emulator.stats.rendersCreated).toBe(1)
      expect(emulator.stats.assetsCreated).toBe(1)
    },
    RENDER_TIMEOUT
  )

  it(
    'cloud render --asset-id --no-wait, then cloud list pages through both renders',
    async () => {
      const submitted = await heygenCli(['cloud', 'render', '--asset-id', assetId, '--no-wait', '--json'], env, project)
      expect(submitted.code).toBe(0)
      const second = (JSON.parse(submitted.stdout) as { render: { render_id: string; status: string } }).render
      expect(second.status).toBe('queued')

      const page = await heygenCli(['cloud', 'list', '--limit', '1', '--json'], env, project)
      expect(page.code).toBe(0)
      const first = JSON.parse(page.stdout) as { renders: Array<{ render_id: string }>; has_more: boolean; next_token: string }
      expect(first.renders.map((r) => r.render_id)).toEqual([second.render_id])
      expect(first.has_more).toBe(true)

      const all = await heygenCli(['cloud', 'list', '--all', '--limit', '1', '--json'], env, project)
      expect(all.code).toBe(0)
      expect((JSON.parse(all.stdout) as { renders: Array<{ render_id: string }> }).renders.map((r) => r.render_id)).toEqual([second.render_id, renderId])
    },
    RENDER_TIMEOUT
  )

  it(
    'cloud get shows the detail; cloud delete removes it and a later get is not found',
    async () => {
      const got = await heygenCli(['cloud', 'get', renderId, '--json'], env, project)
      expect(got.code).toBe(0)
      expect((JSON.parse(got.stdout) as { render: Record<string, unknown> }).render).toMatchObject({
        render_id: renderId,
        status: 'completed',
        format: 'mp4',
        fps: 10,
        quality: 'draft',
        title: 'From the CLI',
        // Signed storage URLs point at the emulator's storage origin, not the API's.
        video_url: expect.stringContaining(emulator.storageUrl)
      })

      const deleted = await heygenCli(['cloud', 'delete', renderId, '--no-confirm', '--json'], env, project)
      expect(deleted.code).toBe(0)
      expect(JSON.parse(deleted.stdout)).toMatchObject({ render: { render_id: renderId }, deleted: true })

      const gone = await heygenCli(['cloud', 'get', renderId], env, project)
      expect(gone.code).not.toBe(0)
      expect(gone.stdout + gone.stderr).toContain('Not found')
    },
    RENDER_TIMEOUT
  )

  it(
    "surfaces the emulator's refusals the way it would HeyGen's",
    async () => {
      const badKey = await heygenCli(['cloud', 'list'], { ...env, HEYGEN_API_KEY: 'hg_wrong_key_123' }, project)
      expect(badKey.code).not.toBe(0)
      expect(badKey.stdout + badKey.stderr).toContain('HTTP 401')

      const undeclared = await heygenCli(['cloud', 'render', '.', '--variables', '{"nope":"x"}', '--no-wait'], env, project)
      expect(undeclared.code).not.toBe(0)
      expect(undeclared.stdout + undeclared.stderr).toContain('hyperframes_project_invalid')
    },
    RENDER_TIMEOUT
  )
})
