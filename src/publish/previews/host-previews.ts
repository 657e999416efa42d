import type { GitHubInputs } from '../../inputs/github-inputs.js'
import type { PreviewInputs } from '../../inputs/preview-inputs.js'
import type { RunContext } from '../../inputs/run-context.js'
import { describeGitHubError, isPermissionError, type GitHubClient } from '../github-client.js'
import type { Preview } from './make-previews.js'
import { commitPreviews } from './preview-branch.js'

export interface PreviewHosting {
  /** Raw URLs of the hosted previews, by matrix index. */
  urls: Map<number, string>
  /**
   * off: no preview-branch (or nothing to host); hosted: committed; skipped: a fork's read-only
   * token; failed: asked for and not done, so reports fall back to links.
   */
  state: 'off' | 'hosted' | 'skipped' | 'failed'
}

export interface HostLog {
  info(line: string): void
  warning(line: string): void
}

/**
 * A pull_request run from a fork gets a read-only token whatever the workflow asks: writing would
 * only earn a 403, so it is not tried.
 */
export function isForkPullRequest(ctx: RunContext): boolean {
  return ctx.eventName === 'pull_request' && ctx.headRepository !== undefined && ctx.headRepository.toLowerCase() !== ctx.repository.toLowerCase()
}

/** Commits the previews to preview-branch. Never fails the step: problems are warnings, and the comment keeps its links. */
export async function hostPreviews(client: () => Promise<GitHubClient>, ctx: RunContext, github: GitHubInputs, opts: PreviewInputs, previews: Preview[], log: HostLog): Promise<PreviewHosting> {
  const off: PreviewHosting = { urls: new Map(), state: 'off' }
  const branch = opts.branch
  if (!branch || previews.length === 0) return off
  if (isForkPullRequest(ctx)) {
    log.info(`Previews not committed to '${branch}': this pull request comes from a fork, and its token is read-only. The previews are in the artifacts.`)
    return { ...off, state: 'skipped' }
  }
  if (!github.token) {
    log.warning(`Previews not committed to '${branch}': github-token is empty. Pass github-token (the default is \${{ github.token }}) with permissions: contents: write.`)
    return { ...off, state: 'failed' }
  }
  try {
    const hosted = await commitPreviews(await client(), previews, {
      branch,
      commentKey: github.commentKey,
      scope: (ctx.pullRequest !== undefined ? String(ctx.pullRequest) : ctx.sha.slice(0, 12)) + (opts.shard ? `-shard-${opts.shard}` : ''),
      retentionDays: opts.retentionDays,
      serverUrl: ctx.serverUrl,
      repository: ctx.repository
    })
    log.info(
      `Previews: ${hosted.urls.size} committed to branch '${branch}' (commit ${hosted.commit.slice(0, 12)}${hosted.pruned ? `, ${hosted.pruned} older than ${opts.retentionDays} days pruned` : ''}${hosted.retries ? `, ${hosted.retries} lost race${hosted.retries === 1 ? '' : 's'} retried` : ''}).`
    )
    return { urls: hosted.urls, state: 'hosted' }
  } catch (error) {
    if (isPermissionError(error)) {
      log.warning(
        `Previews not committed to '${branch}': the token may not write the repository's contents (${describeGitHubError(error)}). Add \`permissions: contents: write\` to the job. The comment links to the artifacts instead.`
      )
    } else {
      log.warning(`Previews not committed to '${branch}': ${describeGitHubError(error)}. The comment links to the artifacts instead.`)
    }
    return { ...off, state: 'failed' }
  }
}
