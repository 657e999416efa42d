import * as core from '@actions/core'
import { mkdir } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { BACKEND_REGISTRY } from './backends.js'
import type { Variables } from './inputs/matrix.js'
import { decideBackend, type BackendName } from './inputs/backend-choice.js'
import { readInputs, type ActionInputs, type RenderSettings, type RequestedInputs } from './inputs/read-inputs.js'
import type { PreviewInputs } from './inputs/preview-inputs.js'
import { readRunContext, type RunContext } from './inputs/run-context.js'
import { inspectProject } from './project/inspect-project.js'
import { packageProject, removePackage, type PackagedProject } from './project/package-project.js'
import type { ProjectLog } from './project/project-log.js'
import { uploadArtifacts, type ArtifactRecord } from './publish/artifacts.js'
import { buildCommentBody } from './publish/comment-body.js'
import { escapeCell } from './publish/report-table.js'
import { closingLine, dryRunCost, runCost } from './publish/run-cost.js'
import { GitHubPublisher, runLinks } from './publish/github-publish.js'
import { failureHeadline, judgeFailures } from './publish/fail-on.js'
import { writeOutputs, writePublishOutputs } from './publish/outputs.js'
import { describeZip, planLines, renderPlanSummary, type ZipPlan } from './publish/dry-run-report.js'
import type { Preview } from './publish/previews/make-previews.js'
import { previewGallery, previewSources } from './publish/previews/preview-markup.js'
import { previewStage } from './publish/previews/preview-stage.js'
import type { ReportHeader } from './publish/report-table.js'
import { buildResults } from './publish/results.js'
import { renderSummary } from './publish/summary.js'
import { keyJobs } from './render/idempotency.js'
import type { OpenContext } from './render/open-backend.js'
import type { RenderOutcome } from './render/outcome.js'
import { planJobs } from './render/job.js'
import { formatBytes, runRenders, type RenderLog } from './render/scheduler.js'
import { safeLogLine, untrustedText } from './untrusted-text.js'
import { UserError } from './user-error.js'
import { planDigest } from './shard/plan-digest.js'
import { commentOffWhenSharded, selectShard } from './shard/shard-mode.js'
import { buildManifest, skippedShardPlan, type ShardPlan } from './shard/shard-plan.js'
import { shardLabel } from './shard/shard-spec.js'
import { writeShardManifest } from './shard/write-manifest.js'
import { writeShardOutputs } from './shard/shard-outputs.js'
import { writeShardPlan } from './shard/plan-mode.js'

// The render stage's lines quote the API (render ids, retry reasons): no line of it may act as a
// workflow command or repeat a secret, whatever the server put in it.
const coreLog: RenderLog = {
  info: (line) => core.info(safeLogLine(line)),
  debug: (line) => core.debug(safeLogLine(line)),
  group: (title, lines) => {
    core.startGroup(untrustedText(title, 500))
    for (const line of lines) core.info(safeLogLine(line))
    core.endGroup()
  }
}

// Findings about the project become annotations on the file and line.
const projectLog: ProjectLog = {
  info: (line) => core.info(line),
  warning: (message, at) => core.warning(message, at),
  error: (message, at) => core.error(message, at),
  notice: (message, at) => core.notice(message, at)
}

/** What the run has done so far; whatever happens, the outputs and the summary are built from it. */
interface RunState {
  ctx?: RunContext
  /** As read; never changed. */
  inputs?: RequestedInputs
  /** Who renders, once decided (on-missing-key may choose local). */
  backend?: BackendName
  /** The settings resolved against the composition, once it is read. */
  settings?: RenderSettings
  outcomes: RenderOutcome[]
  artifacts: Map<number, ArtifactRecord>
  assetId?: string
  /** Release assets and the PR comment; set once the inputs are read. */
  github?: GitHubPublisher
  /** Why nothing was rendered on purpose (on-missing-key: skip). */
  skipped?: string
  /** The composition's declared variable defaults, shown in the results. */
  defaults?: Variables
  /** Set by a dry run once the zip is built. */
  plan?: ZipPlan
  /** Who rendered, for the summary. */
  backendLabel?: string
  /** Lint findings, for the summary; unset when lint did not run. */
  lint?: ReportHeader['lint']
  /** Set in shard mode once the whole matrix is planned: the manifest is written from it. */
  shardPlan?: ShardPlan
  /** The composition's data-duration, for what a dry run would bill. */
  declaredSeconds?: number
  preview?: PreviewInputs
  previews: Preview[]
  commentKey?: string
  /** The fail-on failure, when renders failed: the reports list those failures once, in their rows. */
  renderFailure?: string
  /** `mode: plan` wrote its shards: nothing was rendered, so nothing is published. */
  planned?: boolean
}

