import path from 'node:path'
import type { ArtifactMode } from '../../inputs/read-inputs.js'
import type { PreviewInputs } from '../../inputs/preview-inputs.js'
import type { RunContext } from '../../inputs/run-context.js'
import type { RenderOutcome } from '../../render/outcome.js'
import { bundleName, uploadArtifacts, type ArtifactLog } from '../artifacts.js'
import { makePreviews, type Preview } from './make-previews.js'

export interface PreviewStageOptions {
  preview: PreviewInputs
  outputDir: string
  artifact: ArtifactMode
  retentionDays?: number
  /** Whether the videos' artifacts were uploaded: without the service (or with it failing) the previews are not tried, and not warned about twice. */
  videosUploaded: boolean
  run: RunContext
  signal?: AbortSignal
}

/**
 * Makes the previews in a folder of their own beside the videos (`<output-dir>/<name>-previews`)
 * and uploads them as one artifact of that name, so the per-video artifacts stay one file each.
 */
export async function previewStage(outcomes: RenderOutcome[], opts: PreviewStageOptions, log: ArtifactLog): Promise<Preview[]> {
  const dir = path.join(opts.outputDir, `${bundleName(opts.outputDir)}-previews`)
  const previews = await makePreviews(outcomes, { mode: opts.preview.mode, dir, log, signal: opts.signal })
  if (previews.length > 0 && opts.artifact !== 'none' && opts.videosUploaded) {
    const uploaded = await uploadArtifacts({ mode: 'bundle', retentionDays: opts.retentionDays, outputDir: dir, run: opts.run, videos: previews.map((p) => ({ index: p.index, path: p.path })) }, log)
    // The summary names it where it cannot show the files themselves.
    for (const p of previews) {
      const record = uploaded.get(p.index)
      if (record?.url) p.artifact = { name: bundleName(dir), url: record.url }
    }
  }
  return previews
}
