import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createGitStore, type GitStore } from './git-data.js'

// A small GitHub REST server for end-to-end tests: issue comments with real Link-header
// pagination, pull requests by commit, releases and their assets, on an API origin and a separate
// uploads origin (as api.github.com and uploads.github.com), with a switch that makes writes 403
// the way a GITHUB_TOKEN without the permission is answered. Everything lives in memory. The Git
// Data API (git-data.ts) and `/<owner>/<repo>/raw/<branch>/<path>` are served too, so the server's
// URL doubles as GITHUB_SERVER_URL for preview links.

export interface RecordedRequest {
  origin: 'api' | 'uploads'
  method: string
  /** Path and query, as sent. */
  path: string
  authorization?: string
  status: number
  /** The request body as received, so a test can search everything the action sent. */
  body: Buffer
}

export interface StoredComment {
  id: number
  issue: number
  body: string
  created: number
  updated: number
}

export interface StoredAsset {
  id: number
  name: string
  label: string
  contentType: string
  bytes: Buffer
}

export interface StoredRelease {
  id: number
  tag: string
  draft: boolean
  assets: StoredAsset[]
}

export type ForbiddenArea = 'comments' | 'releases' | 'contents'

export interface GitHubServer {
  /** The API base URL, as GITHUB_API_URL. */
  url: string
  uploadsUrl: string
  token: string
  repository: string
  requests: RecordedRequest[]
  comments(issue: number): StoredComment[]
  /** Seeds comments written by someone else. */
  addComments(issue: number, count: number, body?: (i: number) => string): void
  addPull(pull: { number: number; sha: string; state?: 'open' | 'closed' }): void
  /** A new push to the pull request's branch: its head becomes `sha`. */
  movePull(number: number, sha: string): void
  addRelease(release: { tag: string; draft?: boolean }): StoredRelease
  release(tag: string): StoredRelease | undefined
  /** Writes in that area answer 403 "Resource not accessible by integration". */
  forbid(area: ForbiddenArea, forbidden?: boolean): void
  /** Makes releases report this upload_url instead of the uploads origin (to test the token guard). */
  overrideUploadUrl(url: string | undefined): void
  resetRequests(): void
  /** Blobs, trees, commits and refs. */
  git: GitStore
  /**
   * Holds the next `count` comment listings until all of them have arrived, then answers them
   * together: jobs that start at once all see the same (empty) list, as racing jobs can.
   */
  gateCommentLists(count: number): void
  /** Answers the next `count` authenticated API requests with this status (a 502, or a secondary rate limit). */
  failNext(count: number, status: number, message?: string, headers?: Record<string, string>): void
  close(): Promise<void>
}

const MAX_PER_PAGE = 100

