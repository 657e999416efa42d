import AdmZip from 'adm-zip'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'

/**
 * Unpacks a project zip into `dest`, so a local render sees exactly the files HeyGen would
 * receive (exclusions applied, outside references rewritten). Entries that would land outside
 * `dest` are refused rather than written.
 */
export async function unpackZip(zip: string | Buffer, dest: string): Promise<number> {
  const archive = new AdmZip(zip)
  const root = path.resolve(dest)
  let files = 0
  await mkdir(root, { recursive: true })
  for (const entry of archive.getEntries()) {
    const target = path.resolve(root, entry.entryName)
    if (target !== root && !target.startsWith(root + path.sep)) {
      throw new Error(`zip entry '${entry.entryName}' points outside the project folder`)
    }
    if (entry.isDirectory) {
      await mkdir(target, { recursive: true })
      continue
    }
    await mkdir(path.dirname(target), { recursive: true })
    await writeFile(target, entry.getData())
    files += 1
  }
  return files
}
