import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { DEV_CACHE_ROOT } from '../../emulator/engine-select.js'
import { findNode, probeToolchain, type LocalToolchain } from '../../src/local/local-toolchain.js'

const run = promisify(execFile)

/**
 * Real-render tests need Chrome/Chromium, ffmpeg and a Node >= 22; `.ci/run` installs them. A
 * local run without them skips those tests and prints why. With HF_REQUIRE_REAL_RENDER=1 (set by
 * `.ci/run`) a missing tool fails the suite instead, so CI can never skip them silently.
 */
export interface RealRenderSupport {
  toolchain?: LocalToolchain
  node?: string
  /** Set when the tests cannot run here. */
  skipReason?: string
}

/** `RUNNER_TOOL_CACHE` for action runs: the action then finds the CLI the tests installed. */
export const TEST_TOOL_CACHE = path.dirname(DEV_CACHE_ROOT)
export { DEV_CACHE_ROOT }

export function realRenderSupport(): RealRenderSupport {
  const probe = probeToolchain()
  if (probe.toolchain) return { toolchain: probe.toolchain, node: probe.toolchain.node }
  return { node: findNode()?.path, skipReason: `the real renderer needs ${probe.missing.join('; ')}` }
}

/** `describe` when the support is there; otherwise a skipped block and a printed reason. */
export function describeIfSupported(name: string, skipReason: string | undefined, body: () => void): void {
  if (!skipReason) return describe(name, body)
  if (process.env.HF_REQUIRE_REAL_RENDER === '1') {
    return describe(name, () => {
      it('has Chrome/Chromium, ffmpeg and Node >= 22 (HF_REQUIRE_REAL_RENDER=1)', () => {
        throw new Error(`Cannot run: ${skipReason}. Run .ci/run, which installs them.`)
      })
    })
  }
  console.warn(`SKIPPED "${name}": ${skipReason}. Run .ci/run (or install them) to run these tests.`)
  describe.skip(`${name} [skipped: ${skipReason}]`, body)
}

export interface FrameColour {
  r: number
  g: number
  b: number
}

/** The average colour of a small patch of one frame, decoded by ffmpeg. */
export async function frameColour(ffmpeg: string, video: string, seconds: number, at: { x: number; y: number; size?: number }): Promise<FrameColour> {
  const size = at.size ?? 8
  const { stdout } = await run(
    ffmpeg,
    ['-v', 'error', '-ss', String(seconds), '-i', video, '-frames:v', '1', '-vf', `crop=${size}:${size}:${at.x}:${at.y},scale=1:1`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
    { encoding: 'buffer', timeout: 60_000 }
  )
  const bytes = stdout as unknown as Buffer
  if (bytes.length < 3) throw new Error(`ffmpeg decoded no frame at ${seconds}s of ${video}`)
  return { r: bytes[0], g: bytes[1], b: bytes[2] }
}

/** Within `tolerance` per channel: H.264 in limited-range YUV shifts pure colours by a few steps. */
export function closeTo(actual: FrameColour, expected: FrameColour, tolerance = 24): boolean {
  return Math.abs(actual.r - expected.r) <= tolerance && Math.abs(actual.g - expected.g) <= tolerance && Math.abs(actual.b - expected.b) <= tolerance
}