export async function startGitHubServer(opts: { token?: string; repository?: string } = {}): Promise<GitHubServer> {
  const token = opts.token ?? 'ghs_testtoken123'
  const repository = opts.repository ?? 'octo/videos'
  const requests: RecordedRequest[] = []
  const comments: StoredComment[] = []
  const pulls: Array<{ number: number; sha: string; state: 'open' | 'closed' }> = []
  const releases: StoredRelease[] = []
  const forbidden = new Set<ForbiddenArea>()
  let nextId = 1000
  let clock = 0
  let uploadUrlOverride: string | undefined
  let gate: { count: number; parked: Array<() => void> } | undefined
  let failures: { count: number; status: number; message: string; headers: Record<string, string> } | undefined

  const api = createServer((req, res) => void handle('api', req, res))
  const uploads = createServer((req, res) => void handle('uploads', req, res))
  await Promise.all([listen(api), listen(uploads)])
  const url = `http://127.0.0.1:${(api.address() as AddressInfo).port}`
  const uploadsUrl = `http://127.0.0.1:${(uploads.address() as AddressInfo).port}`
  const git = createGitStore(url, repository)

  async function handle(origin: 'api' | 'uploads', req: IncomingMessage, res: ServerResponse): Promise<void> {
    const record: RecordedRequest = { origin, method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization, status: 0, body: Buffer.alloc(0) }
    requests.push(record)
    const send = (status: number, body?: unknown, headers: Record<string, string> = {}): void => {
      record.status = status
      const text = body === undefined ? '' : JSON.stringify(body)
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), ...headers })
      res.end(text)
    }
    try {
      const body = await readBody(req)
      record.body = body
      const rawPrefix = `/${repository}/raw/`
      if (origin === 'api' && req.method === 'GET' && (req.url ?? '').startsWith(rawPrefix)) {
        // What a browser (or GitHub's image proxy) fetches for an <img>: no token, the bytes as stored.
        const bytes = git.raw(new URL(req.url ?? '/', url).pathname.slice(rawPrefix.length))
        record.status = bytes ? 200 : 404
        res.writeHead(record.status, { 'content-type': bytes ? 'application/octet-stream' : 'text/plain', 'content-length': String(bytes?.length ?? 9) })
        return void res.end(bytes ?? 'Not Found')
      }
      if (req.headers.authorization !== `token ${token}` && req.headers.authorization !== `Bearer ${token}`) {
        return send(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' })
      }
      if (failures && failures.count > 0) {
        failures.count--
        return send(failures.status, { message: failures.message, documentation_url: 'https://docs.github.com/rest' }, failures.headers)
      }
      const u = new URL(req.url ?? '/', origin === 'api' ? url : uploadsUrl)
      const prefix = `/repos/${repository}`
      if (!u.pathname.startsWith(`${prefix}/`)) return send(404, { message: 'Not Found' })
      const route = `${req.method} ${u.pathname.slice(prefix.length)}`
      const forbid = (area: ForbiddenArea): boolean => {
        if (!forbidden.has(area)) return false
        send(403, { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest', status: '403' })
        return true
      }
      let m: RegExpExecArray | null

      if (origin === 'uploads') {
        if ((m = /^POST \/releases\/(\d+)\/assets$/.exec(route))) return uploadAsset(Number(m[1]), u, req, body, send, forbid)
        return send(404, { message: 'Not Found' })
      }
      if (u.pathname.slice(prefix.length).startsWith('/git/')) {
        if (req.method !== 'GET' && forbid('contents')) return
        const reply = git.handle(req.method ?? '', u.pathname.slice(prefix.length), u.searchParams, parseJson(body))
        return reply ? send(reply.status, reply.body) : send(404, { message: 'Not Found' })
      }
      if ((m = /^GET \/issues\/(\d+)\/comments$/.exec(route))) {
        if (gate) {
          const g = gate
          await new Promise<void>((resolve) => {
            g.parked.push(resolve)
            if (g.parked.length >= g.count) {
              gate = undefined
              for (const release of g.parked) release()
            }
          })
        }
        const list = comments.filter((c) => c.issue === Number(m?.[1])).sort((a, b) => a.id - b.id)
        return paginate(u, list.map(commentJson), send)
      }
      if ((m = /^POST \/issues\/(\d+)\/comments$/.exec(route))) {
        if (forbid('comments')) return
        const text = parseJson(body).body
        if (typeof text !== 'string' || text === '') return send(422, { message: 'Validation Failed', errors: [{ field: 'body', code: 'missing_field' }] })
        if (text.length > 65536) return send(422, { message: 'Validation Failed', errors: [{ message: 'Body is too long (maximum is 65536 characters)' }] })
        const c: StoredComment = { id: nextId++, issue: Number(m[1]), body: text, created: ++clock, updated: clock }
        comments.push(c)
        return send(201, commentJson(c))
      }
      if ((m = /^PATCH \/issues\/comments\/(\d+)$/.exec(route))) {
        if (forbid('comments')) return
        const c = comments.find((x) => x.id === Number(m?.[1]))
        if (!c) return send(404, { message: 'Not Found' })
        const text = parseJson(body).body
        if (typeof text !== 'string' || text.length > 65536) return send(422, { message: 'Validation Failed' })
        c.body = text
        c.updated = ++clock
        return send(200, commentJson(c))
      }
      if ((m = /^DELETE \/issues\/comments\/(\d+)$/.exec(route))) {
        if (forbid('comments')) return
        const at = comments.findIndex((x) => x.id === Number(m?.[1]))
        if (at < 0) return send(404, { message: 'Not Found' })
        comments.splice(at, 1)
        return send(204)
      }
      if ((m = /^GET \/commits\/([0-9a-f]{40})\/pulls$/.exec(route))) {
        const sha = m[1]
        return send(
          200,
          pulls
            .filter((p) => p.sha === sha)
            .map((p) => ({ number: p.number, state: p.state, head: { sha: p.sha, ref: `branch-${p.number}` }, html_url: `https://github.com/${repository}/pull/${p.number}` }))
        )
      }
      if ((m = /^GET \/pulls\/(\d+)$/.exec(route))) {
        const p = pulls.find((x) => x.number === Number(m?.[1]))
        return p
          ? send(200, { number: p.number, state: p.state, head: { sha: p.sha, ref: `branch-${p.number}` }, html_url: `https://github.com/${repository}/pull/${p.number}` })
          : send(404, { message: 'Not Found' })
      }
      if ((m = /^GET \/releases\/tags\/(.+)$/.exec(route))) {
        const r = releases.find((x) => x.tag === decodeURIComponent(m?.[1] ?? '') && !x.draft)
        return r ? send(200, releaseJson(r)) : send(404, { message: 'Not Found' })
      }
      if (route === 'GET /releases') return paginate(u, [...releases].reverse().map(releaseJson), send)
      if ((m = /^GET \/releases\/(\d+)$/.exec(route))) {
        const r = releases.find((x) => x.id === Number(m?.[1]))
        return r ? send(200, releaseJson(r)) : send(404, { message: 'Not Found' })
      }
      if ((m = /^GET \/releases\/(\d+)\/assets$/.exec(route))) {
        const r = releases.find((x) => x.id === Number(m?.[1]))
        return r
          ? paginate(
              u,
              r.assets.map((a) => assetJson(r, a)),
              send
            )
          : send(404, { message: 'Not Found' })
      }
      if ((m = /^DELETE \/releases\/assets\/(\d+)$/.exec(route))) {
        if (forbid('releases')) return
        for (const r of releases) {
          const at = r.assets.findIndex((a) => a.id === Number(m?.[1]))
          if (at >= 0) {
            r.assets.splice(at, 1)
            return send(204)
          }
        }
        return send(404, { message: 'Not Found' })
      }
      return send(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' })
    } catch (error) {
      send(500, { message: error instanceof Error ? error.message : String(error) })
    }
  }

  function uploadAsset(releaseId: number, u: URL, req: IncomingMessage, body: Buffer, send: (status: number, body?: unknown) => void, forbid: (area: ForbiddenArea) => boolean): void {
    if (forbid('releases')) return
    const r = releases.find((x) => x.id === releaseId)
    if (!r) return send(404, { message: 'Not Found' })
    const name = u.searchParams.get('name')
    if (!name) return send(422, { message: 'Validation Failed', errors: [{ field: 'name', code: 'missing' }] })
    // GitHub needs the length up front and refuses a second asset of the same name.
    if (req.headers['content-length'] === undefined) return send(411, { message: 'Length Required' })
    if (Number(req.headers['content-length']) !== body.length) return send(400, { message: 'Content-Length does not match the body' })
    if (r.assets.some((a) => a.name === name)) return send(422, { message: 'Validation Failed', errors: [{ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' }] })
    const asset: StoredAsset = { id: nextId++, name, label: u.searchParams.get('label') ?? '', contentType: String(req.headers['content-type'] ?? ''), bytes: body }
    r.assets.push(asset)
    send(201, assetJson(r, asset))
  }

  function paginate(u: URL, items: unknown[], send: (status: number, body?: unknown, headers?: Record<string, string>) => void): void {
    const perPage = Math.min(MAX_PER_PAGE, Math.max(1, Number(u.searchParams.get('per_page') ?? 30) || 30))
    const page = Math.max(1, Number(u.searchParams.get('page') ?? 1) || 1)
    const last = Math.max(1, Math.ceil(items.length / perPage))
    const link = (p: number, rel: string): string => {
      const next = new URL(u.pathname + u.search, url)
      next.searchParams.set('page', String(p))
      next.searchParams.set('per_page', String(perPage))
      return `<${next.href}>; rel="${rel}"`
    }
    const links: string[] = []
    if (page > 1) links.push(link(page - 1, 'prev'), link(1, 'first'))
    if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'))
    send(200, items.slice((page - 1) * perPage, page * perPage), links.length ? { link: links.join(', ') } : {})
  }

  function commentJson(c: StoredComment): Record<string, unknown> {
    return {
      id: c.id,
      body: c.body,
      html_url: `https://github.com/${repository}/pull/${c.issue}#issuecomment-${c.id}`,
      issue_url: `${url}/repos/${repository}/issues/${c.issue}`,
      user: { login: 'github-actions[bot]', type: 'Bot' },
      created_at: new Date(Date.UTC(2025, 0, 1) + c.created * 1000).toISOString(),
      updated_at: new Date(Date.UTC(2025, 0, 1) + c.updated * 1000).toISOString()
    }
  }

  function releaseJson(r: StoredRelease): Record<string, unknown> {
    return {
      id: r.id,
      tag_name: r.tag,
      draft: r.draft,
      html_url: `https://github.com/${repository}/releases/tag/${r.tag}`,
      upload_url: uploadUrlOverride ?? `${uploadsUrl}/repos/${repository}/releases/${r.id}/assets{?name,label}`,
      assets: r.assets.map((a) => assetJson(r, a))
    }
  }

  function assetJson(r: StoredRelease, a: StoredAsset): Record<string, unknown> {
    return {
      id: a.id,
      name: a.name,
      label: a.label,
      content_type: a.contentType,
      state: 'uploaded',
      size: a.bytes.length,
      digest: `sha256:${createHash('sha256').update(a.bytes).digest('hex')}`,
      url: `${url}/repos/${repository}/releases/assets/${a.id}`,
      browser_download_url: `https://github.com/${repository}/releases/download/${r.tag}/${a.name}`
    }
  }

  return {
    url,
    uploadsUrl,
    token,
    repository,
    requests,
    comments: (issue) => comments.filter((c) => c.issue === issue).sort((a, b) => a.id - b.id),
    addComments(issue, count, body = (i) => `A comment from a reviewer (${i + 1})`) {
      for (let i = 0; i < count; i++) comments.push({ id: nextId++, issue, body: body(i), created: ++clock, updated: clock })
    },
    addPull: (pull) => void pulls.push({ state: 'open', ...pull }),
    movePull(number, sha) {
      const p = pulls.find((x) => x.number === number)
      if (p) p.sha = sha
    },
    addRelease({ tag, draft = false }) {
      const r: StoredRelease = { id: nextId++, tag, draft, assets: [] }
      releases.push(r)
      return r
    },
    release: (tag) => releases.find((r) => r.tag === tag),
    forbid(area, on = true) {
      if (on) forbidden.add(area)
      else forbidden.delete(area)
    },
    overrideUploadUrl(u) {
      uploadUrlOverride = u
    },
    resetRequests: () => void requests.splice(0),
    git,
    failNext(count, status, message = 'Server Error', headers = {}) {
      failures = { count, status, message, headers }
    },
    gateCommentLists(count) {
      gate = { count, parked: [] }
    },
    close: () => Promise.all([closeServer(api), closeServer(uploads)]).then(() => undefined)
  }
}

function listen(server: Server): Promise<void> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections()
  return new Promise((resolve) => server.close(() => resolve()))
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

function parseJson(body: Buffer): Record<string, unknown> {
  try {
    const value = JSON.parse(body.toString('utf8')) as unknown
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}
