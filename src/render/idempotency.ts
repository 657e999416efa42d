import { createHash } from 'node:crypto'
import type { RenderJob } from './job.js'

/** Stable JSON: object keys sorted at every level, so equal requests hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

export interface RenderKeyInput {
  sha: string
  zipSha256: string
  /** The create body without `project`: the asset id changes per upload, the zip checksum does not. */
  request: unknown
  /** Set when the user asked to render again: the run id and attempt make the key new. */
  rerun?: { runId: number; attempt: number }
}

/**
 * What a key digests for a job. Keys made before the render stage had its own vocabulary digested
 * HeyGen's create body without `project` (snake_case, unset fields and an 'index.html' entry left
 * out, no empty variables): this rebuilds exactly that object, so a re-run after an upgrade
 * replays instead of paying twice. Changing it changes every key: bump KEY_VERSION then.
 */
export function keyedRequest(job: RenderJob): Record<string, unknown> {
  const s = job.settings
  return {
    fps: s.fps,
    quality: s.quality,
    format: s.format,
    resolution: s.resolution,
    aspect_ratio: s.aspectRatio,
    composition: s.composition === 'index.html' ? undefined : s.composition,
    variables: Object.keys(job.variables).length > 0 ? job.variables : undefined,
    title: s.title,
    callback_id: s.callbackId,
    callback_url: s.callbackUrl
  }
}

// Bump when the key recipe changes, so an old replay can never answer a request it does not match.
const KEY_VERSION = 'v1'

/**
 * The key a render is submitted with. It holds the commit SHA (a re-run of the same commit
 * replays instead of paying twice) and a digest of everything that makes the request (any change
 * is a new render). The API replays a key even when the body differs, so the digest must cover
 * the whole request. Only [A-Za-z0-9_:.-] may appear; SHAs and hex digests keep to that.
 */
export function renderKey(input: RenderKeyInput): string {
  const digest = createHash('sha256')
    .update(canonicalJson({ v: KEY_VERSION, zip: input.zipSha256, request: input.request }))
    .digest('hex')
    .slice(0, 32)
  const base = `hf-${input.sha}-${digest}`
  return input.rerun ? `${base}-run${input.rerun.runId}.${input.rerun.attempt}` : base
}

/**
 * Keys every planned job: what the render stage starts from. `rerun` makes every key new, for a
 * user who asked to render again.
 */
export function keyJobs(jobs: RenderJob[], on: { sha: string; zipSha256: string; rerun?: RenderKeyInput['rerun'] }): Array<{ job: RenderJob; key: string }> {
  return jobs.map((job) => ({ job, key: renderKey({ sha: on.sha, zipSha256: on.zipSha256, request: keyedRequest(job), rerun: on.rerun }) }))
}

/** The upload is keyed by content alone: the same zip within 24 h replays the same asset. */
export function uploadKey(zipSha256: string): string {
  return `hf-asset-${zipSha256}`
}

/**
 * The key for submitting a job again after its render failed in an earlier run. It names the failed
 * render, so a later re-run follows the same chain by replays: attempt 3 replays the render attempt
 * 2 made instead of paying for a third, and only a chain that ends in a failure grows.
 */
export function retryKey(baseKey: string, failedRenderId: string): string {
  const safeId = failedRenderId.replace(/[^A-Za-z0-9_:.-]/g, '_')
  return `${baseKey}-after-${safeId}`.slice(0, 255)
}
