import { input } from './action-input.js'
import { InputError } from './input-error.js'
import { parseEnum, parseInteger } from './values.js'

export const PREVIEW_MODES = ['auto', 'poster', 'none'] as const
export type PreviewMode = (typeof PREVIEW_MODES)[number]

/** How each finished video gets a small preview, and where the previews are hosted. */
export interface PreviewInputs {
  /** auto: animated when ffmpeg is on the runner, else a still poster; poster: always a still; none: no previews. */
  mode: PreviewMode
  /** Branch the previews are committed to, so a PR comment can embed them for good; undefined: no hosting. */
  branch?: string
  /** Previews on the branch older than this are pruned on every write. */
  retentionDays: number
  /** In shard mode, `<i>of<n>`: each shard hosts in its own folder, so one shard's commit does not replace another's previews. */
  shard?: string
}

/** Reads preview, preview-branch and preview-retention-days; throws InputError before any network call. */
export function readPreviewInputs(): PreviewInputs {
  const mode = parseEnum(input('preview', 'auto'), 'preview', PREVIEW_MODES)
  const branch = input('preview-branch').trim()
  if (branch) checkBranchName(branch)
  return {
    mode,
    branch: branch || undefined,
    retentionDays: parseInteger(input('preview-retention-days', '30'), 'preview-retention-days', 1, 3650)
  }
}

/** The rules of git check-ref-format that a user can plausibly break, as one readable message. */
function checkBranchName(branch: string): void {
  const bad =
    /[\s~^:?*[\\\x00-\x1f\x7f]/.test(branch) ||
    branch.startsWith('/') ||
    branch.endsWith('/') ||
    branch.endsWith('.') ||
    branch.endsWith('.lock') ||
    branch.includes('..') ||
    branch.includes('//') ||
    branch.includes('@{') ||
    branch.startsWith('refs/') ||
    branch.split('/').some((part) => part.startsWith('.'))
  if (bad) throw new InputError('preview-branch', `'${branch}' is not a valid branch name; expected a plain name such as hyperframes-previews (no spaces, no 'refs/' prefix).`)
}
