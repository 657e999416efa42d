import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { InputError } from '../inputs/input-error.js'
import type { Variables } from '../inputs/matrix.js'
import type { ActionInputs, RequestedInputs } from '../inputs/read-inputs.js'
import { parseComposition, type CompositionInfo } from './composition.js'
import type { ProjectLog } from './project-log.js'
import { resolveSettings } from './render-settings.js'
import { declaredDefaults, enforceVariables } from './variables-check.js'
import { collectProjectFiles, type ProjectFiles } from './zip.js'

/** The project read the way the renderer will read it, before anything is packed or sent. */
export interface InspectedProject {
  /** The inputs with aspect-ratio and fps resolved against the composition. */
  inputs: ActionInputs
  composition: CompositionInfo
  /** Declared variable defaults: reported in the results, never sent. */
  defaults: Variables
  files: ProjectFiles
  /** The project folder relative to the workspace ('.' for the workspace itself). */
  label: string
}

/**
 * Lists what would be packed, reads the entry composition from it, fills in `aspect-ratio: auto`
 * and an empty fps, and checks every variable against the declarations: all the mistakes that
 * need no zip are caught here, in milliseconds.
 */
export async function inspectProject(requested: RequestedInputs, log: ProjectLog): Promise<InspectedProject> {
  const label = path.relative(requested.workspace, requested.projectDir).split(path.sep).join('/') || '.'
  if (!existsSync(requested.projectDir)) {
    throw new InputError('path', `'${label}' does not exist in the workspace; expected the folder of a HyperFrames project.`)
  }
  const files = await collectProjectFiles(requested.projectDir, requested.workspace)
  const entryPath = requested.composition.split(path.sep).join('/')
  const entry = files.files.find((f) => f.path === entryPath)
  if (!entry) {
    const reason = existsSync(path.join(requested.projectDir, requested.composition)) ? 'is excluded from the zip (dotfile, default exclusion or .hyperframesignore)' : 'does not exist'
    throw new InputError('composition', `'${entryPath}' ${reason} in the project folder '${label}'; expected the entry HTML file of the composition (e.g. index.html).`)
  }

  const composition = parseComposition((await readFile(entry.source)).toString('utf8'), workspacePath(label, entryPath))
  const settings = resolveSettings(requested.settings, composition, log)
  enforceVariables(composition, requested.baseVariables, requested.matrix, requested.strictVariables, log)
  return { inputs: { ...requested, settings }, composition, defaults: declaredDefaults(composition), files, label }
}

/** A path inside the project as the repository shows it. */
export function workspacePath(label: string, archivePath: string): string {
  return label === '.' ? archivePath : `${label}/${archivePath}`
}
