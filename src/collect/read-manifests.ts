import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { parseManifest, type ShardManifest } from '../shard/manifest.js'

/** Shard manifests are written as hyperframes-shard-<key digest>-<i>of<n>-a<attempt>.json. */
export const MANIFEST_FILE = /^hyperframes-shard-[0-9a-f]{12}-\d+of\d+-a\d+\.json$/

/**
 * Every shard manifest under `dir`, in any depth: download-artifact with merge-multiple leaves
 * them side by side, without it one folder per artifact. Other files are ignored.
 */
export async function readManifestDir(dir: string): Promise<Array<{ file: string; manifest: ShardManifest }>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  const files = entries
    .filter((e) => e.isFile() && MANIFEST_FILE.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .sort()
  const out: Array<{ file: string; manifest: ShardManifest }> = []
  for (const file of files) out.push({ file, manifest: parseManifest(await readFile(file, 'utf8'), file) })
  return out
}
