import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { UserError } from '../user-error.js'
import { onPathAll } from '../machine/on-path.js'

/**
 * The one place the open-source renderer's version is pinned: the action, the emulator's real
 * engine and the tests all install exactly this `hyperframes` from the npm registry. Bump it
 * here (and re-run the real-render tests) to move to a newer renderer.
 */
export const HYPERFRAMES_VERSION = '0.8.170'

export interface InstalledCli {
  version: string
  /** bin/hyperframes.mjs, run with a Node >= 22. */
  entry: string
}

export interface InstallOptions {
  /** A folder kept between runs where possible (RUNNER_TOOL_CACHE on a runner). */
  cacheRoot: string
  log: (line: string) => void
  signal?: AbortSignal
  version?: string
  /** Keeps the installed folder between jobs (src/local/renderer-cache.ts); never fails the install. */
  cache?: InstallCache
}

/** Restores an installed CLI folder before installing, and saves it right after a successful install. */
export interface InstallCache {
  restore(dir: string, version: string): Promise<boolean>
  save(dir: string, version: string): Promise<void>
}

const DONE_MARKER = '.installed'
/** npm retries a dead registry for a long time; a step should say so long before its timeout. */
const INSTALL_TIMEOUT_MS = 5 * 60_000

/**
 * Installs the pinned CLI into `<cacheRoot>/hyperframes-<version>` once and reuses it after.
 * The package has native dependencies (sharp, esbuild) and is 100+ MB installed, so it cannot be
 * bundled into dist/; npm fetches it from the registry, which runners can always reach.
 * Install scripts are not run: the prebuilt platform packages are all the CLI needs. Concurrent
 * installers each build in a private folder and the first rename wins.
 */
export async function ensureHyperframesCli(options: InstallOptions): Promise<InstalledCli> {
  const version = options.version ?? HYPERFRAMES_VERSION
  const dir = path.join(options.cacheRoot, `hyperframes-${version}`)
  const installed = cliIn(dir, version)
  if (existsSync(path.join(dir, DONE_MARKER))) return installed
  // A fresh runner: another job may have installed the same version already.
  if ((await options.cache?.restore(dir, version)) && existsSync(path.join(dir, DONE_MARKER))) return installed

  options.log(`Installing the HyperFrames renderer (hyperframes@${version}) from the npm registry into ${dir} …`)
  await mkdir(options.cacheRoot, { recursive: true })
  const staging = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`
  await mkdir(staging, { recursive: true })
  try {
    await writeFile(path.join(staging, 'package.json'), JSON.stringify({ private: true, description: 'hyperframes-render-action: pinned renderer' }))
    await runNpm(version, ['install', '--ignore-scripts', '--omit=dev', '--no-audit', '--no-fund', '--loglevel=error', '--save-exact', `hyperframes@${version}`], staging, options.signal)
    const pkg = JSON.parse(await readFile(path.join(staging, 'node_modules', 'hyperframes', 'package.json'), 'utf8')) as { version?: unknown }
    if (pkg.version !== version) throw new UserError(`npm installed hyperframes@${String(pkg.version)} instead of ${version}.`)
    await writeFile(path.join(staging, DONE_MARKER), `${version}\n`)
    try {
      await rename(staging, dir)
    } catch {
      // Another process finished first (or a half-made folder is in the way): use a complete one.
      if (!existsSync(path.join(dir, DONE_MARKER))) {
        await rm(dir, { recursive: true, force: true })
        await rename(staging, dir)
      }
    }
  } finally {
    await rm(staging, { recursive: true, force: true })
  }
  await options.cache?.save(dir, version)
  return installed
}

function cliIn(dir: string, version: string): InstalledCli {
  return { version, entry: path.join(dir, 'node_modules', 'hyperframes', 'bin', 'hyperframes.mjs') }
}

/**
 * npm from PATH. Its own npm_* settings from a parent `npm run` are dropped so they cannot
 * redirect the install (prefix, global, workspace).
 */
async function runNpm(version: string, args: string[], cwd: string, signal: AbortSignal | undefined): Promise<void> {
  const npm = onPathAll(process.platform === 'win32' ? 'npm.cmd' : 'npm')[0] ?? onPathAll('npm')[0]
  if (!npm) {
    throw new UserError(`The local renderer needs npm on PATH to install hyperframes@${version}; install Node.js with npm (e.g. actions/setup-node).`)
  }
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)))
  const output: string[] = []
  let timedOut = false
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(npm, args, { cwd, env, signal, stdio: ['ignore', 'pipe', 'pipe'], shell: process.platform === 'win32' })
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGTERM')
    }, INSTALL_TIMEOUT_MS)
    const keep = (chunk: Buffer): void => {
      output.push(chunk.toString())
      if (output.length > 200) output.shift()
    }
    child.stdout.on('data', keep)
    child.stderr.on('data', keep)
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', (exitCode) => {
      clearTimeout(timer)
      resolve(exitCode)
    })
  })
  if (code !== 0) {
    const tail = output.join('').trim().split('\n').slice(-12).join('\n')
    const why = timedOut ? `npm did not finish within ${INSTALL_TIMEOUT_MS / 60_000} minutes; is the npm registry reachable from this runner?` : `npm exited with ${code}`
    throw new UserError(`Installing hyperframes@${version} failed: ${why}${tail ? `\n${tail}` : ''}`)
  }
}
