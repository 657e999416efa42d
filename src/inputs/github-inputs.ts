import * as core from '@actions/core'
import path from 'node:path'
import { input } from './action-input.js'
import { InputError } from './input-error.js'
import type { RunContext } from './run-context.js'
import { parseEnum } from './values.js'
import { registerSecret } from '../untrusted-text.js'

export const COMMENT_MODES = ['auto', 'true', 'false'] as const
export type CommentMode = (typeof COMMENT_MODES)[number]

/** The release the videos go to: a tag, and the id when a `release` event named it. */
export interface ReleaseTarget {
  tag: string
  id?: number
}

/** Inputs for publishing to GitHub itself: the PR comment and release assets. */
export interface GitHubInputs {
  /** Empty off a runner (action.yml's default `${{ github.token }}` applies only on one). */
  token: string
  comment: CommentMode
  commentKey: string
  release?: ReleaseTarget
}

const MAX_KEY_LENGTH = 200

/**
 * Reads github-token and masks it at once: called before any other input is read, so the token is
 * masked even when a later input is refused.
 */
export function readGitHubToken(): string {
  const token = core.getInput('github-token').trim()
  if (token) {
    core.setSecret(token)
    registerSecret(token)
  }
  return token
}

/** Reads comment, comment-key and release; the default comment key comes from the inputs already read. */
export function readGitHubInputs(ctx: Pick<RunContext, 'workspace' | 'release'>, token: string, project: { projectDir: string; composition: string }): GitHubInputs {
  const key = input('comment-key').trim() || defaultCommentKey(ctx.workspace, project.projectDir, project.composition)
  if (key.length > MAX_KEY_LENGTH) throw new InputError('comment-key', `is ${key.length} characters long; keep it under ${MAX_KEY_LENGTH}.`)
  if (/[\r\n]/.test(key)) throw new InputError('comment-key', 'must be a single line.')

  return {
    token,
    comment: parseEnum(input('comment', 'auto'), 'comment', COMMENT_MODES),
    commentKey: key,
    release: readRelease(ctx)
  }
}

/**
 * The project folder and entry file tell one composition's comment from another's, so two jobs
 * (or two steps) rendering different compositions on one PR keep a comment each.
 */
export function defaultCommentKey(workspace: string, projectPath: string, composition: string): string {
  const rel = path
    .relative(workspace, path.resolve(workspace, projectPath.trim() || '.'))
    .split(path.sep)
    .join('/')
  return path.posix.join(rel || '.', composition.trim() || 'index.html')
}

/** The `release` input, else the release of a `release` event, else none. */
function readRelease(ctx: Pick<RunContext, 'release'>): ReleaseTarget | undefined {
  const tag = input('release').trim()
  if (!tag) return ctx.release
  if (/\s/.test(tag)) throw new InputError('release', `'${tag}' is not a tag name; tags have no spaces (e.g. v1.2.0).`)
  // The event's release id also finds a draft, which a lookup by tag cannot.
  return { tag, id: ctx.release?.tag === tag ? ctx.release.id : undefined }
}