export async function run(): Promise<void> {
  const startedAt = Date.now()
  const state: RunState = { outcomes: [], artifacts: new Map(), previews: [] }
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
    failure = await pipeline(state, cancel.signal)
  } catch (error) {
    failure = describeError(error, cancel.signal)
  } finally {
    process.removeListener('SIGTERM', onSignal)
    process.removeListener('SIGINT', onSignal)
  }
  if (state.planned) return
  failure = await publish(state, failure, cancel.signal, startedAt)
  if (failure) core.setFailed(failure)
}

/** inputs → inspect → plan → package → (dry run stops) → upload → render → collect; returns a failure message per fail-on. */
async function pipeline(state: RunState, signal: AbortSignal): Promise<string | undefined> {
  const ctx = (state.ctx = readRunContext())
  const requested = (state.inputs = readInputs(ctx.workspace, ctx))
  if (requested.mode === 'plan') {
    writeShardPlan(requested)
    state.planned = true
    return undefined
  }
  const { github: githubInputs, shard } = requested
  state.commentKey = githubInputs.commentKey
  state.preview = requested.preview
  state.github = new GitHubPublisher(ctx, commentOffWhenSharded(githubInputs, shard), requested.apiUrl.origin, { info: (l) => core.info(l), warning: (l) => core.warning(l) })
  // Fork PRs and bots run without secrets: on-missing-key decides, before any network call.
  const choice = decideBackend(requested, ctx)
  if (choice.action === 'skip') {
    state.skipped = choice.reason
    core.notice(choice.reason)
    // collect still hears from a skipped shard, so a fork's pull request stays green there too.
    if (shard) state.shardPlan = skippedShardPlan(shard, githubInputs.commentKey)
    return undefined
  }
  if (choice.notice) core.notice(choice.notice)
  const backend = (state.backend = choice.backend)
  // What the inputs name on GitHub is looked up now, before anything is uploaded or billed.
  if (!requested.dryRun) await state.github.checkTargets()
  // Composition-aware checks (src/project): settings from the composition, variables, lint, size.
  const project = await inspectProject(requested, projectLog)
  const inputs = project.inputs
  state.settings = inputs.settings
  state.defaults = project.defaults
  state.declaredSeconds = project.composition.duration?.value
  const jobs = planJobs(inputs, ctx.sha)

  const packStarted = Date.now()
  const zip = await packageProject(project, projectLog, process.env.RUNNER_TEMP || undefined)
  try {
    state.lint = zip.lint
    core.info(
      `Packed ${zip.files.length} files from '${path.relative(ctx.workspace, inputs.projectDir) || '.'}' into ${formatBytes(zip.size)} (sha256 ${zip.sha256.slice(0, 12)}) in ${((Date.now() - packStarted) / 1000).toFixed(1)} s.`
    )
    const rerun = inputs.rerender ? { runId: ctx.runId, attempt: ctx.runAttempt } : undefined
    state.outcomes = keyJobs(jobs, { sha: ctx.sha, zipSha256: zip.sha256, rerun }).map(({ job, key }) => ({ job, key, status: inputs.dryRun ? 'planned' : 'pending' }))
    if (shard) {
      // Planned, checked and keyed as a whole above; only now cut down to this shard's entries.
      state.shardPlan = {
        shard,
        totalEntries: jobs.length,
        entryNames: jobs.map((j) => j.name),
        commentKey: githubInputs.commentKey,
        planDigest: planDigest({ backend, composition: inputs.composition, zipSha256: zip.sha256, jobs })
      }
      state.outcomes = selectShard(state.outcomes, shard, backend, { info: (l) => core.info(l), notice: (l) => core.notice(l) })
      if (state.outcomes.length === 0) return undefined
    }
    if (inputs.dryRun) {
      // Everything checked and packed; no client is even created, so no key is needed.
      state.plan = describeZip(zip)
      return undefined
    }
    await mkdir(inputs.outputDir, { recursive: true })
    return await render(state, inputs, backend, zip, { signal, log: coreLog, warning: (line) => core.warning(line) })
  } finally {
    await removePackage(zip)
  }
}

