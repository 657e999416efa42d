import * as core from '@actions/core'
import { readRunContext, type RunContext } from '../inputs/run-context.js'
import type { FailOn } from '../inputs/choices.js'
import { buildCommentBody } from '../publish/comment-body.js'
import { GitHubClient, githubApiUrl, loadGitHubModules } from '../publish/github-client.js'
import { GitHubPublisher, runLinks } from '../publish/github-publish.js'
import { writeOutputs, writePublishOutputs } from '../publish/outputs.js'
import { isSuccess, type ReportHeader } from '../publish/report-table.js'
import type { ResultEntry } from '../publish/results.js'
import { previewGallery } from '../publish/previews/preview-markup.js'
import { renderSummary } from '../publish/summary.js'
import type { ShardManifest } from '../shard/manifest.js'
import { shardLabel } from '../shard/shard-spec.js'
import { UserError } from '../user-error.js'
import { readCollectInputs, type CollectInputs } from './collect-inputs.js'
import { writeCollectOutputs } from './collect-outputs.js'
import { downloadManifests } from './download-manifests.js'
import { mergeManifests, type MergedRun } from './merge-manifests.js'
import { readManifestDir } from './read-manifests.js'
import { checkStale } from './stale-check.js'

const log = { info: (l: string) => core.info(l), warning: (l: string) => core.warning(l) }

/**
 * The collect sub-action: merge the shards' manifests into one set of outputs, one summary and one
 * comment. `readContext` lets a test run it in process with an event of its own (the default reads
 * the event once, at start-up, as a runner's step does).
 */
export async function runCollect(readContext: () => RunContext = () => readRunContext()): Promise<void> {
  let failure: string | undefined
  try {
    failure = await collect(readContext)
  } catch (error) {
    if (error instanceof UserError) failure = error.message
    else {
      core.debug(error instanceof Error ? (error.stack ?? error.message) : String(error))
      failure = `Unexpected error: ${error instanceof Error ? error.message : String(error)}`
    }
  }
  if (failure) core.setFailed(failure)
}

async function collect(readContext: () => RunContext): Promise<string | undefined> {
  const ctx = readContext()
  const inputs = readCollectInputs(ctx.workspace)
  const manifests = await loadManifests(inputs, ctx)
  const merged = mergeManifests(manifests)
  core.info(
    `Collected ${merged.used.length} shard${merged.used.length === 1 ? '' : 's'} (${merged.used.map((m) => `${shardLabel(m.shard)} attempt ${m.run_attempt}`).join(', ')}): ` +
      `${merged.results.length - merged.missing.length} of ${merged.results.length} entries delivered${merged.missing.length ? `, missing ${merged.missing.join(', ')}` : ''}.`
  )
  if (merged.skipped) {
    core.notice(`Every shard skipped: ${merged.skipped}`)
    writeOutputs([], undefined)
    writeCollectOutputs({ missing: 0 })
    writePublishOutputs({ skipped: true })
    return undefined
  }
  const commentKey = inputs.commentKey || merged.commentKey
  const gh = inputs.token && ctx.repository ? new GitHubClient({ token: inputs.token, apiUrl: githubApiUrl(), repository: ctx.repository, refuseOrigins: [] }, await loadGitHubModules()) : undefined
  const staleness = await checkStale(gh, ctx.pullRequest, merged.sha)
  writeOutputs(merged.results, merged.header.asset_id ?? undefined)
  writeCollectOutputs({ missing: merged.missing.length })
  if (staleness.stale) {
    core.notice(staleness.reason)
    writePublishOutputs({ skipped: false })
    return undefined
  }
  if (staleness.note) core.info(staleness.note)

  const failure = failureFor(merged.results, inputs.failOn)
  const header = reportHeader(merged, { ...ctx, sha: merged.sha }, [...merged.shardErrors, failure].filter((e): e is string => Boolean(e)).join(' ') || undefined)
  try {
    await core.summary.addRaw(renderSummary(merged.results, header)).addRaw(previewGallery(merged.results, merged.previews).join('\n')).write()
  } catch (error) {
    core.debug(`No job summary written: ${error instanceof Error ? error.message : String(error)}`)
  }
  // The same publisher and marker as an unsharded run, so switching to shards keeps one comment.
  const publisher = new GitHubPublisher({ ...ctx, sha: merged.sha }, { token: inputs.token, comment: inputs.comment, commentKey }, '', log)
  const hosted = merged.previews.size > 0
  const commentUrl = await publisher.comment(merged.results, header, merged.previews, hosted)
  // Also an output, as the main action's: a workflow_run job can post it when this run cannot.
  const commentBody = buildCommentBody(merged.results, header, { key: commentKey, previews: merged.previews, hostedPreviews: hosted })
  writePublishOutputs({ commentUrl, commentBody, skipped: false })
  return failure
}

async function loadManifests(inputs: CollectInputs, ctx: RunContext): Promise<ShardManifest[]> {
  if (!inputs.resultsPath) return downloadManifests(ctx.serverUrl, inputs.commentKey || undefined, { info: log.info, group: (t, fn) => core.group(t, fn) })
  const found = await readManifestDir(inputs.resultsPath)
  if (found.length === 0) {
    throw new UserError(`Input 'results-path': no shard manifests (hyperframes-shard-*.json) in ${inputs.resultsPath}. Download the artifacts named hyperframes-shard-* into it first.`)
  }
  const key = inputs.commentKey
  const mine = key ? found.filter((f) => f.manifest.comment_key === key) : found
  if (mine.length === 0) throw new UserError(`Input 'comment-key': none of the ${found.length} manifests in results-path has comment-key '${key}'.`)
  core.info(`Read ${mine.length} shard manifest${mine.length === 1 ? '' : 's'} from ${inputs.resultsPath}.`)
  return mine.map((f) => f.manifest)
}

function reportHeader(merged: MergedRun, ctx: RunContext, error: string | undefined): ReportHeader {
  return {
    sha: merged.sha,
    composition: merged.header.composition,
    settings: `${merged.header.settings} · ${merged.used[0].shard.count} shards`,
    assetId: merged.header.asset_id ?? undefined,
    error,
    ...runLinks(ctx)
  }
}

/** fail-on as the render step reads it, with missing entries counted as failures. */
function failureFor(results: ResultEntry[], failOn: FailOn): string | undefined {
  const bad = results.filter((r) => !isSuccess(r))
  if (bad.length === 0 || failOn === 'never') return undefined
  if (failOn === 'all' && bad.length < results.length) return undefined
  const list = bad
    .slice(0, 10)
    .map((r) => `${r.name} (${r.status})`)
    .join('; ')
  return `${bad.length} of ${results.length} renders did not complete (fail-on: ${failOn}): ${list}${bad.length > 10 ? '; …' : ''}`
}
