import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { localizeExternalRefs, type ExternalFile } from './external-refs.js'
import { inWorkspace, type InspectedProject } from './inspect-project.js'
import { lintPackedProject } from './lint.js'
import type { ProjectLog } from './project-log.js'
import { checkPredictedSize, checkZipSize } from './size-limit.js'
import { writeProjectZip, type ProjectZip } from './zip.js'

export { MAX_ZIP_BYTES } from './size-limit.js'

export interface PackagedProject extends ProjectZip {
  /** Files packed from outside the project folder, under _ext/. */
  external: ExternalFile[]
}

/**
 * Zips the project once for every render, after refusing what would fail or come out wrong:
 * references that leave the workspace, a zip over the upload limit (predicted before reading a
 * byte where it can be) and lint errors. The zip is written under `tempRoot`.
 */
export async function packageProject(project: InspectedProject, log: ProjectLog, tempRoot?: string): Promise<PackagedProject> {
  const { files, external } = await localizeExternalRefs(project.files)
  for (const e of external) log.info(`Packing ${e.from} (referenced from outside the project folder) as ${e.path}.`)
  checkPredictedSize(files, project.label)

  const origins = files.map((f) => ({ archive: f.path, workspace: external.find((e) => e.path === f.path)?.from ?? inWorkspace(project.label, f.path) }))
  await lintPackedProject(files, origins, project.inputs.composition.split(path.sep).join('/'), log, tempRoot)

  const dir = await mkdtemp(path.join(tempRoot ?? os.tmpdir(), 'hyperframes-'))
  try {
    const zip = await writeProjectZip(files, path.join(dir, 'project.zip'))
    checkZipSize(zip.size, zip.files, project.label)
    return { ...zip, external }
  } catch (error) {
    await rm(dir, { recursive: true, force: true })
    throw error
  }
}
