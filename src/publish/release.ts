import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import path from 'node:path'
import type { ReleaseTarget } from '../inputs/github-inputs.js'
import { UserError } from '../user-error.js'
import { httpStatus, type GitHubClient } from './github-client.js'
import { sha256File } from './sha256-file.js'

export interface ReleaseVideo {
  /** Matrix index, to hand the asset URL back to the right result. */
  index: number
  path: string
}

export interface AttachedAsset {
  index: number
  name: string
  url: string
  action: 'uploaded' | 'replaced' | 'unchanged'
}

/** The release as the API describes it; looked up before any render is paid for. */
export interface Release {
  id: number
  tag_name: string
  upload_url: string
}

interface Asset {
  id: number
  name: string
  browser_download_url: string
  /** `sha256:<hex>`, computed by GitHub for assets uploaded since mid-2025; null or absent elsewhere (older GHES). */
  digest?: string | null
}

const CONTENT_TYPES: Record<string, string> = { '.mp4': 'video/mp4', '.webm': 'video/webm', '.mov': 'video/quicktime' }
/** Drafts are not found by tag; they are listed newest first, so a few pages are plenty. */
const DRAFT_SEARCH_PAGES = 5

/**
 * Attaches each video to the release as an asset named after the file. A same-named asset is
 * kept when its digest matches (a re-run of the same commit uploads nothing) and replaced when it
 * differs, so the release never holds two copies. `attached` is filled as uploads finish, so a
 * failure part-way still reports the ones that made it.
 */
export async function attachToRelease(gh: GitHubClient, target: ReleaseTarget, videos: ReleaseVideo[], attached: AttachedAsset[], found?: Release): Promise<void> {
  const release = found ?? (await findRelease(gh, target))
  // upload_url comes from the API (uploads.github.com, or the GHES host): check it before the token goes there.
  gh.trustUploadUrl(release.upload_url)
  const assets: Asset[] = await gh.octokit.paginate(gh.octokit.rest.repos.listReleaseAssets, { owner: gh.owner, repo: gh.repo, release_id: release.id, per_page: 100 })

  for (const video of videos) {
    const name = path.basename(video.path)
    const digest = `sha256:${await sha256File(video.path)}`
    const existing = assets.find((a) => a.name === name)
    if (existing?.digest === digest) {
      attached.push({ index: video.index, name, url: existing.browser_download_url, action: 'unchanged' })
      continue
    }
    if (existing) await gh.octokit.rest.repos.deleteReleaseAsset({ owner: gh.owner, repo: gh.repo, asset_id: existing.id })
    const size = (await stat(video.path)).size
    const { data } = await gh.octokit.rest.repos.uploadReleaseAsset({
      owner: gh.owner,
      repo: gh.repo,
      release_id: release.id,
      url: release.upload_url,
      name,
      // Streamed: a 4k video need not sit in memory. Octokit passes the body to fetch as is.
      data: createReadStream(video.path) as unknown as string,
      headers: { 'content-type': CONTENT_TYPES[path.extname(name).toLowerCase()] ?? 'application/octet-stream', 'content-length': size }
    })
    attached.push({ index: video.index, name, url: data.browser_download_url, action: existing ? 'replaced' : 'uploaded' })
  }
}

/** The release by id, by tag, else a draft with that tag; a UserError naming the input when there is none. */
export async function findRelease(gh: GitHubClient, target: ReleaseTarget): Promise<Release> {
  const repo = { owner: gh.owner, repo: gh.repo }
  if (target.id !== undefined) return (await gh.octokit.rest.repos.getRelease({ ...repo, release_id: target.id })).data
  try {
    return (await gh.octokit.rest.repos.getReleaseByTag({ ...repo, tag: target.tag })).data
  } catch (error) {
    if (httpStatus(error) !== 404) throw error
  }
  let pages = 0
  for await (const page of gh.octokit.paginate.iterator(gh.octokit.rest.repos.listReleases, { ...repo, per_page: 100 })) {
    const draft = page.data.find((r) => r.tag_name === target.tag)
    if (draft) return draft
    if (++pages >= DRAFT_SEARCH_PAGES) break
  }
  throw new UserError(`Input 'release': ${gh.owner}/${gh.repo} has no release for tag '${target.tag}'. Create the release (a draft is fine) before this step, or leave release empty.`)
}
