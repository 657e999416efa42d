import { UserError } from '../user-error.js'

// One actionable hint per error code or status, so a failure says what to do next.
const HINTS: Record<string, string> = {
  authentication_failed: 'The api-key was refused: check that the secret holds a valid, unexpired HeyGen API key.',
  insufficient_credit: 'The HeyGen account is out of credit: top it up, then re-run (finished renders are not billed again).',
  rate_limit_exceeded: 'HeyGen kept rate-limiting the requests: lower the concurrency input or try again later.',
  hyperframes_project_invalid: 'The project zip was refused: check that the composition file is in the project folder and that the variables match data-composition-variables.',
  hyperframes_project_too_large: 'The project zip is over the upload limit: exclude large files with a .hyperframesignore file.',
  hyperframes_render_not_found: 'The render no longer exists on HeyGen (deleted, or older than its retention).',
  request_in_progress: 'The same request was still being processed by HeyGen; re-run the job to pick it up.',
  unexpected_response: 'The server at api-url did not answer like the HeyGen API: check the api-url input.'
}
const STATUS_HINTS: Record<number, string> = {
  401: HINTS.authentication_failed,
  402: HINTS.insufficient_credit,
  403: 'The api-key has no access to this HyperFrames call: check the key\'s workspace and plan.'
}

/** An error answered by the API (or the API's origin), carrying the contract's error fields. */
export class ApiError extends UserError {
  override name = 'ApiError'
  constructor(
    readonly operation: string,
    readonly status: number,
    readonly code: string,
    readonly apiMessage: string,
    readonly param?: string
  ) {
    super(ApiError.describe(operation, status, code, apiMessage, param))
  }

  get hint(): string | undefined {
    return HINTS[this.code] ?? STATUS_HINTS[this.status]
  }

  private static describe(operation: string, status: number, code: string, message: string, param?: string): string {
    const where = param ? ` (param: ${param})` : ''
    const hint = HINTS[code] ?? STATUS_HINTS[status]
    // The API's message usually ends with its own full stop; one is enough before the hint.
    const said = `${message}${where}`
    return `${operation} failed: HTTP ${status} ${code}: ${hint ? `${said.replace(/\s*\.+$/, '')}. ${hint}` : said}`
  }
}

/** Statuses that no retry can fix: the key, the credit or the access is wrong. */
export function isFatalStatus(status: number): boolean {
  return status === 401 || status === 402 || status === 403
}
