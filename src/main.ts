import * as core from '@actions/core'
import { mkdir, rm } from 'node:fs/promises'
import path from 'node:path'
import { HeygenClient } from './heygen/client.js'
import { uploadZip } from './heygen/upload.js'
import { readInputs, type ActionInputs } from './inputs/read-inputs.js'
import { readRunContext, type RunContext } from './inputs/run-context.js'
import { packageProject } from './project/package-project.js'
import { uploadArtifacts, type ArtifactRecord } from './publish/artifacts.js'
import { writeOutputs } from './publish/outputs.js'
import { buildResults } from './publish/results.js'
import { renderSummary } from './publish/summary.js'
import { HeygenBackend } from './render/heygen-backend.js'
import { renderKey, uploadKey } from './render/idempotency.js'
import type { RenderOutcome } from './render/outcome.js'
import { planJobs } from './render/plan.js'
import { formatBytes, runRenders, type RenderLog } from './render/scheduler.js'
import { UserError } from './user-error.js'

const coreLog: RenderLog = {
  info: (line) => core.info(line),
  group: (title, lines) => {
    core.startGroup(title)
    for (const line of lines) core.info(line)
    core.endGroup()
  }
}

/** What the run has done so far; whatever happens, the outputs and the summary are built from it. */
interface RunState {
  ctx?: RunContext
  inputs?: ActionInputs
  outcomes: RenderOutcome[]
  artifacts: Map<number, ArtifactRecord>
  assetId?: string
}

export async function run(): Promise<void> {
  const startedAt = Date.now()
  const state: RunState = { outcomes: [], artifacts: new Map() }
  const cancel = new AbortController()
  // A cancelled job gets SIGINT then SIGTERM; stop waiting and report what was submitted.
  const onSignal = (signal: NodeJS.Signals): void => {
    core.warning(`Received ${signal}: stopping, writing the outputs and the summary with every render submitted so far.`)
    cancel.abort(new UserError(`The job was cancelled (${signal}).`))
  }
  process.once('SIGTERM', onSignal)
  process.once('SIGINT', onSignal)

  let failure: string | undefined
  try {
    failure = await pipeline(state, cancel.signal, startedAt)
  } catch (error) {
    failure = describeError(error, cancel.signal)
  } finally {
    process.removeListener('SIGTERM', onSignal)
    process.removeListener('SIGINT', onSignal)
  }
  await publish(state, failure)
  if (failure) core.setFailed(failure)
}

/** inputs → plan → package → upload → render → collect; returns a failure message per fail-on. */
async function pipeline(state: RunState, signal: AbortSignal, startedAt: number): Promise<string | undefined> {
  const ctx = (state.ctx = readRunContext())
  const inputs = (state.inputs = readInputs(ctx.workspace))
  const jobs = planJobs(inputs, ctx.sha)

  const packStarted = Date.now()
  const zip = await packageProject(inputs.projectDir, ctx.workspace, inputs.composition, process.env.RUNNER_TEMP || undefined)
  core.info(`Packed ${zip.files.length} files from '${path.relative(ctx.workspace, inputs.projectDir) || '.'}' into ${formatBytes(zip.size)} (sha256 ${zip.sha256.slice(0, 12)}) in ${((Date.now() - packStarted) / 1000).toFixed(1)} s.`)
  const rerun = inputs.rerender ? { runId: ctx.runId, attempt: ctx.runAttempt } : undefined
  state.outcomes = jobs.map((job) => ({ job, key: renderKey({ sha: ctx.sha, zipSha256: zip.sha256, request: job.request, rerun }), status: 'pending' }))
  await mkdir(inputs.outputDir, { recursive: true })

  const client = new HeygenClient({
    apiUrl: inputs.apiUrl,
    apiKey: inputs.apiKey,
    signal,
    timeoutMs: inputs.requestTimeoutSeconds * 1000,
    log: (line) => core.info(line)
  })
  try {
    state.assetId = await uploadZip(client, zip, uploadKey(zip.sha256), (line) => core.warning(line))
    core.info(`Uploaded the project once as asset ${state.assetId}; submitting ${jobs.length} render${jobs.length === 1 ? '' : 's'} (up to ${inputs.concurrency} at a time).`)
    await rm(path.dirname(zip.zipPath), { recursive: true, force: true })

    const result = await runRenders(state.outcomes, new HeygenBackend(client, state.assetId), {
      concurrency: inputs.concurrency,
      wait: inputs.wait,
      deadline: startedAt + inputs.timeoutMinutes * 60_000,
      outputDir: inputs.outputDir,
      signal,
      log: coreLog,
      runStartedAt: startedAt
    })
    core.info(`API requests: ${client.stats.requests} (${Object.entries(client.stats.byKind).map(([k, n]) => `${k} ${n}`).join(', ')}), retries: ${client.stats.retries}.`)
    if (signal.aborted) throw signal.reason
    if (result.fatal) return result.fatal.message
  } finally {
    await client.close()
  }

  state.artifacts = await uploadArtifacts(
    {
      mode: inputs.artifact,
      retentionDays: inputs.retentionDays,
      outputDir: inputs.outputDir,
      run: ctx,
      videos: state.outcomes.filter((o) => o.videoPath).map((o) => ({ index: o.job.index, path: o.videoPath as string }))
    },
    { info: (l) => core.info(l), warning: (l) => core.warning(l) }
  )
  return failureFor(state.outcomes, inputs)
}

function failureFor(outcomes: RenderOutcome[], inputs: ActionInputs): string | undefined {
  const bad = outcomes.filter((o) => o.status !== 'completed' && o.status !== 'submitted')
  if (bad.length === 0 || inputs.failOn === 'never') return undefined
  if (inputs.failOn === 'all' && bad.length < outcomes.length) return undefined
  const list = bad
    .slice(0, 10)
    .map((o) => `${o.job.name} (${o.status}${o.failureMessage ? `: ${o.failureMessage}` : ''})`)
    .join('; ')
  return `${bad.length} of ${outcomes.length} renders did not complete (fail-on: ${inputs.failOn}): ${list}${bad.length > 10 ? '; …' : ''}`
}

function describeError(error: unknown, signal: AbortSignal): string {
  if (signal.aborted && signal.reason instanceof Error) return signal.reason.message
  if (error instanceof UserError) return error.message
  // Not a user mistake: keep the stack for the bug report, but only in the debug log.
  core.debug(error instanceof Error ? (error.stack ?? error.message) : String(error))
  return `Unexpected error: ${error instanceof Error ? error.message : String(error)}`
}

async function publish(state: RunState, failure: string | undefined): Promise<void> {
  const workspace = state.ctx?.workspace ?? process.cwd()
  const results = buildResults(state.outcomes, state.artifacts, workspace)
  writeOutputs(results, state.assetId)
  const s = state.inputs?.settings
  try {
    await core.summary
      .addRaw(
        renderSummary(results, {
          sha: state.ctx?.sha ?? '',
          composition: state.inputs ? `${path.relative(workspace, state.inputs.projectDir) || '.'}/${state.inputs.composition}` : '',
          settings: s ? `${s.quality} · ${s.format} · ${s.resolution} · ${s.aspectRatio}${s.fps ? ` · ${s.fps} fps` : ''}` : '',
          assetId: state.assetId,
          error: failure
        })
      )
      .write()
  } catch (error) {
    // Off a runner there is no summary file; the log still has everything.
    core.debug(`No job summary written: ${error instanceof Error ? error.message : String(error)}`)
  }
}
