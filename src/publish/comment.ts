import { hasMarker } from './comment-body.js'
import { httpStatus, type GitHubClient } from './github-client.js'

export interface CommentResult {
  id: number
  url: string
  action: 'created' | 'updated' | 'unchanged'
}

/**
 * The open pull request whose head is `sha`, for runs that are not pull-request events (a push to
 * a PR's branch). A merged or closed PR, or one whose head has moved on, gets no comment: a newer
 * run will write it.
 */
export async function findPullRequestForCommit(gh: GitHubClient, sha: string): Promise<number | undefined> {
  const { data } = await gh.octokit.rest.repos.listPullRequestsAssociatedWithCommit({ owner: gh.owner, repo: gh.repo, commit_sha: sha, per_page: 100 })
  return data.find((pr) => pr.state === 'open' && pr.head.sha.toLowerCase() === sha.toLowerCase())?.number
}

/**
 * Finds this action's comment by its marker, reading every page of the PR's comments, and updates
 * it in place; creates it only when there is none, so re-runs never add a second one.
 */
export async function upsertComment(gh: GitHubClient, issueNumber: number, marker: string, body: string): Promise<CommentResult> {
  const existing = await findComment(gh, issueNumber, marker)
  if (existing) {
    if (existing.body === body) return { id: existing.id, url: existing.html_url, action: 'unchanged' }
    const { data } = await gh.octokit.rest.issues.updateComment({ owner: gh.owner, repo: gh.repo, comment_id: existing.id, body })
    return { id: data.id, url: data.html_url, action: 'updated' }
  }
  const { data } = await gh.octokit.rest.issues.createComment({ owner: gh.owner, repo: gh.repo, issue_number: issueNumber, body })
  return converge(gh, issueNumber, marker, body, { id: data.id, url: data.html_url, action: 'created' })
}

/**
 * Two jobs with one comment-key (a user's own strategy.matrix) can both find no comment and both
 * create one. After creating, list again and keep only the oldest comment with the marker: the
 * newer ones are deleted and the survivor gets this body. Each racing job does the same, so they
 * converge on one comment whichever finishes first.
 */
async function converge(gh: GitHubClient, issueNumber: number, marker: string, body: string, created: CommentResult): Promise<CommentResult> {
  const ours = await findComments(gh, issueNumber, marker)
  const oldest = ours[0]
  if (!oldest || oldest.id === created.id) {
    for (const c of ours.slice(1)) await deleteComment(gh, c.id)
    return created
  }
  for (const c of ours.slice(1)) await deleteComment(gh, c.id)
  const { data } = await gh.octokit.rest.issues.updateComment({ owner: gh.owner, repo: gh.repo, comment_id: oldest.id, body })
  return { id: data.id, url: data.html_url, action: 'updated' }
}

/** Deleting a duplicate the other job deleted first is fine. */
async function deleteComment(gh: GitHubClient, id: number): Promise<void> {
  try {
    await gh.octokit.rest.issues.deleteComment({ owner: gh.owner, repo: gh.repo, comment_id: id })
  } catch (error) {
    if (httpStatus(error) !== 404) throw error
  }
}

/** Every comment carrying the marker, oldest first (ids grow with creation time). */
async function findComments(gh: GitHubClient, issueNumber: number, marker: string): Promise<Array<{ id: number; html_url: string }>> {
  const all = await gh.octokit.paginate(gh.octokit.rest.issues.listComments, { owner: gh.owner, repo: gh.repo, issue_number: issueNumber, per_page: 100 })
  return all.filter((c) => hasMarker(c.body, marker)).sort((a, b) => a.id - b.id)
}

async function findComment(gh: GitHubClient, issueNumber: number, marker: string): Promise<{ id: number; body?: string; html_url: string } | undefined> {
  const pages = gh.octokit.paginate.iterator(gh.octokit.rest.issues.listComments, { owner: gh.owner, repo: gh.repo, issue_number: issueNumber, per_page: 100 })
  for await (const page of pages) {
    // The oldest match wins, so a comment duplicated by two racing jobs converges on one.
    const hit = page.data.find((c) => hasMarker(c.body, marker))
    if (hit) return hit
  }
  return undefined
}
