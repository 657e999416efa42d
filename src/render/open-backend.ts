import { mkdir, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { HeygenClient } from '../heygen/client.js'
import { uploadFilename, uploadZip } from '../heygen/upload.js'
import type { ActionInputs } from '../inputs/read-inputs.js'
import type { ProjectZip } from '../project/zip.js'
import { unpackZip } from '../project/unpack-zip.js'
import type { RenderBackend } from './backend.js'
import { HeygenBackend } from './heygen-backend.js'
import { uploadKey } from './idempotency.js'
import { LOCAL_POLL, LocalBackend } from './local-backend.js'
import type { InstallCache } from './hyperframes-cli.js'
import { LocalRenderer } from './local-renderer.js'
import type { PollPolicy, RenderLog } from './scheduler.js'

/** A backend ready to take jobs, plus what the pipeline reports about it. */
export interface OpenedBackend {
  backend: RenderBackend
  /** The uploaded project's asset id (HeyGen only). */
  assetId?: string
  poll?: PollPolicy
  /** Shown in the summary's settings line. */
  label: string
  /** A line for the log once the renders are done. */
  stats(): string | undefined
  /** Releases connections and stops anything still running. */
  close(): Promise<void>
}

export interface OpenContext {
  signal: AbortSignal
  log: RenderLog
  warning: (line: string) => void
  jobCount: number
  /** Keeps the local renderer's install between jobs; none: always install. */
  installCache?: InstallCache
}

/** Gets the chosen backend ready: HeyGen gets the zip uploaded once; local gets it unpacked once. */
export async function openBackend(inputs: ActionInputs, zip: ProjectZip, ctx: OpenContext): Promise<OpenedBackend> {
  return inputs.backend === 'local' ? openLocal(inputs, zip, ctx) : openHeygen(inputs, zip, ctx)
}

async function openHeygen(inputs: ActionInputs, zip: ProjectZip, ctx: OpenContext): Promise<OpenedBackend> {
  const client = new HeygenClient({
    apiUrl: inputs.apiUrl,
    apiKey: inputs.apiKey,
    signal: ctx.signal,
    timeoutMs: inputs.requestTimeoutSeconds * 1000,
    log: ctx.log.info
  })
  try {
    const assetId = await uploadZip(client, zip, uploadKey(zip.sha256), ctx.warning, uploadFilename(inputs.projectDir))
    ctx.log.info(`Uploaded the project once as asset ${assetId}; submitting ${plural(ctx.jobCount, 'render')} (up to ${inputs.concurrency} at a time).`)
    await rm(path.dirname(zip.zipPath), { recursive: true, force: true })
    return {
      backend: new HeygenBackend(client, assetId),
      assetId,
      label: 'HeyGen API',
      stats: () =>
        `API requests: ${client.stats.requests} (${Object.entries(client.stats.byKind).map(([k, n]) => `${k} ${n}`).join(', ')}), retries: ${client.stats.retries}.`,
      close: () => client.close()
    }
  } catch (error) {
    await client.close()
    throw error
  }
}

async function openLocal(inputs: ActionInputs, zip: ProjectZip, ctx: OpenContext): Promise<OpenedBackend> {
  if (inputs.callbackUrl || inputs.callbackIdTemplate) ctx.warning('callback-url and callback-id are ignored with backend: local (no webhooks are sent).')
  const workDir = path.dirname(zip.zipPath)
  let renderer: LocalRenderer
  let files: number
  const projectDir = path.join(workDir, 'project')
  const videos = path.join(workDir, 'videos')
  try {
    renderer = await LocalRenderer.open({
      cacheRoot: toolCacheRoot(),
      log: ctx.log.info,
      maxParallel: Math.min(inputs.concurrency, ctx.jobCount),
      signal: ctx.signal,
      installCache: ctx.installCache
    })
    // Render what HeyGen would receive: the zip's files, not the working tree.
    files = await unpackZip(zip.zipPath, projectDir)
    await rm(zip.zipPath, { force: true })
    await mkdir(videos, { recursive: true })
  } catch (error) {
    await rm(workDir, { recursive: true, force: true })
    throw error
  }
  ctx.log.info(`Rendering ${plural(ctx.jobCount, 'entry', 'entries')} of ${plural(files, 'file')} locally with ${renderer.describe()}.`)
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

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`
}
