import { createHash } from 'node:crypto'

// The Git Data API of the local GitHub server (blobs, trees, commits, refs), in memory, with the
// semantics the action relies on: content-addressed objects, trees built from paths with or
// without base_tree, and ref updates that refuse a non-fast-forward unless forced.

export interface GitReply {
  status: number
  body: unknown
}

interface Commit {
  tree: string
  parents: string[]
  message: string
}

type Tree = Map<string, string> // path → blob sha, flat (directories are implied by the paths)

export interface GitStore {
  /** Handles `METHOD /git/...` (the part after /repos/owner/name); undefined when the route is not Git Data. */
  handle(method: string, route: string, query: URLSearchParams, body: Record<string, unknown>): GitReply | undefined
  /** Every file on the branch, by path; undefined when there is no such branch. */
  files(branch: string): Map<string, Buffer> | undefined
  /** The commit the branch points at. */
  head(branch: string): { sha: string; parents: string[]; message: string } | undefined
  /** The bytes at `rest` (`<branch>/<path>`, the branch may itself hold slashes), as /raw/ serves them. */
  raw(rest: string): Buffer | undefined
  /** Pretends the branch already holds these files, written long ago (to test pruning). */
  seed(branch: string, files: Record<string, Buffer>, index?: Record<string, string>): void
}

