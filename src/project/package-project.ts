import { existsSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { InputError } from '../inputs/input-error.js'
import { UserError } from '../user-error.js'
import { buildProjectZip, type ProjectZip } from './zip.js'

/** The direct-upload limit of the API. */
export const MAX_ZIP_BYTES = 200 * 1024 * 1024

/**
 * Zips the project once for every render, and refuses what the API would refuse anyway: a
 * missing entry file, or a zip over the upload limit.
 */
export async function packageProject(projectDir: string, workspace: string, composition: string, tempRoot?: string): Promise<ProjectZip> {
  if (!existsSync(projectDir)) {
    throw new InputError('path', `'${path.relative(workspace, projectDir) || '.'}' does not exist in the workspace; expected the folder of a HyperFrames project.`)
  }
  const dir = await mkdtemp(path.join(tempRoot ?? os.tmpdir(), 'hyperframes-'))
  const zip = await buildProjectZip(projectDir, workspace, path.join(dir, 'project.zip'))
  const entry = composition.split(path.sep).join('/')
  if (!zip.files.some((f) => f.path === entry)) {
    const where = path.relative(workspace, projectDir) || '.'
    const reason = existsSync(path.join(projectDir, composition)) ? 'is excluded from the zip (dotfile, default exclusion or .hyperframesignore)' : 'does not exist'
    throw new InputError('composition', `'${entry}' ${reason} in the project folder '${where}'; expected the entry HTML file of the composition (e.g. index.html).`)
  }
  if (zip.size > MAX_ZIP_BYTES) {
    const largest = [...zip.files].sort((a, b) => b.size - a.size).slice(0, 10)
    throw new UserError(
      `The project zip is ${(zip.size / 1048576).toFixed(1)} MB, over the API's 200 MB upload limit. Largest files:\n` +
        largest.map((f) => `  ${(f.size / 1048576).toFixed(1)} MB  ${f.path}`).join('\n') +
        `\nExclude what the composition does not need with a .hyperframesignore file in '${path.relative(workspace, projectDir) || '.'}'.`
    )
  }
  return zip
}
