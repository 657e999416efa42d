import path from 'node:path'
import type { ArtifactMode } from '../inputs/read-inputs.js'
import type { RunContext } from '../inputs/run-context.js'

export interface ArtifactRecord {
  id?: number
  url?: string
}

export interface ArtifactRequest {
  mode: ArtifactMode
  retentionDays?: number
  outputDir: string
  run: RunContext
  /** Finished videos by matrix index. */
  videos: Array<{ index: number; path: string }>
}

export interface ArtifactLog {
  info(line: string): void
  warning(line: string): void
}

/**
 * Uploads the videos as workflow artifacts: `per-video` makes each file its own unarchived
 * artifact (a browser plays it straight from the run page), `bundle` makes one zip of them all.
 * Off a runner the artifact service does not exist: one warning, and the files stay on disk.
 */
export async function uploadArtifacts(req: ArtifactRequest, log: ArtifactLog, env: NodeJS.ProcessEnv = process.env): Promise<Map<number, ArtifactRecord>> {
  const records = new Map<number, ArtifactRecord>()
  if (req.mode === 'none' || req.videos.length === 0) return records
  if (!env.ACTIONS_RUNTIME_TOKEN || !env.ACTIONS_RESULTS_URL) {
    log.warning(
      `Artifacts not uploaded: the artifact service is not available here (ACTIONS_RUNTIME_TOKEN / ACTIONS_RESULTS_URL are unset, so this is not a GitHub runner). The videos are in ${req.outputDir}.`
    )
    return records
  }
  // Loaded only when needed: the artifact client is most of the bundle and slows start-up.
  const { DefaultArtifactClient } = await import('@actions/artifact')
  const client = new DefaultArtifactClient()
  const urlFor = (id: number): string => `${req.run.serverUrl}/${req.run.repository}/actions/runs/${req.run.runId}/artifacts/${id}`
  try {
    if (req.mode === 'bundle') {
      const name = path.basename(req.outputDir)
      const res = await client.uploadArtifact(name, req.videos.map((v) => v.path), req.outputDir, { retentionDays: req.retentionDays })
      for (const v of req.videos) records.set(v.index, { id: res.id, url: res.id ? urlFor(res.id) : undefined })
      log.info(`Uploaded artifact '${name}' with ${req.videos.length} videos.`)
      return records
    }
    for (const v of req.videos) {
      // With skipArchive the artifact is named after the file itself.
      const res = await client.uploadArtifact(path.basename(v.path), [v.path], path.dirname(v.path), {
        retentionDays: req.retentionDays,
        skipArchive: true
      })
      records.set(v.index, { id: res.id, url: res.id ? urlFor(res.id) : undefined })
    }
    log.info(`Uploaded ${req.videos.length} video artifacts.`)
  } catch (error) {
    log.warning(`Artifact upload stopped: ${error instanceof Error ? error.message : String(error)}. The videos are in ${req.outputDir}.`)
  }
  return records
}
