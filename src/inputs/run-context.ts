import { context, type EventContext } from './event-context.js'
import { UserError } from '../user-error.js'

/** What the action needs to know about the workflow run it is part of. */
export interface RunContext {
  /** The commit being built: the PR head for pull-request events, else GITHUB_SHA. */
  sha: string
  eventName: string
  runId: number
  runAttempt: number
  /** owner/name */
  repository: string
  serverUrl: string
  workspace: string
  pullRequest?: number
  /** owner/name of the PR's head repository; differs from `repository` for a fork. */
  headRepository?: string
  /** Who triggered the run (GITHUB_ACTOR). */
  actor: string
  /** The release a `release` event is about. */
  release?: { tag: string; id?: number }
}

const PR_EVENTS = new Set(['pull_request', 'pull_request_target', 'pull_request_review', 'pull_request_review_comment'])

/** `event` is the payload read at start-up; a test running a step in process passes its own. */
export function readRunContext(env: NodeJS.ProcessEnv = process.env, event: EventContext = context): RunContext {
  const pr = event.payload.pull_request as { number?: number; head?: { sha?: unknown; repo?: { full_name?: unknown } } } | undefined
  // issue_comment on a pull request carries the PR as an issue with a pull_request link.
  const issue = event.payload.issue as { number?: unknown; pull_request?: unknown } | undefined
  const issuePr = issue?.pull_request && typeof issue.number === 'number' ? issue.number : undefined
  const release = event.payload.release as { tag_name?: unknown; id?: unknown } | undefined
  const prHead = PR_EVENTS.has(event.eventName) && typeof pr?.head?.sha === 'string' ? pr.head.sha : undefined
  // On a pull_request event GITHUB_SHA is a throwaway merge commit; the head is what a re-run rebuilds.
  const sha = (prHead ?? event.sha ?? '').toLowerCase()
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha)) {
    throw new UserError(
      `GITHUB_SHA is ${sha ? `'${sha}', not a commit SHA` : 'not set'}: the idempotency keys are derived from the commit being built. Run this action in a workflow, or set GITHUB_SHA.`
    )
  }
  return {
    sha,
    eventName: event.eventName ?? '',
    runId: Number(env.GITHUB_RUN_ID) || 0,
    runAttempt: Number(env.GITHUB_RUN_ATTEMPT) || 1,
    repository: env.GITHUB_REPOSITORY ?? '',
    serverUrl: (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, ''),
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
    pullRequest: typeof pr?.number === 'number' ? pr.number : issuePr,
    headRepository: typeof pr?.head?.repo?.full_name === 'string' ? pr.head.repo.full_name : undefined,
    actor: env.GITHUB_ACTOR ?? '',
    release: event.eventName === 'release' && typeof release?.tag_name === 'string' ? { tag: release.tag_name, id: typeof release.id === 'number' ? release.id : undefined } : undefined
  }
}
