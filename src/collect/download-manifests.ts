import { mkdtemp } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { artifactServiceMissing } from '../publish/artifacts.js'
import { manifestArtifactPrefix, type ShardManifest } from '../shard/manifest.js'
import { UserError } from '../user-error.js'
import { readManifestDir } from './read-manifests.js'

export interface DownloadLog {
  info(line: string): void
  group<T>(title: string, fn: () => Promise<T>): Promise<T>
}

const ANY_KEY_PREFIX = 'hyperframes-shard-'

/**
 * Downloads this run's shard manifest artifacts (every attempt's: the merge picks the newest) with
 * @actions/artifact. With a comment key only that key's shards are fetched.
 */
export async function downloadManifests(serverUrl: string, commentKey: string | undefined, log: DownloadLog, env: NodeJS.ProcessEnv = process.env): Promise<ShardManifest[]> {
  const missing = artifactServiceMissing(env, serverUrl)
  if (missing) {
    throw new UserError(
      `Input 'results-path' is empty, so collect downloads the shard manifests itself, but ${missing}. Download them with actions/download-artifact (pattern: hyperframes-shard-*, merge-multiple: true) and pass their folder as results-path.`
    )
  }
  const prefix = commentKey ? manifestArtifactPrefix(commentKey) : ANY_KEY_PREFIX
  const { DefaultArtifactClient } = await import('@actions/artifact')
  const client = new DefaultArtifactClient()
  const { artifacts } = await client.listArtifacts()
  const wanted = artifacts.filter((a) => a.name.startsWith(prefix))
  if (wanted.length === 0) {
    throw new UserError(
      `No shard manifests in this workflow run (no artifact named ${prefix}*${commentKey ? ` for comment-key '${commentKey}'` : ''}). Did the render jobs run with the shard input, and does collect run after them (needs:)?`
    )
  }
  const dir = await mkdtemp(path.join(env.RUNNER_TEMP || os.tmpdir(), 'hyperframes-collect-'))
  await log.group(`Downloading ${wanted.length} shard manifest${wanted.length === 1 ? '' : 's'}`, async () => {
    for (const a of wanted) await client.downloadArtifact(a.id, { path: path.join(dir, a.name) })
  })
  log.info(
    `Downloaded ${wanted.length} shard manifest${wanted.length === 1 ? '' : 's'}: ${wanted
      .map((a) => a.name)
      .sort()
      .join(', ')}.`
  )
  return (await readManifestDir(dir)).map((m) => m.manifest)
}
