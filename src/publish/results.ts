import path from 'node:path'
import type { Variables } from '../inputs/matrix.js'
import type { RenderOutcome } from '../render/outcome.js'
import type { ArtifactRecord } from './artifacts.js'

/** One entry of the `results` output: the contract with the workflow's later steps. */
export interface ResultEntry {
  name: string
  index: number
  variables: Variables
  render_id: string | null
  idempotency_key: string
  status: string
  video_path: string | null
  video_url: string | null
  thumbnail_url: string | null
  duration: number | null
  artifact_id: number | null
  artifact_url: string | null
  /** The video's download URL on the GitHub Release named by the `release` input. */
  release_asset_url: string | null
  failure_message: string | null
}

/**
 * `defaults` are the composition's declared variable defaults: they fill the `variables` of an
 * entry that leaves one unset, so later steps see what was rendered. They are never sent, so the
 * requests (and idempotency keys) stay what they were.
 */
export function buildResults(
  outcomes: RenderOutcome[],
  artifacts: Map<number, ArtifactRecord>,
  workspace: string,
  defaults: Variables = {},
  releaseAssets: ReadonlyMap<number, string> = new Map()
): ResultEntry[] {
  return outcomes.map((o) => {
    const artifact = artifacts.get(o.job.index)
    return {
      name: o.job.name,
      index: o.job.index,
      variables: withDefaults(o.job.variables, defaults),
      render_id: o.renderId ?? null,
      idempotency_key: o.key,
      status: o.status,
      video_path: o.videoPath ? workspaceRelative(workspace, o.videoPath) : null,
      video_url: o.videoUrl ?? null,
      thumbnail_url: o.thumbnailUrl ?? null,
      duration: o.duration ?? null,
      artifact_id: artifact?.id ?? null,
      artifact_url: artifact?.url ?? null,
      release_asset_url: releaseAssets.get(o.job.index) ?? null,
      failure_message: o.failureMessage ?? null
    }
  })
}

/** The entry's own values first, then the defaults it does not override. */
function withDefaults(variables: Variables, defaults: Variables): Variables {
  const out: Variables = { ...variables }
  for (const [id, value] of Object.entries(defaults)) if (!(id in out)) out[id] = value
  return out
}

/** Paths relative to the workspace, as later steps (and upload-artifact) expect them. */
function workspaceRelative(workspace: string, file: string): string {
  return path.relative(workspace, file).split(path.sep).join('/')
}
