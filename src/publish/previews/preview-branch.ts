import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import type { GitHubClient } from '../github-client.js'
import { httpStatus } from '../github-client.js'
import type { Preview } from './make-previews.js'

/** At the branch's root: when each preview was written, so old ones can be pruned. */
export const INDEX_FILE = 'previews-index.json'
const INDEX_VERSION = 1
/** A lost race is retried on the new head; past this, two writers keep colliding and we give up. */
const MAX_ATTEMPTS = 6
const DAY_MS = 86_400_000

export interface PreviewBranchTarget {
  branch: string
  commentKey: string
  /** The PR number, or the commit when there is no PR. */
  scope: string
  retentionDays: number
  /** GITHUB_SERVER_URL and owner/name, for the raw URLs. */
  serverUrl: string
  repository: string
  /** Epoch ms, injected for tests. */
  now?: number
}

export interface HostedPreviews {
  /** The embeddable raw URL of each preview, by matrix index. */
  urls: Map<number, string>
  commit: string
  /** Files dropped because they outlived the retention. */
  pruned: number
  /** Ref updates that lost a race and were redone on the new head. */
  retries: number
}

interface IndexFile {
  version: number
  /** path → ISO time it was written. */
  files: Record<string, string>
}

interface Entry {
  path: string
  sha: string
}

/** `<comment-key>/<scope>/`, with the key made one safe path segment (plus a hash, so `a/b` and `a-b` differ). */
export function previewFolder(commentKey: string, scope: string): string {
  const slug =
    commentKey
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^[-.]+|[-.]+$/g, '')
      .slice(0, 60) || 'previews'
  const hash = createHash('sha256').update(commentKey).digest('hex').slice(0, 8)
  return `${slug}-${hash}/${scope.replace(/[^A-Za-z0-9._-]+/g, '-')}`
}

/** The file's name on the branch: the render's name, made safe, with the image's extension. */
export function previewFileName(p: Preview): string {
  const ext = p.path.slice(p.path.lastIndexOf('.') + 1)
  return `${p.name.replace(/[^A-Za-z0-9._-]+/g, '-')}.${ext}`
}

/** `${GITHUB_SERVER_URL}/<owner>/<repo>/raw/<branch>/<path>`: works on GHES and, for a private repository, for its readers. */
export function rawUrl(serverUrl: string, repository: string, branch: string, filePath: string, version: string): string {
  const enc = (s: string): string => s.split('/').map(encodeURIComponent).join('/')
  // The blob's hash in the query: the same path gets new bytes on every run, and image proxies cache by URL.
  return `${serverUrl}/${repository}/raw/${enc(branch)}/${enc(filePath)}?v=${version.slice(0, 12)}`
}

/**
 * Commits the previews to `branch` with the Git Data API as one orphan commit whose tree is the
 * previous tree, minus this comment-key's files for this scope and anything past retention, plus
 * the new files. The compare-and-swap is a fast-forward: a commit on top of the head we read is
 * pushed without force, so a job that raced us makes it fail and we redo the write on the new
 * head; only then is the branch squashed to the orphan with the same tree.
 */
