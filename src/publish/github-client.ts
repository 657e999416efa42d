import type { getOctokit } from '@actions/github'
import type { defaults } from '@actions/github/lib/utils'
import { isLoopbackHost } from '../inputs/api-url.js'
import { untrustedText } from '../untrusted-text.js'
import { UserError } from '../user-error.js'

export type Octokit = ReturnType<typeof getOctokit>
const REFUSED = 'Refused to send the GitHub token'
type Fetch = (url: string, init?: RequestInit) => Promise<Response>

/** A request the guard refused: the GitHub token would have gone to an origin it must not reach. */
export class TokenTargetError extends UserError {
  override name = 'TokenTargetError'
}

/**
 * The guard's refusal of one request, as the fetch Octokit calls rejects with it. Named as an
 * aborted request (which it is: stopped before it was sent) because Octokit passes an AbortError
 * through as it is, where any other fetch error becomes a status-500 error that the retry plugin
 * tries three more times over 14 s, each refused the same way. A refusal is final.
 */
class RefusedRequest extends TokenTargetError {
  override name = 'AbortError'
}

/**
 * GITHUB_API_URL as the runner sets it (github.com, GHES or, in tests, a loopback server). The
 * token travels there, so it must be https, except on loopback.
 */
export function githubApiUrl(env: NodeJS.ProcessEnv = process.env): URL {
  const raw = (env.GITHUB_API_URL ?? '').trim() || 'https://api.github.com'
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new UserError(`GITHUB_API_URL '${raw}' is not a URL.`)
  }
  checkSafeOrigin(url, 'GITHUB_API_URL')
  return url
}

function checkSafeOrigin(url: URL, what: string): void {
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new TokenTargetError(`${what} ${url.origin} is not https; the GitHub token is only sent over https (plain http on loopback only).`)
  }
  if (url.username || url.password) throw new TokenTargetError(`${what} must not carry credentials in the URL.`)
}

/**
 * GitHub asks for a second between content-creating requests, and the throttling plugin spaces
 * every write so. A GitHub API on loopback is a stand-in (a test server, a local mock): it has no
 * secondary rate limits, and spacing its writes only makes every preview commit N seconds slower.
 * Rate-limit answers are honoured there all the same.
 */
export function spacesWrites(apiUrl: URL): boolean {
  return !isLoopbackHost(apiUrl.hostname)
}

export interface GitHubClientOptions {
  token: string
  apiUrl: URL
  /** owner/name */
  repository: string
  /** Origins the token must never reach, whatever an API response says (HeyGen's api-url). */
  refuseOrigins: string[]
}

/**
 * Octokit (through @actions/github, so proxies and GHES work as on any runner) behind a guard on
 * its fetch: every request, including pagination links and upload URLs, goes only to the API
 * origin or to an upload origin that the API itself returned and `trustUploadUrl` accepted.
 */
/** What the client needs from @actions/github. */
export interface GitHubModules {
  getOctokit: typeof getOctokit
  defaults: typeof defaults
  /** @octokit/plugin-retry and @octokit/plugin-throttling: transient failures and rate limits. */
  plugins: Parameters<typeof getOctokit>[2][]
  /** The limiter the throttling plugin is built on, for writes that need no spacing. */
  Bottleneck: typeof import('bottleneck').default
}

/** Retries of one request after a rate limit: GitHub's Retry-After is honoured, then we give up. */
const RATE_LIMIT_RETRIES = 2

let loaded: Promise<GitHubModules> | undefined

/**
 * @actions/github brings all of Octokit: loaded on first use, so a run that never talks to GitHub
 * (most pushes) does not pay for it at start-up.
 */
export function loadGitHubModules(): Promise<GitHubModules> {
  // One after the other: the second shares modules with the first (and jest's ESM loader trips
  // over two concurrent imports of the same graph).
  loaded ??= (async () => {
    const github = await import('@actions/github')
    const utils = await import('@actions/github/lib/utils')
    const { retry } = await import('@octokit/plugin-retry')
    const { throttling } = await import('@octokit/plugin-throttling')
    const { default: Bottleneck } = await import('bottleneck/light.js')
    return { getOctokit: github.getOctokit, defaults: utils.defaults, plugins: [retry, throttling], Bottleneck }
  })()
  return loaded
}

