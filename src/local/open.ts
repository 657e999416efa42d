import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { unpackZip } from '../project/unpack-zip.js'
import type { OpenBackend } from '../render/open-backend.js'
import { plural } from '../render/open-backend.js'
import { LOCAL_POLL, LocalBackend } from './local-backend.js'
import { LocalRenderer } from './local-renderer.js'
import { actionsCacheStore, rendererInstallCache } from './renderer-cache.js'

/** Local: the zip is unpacked once into a folder of the backend's own, removed on close. */
export const openLocalBackend: OpenBackend = async (setup, ctx) => {
  if (setup.callbacks) ctx.warning('callback-url and callback-id are ignored with backend: local (no webhooks are sent).')
  const workDir = await mkdtemp(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'hyperframes-local-'))
  let renderer: LocalRenderer
  let files: number
  const projectDir = path.join(workDir, 'project')
  const videos = path.join(workDir, 'videos')
  try {
    renderer = await LocalRenderer.open({
      cacheRoot: toolCacheRoot(),
      log: ctx.log.info,
      maxParallel: Math.min(setup.concurrency, setup.jobCount),
      signal: ctx.signal,
      installCache: setup.cacheTools ? rendererInstallCache(actionsCacheStore(), { info: (l) => ctx.log.info(l), debug: (l) => ctx.log.debug?.(l) }) : undefined
    })
    // Render what HeyGen would receive: the zip's files, not the working tree.
    files = await unpackZip(setup.zip.zipPath, projectDir)
    await mkdir(videos, { recursive: true })
  } catch (error) {
    await rm(workDir, { recursive: true, force: true })
    throw error
  }
  ctx.log.info(`Rendering ${plural(setup.jobCount, 'entry', 'entries')} of ${plural(files, 'file')} locally with ${renderer.describe()}.`)
  const backend = new LocalBackend(renderer, projectDir, videos, ctx.log)
  return {
    backend,
    poll: LOCAL_POLL,
    label: `local renderer (hyperframes ${renderer.cli.version})`,
    stats: () => undefined,
    close: async () => {
      await backend.close()
      await rm(workDir, { recursive: true, force: true })
    }
  }
}

/**
 * The CLI is installed once per machine where the runner keeps a tool cache (self-hosted runners
 * keep it between jobs); elsewhere in the temp folder.
 */
function toolCacheRoot(): string {
  return path.join(process.env.RUNNER_TOOL_CACHE || os.tmpdir(), 'hyperframes-render-action')
}
