import * as core from '@actions/core'
import type { InstallCache } from './hyperframes-cli.js'

/** Where an installed renderer folder is kept between jobs: @actions/cache on a runner, anything else in tests. */
export interface RendererCacheStore {
  /** Why the store cannot be used here, or undefined when it can. */
  unavailable(): string | undefined
  /** Restores `dir` under `key`; true on a hit. */
  restore(dir: string, key: string): Promise<boolean>
  save(dir: string, key: string): Promise<void>
}

export interface RendererCacheLog {
  info(line: string): void
  debug(line: string): void
}

/**
 * The renderer's cache key. The installed folder holds native prebuilt packages (sharp, esbuild),
 * so it only fits the OS and architecture it was installed on.
 */
export function rendererCacheKey(version: string, platform: string = process.platform, arch: string = process.arch): string {
  return `hyperframes-render-action-renderer-${version}-${platform}-${arch}`
}

/**
 * The install hook the renderer's installer calls: restore before installing, save right after a
 * successful install. The cache only ever saves time: a store that is unavailable or fails is a
 * debug line, and the installer then installs from the npm registry as without a cache.
 */
export function rendererInstallCache(store: RendererCacheStore, log: RendererCacheLog, onResult: (hit: boolean) => void = writeCacheHitOutput): InstallCache {
  const why = (error: unknown): string => (error instanceof Error ? error.message : String(error))
  return {
    async restore(dir, version) {
      const unavailable = store.unavailable()
      let hit = false
      if (unavailable) log.debug(`Renderer cache not used: ${unavailable}.`)
      else {
        try {
          hit = await store.restore(dir, rendererCacheKey(version))
          if (hit) log.info(`Restored the HyperFrames renderer (hyperframes@${version}) from the Actions cache.`)
          else log.debug(`Renderer cache miss for ${rendererCacheKey(version)}.`)
        } catch (error) {
          log.debug(`Renderer cache restore failed, installing instead: ${why(error)}`)
        }
      }
      onResult(hit)
      return hit
    },
    async save(dir, version) {
      if (store.unavailable()) return
      try {
        await store.save(dir, rendererCacheKey(version))
        log.info(`Saved the HyperFrames renderer (hyperframes@${version}) to the Actions cache for the next jobs.`)
      } catch (error) {
        log.debug(`Renderer cache not saved: ${why(error)}`)
      }
    }
  }
}

function writeCacheHitOutput(hit: boolean): void {
  core.setOutput('renderer-cache-hit', String(hit))
}

/** @actions/cache, loaded only when a local render installs the renderer. */
export function actionsCacheStore(): RendererCacheStore {
  const load = () => import('@actions/cache')
  return {
    unavailable: () =>
      process.env.ACTIONS_RESULTS_URL || process.env.ACTIONS_CACHE_URL ? undefined : 'the Actions cache service is not available here (ACTIONS_RESULTS_URL / ACTIONS_CACHE_URL are unset)',
    async restore(dir, key) {
      const cache = await load()
      if (!cache.isFeatureAvailable()) return false
      return (await asDebugLines(() => cache.restoreCache([dir], key))) !== undefined
    },
    async save(dir, key) {
      const cache = await load()
      if (!cache.isFeatureAvailable()) return
      await asDebugLines(() => cache.saveCache([dir], key))
    }
  }
}

const ANNOTATION = /^::(?:warning|error)(?: [^:]*)?::/

/**
 * Runs `fn` with the workflow commands it prints as warning or error annotations turned into
 * debug lines. @actions/cache catches its own failures and reports them that way (`Failed to
 * restore: …`), which would put a yellow or red annotation on a step the cache can only speed up.
 * The library writes through @actions/core, one whole line per write to stdout, so the lines are
 * rewritten at that one place. Anything else logging a warning during the call is demoted too;
 * the install runs alone, so nothing else does.
 */
export async function asDebugLines<T>(fn: () => Promise<T>, stream: NodeJS.WriteStream = process.stdout): Promise<T> {
  const write = stream.write
  const rewrite = (chunk: unknown): unknown => (typeof chunk === 'string' && ANNOTATION.test(chunk) ? chunk.replace(ANNOTATION, '::debug::') : chunk)
  stream.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
    return (write as (...args: unknown[]) => boolean).call(this, rewrite(chunk), ...rest)
  } as typeof stream.write
  try {
    return await fn()
  } finally {
    stream.write = write
  }
}