export class GitHubClient {
  readonly octokit: Octokit
  readonly owner: string
  readonly repo: string
  /** Requests sent through the guard, for the log line after publishing. */
  requests = 0
  private readonly trusted = new Set<string>()
  private readonly refused: Set<string>

  constructor(opts: GitHubClientOptions, modules: GitHubModules) {
    const [owner, repo, ...rest] = opts.repository.split('/')
    if (!owner || !repo || rest.length > 0) throw new UserError(`GITHUB_REPOSITORY is '${opts.repository}', expected owner/name.`)
    this.owner = owner
    this.repo = repo
    this.refused = new Set(opts.refuseOrigins)
    if (this.refused.has(opts.apiUrl.origin)) {
      throw new TokenTargetError(`GITHUB_API_URL ${opts.apiUrl.origin} is the HeyGen api-url; the GitHub token is never sent there.`)
    }
    this.trusted.add(opts.apiUrl.origin)

    const base = (modules.defaults.request?.fetch as Fetch | undefined) ?? fetch
    const guarded: Fetch = (url, init) => {
      const target = new URL(url)
      if (!this.trusted.has(target.origin) || this.refused.has(target.origin)) {
        return Promise.reject(new RefusedRequest(`${REFUSED} to ${target.origin}: only the GitHub API and the upload host it named are trusted.`))
      }
      this.requests++
      return base(url, init)
    }
    // Our own `request` replaces @actions/github's defaults wholesale, so keep its proxy-aware fetch inside the guard.
    // Retries: 5xx and network faults, a few times with backoff (plugin-retry never retries a 4xx
    // such as a permission 403). Throttling: writes spaced as GitHub asks, and a primary or
    // secondary rate limit waits for Retry-After instead of failing the comment.
    const throttle = {
      onRateLimit: (_after: number, _options: unknown, _octokit: unknown, retryCount: number) => retryCount < RATE_LIMIT_RETRIES,
      onSecondaryRateLimit: (_after: number, _options: unknown, _octokit: unknown, retryCount: number) => retryCount < RATE_LIMIT_RETRIES,
      // Comment posts are spaced 3 s apart on top of that (the notifications group), shared by
      // every client in the process: unspaced on loopback too.
      ...(spacesWrites(opts.apiUrl) ? {} : { write: new modules.Bottleneck.Group({ maxConcurrent: 10 }), notifications: new modules.Bottleneck.Group({ maxConcurrent: 10 }) })
    }
    this.octokit = modules.getOctokit(opts.token, { baseUrl: opts.apiUrl.href.replace(/\/+$/, ''), request: { fetch: guarded }, throttle }, ...modules.plugins)
  }

  /**
   * Accepts an upload URL taken from an API response (a release's upload_url): uploads.github.com
   * on github.com, the API host itself on GHES. Refused when it is not https or is HeyGen's origin.
   */
  trustUploadUrl(raw: string): URL {
    let url: URL
    try {
      url = new URL(raw.replace(/\{[^}]*\}$/, ''))
    } catch {
      throw new TokenTargetError(`The release's upload_url '${raw}' is not a URL.`)
    }
    checkSafeOrigin(url, "The release's upload_url")
    if (this.refused.has(url.origin)) {
      throw new TokenTargetError(`The release's upload_url points at ${url.origin}, the HeyGen api-url; the GitHub token is never sent there.`)
    }
    this.trusted.add(url.origin)
    return url
  }
}

/** The HTTP status of an Octokit RequestError, if that is what this is. */
export function httpStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status
  return typeof status === 'number' ? status : undefined
}

/**
 * A 403 from a GITHUB_TOKEN without the needed permission ("Resource not accessible by
 * integration"), as opposed to a rate limit, which GitHub also answers with 403.
 */
export function isPermissionError(error: unknown): boolean {
  return httpStatus(error) === 403 && !/rate limit/i.test(errorMessage(error))
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

export function describeGitHubError(error: unknown): string {
  const status = httpStatus(error)
  // GitHub's (or a proxy's) words: shown in the log, the summary and the step's failure.
  const message = untrustedText(errorMessage(error), 1000)
  // Octokit wraps a fetch failure (such as the guard's refusal) as a status-500 RequestError.
  if (message.startsWith(REFUSED)) return message
  return status ? `HTTP ${status}: ${message}` : message
}
