/** The fixed choices of the action's inputs; no dependencies, so any stage or sub-action may import them. */

export const QUALITIES = ['draft', 'standard', 'high'] as const
export const FORMATS = ['mp4', 'webm', 'mov'] as const
export const RESOLUTIONS = ['1080p', '4k'] as const
export const ASPECT_RATIOS = ['16:9', '9:16', '1:1'] as const
/** `auto` reads the ratio from the composition's data-width / data-height (src/project/render-settings.ts). */
export const ASPECT_RATIO_INPUTS = ['auto', ...ASPECT_RATIOS] as const
export const ARTIFACT_MODES = ['per-video', 'bundle', 'none'] as const
export const FAIL_ON = ['any', 'all', 'never'] as const
/** `warn`: findings are annotations and the run goes on; `strict`: lint errors stop it before upload; `off`: no lint. */
export const LINT_MODES = ['warn', 'strict', 'off'] as const
/** `render` renders (this job's shard of) the matrix; `plan` only outputs the shards for a job matrix. */
export const MODES = ['render', 'plan'] as const

export type Quality = (typeof QUALITIES)[number]
export type Format = (typeof FORMATS)[number]
export type Resolution = (typeof RESOLUTIONS)[number]
export type AspectRatio = (typeof ASPECT_RATIOS)[number]
export type AspectRatioInput = (typeof ASPECT_RATIO_INPUTS)[number]
export type ArtifactMode = (typeof ARTIFACT_MODES)[number]
export type FailOn = (typeof FAIL_ON)[number]
export type LintMode = (typeof LINT_MODES)[number]
export type Mode = (typeof MODES)[number]
