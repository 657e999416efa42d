import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { localizeExternalRefs, type ExternalFile } from './external-refs.js'
import { workspacePath, type InspectedProject } from './inspect-project.js'
import { countFindings, lintPackedProject, type LintCounts } from './lint.js'
import type { ProjectLog } from './project-log.js'
import { checkPredictedSize, checkZipSize } from './size-limit.js'
import { writeProjectZip, type ProjectZip } from './zip.js'

export { MAX_ZIP_BYTES } from './size-limit.js'

export interface PackagedProject extends ProjectZip {
  /** Files packed from outside the project folder, under _ext/. */
  external: ExternalFile[]
  /** Undefined with lint: off. */
  lint?: LintCounts
}

/**
 * Zips the project once for every render, after refusing what would fail or come out wrong:
 * references the composition loads from outside the workspace, a missing or empty
 * sub-composition, a zip over the upload limit (predicted before reading a byte where it can be)
 * and, with lint: strict, lint errors. The zip is written under `tempRoot`.
 */
export async function packageProject(project: InspectedProject, log: ProjectLog, tempRoot?: string): Promise<PackagedProject> {
  const entry = project.inputs.composition.split(path.sep).join('/')
  const { files, external, leftAlone } = await localizeExternalRefs(project.files, entry)
  for (const e of external) log.info(`Packing ${e.from} (referenced from outside the project folder) as ${e.path}.`)
  for (const r of leftAlone) {
    const message = `Left '${r.value}' as written and did not pack it: ${r.reason}.`
    if (log.notice) log.notice(message, { file: r.file, startLine: r.line, title: 'Reference not followed' })
    else log.info(`${r.file}:${r.line}: ${message}`)
  }
  checkPredictedSize(files, project.label)

  const origins = files.map((f) => ({ archive: f.path, workspace: external.find((e) => e.path === f.path)?.from ?? workspacePath(project.label, f.path) }))
  const mode = project.inputs.lint
  const lint = mode === 'off' ? undefined : countFindings(mode, await lintPackedProject(files, origins, entry, log, tempRoot, mode))
  if (mode === 'off') log.info('HyperFrames lint skipped (lint: off).')

  const dir = await mkdtemp(path.join(tempRoot ?? os.tmpdir(), 'hyperframes-'))
  try {
    const zip = await writeProjectZip(files, path.join(dir, 'project.zip'))
    checkZipSize(zip.size, zip.files, project.label)
    return { ...zip, external, ...(lint ? { lint } : {}) }
  } catch (error) {
    await removePackage({ zipPath: path.join(dir, 'project.zip') })
    throw error
  }
}

/** The zip's temp folder goes with it: the package stage made both, and only it removes them. */
export async function removePackage(zip: { zipPath: string }): Promise<void> {
  await rm(path.dirname(zip.zipPath), { recursive: true, force: true })
}