/** upload → render → collect, with the chosen backend; returns a failure message per fail-on. */
async function render(state: RunState, inputs: ActionInputs, backend: BackendName, zip: PackagedProject, ctx: OpenContext): Promise<string | undefined> {
  // HeyGen: upload once. Local: unpack once and render on this machine.
  const opened = await BACKEND_REGISTRY[backend](
    {
      zip,
      projectDir: inputs.projectDir,
      concurrency: inputs.concurrency,
      jobCount: state.outcomes.length,
      callbacks: Boolean(inputs.callbackUrl || inputs.callbackIdTemplate),
      // Only what a service needs to be called travels to the backend, not the inputs.
      service: { url: inputs.apiUrl, apiKey: inputs.apiKey, requestTimeoutMs: inputs.requestTimeoutSeconds * 1000 },
      cacheTools: inputs.cacheRenderer
    },
    ctx
  )
  try {
    state.assetId = opened.assetId
    state.backendLabel = opened.label
    const result = await runRenders(state.outcomes, opened.backend, {
      concurrency: inputs.concurrency,
      wait: inputs.wait,
      // timeout-minutes bounds the waiting, not the checks and the upload before it.
      deadline: Date.now() + inputs.timeoutMinutes * 60_000,
      outputDir: inputs.outputDir,
      signal: ctx.signal,
      poll: opened.poll,
      log: coreLog,
      heartbeatMs: inputs.heartbeatMs
    })
    const stats = opened.stats()
    if (stats) core.debug(stats)
    if (ctx.signal.aborted) throw ctx.signal.reason
    if (result.fatal) return result.fatal.message
  } finally {
    await opened.close()
  }

  return (state.renderFailure = failureFor(state.outcomes, inputs))
}

/** Uploads every downloaded video as configured by the artifact inputs; never throws. */
async function uploadVideos(state: RunState): Promise<Map<number, ArtifactRecord>> {
  const videos = state.outcomes.filter((o) => o.videoPath).map((o) => ({ index: o.job.index, path: o.videoPath as string }))
  const inputs = state.inputs
  if (!state.ctx || !inputs || videos.length === 0) return new Map()
  try {
    return await uploadArtifacts(
      { mode: inputs.artifact, retentionDays: inputs.retentionDays, outputDir: inputs.outputDir, run: state.ctx, videos },
      { info: (l) => core.info(l), warning: (l) => core.warning(l), group: (title, fn) => core.group(title, fn) }
    )
  } catch (error) {
    core.warning(`The videos were not uploaded as artifacts: ${error instanceof Error ? error.message : String(error)}`)
    return new Map()
  }
}

/** A preview per finished video (an animated one where ffmpeg allows), uploaded beside the videos. */
async function makeRunPreviews(state: RunState, signal: AbortSignal): Promise<Preview[]> {
  const { inputs, ctx, preview } = state
  if (!inputs || !ctx || !preview || inputs.dryRun) return []
  const log = { info: (l: string) => core.info(l), warning: (l: string) => core.warning(l), group: <T>(title: string, fn: () => Promise<T>) => core.group(title, fn) }
  return previewStage(
    state.outcomes,
    { preview, outputDir: inputs.outputDir, artifact: inputs.artifact, retentionDays: inputs.retentionDays, videosUploaded: state.artifacts.size > 0, run: ctx, signal },
    log
  )
}

function failureFor(outcomes: RenderOutcome[], inputs: ActionInputs): string | undefined {
  const verdict = judgeFailures(outcomes, inputs.failOn)
  for (const warning of verdict.warnings) core.warning(warning)
  return verdict.failure
}

function describeError(error: unknown, signal: AbortSignal): string {
  if (signal.aborted && signal.reason instanceof Error) return signal.reason.message
  if (error instanceof UserError) return error.message
  // Not a user mistake: keep the stack for the bug report, but only in the debug log.
  core.debug(error instanceof Error ? (error.stack ?? error.message) : String(error))
  // An unforeseen error's message may quote a server: treated like any server text.
  return `Unexpected error: ${untrustedText(error instanceof Error ? error.message : String(error))}`
}

