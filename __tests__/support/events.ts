import type { GitHubServer } from './github-server.js'

// Event payloads as a runner writes them to GITHUB_EVENT_PATH, for the repository the GitHub
// stand-in serves (octo/videos).

const REPOSITORY = { full_name: 'octo/videos', name: 'videos', owner: { login: 'octo' } }

/** A pull_request event; the head is in the base repository unless `headRepo` names a fork. */
export function prEvent(number: number, headSha: string, headRepo = 'octo/videos'): Record<string, unknown> {
  return {
    action: 'synchronize',
    number,
    pull_request: {
      number,
      state: 'open',
      head: { sha: headSha, ref: `feature-${number}`, repo: { full_name: headRepo, fork: headRepo !== 'octo/videos' } },
      base: { sha: 'f'.repeat(40), ref: 'main', repo: { full_name: 'octo/videos' } }
    },
    repository: REPOSITORY,
    sender: { login: 'contributor' }
  }
}

export function pushEvent(sha: string): Record<string, unknown> {
  return { ref: 'refs/heads/feature', before: '0'.repeat(40), after: sha, head_commit: { id: sha }, repository: REPOSITORY }
}

/** A published release whose upload_url points at the stand-in's uploads origin. */
export function releaseEvent(id: number, tag: string, github: GitHubServer): Record<string, unknown> {
  return {
    action: 'published',
    release: { id, tag_name: tag, draft: false, upload_url: `${github.uploadsUrl}/repos/octo/videos/releases/${id}/assets{?name,label}` },
    repository: REPOSITORY
  }
}
