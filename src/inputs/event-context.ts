import { existsSync, readFileSync } from 'node:fs'

/**
 * The workflow event as the runner hands it over: the fields of @actions/github's `context` that
 * this action reads, without loading @actions/github (and Octokit with it) at every start.
 */
export interface EventContext {
  /** The webhook payload from GITHUB_EVENT_PATH; {} when there is none. */
  payload: Record<string, unknown>
  eventName: string
  sha: string | undefined
}

export function readEventContext(env: NodeJS.ProcessEnv = process.env): EventContext {
  let payload: Record<string, unknown> = {}
  const file = env.GITHUB_EVENT_PATH
  if (file && existsSync(file)) {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'))
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) payload = parsed as Record<string, unknown>
  }
  return { payload, eventName: env.GITHUB_EVENT_NAME ?? '', sha: env.GITHUB_SHA }
}

/** Read once when first imported, as @actions/github's own `context` is. */
export const context: EventContext = readEventContext()
