import { execFileSync } from 'node:child_process'
import { isExecutable, onPathAll } from '../machine/on-path.js'
import { UserError } from '../user-error.js'

/** The programs a local HyperFrames render needs besides the CLI itself. */
export interface LocalToolchain {
  /** A Node.js >= 22 binary (the hyperframes CLI refuses older ones). */
  node: string
  nodeVersion: string
  /** Chrome or Chromium; handed to the CLI as HYPERFRAMES_BROWSER_PATH so it never downloads one. */
  browser: string
  ffmpeg: string
  ffprobe: string
}

export const MIN_NODE_MAJOR = 22

export const INSTALL_HINT =
  'Install them on the runner before this step, e.g. `sudo apt-get install -y chromium ffmpeg` on Debian/Ubuntu (GitHub-hosted Ubuntu runners ship Google Chrome already), or point HYPERFRAMES_BROWSER_PATH / HYPERFRAMES_FFMPEG_PATH / HYPERFRAMES_FFPROBE_PATH at them.'

/** What is missing, one readable item per program; `toolchain` is set only when nothing is. */
export interface ToolchainProbe {
  toolchain?: LocalToolchain
  missing: string[]
}

export class ToolchainError extends UserError {
  override name = 'ToolchainError'
  constructor(readonly missing: string[]) {
    super(`The local renderer cannot run: ${missing.join('; ')}. ${INSTALL_HINT}`)
  }
}

// Where Chrome/Chromium usually lives; the same places the hyperframes CLI itself looks.
const SYSTEM_BROWSERS: Record<string, string[]> = {
  linux: ['/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/usr/bin/chromium', '/usr/bin/chromium-browser'],
  darwin: ['/Applications/Google Chrome.app/Contents/MacOS/Google Chrome', '/Applications/Chromium.app/Contents/MacOS/Chromium'],
  win32: ['C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe', 'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe']
}
const BROWSER_COMMANDS = ['google-chrome', 'google-chrome-stable', 'chromium', 'chromium-browser', 'chrome']

/** Looks for every program at once, so one error can name everything that has to be installed. */
export function probeToolchain(env: NodeJS.ProcessEnv = process.env): ToolchainProbe {
  const missing: string[] = []
  const node = findNode(env)
  if (!node) missing.push(`Node.js >= ${MIN_NODE_MAJOR} (this process runs on Node ${process.versions.node} and no newer \`node\` is on PATH)`)
  const browser = findBrowser(env, missing)
  const ffmpeg = findTool('ffmpeg', 'HYPERFRAMES_FFMPEG_PATH', env, missing)
  const ffprobe = findTool('ffprobe', 'HYPERFRAMES_FFPROBE_PATH', env, missing)
  if (!node || !browser || !ffmpeg || !ffprobe) return { missing }
  return { toolchain: { node: node.path, nodeVersion: node.version, browser, ffmpeg, ffprobe }, missing }
}

export function findToolchain(env: NodeJS.ProcessEnv = process.env): LocalToolchain {
  const probe = probeToolchain(env)
  if (!probe.toolchain) throw new ToolchainError(probe.missing)
  return probe.toolchain
}

/**
 * The process's own Node when it is new enough (on a runner the action runs on node24), else
 * the first `node` on PATH that is.
 */
export function findNode(env: NodeJS.ProcessEnv = process.env): { path: string; version: string } | undefined {
  if (major(process.versions.node) >= MIN_NODE_MAJOR) return { path: process.execPath, version: process.versions.node }
  const onPath = onPathAll('node', env)
  for (const candidate of onPath) {
    const version = nodeVersion(candidate)
    if (version && major(version) >= MIN_NODE_MAJOR) return { path: candidate, version }
  }
  return undefined
}

function nodeVersion(binary: string): string | undefined {
  try {
    return execFileSync(binary, ['-p', 'process.versions.node'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return undefined
  }
}

function major(version: string): number {
  return Number(version.replace(/^v/, '').split('.')[0]) || 0
}

function findBrowser(env: NodeJS.ProcessEnv, missing: string[]): string | undefined {
  const explicit = env.HYPERFRAMES_BROWSER_PATH?.trim()
  if (explicit) {
    if (isExecutable(explicit)) return explicit
    missing.push(`Chrome/Chromium at HYPERFRAMES_BROWSER_PATH=${explicit} (no executable file there)`)
    return undefined
  }
  for (const candidate of SYSTEM_BROWSERS[process.platform] ?? []) if (isExecutable(candidate)) return candidate
  for (const name of BROWSER_COMMANDS) {
    const found = onPathAll(name, env)[0]
    if (found) return found
  }
  missing.push('Chrome or Chromium (not found in the usual places nor on PATH)')
  return undefined
}

function findTool(name: string, envVar: string, env: NodeJS.ProcessEnv, missing: string[]): string | undefined {
  const explicit = env[envVar]?.trim()
  if (explicit) {
    if (isExecutable(explicit)) return explicit
    missing.push(`${name} at ${envVar}=${explicit} (no executable file there)`)
    return undefined
  }
  const found = onPathAll(name, env)[0]
  if (!found) missing.push(`${name} (not on PATH)`)
  return found
}
