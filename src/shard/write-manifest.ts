import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { artifactServiceMissing } from '../publish/artifacts.js'
import type { RunContext } from '../inputs/run-context.js'
import { manifestArtifactName, type ShardManifest } from './manifest.js'

export interface ManifestLog {
  info(line: string): void
  warning(line: string): void
}

/** Manifests are read by collect in the same run; a day covers re-runs without keeping clutter. */
export const MANIFEST_RETENTION_DAYS = 1

/**
 * Writes the manifest as `<artifact name>.json` (unique per shard and attempt, so
 * download-artifact's merge-multiple cannot overwrite one with another) and uploads it as a small
 * artifact. Returns the file's path. An artifact that cannot be uploaded is a warning: the file
 * is still there for a later upload-artifact step.
 */
export async function writeShardManifest(manifest: ShardManifest, run: RunContext, dir: string, log: ManifestLog, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const name = manifestArtifactName(manifest.comment_key, manifest.shard, manifest.run_attempt)
  await mkdir(dir, { recursive: true })
  const file = path.join(dir, `${name}.json`)
  await writeFile(file, JSON.stringify(manifest, null, 2) + '\n')

  const missing = artifactServiceMissing(env, run.serverUrl)
  if (missing) {
    log.warning(`Shard manifest not uploaded: ${missing}. It is at ${file} (output shard-manifest); upload it for the collect step.`)
    return file
  }
  try {
    const { DefaultArtifactClient } = await import('@actions/artifact')
    const res = await new DefaultArtifactClient().uploadArtifact(name, [file], dir, { retentionDays: MANIFEST_RETENTION_DAYS })
    log.info(`Shard manifest uploaded as artifact '${name}'${res.id ? ` (ID ${res.id})` : ''}.`)
  } catch (error) {
    log.warning(`Shard manifest not uploaded as artifact '${name}': ${error instanceof Error ? error.message : String(error)}. It is at ${file} (output shard-manifest).`)
  }
  return file
}