/** Artifacts, previews, release assets, outputs, job summary, PR comment; returns the step's failure, if any. */
async function publish(state: RunState, failure: string | undefined, signal: AbortSignal, startedAt: number): Promise<string | undefined> {
  const workspace = state.ctx?.workspace ?? process.cwd()
  const github = state.skipped || state.inputs?.dryRun ? undefined : state.github
  // On every way out (a 402 half-way, a timeout, a failed render), what finished is published as
  // usual. Not after a cancel: the runner kills the step seconds later, mid-upload.
  if (signal.aborted) core.info('Cancelled: the downloaded videos stay in output-dir; no artifacts were uploaded.')
  else {
    state.artifacts = await uploadVideos(state)
    state.previews = await makeRunPreviews(state, signal)
  }
  // Release assets first, so the results (and the comment) carry their URLs.
  const release = github ? await github.attachVideos(state.outcomes) : undefined
  const results = buildResults(state.outcomes, state.artifacts, workspace, state.defaults, release?.urls)
  writeOutputs(results, state.assetId)
  if (state.plan) for (const line of planLines(results, state.plan)) core.info(line)
  const s0 = state.settings ?? state.inputs?.settings
  // What the run cost (or, dry, would cost): "never pays twice" made visible.
  const costLine =
    !s0 || state.skipped || state.outcomes.length === 0
      ? undefined
      : state.inputs?.dryRun
        ? `Dry run: ${dryRunCost(state.outcomes.length, state.declaredSeconds, s0.resolution)}.`
        : closingLine(state.outcomes, Date.now() - startedAt, runCost(state.outcomes, s0.resolution), state.backend === 'local')
  const error = [failure, release?.failure].filter(Boolean).join(' ') || undefined
  // The failed renders have their rows and their messages below; the header only says the step failed.
  const shownFailure = failure && failure === state.renderFailure && state.inputs ? `${failureHeadline(state.outcomes, state.inputs.failOn)}.` : failure
  const s = state.settings ?? state.inputs?.settings
  const header: ReportHeader = {
    sha: state.ctx?.sha ?? '',
    composition: state.inputs ? `${path.relative(workspace, state.inputs.projectDir) || '.'}/${state.inputs.composition}` : '',
    settings: s
      ? `${s.quality} · ${s.format} · ${s.resolution} · ${s.aspectRatio}${s.fps ? ` · ${s.fps} fps` : ''}${state.backend === 'local' ? ` · ${state.backendLabel ?? 'local renderer'}` : ''}`
      : '',
    assetId: state.assetId,
    ...(state.lint ? { lint: state.lint } : {}),
    error: [shownFailure, release?.failure].filter(Boolean).join(' ') || undefined,
    skipped: state.skipped,
    invalidInputs: !state.skipped && state.outcomes.length === 0 && failure !== undefined,
    ...(state.ctx ? runLinks(state.ctx) : {})
  }
  const previewOpts = state.preview && state.shardPlan ? { ...state.preview, shard: `${state.shardPlan.shard.index}of${state.shardPlan.shard.count}` } : state.preview
  const hosting = github && previewOpts ? await github.hostPreviews(previewOpts, state.previews) : undefined
  // After hosting, so the manifest carries the hosted previews' URLs for collect's comment.
  if (state.shardPlan && state.ctx) {
    const manifest = buildManifest(state.shardPlan, state.ctx, header, results, state.skipped, hosting?.urls)
    const file = await writeShardManifest(manifest, state.ctx, path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'hyperframes-shards'), { info: (l) => core.info(l), warning: (l) => core.warning(l) })
    writeShardOutputs({ manifestPath: file })
    header.settings += ` · shard ${shardLabel(state.shardPlan.shard)}`
  }
  const previews = previewSources(results, hosting)
  try {
    await core.summary
      .addRaw(state.inputs?.dryRun ? renderPlanSummary(results, header, state.plan) : renderSummary(results, header))
      .addRaw(previewGallery(results, previews, hosting?.state === 'hosted' ? undefined : state.previews.find((p) => p.artifact)?.artifact).join('\n'))
      .addRaw(costLine ? `\n**${escapeCell(costLine)}**\n` : '')
      .write()
  } catch (error) {
    // Off a runner there is no summary file; the log still has everything.
    core.debug(`No job summary written: ${error instanceof Error ? error.message : String(error)}`)
  }
  // Also an output: a fork's pull_request run cannot comment, a workflow_run job can post this.
  const commentBody = state.commentKey && !state.inputs?.dryRun ? buildCommentBody(results, header, { key: state.commentKey, previews, hostedPreviews: hosting?.state === 'hosted' }) : undefined
  const commentUrl = github ? await github.comment(results, header, previews, hosting?.state === 'hosted') : undefined
  if (github?.requests) core.debug(`GitHub API requests: ${github.requests}.`)
  if (costLine) core.info(costLine)
  writePublishOutputs({ commentUrl, commentBody, skipped: state.skipped !== undefined })
  return error
}