export async function commitPreviews(gh: GitHubClient, previews: Preview[], target: PreviewBranchTarget): Promise<HostedPreviews> {
  const { owner, repo } = gh
  const git = gh.octokit.rest.git
  const now = target.now ?? Date.now()
  const folder = previewFolder(target.commentKey, target.scope)
  const refName = `heads/${target.branch}`

  // Blobs are content-addressed: uploaded once, reused by every attempt.
  const added: Array<Entry & { index: number }> = []
  for (const p of previews) {
    const content = (await readFile(p.path)).toString('base64')
    const { data } = await git.createBlob({ owner, repo, content, encoding: 'base64' })
    added.push({ index: p.index, path: `${folder}/${previewFileName(p)}`, sha: data.sha })
  }
  const urls = new Map(added.map((a) => [a.index, rawUrl(target.serverUrl, target.repository, target.branch, a.path, a.sha)]))

  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const head = await readHead(gh, refName)
    const base = head ? await readTree(gh, head.tree) : { entries: [], index: { version: INDEX_VERSION, files: {} } }
    const cutoff = now - target.retentionDays * DAY_MS
    let pruned = 0
    const kept = base.entries.filter((e) => {
      if (e.path === INDEX_FILE || e.path.startsWith(`${folder}/`)) return false
      const written = base.index.files[e.path]
      if (written !== undefined && !(Date.parse(written) >= cutoff)) {
        pruned++
        return false
      }
      return true
    })
    const index: IndexFile = { version: INDEX_VERSION, files: {} }
    for (const e of kept) if (base.index.files[e.path] !== undefined) index.files[e.path] = base.index.files[e.path]
    for (const a of added) index.files[a.path] = new Date(now).toISOString()
    const indexBlob = await git.createBlob({ owner, repo, content: JSON.stringify(index, null, 1) + '\n', encoding: 'utf-8' })
    const tree = await git.createTree({
      owner,
      repo,
      tree: [...kept, ...added, { path: INDEX_FILE, sha: indexBlob.data.sha }].map((e) => ({ path: e.path, mode: '100644' as const, type: 'blob' as const, sha: e.sha }))
    })
    const message = `Previews for ${target.commentKey} at ${target.scope}`
    const orphan = await git.createCommit({ owner, repo, message, tree: tree.data.sha, parents: [] })

    if (!head) {
      try {
        await git.createRef({ owner, repo, ref: `refs/${refName}`, sha: orphan.data.sha })
        return { urls, commit: orphan.data.sha, pruned, retries: attempt }
      } catch (error) {
        if (httpStatus(error) === 422) continue // another job created the branch first
        throw error
      }
    }
    // The compare-and-swap: without force, this only lands if the head is still the one we read.
    const step = await git.createCommit({ owner, repo, message, tree: tree.data.sha, parents: [head.commit] })
    try {
      await git.updateRef({ owner, repo, ref: refName, sha: step.data.sha, force: false })
    } catch (error) {
      if (httpStatus(error) === 422 || httpStatus(error) === 409) continue
      throw error
    }
    // Squash to the orphan, unless another job has already built on our commit: its tree holds ours.
    const current = await readHead(gh, refName)
    if (current?.commit === step.data.sha) await git.updateRef({ owner, repo, ref: refName, sha: orphan.data.sha, force: true })
    // A writer that squashed in the same instant can still have dropped our files: check, and redo if so.
    const final = await readHead(gh, refName)
    if (final && (final.commit === orphan.data.sha || (await holds(gh, final.tree, added)))) {
      return { urls, commit: final.commit, pruned, retries: attempt }
    }
  }
  throw new Error(`could not update branch '${target.branch}': ${MAX_ATTEMPTS} attempts in a row lost a race with other jobs writing previews`)
}

async function readHead(gh: GitHubClient, refName: string): Promise<{ commit: string; tree: string } | undefined> {
  try {
    const ref = await gh.octokit.rest.git.getRef({ owner: gh.owner, repo: gh.repo, ref: refName })
    const commit = await gh.octokit.rest.git.getCommit({ owner: gh.owner, repo: gh.repo, commit_sha: ref.data.object.sha })
    return { commit: commit.data.sha, tree: commit.data.tree.sha }
  } catch (error) {
    if (httpStatus(error) === 404) return undefined
    throw error
  }
}

async function readTree(gh: GitHubClient, treeSha: string): Promise<{ entries: Entry[]; index: IndexFile }> {
  const { data } = await gh.octokit.rest.git.getTree({ owner: gh.owner, repo: gh.repo, tree_sha: treeSha, recursive: 'true' })
  const entries = data.tree.filter((e) => e.type === 'blob' && e.path && e.sha).map((e) => ({ path: e.path as string, sha: e.sha as string }))
  const indexEntry = entries.find((e) => e.path === INDEX_FILE)
  let index: IndexFile = { version: INDEX_VERSION, files: {} }
  if (indexEntry) {
    const blob = await gh.octokit.rest.git.getBlob({ owner: gh.owner, repo: gh.repo, file_sha: indexEntry.sha })
    index = parseIndex(Buffer.from(blob.data.content, blob.data.encoding === 'base64' ? 'base64' : 'utf8').toString('utf8'))
  }
  return { entries, index }
}

/** A damaged index forgets the dates (nothing is pruned for it) rather than failing the write. */
export function parseIndex(text: string): IndexFile {
  try {
    const value = JSON.parse(text) as { files?: unknown }
    const files: Record<string, string> = {}
    if (value && typeof value.files === 'object' && value.files !== null) {
      for (const [k, v] of Object.entries(value.files)) if (typeof v === 'string') files[k] = v
    }
    return { version: INDEX_VERSION, files }
  } catch {
    return { version: INDEX_VERSION, files: {} }
  }
}

async function holds(gh: GitHubClient, treeSha: string, added: Entry[]): Promise<boolean> {
  const { entries } = await readTree(gh, treeSha)
  const have = new Map(entries.map((e) => [e.path, e.sha]))
  return added.every((a) => have.get(a.path) === a.sha)
}
