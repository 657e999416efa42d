import { readFile } from 'node:fs/promises'
import { readInputs, type RequestedInputs } from '../../src/inputs/read-inputs.js'
import { inspectProject, type InspectedProject } from '../../src/project/inspect-project.js'
import { packageProject, removePackage, type PackagedProject } from '../../src/project/package-project.js'
import type { Annotation, ProjectLog } from '../../src/project/project-log.js'
import { keyJobs } from '../../src/render/idempotency.js'
import { planJobs, type RenderJob } from '../../src/render/job.js'
import { SHA_A } from './action-runner.js'

/** The inputs a run against an unreachable API needs, lint off unless asked (as emulatorInputs). */
export function stageInputs(extra: Record<string, string> = {}): Record<string, string> {
  return { 'api-key': 'test-key-123', 'api-url': 'http://127.0.0.1:9', path: 'project', lint: 'off', ...extra }
}

/** What the project stage reported: info lines, and annotations with where they point. */
export interface RecordedLog extends ProjectLog {
  lines: string[]
  warnings: Array<{ message: string; at?: Annotation }>
  errors: Array<{ message: string; at?: Annotation }>
  notices: Array<{ message: string; at?: Annotation }>
}

export function recordedLog(): RecordedLog {
  const log: RecordedLog = {
    lines: [],
    warnings: [],
    errors: [],
    notices: [],
    info: (line) => log.lines.push(line),
    warning: (message, at) => log.warnings.push({ message, at }),
    error: (message, at) => log.errors.push({ message, at }),
    notice: (message, at) => log.notices.push({ message, at })
  }
  return log
}

/** A run's stages up to the first request: the inputs read, the project inspected, jobs planned and keyed, the zip built. */
export interface StagesRun {
  requested: RequestedInputs
  project: InspectedProject
  jobs: RenderJob[]
  /** The jobs as the render stage receives them, keyed against this zip and SHA_A. */
  keyed: Array<{ job: RenderJob; key: string }>
  zip: PackagedProject
  /** The zip's bytes, read before its folder is removed. */
  zipBytes: Buffer
  log: RecordedLog
}

/**
 * Runs, in-process and in main.ts's order, every stage a run goes through before its first request
 * (none of them touches the network), with the inputs set as a runner sets them. A refusal is
 * thrown as the stage threw it; `log` then holds what was reported before it.
 */
export async function runProjectStages(workspace: string, inputs: Record<string, string>, log: RecordedLog = recordedLog()): Promise<StagesRun> {
  const keys = Object.keys(inputs).map((name) => `INPUT_${name.replace(/ /g, '_').toUpperCase()}`)
  Object.entries(inputs).forEach(([, value], i) => (process.env[keys[i]] = value))
  try {
    const requested = readInputs(workspace)
    const project = await inspectProject(requested, log)
    const jobs = planJobs(project.inputs, SHA_A)
    const zip = await packageProject(project, log)
    try {
      const zipBytes = await readFile(zip.zipPath)
      return { requested, project, jobs, keyed: keyJobs(jobs, { sha: SHA_A, zipSha256: zip.sha256 }), zip, zipBytes, log }
    } finally {
      await removePackage(zip)
    }
  } finally {
    for (const key of keys) delete process.env[key]
  }
}

/** The stages' refusal, or a failed test when they accept the project. */
export async function stagesRefusal(workspace: string, inputs: Record<string, string>, log: RecordedLog = recordedLog()): Promise<Error> {
  try {
    await runProjectStages(workspace, inputs, log)
  } catch (error) {
    return error as Error
  }
  throw new Error(`expected a refusal for ${JSON.stringify(inputs)}, got none`)
}
