import type { GitHubInputs } from '../inputs/github-inputs.js'
import type { PreviewInputs } from '../inputs/preview-inputs.js'
import type { RunContext } from '../inputs/run-context.js'
import type { RenderOutcome } from '../render/outcome.js'
import { UserError } from '../user-error.js'
import { buildCommentBody, commentMarker } from './comment-body.js'
import { findPullRequestForCommit, upsertComment } from './comment.js'
import { describeGitHubError, GitHubClient, githubApiUrl, isPermissionError, loadGitHubModules } from './github-client.js'
import { hostPreviews, type PreviewHosting } from './previews/host-previews.js'
import type { Preview } from './previews/make-previews.js'
import { attachToRelease, findRelease, type AttachedAsset, type Release } from './release.js'
import type { ReportHeader } from './report-table.js'
import type { ResultEntry } from './results.js'

export interface PublishLog {
  info(line: string): void
  warning(line: string): void
}

export interface ReleaseOutcome {
  /** Download URL of each attached video, by matrix index. */
  urls: Map<number, string>
  /** Set when the videos should be on the release and are not, for a reason other than permissions. */
  failure?: string
}

/** Links to the run page (where the job summary is) and the commit. */
export function runLinks(ctx: RunContext): Pick<ReportHeader, 'runUrl' | 'commitUrl'> {
  if (!ctx.repository) return {}
  const repo = `${ctx.serverUrl}/${ctx.repository}`
  return {
    runUrl: ctx.runId ? `${repo}/actions/runs/${ctx.runId}${ctx.runAttempt > 1 ? `/attempts/${ctx.runAttempt}` : ''}` : undefined,
    commitUrl: `${repo}/commit/${ctx.sha}`
  }
}

/**
 * Publishing to GitHub itself: release assets and the sticky PR comment. Neither may turn a good
 * render into a red step for want of a permission: a 403 is a warning naming the permission.
 */
export class GitHubPublisher {
  private gh?: GitHubClient
  /** Found by checkTargets, before any render; attachVideos then reuses it. */
  private release?: Release

  constructor(
    private readonly ctx: RunContext,
    private readonly inputs: GitHubInputs,
    /** HeyGen's api-url origin: the GitHub token is never sent there. */
    private readonly heygenOrigin: string,
    private readonly log: PublishLog,
    private readonly env: NodeJS.ProcessEnv = process.env
  ) {}

  /** Created on first use, so a run that publishes nothing to GitHub makes no call to it. */
  private async client(): Promise<GitHubClient> {
    this.gh ??= new GitHubClient(
      {
        token: this.inputs.token,
        apiUrl: githubApiUrl(this.env),
        repository: this.ctx.repository,
        refuseOrigins: [this.heygenOrigin]
      },
      await loadGitHubModules()
    )
    return this.gh
  }

  /**
   * Looks up what the inputs name on GitHub before anything is paid for: a release that is missing,
   * or that the token cannot see, fails the step now rather than after every render. The PR to
   * comment on comes from the event, not an input, and a comment that fails is only a warning.
   */
  async checkTargets(): Promise<void> {
    const target = this.inputs.release
    // Without a token the videos are not attached, with a warning: nothing to check.
    if (!target || !this.inputs.token) return
    try {
      this.release = await findRelease(await this.client(), target)
    } catch (error) {
      if (error instanceof UserError) throw error
      throw new UserError(
        `Input 'release': could not look up release '${target.tag}' (${describeGitHubError(error)}). Check that it exists and that github-token may read it (permissions: contents: write).`
      )
    }
    this.log.info(`Release '${target.tag}' found: the videos will be attached to it.`)
  }

