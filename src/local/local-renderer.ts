import { spawn } from 'node:child_process'
import { stat } from 'node:fs/promises'
import { ensureHyperframesCli, type InstallCache, type InstalledCli } from './hyperframes-cli.js'
import { findToolchain, type LocalToolchain } from './local-toolchain.js'
import { probeVideo } from '../machine/media-probe.js'
import { CORES_PER_RENDER, RenderSlots, machineCores, machineSlots } from './render-slots.js'

/**
 * Renders a HyperFrames project on this machine with the open-source `hyperframes` CLI, Chrome
 * and ffmpeg. The action's `backend: local` and the emulator's real engine both render through
 * this one module.
 */

export type LocalQuality = 'draft' | 'standard' | 'high'
export type LocalFormat = 'mp4' | 'webm' | 'mov'

export interface LocalRenderRequest {
  /** A folder holding the unpacked project (what HeyGen would receive in the zip). */
  projectDir: string
  /** Entry HTML relative to projectDir. */
  composition: string
  /** Overrides merged by the CLI over the composition's declared defaults. */
  variables: Record<string, unknown>
  fps: number
  quality: LocalQuality
  format: LocalFormat
  /** '1080p' renders at the composition's own size; '4k' supersamples to the 4k preset. */
  resolution: '1080p' | '4k'
  /** Where the video is written. */
  output: string
  /** Names the render in log lines. */
  label: string
  signal?: AbortSignal
  /** Called when the render leaves the queue and its process starts. */
  onStart?: () => void
}

export interface LocalRenderResult {
  output: string
  bytes: number
  /** Seconds, measured on the finished file. */
  duration: number
}

export interface RenderProgress {
  phase: string
  done: number
  total: number
  percent: number
}

/** A render that ran and failed: the CLI's own explanation plus the end of its log. */
export class LocalRenderError extends Error {
  override name = 'LocalRenderError'
  constructor(
    message: string,
    readonly exitCode: number | null,
    readonly logTail: string[]
  ) {
    super(message)
  }
}

export interface LocalRendererOptions {
  /** Where the pinned CLI is installed (kept between runs where possible). */
  cacheRoot: string
  log: (line: string) => void
  /** Upper bound on renders at once; the machine's cores and memory bound it further. */
  maxParallel?: number
  signal?: AbortSignal
  env?: NodeJS.ProcessEnv
  installCache?: InstallCache
}

const KILL_GRACE_MS = 10_000
const LOG_TAIL_LINES = 40
const PROGRESS_STEP = 10

export class LocalRenderer {
  private constructor(
    readonly toolchain: LocalToolchain,
    readonly cli: InstalledCli,
    readonly slots: RenderSlots,
    readonly workersPerRender: number,
    private readonly log: (line: string) => void,
    private readonly env: NodeJS.ProcessEnv
  ) {}

  /** Finds Chrome, ffmpeg and a Node >= 22 (one ToolchainError naming all that is missing), then installs the CLI. */
  static async open(options: LocalRendererOptions): Promise<LocalRenderer> {
    const env = options.env ?? process.env
    const toolchain = findToolchain(env)
    const cli = await ensureHyperframesCli({ cacheRoot: options.cacheRoot, log: options.log, signal: options.signal, cache: options.installCache })
    const parallel = Math.max(1, Math.min(options.maxParallel ?? Number.POSITIVE_INFINITY, machineSlots()))
    // Renders run side by side; each gets its share of the cores as capture workers (one Chrome each).
    const workers = Math.max(1, Math.floor(machineCores() / (parallel * CORES_PER_RENDER)))
    return new LocalRenderer(toolchain, cli, new RenderSlots(parallel), workers, options.log, env)
  }

  describe(): string {
    return `hyperframes ${this.cli.version} on Node ${this.toolchain.nodeVersion}, browser ${this.toolchain.browser}, ${this.slots.size} render${this.slots.size === 1 ? '' : 's'} at a time`
  }

  /** Waits for a free slot, renders, and measures the result. */
  async render(request: LocalRenderRequest): Promise<LocalRenderResult> {
    const release = await this.slots.acquire(request.signal)
    try {
      request.onStart?.()
      await this.runCli(request)
      const { size } = await stat(request.output).catch(() => {
        throw new LocalRenderError(`the renderer exited successfully but wrote no ${request.output}`, 0, [])
      })
      const info = await probeVideo(this.toolchain.ffprobe, request.output)
      return { output: request.output, bytes: size, duration: info.duration }
    } finally {
      release()
    }
  }

  private async runCli(request: LocalRenderRequest): Promise<void> {
    request.signal?.throwIfAborted()
    const child = spawn(this.toolchain.node, [this.cli.entry, ...renderArguments(request, this.workersPerRender)], {
      cwd: request.projectDir,
      env: childEnv(this.env, this.toolchain),
      stdio: ['ignore', 'pipe', 'pipe']
    })
    const tail: string[] = []
    const progress = progressThrottle((p) => this.log(`${request.label}: ${p.percent}% ${p.phase.replace(/_/g, ' ')}${p.total > 0 ? ` ${p.done}/${p.total}` : ''}`))
    const onLine = (raw: string): void => {
      const line = stripAnsi(raw).trimEnd()
      const marker = line.indexOf('@hf-progress ')
      if (marker >= 0) return progress(parseProgress(line.slice(marker + 13)))
      if (!isNoise(line)) {
        tail.push(line.trim())
        if (tail.length > LOG_TAIL_LINES) tail.shift()
      }
    }
    splitLines(child.stdout, onLine)
    splitLines(child.stderr, onLine)

    // A cancelled step stops its renders: SIGTERM lets the CLI close Chrome; SIGKILL if it hangs.
    let killTimer: NodeJS.Timeout | undefined
    const onAbort = (): void => {
      child.kill('SIGTERM')
      killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS)
      killTimer.unref()
    }
    request.signal?.addEventListener('abort', onAbort, { once: true })
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
      child.on('error', reject)
      child.on('close', (code, signal) => resolve({ code, signal }))
    }).finally(() => {
      request.signal?.removeEventListener('abort', onAbort)
      clearTimeout(killTimer)
    })
    request.signal?.throwIfAborted()
    if (exit.code !== 0) {
      throw new LocalRenderError(failureSummary(tail, exit), exit.code, tail)
    }
  }
}

