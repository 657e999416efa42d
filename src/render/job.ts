import type { ActionInputs, AspectRatio, Format, Quality, Resolution } from '../inputs/read-inputs.js'
import { mergeVariables, type Variables } from '../inputs/matrix.js'
import { renderNames, renderTemplate, type TemplateContext } from '../inputs/template.js'
import { InputError } from '../inputs/input-error.js'

/**
 * When a job names no frame rate, every backend renders at this one (HeyGen's API default), so
 * the same job renders the same wherever it runs.
 */
export const DEFAULT_FPS = 30

/** How one render is made, in the render stage's own words; each backend translates it. */
export interface JobSettings {
  /** The entry file's path inside the project zip, posix separators ('index.html' by default). */
  composition: string
  /** Unset: the backend renders at DEFAULT_FPS. */
  fps?: number
  quality: Quality
  format: Format
  resolution: Resolution
  aspectRatio: AspectRatio
  title: string
  callbackId?: string
  callbackUrl?: string
}

/** One render to submit, whoever renders it. */
export interface RenderJob {
  /** 1-based position in the matrix. */
  index: number
  name: string
  variables: Variables
  settings: JobSettings
}

const TITLE_MAX = 500
const CALLBACK_ID_MAX = 256

/** Expands the matrix into render jobs: names, titles, merged variables and settings. */
export function planJobs(inputs: ActionInputs, sha: string): RenderJob[] {
  const contexts: TemplateContext[] = inputs.matrix.map((entry, i) => ({
    variables: mergeVariables(inputs.baseVariables, entry),
    index: i + 1,
    sha
  }))
  const names = renderNames(inputs.nameTemplate, contexts, 'name')
  return contexts.map((ctx, i) => {
    const name = names[i]
    const title = inputs.titleTemplate ? renderTemplate(inputs.titleTemplate, ctx, 'title') : name
    if (title.length > TITLE_MAX) {
      throw new InputError('title', `entry ${ctx.index} (${name}) gives a title of ${title.length} characters; the API takes at most ${TITLE_MAX}.`)
    }
    const callbackId = inputs.callbackIdTemplate ? renderTemplate(inputs.callbackIdTemplate, ctx, 'callback-id') : undefined
    if (callbackId && callbackId.length > CALLBACK_ID_MAX) {
      throw new InputError('callback-id', `entry ${ctx.index} (${name}) gives ${callbackId.length} characters; the API takes at most ${CALLBACK_ID_MAX}.`)
    }
    const s = inputs.settings
    const settings: JobSettings = {
      composition: zipEntry(inputs.composition),
      fps: s.fps,
      quality: s.quality,
      format: s.format,
      resolution: s.resolution,
      aspectRatio: s.aspectRatio,
      title,
      callbackId,
      callbackUrl: inputs.callbackUrl
    }
    return { index: ctx.index, name, variables: ctx.variables, settings }
  })
}

/**
 * The entry path as the zip names it: './index.html' and backslashes name no zip entry.
 */
export function zipEntry(composition: string): string {
  return composition
    .replace(/\\/g, '/')
    .split('/')
    .filter((s) => s !== '' && s !== '.')
    .join('/')
}