  async attachVideos(outcomes: RenderOutcome[]): Promise<ReleaseOutcome> {
    const urls = new Map<number, string>()
    const target = this.inputs.release
    if (!target) return { urls }
    const videos = outcomes.filter((o) => o.status === 'completed' && o.videoPath).map((o) => ({ index: o.job.index, path: o.videoPath as string }))
    if (videos.length === 0) {
      this.log.info(`No finished videos to attach to release '${target.tag}'.`)
      return { urls }
    }
    if (!this.inputs.token) {
      this.log.warning(`Videos not attached to release '${target.tag}': github-token is empty. Pass github-token (the default is \${{ github.token }}) with permissions: contents: write.`)
      return { urls }
    }
    const attached: AttachedAsset[] = []
    let failure: string | undefined
    try {
      await attachToRelease(await this.client(), target, videos, attached, this.release)
    } catch (error) {
      if (isPermissionError(error)) {
        this.log.warning(`Videos not attached to release '${target.tag}': the token may not write releases (${describeGitHubError(error)}). Add \`permissions: contents: write\` to the job.`)
      } else {
        failure = error instanceof UserError ? error.message : `Attaching the videos to release '${target.tag}' failed: ${describeGitHubError(error)}`
      }
    }
    for (const a of attached) urls.set(a.index, a.url)
    if (attached.length > 0) {
      const count = (action: AttachedAsset['action']): number => attached.filter((a) => a.action === action).length
      this.log.info(
        `Release '${target.tag}': ${attached.length} video${attached.length === 1 ? '' : 's'} attached (${count('uploaded')} new, ${count('replaced')} replaced, ${count('unchanged')} unchanged).`
      )
    }
    return { urls, failure }
  }

  /** Creates or updates the sticky comment; returns its URL. Problems are warnings, never failures. */
  async comment(results: ResultEntry[], header: ReportHeader, previews?: Map<number, string>, hostedPreviews = false): Promise<string | undefined> {
    const { comment: mode, token, commentKey } = this.inputs
    if (mode === 'false') return undefined
    if (!token) {
      if (mode === 'true') this.log.warning('No PR comment: github-token is empty. Pass github-token (the default is ${{ github.token }}).')
      return undefined
    }
    const pr = await this.pullRequest()
    if (pr === undefined) return undefined
    try {
      const body = buildCommentBody(results, header, { key: commentKey, previews, hostedPreviews })
      const result = await upsertComment(await this.client(), pr, commentMarker(commentKey), body)
      this.log.info(`PR #${pr} comment ${result.action}: ${result.url}`)
      return result.url
    } catch (error) {
      if (isPermissionError(error)) {
        this.log.warning(
          `No PR comment on #${pr}: the token may not write pull-request comments (${describeGitHubError(error)}). Add \`permissions: pull-requests: write\` to the job. Runs for pull requests from forks get a read-only token whatever the workflow asks.`
        )
      } else {
        this.log.warning(`No PR comment on #${pr}: ${describeGitHubError(error)}`)
      }
      return undefined
    }
  }

  /** Commits the previews to preview-branch (src/publish/previews/host-previews.ts). */
  hostPreviews(opts: PreviewInputs, previews: Preview[]): Promise<PreviewHosting> {
    return hostPreviews(() => this.client(), this.ctx, this.inputs, opts, previews, this.log)
  }

  /** The PR of a pull-request event, else (comment: auto or true) the open PR whose head is this commit. */
  private async pullRequest(): Promise<number | undefined> {
    if (this.ctx.pullRequest !== undefined) return this.ctx.pullRequest
    const explicit = this.inputs.comment === 'true'
    const say = (line: string): void => (explicit ? this.log.warning(line) : this.log.info(line))
    try {
      const pr = await findPullRequestForCommit(await this.client(), this.ctx.sha)
      if (pr === undefined) say(`No PR comment: no open pull request has commit ${this.ctx.sha.slice(0, 12)} as its head.`)
      return pr
    } catch (error) {
      say(`No PR comment: could not look up the pull requests of commit ${this.ctx.sha.slice(0, 12)} (${describeGitHubError(error)}).`)
      return undefined
    }
  }

  /** How many requests went to GitHub, for the log. */
  get requests(): number {
    return this.gh?.requests ?? 0
  }
}