/**
 * `hyperframes render` arguments for one request. aspect_ratio has no flag: locally the
 * composition's own data-width/data-height decide, as they must match it anyway.
 */
export function renderArguments(request: LocalRenderRequest, workers: number): string[] {
  const args = ['render', request.projectDir, '--output', request.output, '--format', request.format, '--quality', request.quality]
  args.push('--fps', String(request.fps), '--workers', String(workers))
  if (request.composition !== 'index.html') args.push('--composition', request.composition)
  if (request.resolution === '4k') args.push('--resolution', '4k')
  if (Object.keys(request.variables).length > 0) {
    // Like the API, refuse variables the composition does not declare instead of ignoring them.
    args.push('--variables', JSON.stringify(request.variables), '--strict-variables')
  }
  return args
}

/**
 * What the CLI sees: only what a render needs. The step's own environment holds the API key
 * (INPUT_API-KEY) and runner tokens; none of that reaches a third-party process.
 */
function childEnv(env: NodeJS.ProcessEnv, toolchain: LocalToolchain): NodeJS.ProcessEnv {
  const keep =
    /^(PATH|HOME|USER|LOGNAME|SHELL|LANG|LANGUAGE|TZ|TMPDIR|TEMP|TMP|LC_[A-Z]+|XDG_[A-Z_]+|FONTCONFIG_[A-Z_]+|SYSTEMROOT|WINDIR|PATHEXT|APPDATA|LOCALAPPDATA|USERPROFILE|PRODUCER_[A-Z0-9_]+|HYPERFRAMES_[A-Z0-9_]+)$/i
  const out: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && keep.test(name) && !/API_KEY|TOKEN/i.test(name)) out[name] = value
  }
  return {
    ...out,
    HYPERFRAMES_BROWSER_PATH: toolchain.browser,
    HYPERFRAMES_FFMPEG_PATH: toolchain.ffmpeg,
    HYPERFRAMES_FFPROBE_PATH: toolchain.ffprobe,
    // No telemetry, update checks, auto-installs or skill syncs: a render touches no network.
    HYPERFRAMES_NO_TELEMETRY: '1',
    DO_NOT_TRACK: '1',
    HYPERFRAMES_NO_UPDATE_CHECK: '1',
    HYPERFRAMES_NO_AUTO_INSTALL: '1',
    HYPERFRAMES_SKIP_SKILLS: '1',
    NO_COLOR: '1',
    FORCE_COLOR: '0'
  }
}

function splitLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let buffered = ''
  stream.setEncoding('utf8')
  stream.on('data', (chunk: string) => {
    buffered += chunk
    const lines = buffered.split(/\r?\n|\r/)
    buffered = lines.pop() ?? ''
    for (const line of lines) onLine(line)
  })
  stream.on('end', () => {
    if (buffered) onLine(buffered)
  })
}

function parseProgress(json: string): RenderProgress | undefined {
  try {
    const p = JSON.parse(json) as { code?: unknown; done?: unknown; total?: unknown; pct?: unknown }
    if (typeof p.code !== 'string' || typeof p.pct !== 'number') return undefined
    return { phase: p.code, done: Number(p.done) || 0, total: Number(p.total) || 0, percent: Math.round(p.pct) }
  } catch {
    return undefined
  }
}

/** One log line per phase change or per 10 % of progress: enough to watch, not a flood. */
export function progressThrottle(emit: (p: RenderProgress) => void): (p: RenderProgress | undefined) => void {
  let lastPhase = ''
  let lastPercent = -PROGRESS_STEP
  return (p) => {
    if (!p) return
    if (p.phase !== lastPhase || p.percent >= lastPercent + PROGRESS_STEP || (p.total > 0 && p.done === p.total && p.percent > lastPercent)) {
      lastPhase = p.phase
      lastPercent = p.percent
      emit(p)
    }
  }
}

const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g
function stripAnsi(text: string): string {
  return text.replace(ANSI, '')
}

/** Progress bars, spinners and the JSON traces the CLI prints for its own tooling. */
function isNoise(line: string): boolean {
  const t = line.trim()
  return t === '' || /[█░]/.test(t) || /^[◐◓◑◒]/.test(t) || t.startsWith('[INFO] [Render:trace]') || t === '│'
}

/** The CLI ends a failed render with "✗  Render failed" and the reason below it. */
export function failureSummary(tail: string[], exit: { code: number | null; signal: NodeJS.Signals | null }): string {
  const how = exit.signal ? `killed by ${exit.signal}` : `exit ${exit.code}`
  const cross = tail.map((l) => l.includes('✗')).lastIndexOf(true)
  const headline = cross >= 0 ? tail.slice(cross, cross + 6) : tail.slice(-4)
  // The CLI lists each variable problem above its "✗ Variable validation failed" headline.
  const variableIssues = tail.filter((l) => /^Variable "/.test(l))
  const reason = [...headline, ...variableIssues].map((l) => l.replace(/^✗\s*/, '').trim()).filter(Boolean)
  return `hyperframes render failed (${how})${reason.length ? `: ${reason.join(' · ')}` : ''}`
}
