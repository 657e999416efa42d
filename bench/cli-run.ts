// The same matrix done the way a user would without the action: HeyGen's `hyperframes cloud render`,
// once per entry, against the same emulator. Each call zips and uploads the project, submits one
// render and polls it at the CLI's default 10 s until it ends, then downloads the video.
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { preciseNow, readProbe } from './measure.js'
import { PROBE } from './paths.js'

export interface CliSetup {
  node: string
  cli: string
  apiUrl: string
  apiKey: string
  projectDir: string
}

export interface CliCall {
  code: number | null
  wallMs: number
  peakRssMb?: number
  cpuMs?: number
  videoBytes: number
  stderr: string
}

export interface CliMatrixRun {
  wallMs: number
  calls: CliCall[]
  failed: number
}

async function runCliOnce(setup: CliSetup, variables: Record<string, string>, out: string, home: string): Promise<CliCall> {
  const probe = `${out}.probe.json`
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    HEYGEN_API_URL: setup.apiUrl,
    HEYGEN_API_KEY: setup.apiKey,
    HEYGEN_CONFIG_DIR: path.join(home, '.heygen'),
    HYPERFRAMES_NO_TELEMETRY: '1',
    HYPERFRAMES_NO_UPDATE_CHECK: '1',
    NO_COLOR: '1',
    BENCH_PROBE_OUT: probe
  }
  const args = ['--import', PROBE, setup.cli, 'cloud', 'render', setup.projectDir, '-o', out, '--variables', JSON.stringify(variables)]
  const started = preciseNow()
  const child = spawn(setup.node, args, { env, cwd: home, stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  const wallMs = preciseNow() - started
  return { code, wallMs, videoBytes: existsSync(out) ? statSync(out).size : 0, stderr, ...readProbe(probe) }
}

/**
 * One CLI call per entry: `parallel` calls at a time (1 = one after the other, as a shell loop;
 * N = all at once, as `&` per call and `wait`).
 */
export async function runCliMatrix(setup: CliSetup, entries: Array<Record<string, string>>, parallel: number): Promise<CliMatrixRun> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'hf-bench-cli-'))
  mkdirSync(path.join(home, 'renders'))
  const calls: CliCall[] = new Array(entries.length)
  let next = 0
  const started = preciseNow()
  const worker = async (): Promise<void> => {
    while (next < entries.length) {
      const i = next++
      calls[i] = await runCliOnce(setup, entries[i], path.join(home, 'renders', `entry-${i + 1}.mp4`), home)
    }
  }
  await Promise.all(Array.from({ length: Math.min(parallel, entries.length) }, worker))
  const wallMs = preciseNow() - started
  return { wallMs, calls, failed: calls.filter((c) => c.code !== 0 || c.videoBytes === 0).length }
}
