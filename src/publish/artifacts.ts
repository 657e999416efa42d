import type { ArtifactClient, UploadArtifactOptions } from '@actions/artifact'
import path from 'node:path'
import type { ArtifactMode } from '../inputs/read-inputs.js'
import type { RunContext } from '../inputs/run-context.js'
import { sha256File } from './sha256-file.js'

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
  /** Runs fn inside one collapsible log group: the artifact library logs every step of every upload. */
  group<T>(title: string, fn: () => Promise<T>): Promise<T>
}

/** One artifact to create, and the matrix entries whose video it holds. */
export interface PlannedArtifact {
  name: string
  files: string[]
  root: string
  /** One file stored as itself (browsers play it from the run page) instead of inside a zip. */
  skipArchive: boolean
  indexes: number[]
}

/**
 * Uploads in flight at once. Each one is two small service calls around its own blob stream, so a
 * few in parallel hide the round trips without crowding a 2-core runner or the service.
 */
export const ARTIFACT_CONCURRENCY = 4

// Characters the artifact service refuses in a name (NTFS limits), as @actions/artifact lists them.
const INVALID_NAME_CHARS = /[":<>|*?\r\n\\/]/g

/** `per-video`: one unarchived artifact per file, named after it. `bundle`: one zip of them all. */
export function planArtifacts(mode: ArtifactMode, outputDir: string, videos: ArtifactRequest['videos']): PlannedArtifact[] {
  if (mode === 'none' || videos.length === 0) return []
  if (mode === 'bundle') {
    return [{ name: bundleName(outputDir), files: videos.map((v) => v.path), root: outputDir, skipArchive: false, indexes: videos.map((v) => v.index) }]
  }
  // With skipArchive the service names the artifact after the file, whatever name is passed.
  return videos.map((v) => ({ name: path.basename(v.path), files: [v.path], root: path.dirname(v.path), skipArchive: true, indexes: [v.index] }))
}

/** The bundle is named after the output folder, made acceptable as an artifact name. */
export function bundleName(outputDir: string): string {
  const name = path.basename(path.resolve(outputDir)).replace(INVALID_NAME_CHARS, '-').trim()
  return name === '' ? 'videos' : name
}

/** The run-page link upload-artifact gives as `artifact-url`. */
export function artifactUrl(run: RunContext, id: number): string {
  return `${run.serverUrl}/${run.repository}/actions/runs/${run.runId}/artifacts/${id}`
}

/**
 * Why artifacts cannot be uploaded here, or undefined when they can. GitHub Enterprise Server has no
 * service for @actions/artifact v2+ (the one upload-artifact@v4 uses); the library's own host test is
 * mirrored so the user gets one clear warning instead of one failure per video.
 */
export function artifactServiceMissing(env: NodeJS.ProcessEnv, serverUrl: string): string | undefined {
  if (!env.ACTIONS_RUNTIME_TOKEN || !env.ACTIONS_RESULTS_URL) {
    return 'the artifact service is not available here (ACTIONS_RUNTIME_TOKEN / ACTIONS_RESULTS_URL are unset, so this is not a GitHub runner)'
  }
  let host: string
  try {
    host = new URL(serverUrl).hostname.toLowerCase()
  } catch {
    host = ''
  }
  if (host !== 'github.com' && !host.endsWith('.ghe.com') && !host.endsWith('.localhost')) {
    return `GitHub Enterprise Server (${host || serverUrl}) does not support the artifact service this action uses (the one behind upload-artifact@v4); upload the videos with actions/upload-artifact@v3 in a later step`
  }
  return undefined
}

type UploadResult =
  | { kind: 'uploaded'; artifact: PlannedArtifact; id?: number }
  /** The name was taken in this run by an artifact holding exactly these bytes: linked, not uploaded again. */
  | { kind: 'reused'; artifact: PlannedArtifact; id: number }
  /** The name was taken in this run by something else (or something we could not check). */
  | { kind: 'taken'; artifact: PlannedArtifact; existingId?: number; why: string }
  | { kind: 'failed'; artifact: PlannedArtifact; message: string }

/**
 * Uploads the videos as workflow artifacts: `per-video` makes each file its own unarchived
 * artifact (a browser plays it straight from the run page), `bundle` makes one zip of them all.
 * Artifacts never fail the step: whatever goes wrong ends in one warning and the files stay on disk.
 */
export async function uploadArtifacts(req: ArtifactRequest, log: ArtifactLog, env: NodeJS.ProcessEnv = process.env): Promise<Map<number, ArtifactRecord>> {
  const records = new Map<number, ArtifactRecord>()
  const planned = planArtifacts(req.mode, req.outputDir, req.videos)
  if (planned.length === 0) return records
  const where = path.relative(req.run.workspace, req.outputDir).split(path.sep).join('/') || '.'
  const missing = artifactServiceMissing(env, req.run.serverUrl)
  if (missing) {
    log.warning(`Artifacts not uploaded: ${missing}. The videos are in ${where}.`)
    return records
  }

  // Loaded only when needed: the artifact client is most of the bundle and slows start-up.
  const { DefaultArtifactClient } = await import('@actions/artifact')
  const client = new DefaultArtifactClient()
  const options: UploadArtifactOptions = {
    retentionDays: req.retentionDays,
    // Videos are already compressed: deflating them again costs CPU and saves nothing.
    compressionLevel: 0
  }

  const results: UploadResult[] = []
  let next = 0
  let stopped = false
  const worker = async (): Promise<void> => {
    // After a failure that is not about one name (service down, no permission, quota), the
    // next uploads would fail the same way, each after the library's own retries: stop early.
    while (!stopped && next < planned.length) {
      const result = await uploadOne(client, planned[next++], options)
      if (result.kind === 'failed') stopped = true
      results.push(result)
    }
  }
  await log.group(`Uploading ${planned.length} artifact${planned.length === 1 ? '' : 's'} (${req.mode})`, () =>
    Promise.all(Array.from({ length: Math.min(ARTIFACT_CONCURRENCY, planned.length) }, worker))
  )

  for (const r of results) {
    const id = r.kind === 'uploaded' || r.kind === 'reused' ? r.id : undefined
    if (id === undefined) continue
    for (const index of r.artifact.indexes) records.set(index, { id, url: artifactUrl(req.run, id) })
  }
  // Uploads finish in any order; report them in matrix order.
  results.sort((a, b) => planned.indexOf(a.artifact) - planned.indexOf(b.artifact))
  reportResults(results, planned.length, where, log)
  return records
}

async function uploadOne(client: ArtifactClient, artifact: PlannedArtifact, options: UploadArtifactOptions): Promise<UploadResult> {
  try {
    const res = await client.uploadArtifact(artifact.name, artifact.files, artifact.root, { ...options, skipArchive: artifact.skipArchive })
    return { kind: 'uploaded', artifact, id: res.id }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    if (!isNameTaken(message)) return { kind: 'failed', artifact, message }
    return await resolveTakenName(client, artifact)
  }
}

/** CreateArtifact answers 409 when the run already has an artifact of that name. */
function isNameTaken(message: string): boolean {
  return /CreateArtifact/.test(message) && /\(409\)/.test(message)
}

/**
 * Artifact names are unique within a workflow run, and a re-run is the same run: on a re-run the
 * name may still be held by the earlier attempt's artifact. A re-run replays the same renders, so
 * that artifact usually holds these very bytes; then it is linked instead. Anything else is left
 * alone: deleting it could destroy another job's artifact.
 */
async function resolveTakenName(client: ArtifactClient, artifact: PlannedArtifact): Promise<UploadResult> {
  let existing: { id: number; digest?: string } | undefined
  try {
    existing = (await client.getArtifact(artifact.name)).artifact
  } catch {
    // Not listed: the name is held by an upload that never finished (an earlier attempt failed midway).
    return { kind: 'taken', artifact, why: 'is held by an unfinished upload' }
  }
  if (!artifact.skipArchive) return { kind: 'taken', artifact, existingId: existing.id, why: 'already exists (a zip cannot be compared)' }
  if (existing.digest && existing.digest === `sha256:${await sha256File(artifact.files[0])}`) {
    return { kind: 'reused', artifact, id: existing.id }
  }
  return { kind: 'taken', artifact, existingId: existing.id, why: existing.digest ? 'already exists with different content' : 'already exists (its digest is unknown)' }
}

/** One info line for what worked; at most one warning per kind of trouble. */
function reportResults(results: UploadResult[], total: number, where: string, log: ArtifactLog): void {
  const uploaded = results.filter((r) => r.kind === 'uploaded')
  const reused = results.filter((r) => r.kind === 'reused')
  const taken = results.filter((r): r is Extract<UploadResult, { kind: 'taken' }> => r.kind === 'taken')
  const failed = results.filter((r): r is Extract<UploadResult, { kind: 'failed' }> => r.kind === 'failed')

  const parts: string[] = []
  if (uploaded.length > 0)
    parts.push(
      `uploaded ${listed(
        uploaded.map((r) => `'${r.artifact.name}'`),
        ', '
      )}`
    )
  if (reused.length > 0) {
    parts.push(
      `linked ${listed(
        reused.map((r) => `'${r.artifact.name}' (ID ${r.id})`),
        ', '
      )}, already in this run with the same bytes (an earlier attempt uploaded ${reused.length === 1 ? 'it' : 'them'})`
    )
  }
  if (parts.length > 0) log.info(`Artifacts: ${parts.join('; ')}.`)

  if (taken.length > 0) {
    const list = listed(
      taken.map((r) => `'${r.artifact.name}'${r.existingId ? ` (ID ${r.existingId})` : ''} ${r.why}`),
      '; '
    )
    log.warning(
      `Artifact name${taken.length === 1 ? '' : 's'} already used in this workflow run: ${list}. Names are unique within a run (re-runs included), so ${taken.length === 1 ? 'it was' : 'they were'} left as ${taken.length === 1 ? 'is' : 'they are'} and not linked from results. ` +
        `Give each job its own names (the name input names per-video artifacts, output-dir names a bundle); add \${{ github.run_attempt }} to them to keep every attempt's videos apart. The videos are in ${where}.`
    )
  }
  if (failed.length > 0) {
    const done = uploaded.length + reused.length
    log.warning(
      `Artifacts: ${done} of ${total} uploaded; the artifact service failed${failed.length > 1 ? ` ${failed.length} uploads, the first with` : ':'} ${failed[0].message}. ` +
        `The videos are in ${where}; the step does not fail because of artifacts.`
    )
  }
}

/** A log line stays readable for a 256-entry matrix: the first few names, then a count. */
export function listed(items: string[], separator: string, max = 10): string {
  const shown = items.slice(0, max).join(separator)
  return items.length > max ? `${shown}${separator}… and ${items.length - max} more` : shown
}
