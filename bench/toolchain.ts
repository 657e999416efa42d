// Node >= 22 and HeyGen's `hyperframes` CLI for the side-by-side runs, installed from the npm
// registry into a cache outside the repository (neither is a dependency of the action).
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { HYPERFRAMES_VERSION } from '../src/local/hyperframes-cli.js'
import { REPO_ROOT } from './paths.js'

/** The CLI compared against is the release the action's local renderer pins, so a bump moves both. */
export const CLI_VERSION = HYPERFRAMES_VERSION

/** A Node >= 22 (the CLI refuses older ones): the one on PATH, else the pinned 22 from scripts/node-versions.sh. */
export function node22(): string {
  return execFileSync('bash', [path.join(REPO_ROOT, 'scripts', 'node.sh'), '--min', '22'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim()
}

/** Path of the CLI's bin script, installing it on first use. */
export function hyperframesCli(): string {
  const cache = path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'hyperframes-render-action', `hyperframes-cli-${CLI_VERSION}`)
  const bin = path.join(cache, 'node_modules', 'hyperframes', 'bin', 'hyperframes.mjs')
  if (existsSync(bin)) return bin
  process.stderr.write(`bench: installing hyperframes@${CLI_VERSION} from the npm registry into ${cache}\n`)
  mkdirSync(path.dirname(cache), { recursive: true })
  const tmp = mkdtempSync(`${cache}.tmp-`)
  try {
    // Install scripts stay off: the cloud commands need neither esbuild's nor any browser download.
    execFileSync('npm', ['install', '--prefix', tmp, '--no-save', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', `hyperframes@${CLI_VERSION}`], {
      stdio: ['ignore', 'inherit', 'inherit']
    })
    if (!existsSync(cache)) renameSync(tmp, cache)
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
  return bin
}
