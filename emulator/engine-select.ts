import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { LocalRenderer } from '../src/local/local-renderer.js'
import { probeToolchain } from '../src/local/local-toolchain.js'
import type { RenderEngine } from './engine.js'
import { createFastEngine } from './engine-fast.js'
import { createHyperframesEngine } from './engine-hyperframes.js'

export type EngineChoice = 'auto' | 'hyperframes' | 'fast'
export const ENGINE_CHOICES: readonly EngineChoice[] = ['auto', 'hyperframes', 'fast']

/** Where dev tooling (demo, emulator CLI, tests) installs the pinned renderer: inside this checkout. */
export const DEV_CACHE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', '.cache', 'hyperframes-render-action')

export interface SelectedEngine {
  engine: RenderEngine
  /** One line saying why the fast engine stands in for the real one (auto only). */
  notice?: string
}

/**
 * `hyperframes`: the real renderer, or an error. `fast`: the flat-colour test engine. `auto`: the
 * real renderer when Chrome, ffmpeg and Node >= 22 are here, else the fast engine with a notice.
 */
export async function selectEngine(choice: EngineChoice, options: { cacheRoot?: string; log?: (line: string) => void; maxParallel?: number; env?: NodeJS.ProcessEnv } = {}): Promise<SelectedEngine> {
  const log = options.log ?? (() => undefined)
  if (choice === 'fast') return { engine: createFastEngine({ log }) }
  if (choice === 'auto') {
    const probe = probeToolchain(options.env)
    if (!probe.toolchain) {
      return { engine: createFastEngine({ log }), notice: `Fast test engine (flat-colour videos): the real HyperFrames renderer needs ${probe.missing.join('; ')}.` }
    }
  }
  try {
    const renderer = await LocalRenderer.open({ cacheRoot: options.cacheRoot ?? DEV_CACHE_ROOT, log, maxParallel: options.maxParallel, env: options.env })
    return { engine: createHyperframesEngine(renderer) }
  } catch (error) {
    if (choice !== 'auto') throw error
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error)
    return { engine: createFastEngine({ log }), notice: `Fast test engine (flat-colour videos): the real renderer could not start: ${reason}` }
  }
}
