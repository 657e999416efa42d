import type { ActionInputs } from '../inputs/read-inputs.js'
import { mergeVariables, type Variables } from '../inputs/matrix.js'
import { renderNames, renderTemplate, type TemplateContext } from '../inputs/template.js'
import { InputError } from '../inputs/input-error.js'
import type { CreateRenderBody } from '../heygen/renders.js'

/** One render to submit: everything but the asset id, which only exists after the upload. */
export interface RenderJob {
  /** 1-based position in the matrix. */
  index: number
  name: string
  variables: Variables
  request: Omit<CreateRenderBody, 'project'>
}

const TITLE_MAX = 500
const CALLBACK_ID_MAX = 256

/** Expands the matrix into render jobs: names, titles, merged variables and the request body. */
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
    const request: Omit<CreateRenderBody, 'project'> = {
      fps: s.fps,
      quality: s.quality,
      format: s.format,
      resolution: s.resolution,
      aspect_ratio: s.aspectRatio,
      // index.html is the API's own default: leave it out so the body stays minimal.
      composition: wireComposition(inputs.composition),
      variables: Object.keys(ctx.variables).length > 0 ? ctx.variables : undefined,
      title,
      callback_id: callbackId,
      callback_url: inputs.callbackUrl
    }
    return { index: ctx.index, name, variables: ctx.variables, request: dropUndefined(request) }
  })
}

/**
 * The entry path as the zip names it: the API refuses './index.html' and backslashes, which
 * name no zip entry. undefined for index.html, the API's own default.
 */
export function wireComposition(composition: string): string | undefined {
  const entry = composition.replace(/\\/g, '/').split('/').filter((s) => s !== '' && s !== '.').join('/')
  return entry === 'index.html' ? undefined : entry
}

function dropUndefined<T extends object>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T
}