const sha1 = (text: string | Buffer): string => createHash('sha1').update(text).digest('hex')
const notFound: GitReply = { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/git' } }
const invalid = (message: string): GitReply => ({ status: 422, body: { message, documentation_url: 'https://docs.github.com/rest/git' } })

export function createGitStore(apiUrl: string, repository: string): GitStore {
  const blobs = new Map<string, Buffer>()
  const trees = new Map<string, Tree>()
  const commits = new Map<string, Commit>()
  const refs = new Map<string, string>() // 'heads/x' → commit sha

  const addBlob = (bytes: Buffer): string => {
    const sha = sha1(Buffer.concat([Buffer.from(`blob ${bytes.length}\0`), bytes]))
    blobs.set(sha, bytes)
    return sha
  }
  const addTree = (tree: Tree): string => {
    const sha = sha1(`tree ${JSON.stringify([...tree].sort())}`)
    trees.set(sha, new Map(tree))
    return sha
  }
  const addCommit = (c: Commit): string => {
    const sha = sha1(`commit ${JSON.stringify(c)} ${commits.size}`)
    commits.set(sha, c)
    return sha
  }
  const isAncestor = (ancestor: string, of: string): boolean => {
    const seen = new Set<string>()
    const stack = [of]
    while (stack.length > 0) {
      const s = stack.pop() as string
      if (s === ancestor) return true
      if (seen.has(s)) continue
      seen.add(s)
      stack.push(...(commits.get(s)?.parents ?? []))
    }
    return false
  }
  const commitJson = (sha: string, c: Commit): Record<string, unknown> => ({
    sha,
    url: `${apiUrl}/repos/${repository}/git/commits/${sha}`,
    message: c.message,
    tree: { sha: c.tree, url: `${apiUrl}/repos/${repository}/git/trees/${c.tree}` },
    parents: c.parents.map((p) => ({ sha: p, url: `${apiUrl}/repos/${repository}/git/commits/${p}` }))
  })
  const refJson = (name: string, sha: string): Record<string, unknown> => ({ ref: `refs/${name}`, url: `${apiUrl}/repos/${repository}/git/refs/${name}`, object: { sha, type: 'commit' } })
  const treeJson = (sha: string, tree: Tree, recursive: boolean): Record<string, unknown> => {
    const entries: Array<Record<string, unknown>> = []
    const dirs = new Set<string>()
    for (const [p, blob] of [...tree].sort()) {
      const parts = p.split('/')
      for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'))
      if (recursive || parts.length === 1) entries.push({ path: p, mode: '100644', type: 'blob', sha: blob, size: blobs.get(blob)?.length ?? 0 })
    }
    for (const d of dirs) if (recursive || !d.includes('/')) entries.push({ path: d, mode: '040000', type: 'tree', sha: sha1(`dir ${sha} ${d}`) })
    return { sha, url: `${apiUrl}/repos/${repository}/git/trees/${sha}`, tree: entries, truncated: false }
  }

  function handle(method: string, route: string, query: URLSearchParams, body: Record<string, unknown>): GitReply | undefined {
    let m: RegExpExecArray | null
    if (method === 'POST' && route === '/git/blobs') {
      if (typeof body.content !== 'string') return invalid('Invalid request: content is missing')
      const bytes = Buffer.from(body.content, body.encoding === 'base64' ? 'base64' : 'utf8')
      const sha = addBlob(bytes)
      return { status: 201, body: { sha, url: `${apiUrl}/repos/${repository}/git/blobs/${sha}` } }
    }
    if (method === 'GET' && (m = /^\/git\/blobs\/([0-9a-f]{40})$/.exec(route))) {
      const bytes = blobs.get(m[1])
      return bytes ? { status: 200, body: { sha: m[1], size: bytes.length, encoding: 'base64', content: bytes.toString('base64') } } : notFound
    }
    if (method === 'POST' && route === '/git/trees') {
      if (!Array.isArray(body.tree)) return invalid('Invalid tree info')
      let tree: Tree = new Map()
      if (body.base_tree !== undefined) {
        const base = trees.get(String(body.base_tree))
        if (!base) return invalid('base_tree is not a valid tree')
        tree = new Map(base)
      }
      for (const raw of body.tree as Array<Record<string, unknown>>) {
        const p = raw.path
        if (typeof p !== 'string' || p === '' || p.startsWith('/') || p.split('/').some((s) => s === '' || s === '.' || s === '..')) return invalid(`Invalid tree path: ${String(p)}`)
        if (raw.type !== 'blob') return invalid('This stand-in only builds trees of blobs')
        if (raw.sha === null) {
          for (const k of [...tree.keys()]) if (k === p || k.startsWith(`${p}/`)) tree.delete(k)
        } else if (typeof raw.content === 'string') {
          tree.set(p, addBlob(Buffer.from(raw.content, 'utf8')))
        } else if (typeof raw.sha === 'string' && blobs.has(raw.sha)) {
          tree.set(p, raw.sha)
        } else {
          return invalid(`tree.sha ${String(raw.sha)} is not a valid blob`)
        }
      }
      const sha = addTree(tree)
      return { status: 201, body: treeJson(sha, tree, true) }
    }
    if (method === 'GET' && (m = /^\/git\/trees\/([0-9a-f]{40})$/.exec(route))) {
      const tree = trees.get(m[1])
      const recursive = query.has('recursive') && !['0', 'false', ''].includes(query.get('recursive') ?? '')
      return tree ? { status: 200, body: treeJson(m[1], tree, recursive) } : notFound
    }
    if (method === 'POST' && route === '/git/commits') {
      const tree = String(body.tree)
      const parents = Array.isArray(body.parents) ? body.parents.map(String) : []
      if (!trees.has(tree)) return invalid('Tree SHA does not exist')
      if (parents.some((p) => !commits.has(p))) return invalid('Parent SHA does not exist or is not a commit object')
      const c: Commit = { tree, parents, message: String(body.message ?? '') }
      const sha = addCommit(c)
      return { status: 201, body: commitJson(sha, c) }
    }
    if (method === 'GET' && (m = /^\/git\/commits\/([0-9a-f]{40})$/.exec(route))) {
      const c = commits.get(m[1])
      return c ? { status: 200, body: commitJson(m[1], c) } : notFound
    }
    if (method === 'GET' && (m = /^\/git\/ref\/(.+)$/.exec(route))) {
      const name = decodeURIComponent(m[1])
      const sha = refs.get(name)
      return sha ? { status: 200, body: refJson(name, sha) } : notFound
    }
    if (method === 'POST' && route === '/git/refs') {
      const ref = String(body.ref ?? '')
      const sha = String(body.sha ?? '')
      if (!/^refs\/.+\/.+/.test(ref)) return invalid('Reference name must start with refs/ and have at least two slashes')
      if (!commits.has(sha)) return invalid('Object does not exist')
      const name = ref.slice('refs/'.length)
      if (refs.has(name)) return invalid('Reference already exists')
      refs.set(name, sha)
      return { status: 201, body: refJson(name, sha) }
    }
    if (method === 'PATCH' && (m = /^\/git\/refs\/(.+)$/.exec(route))) {
      const name = decodeURIComponent(m[1])
      const sha = String(body.sha ?? '')
      const current = refs.get(name)
      if (!current) return invalid('Reference does not exist')
      if (!commits.has(sha)) return invalid('Object does not exist')
      if (body.force !== true && !isAncestor(current, sha)) return invalid('Update is not a fast forward')
      refs.set(name, sha)
      return { status: 200, body: refJson(name, sha) }
    }
    return undefined
  }

  const branchTree = (branch: string): Tree | undefined => {
    const sha = refs.get(`heads/${branch}`)
    const c = sha ? commits.get(sha) : undefined
    return c ? trees.get(c.tree) : undefined
  }

  return {
    handle,
    files(branch) {
      const tree = branchTree(branch)
      return tree ? new Map([...tree].map(([p, s]) => [p, blobs.get(s) as Buffer])) : undefined
    },
    head(branch) {
      const sha = refs.get(`heads/${branch}`)
      const c = sha ? commits.get(sha) : undefined
      return sha && c ? { sha, parents: c.parents, message: c.message } : undefined
    },
    raw(rest) {
      const parts = rest.split('/').map(decodeURIComponent)
      // The longest branch name that exists wins, as GitHub resolves refs with slashes.
      for (let i = parts.length - 1; i >= 1; i--) {
        const tree = branchTree(parts.slice(0, i).join('/'))
        if (tree) {
          const blob = tree.get(parts.slice(i).join('/'))
          return blob ? blobs.get(blob) : undefined
        }
      }
      return undefined
    },
    seed(branch, files, index) {
      const tree: Tree = new Map(Object.entries(files).map(([p, b]) => [p, addBlob(b)]))
      if (index) tree.set('previews-index.json', addBlob(Buffer.from(JSON.stringify({ version: 1, files: index }))))
      refs.set(`heads/${branch}`, addCommit({ tree: addTree(tree), parents: [], message: 'seeded' }))
    }
  }
}
