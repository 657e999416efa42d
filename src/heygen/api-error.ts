import { untrustedText } from '../untrusted-text.js'
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
  403: "The api-key has no access to this HyperFrames call: check the key's workspace and plan."
}

/**
 * An error answered by the API (or the API's origin), carrying the contract's error fields. The
 * server's words are made safe here, once, since this message travels to every report.
 */
export class ApiError extends UserError {
  override name = 'ApiError'
  readonly operation: string
  readonly code: string
  readonly apiMessage: string
  readonly param?: string

  constructor(
    operation: string,
    readonly status: number,
    code: string,
    apiMessage: string,
    param?: string
  ) {
    const safe = {
      operation: untrustedText(operation, 300),
      code: untrustedText(code, 100),
      apiMessage: untrustedText(apiMessage),
      param: param === undefined ? undefined : untrustedText(param, 200)
    }
    super(`${safe.operation} failed: ${ApiError.describe(status, safe.code, safe.apiMessage, safe.param)}`)
    this.operation = safe.operation
    this.code = safe.code
    this.apiMessage = safe.apiMessage
    this.param = safe.param
  }

  get hint(): string | undefined {
    return HINTS[this.code] ?? STATUS_HINTS[this.status]
  }

  /** What the server answered, with the hint, without the operation: for messages that already name it. */
  get answer(): string {
    return ApiError.describe(this.status, this.code, this.apiMessage, this.param)
  }

  private static describe(status: number, code: string, message: string, param?: string): string {
    const where = param ? ` (param: ${param})` : ''
    const hint = HINTS[code] ?? STATUS_HINTS[status]
    // The API's message usually ends with its own full stop; one is enough before the hint.
    const said = `${message}${where}`
    return `HTTP ${status} ${code}: ${hint ? `${said.replace(/\s*\.+$/, '')}. ${hint}` : said}`
  }
}

/** Statuses that no retry can fix: the key, the credit or the access is wrong. */
export function isFatalStatus(status: number): boolean {
  return status === 401 || status === 402 || status === 403
}
