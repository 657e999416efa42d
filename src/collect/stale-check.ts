import type { GitHubClient } from '../publish/github-client.js'
import { describeGitHubError } from '../publish/github-client.js'

export type Staleness = { stale: false; note?: string } | { stale: true; reason: string }

/**
 * A pull request's head may move while the shards render: a newer push starts a newer run, whose
 * collect will report. Writing this run's older report then would overwrite a newer comment, so
 * it is stale. Any doubt (no token, API trouble) is not stale: the comment is worth more.
 */
export async function checkStale(gh: GitHubClient | undefined, pullRequest: number | undefined, sha: string): Promise<Staleness> {
  if (pullRequest === undefined || !gh) return { stale: false }
  try {
    const { data } = await gh.octokit.rest.pulls.get({ owner: gh.owner, repo: gh.repo, pull_number: pullRequest })
    const head = data.head.sha.toLowerCase()
    if (head === sha.toLowerCase()) return { stale: false }
    return {
      stale: true,
      reason: `Pull request #${pullRequest} has moved on to ${head.slice(0, 12)} since the shards rendered ${sha.slice(0, 12)}; the run for the newer commit writes the report, so this one writes nothing.`
    }
  } catch (error) {
    return { stale: false, note: `Could not check whether pull request #${pullRequest} moved on (${describeGitHubError(error)}); reporting anyway.` }
  }
}
