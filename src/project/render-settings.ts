import { InputError } from '../inputs/input-error.js'
import type { AspectRatio, RenderSettings, RequestedSettings } from '../inputs/read-inputs.js'
import { UserError } from '../user-error.js'
import type { CompositionInfo } from './composition.js'
import type { ProjectLog } from './project-log.js'

/** The API's own fps when the body has none. */
export const API_DEFAULT_FPS = 30

const RATIOS: ReadonlyArray<[AspectRatio, number]> = [
  ['16:9', 16 / 9],
  ['9:16', 9 / 16],
  ['1:1', 1]
]
// 1366×768 and friends are "16:9" to everyone; 1% keeps them while refusing 16:10 (1.6) or 4:3.
const TOLERANCE = 0.01

/** The API ratio matching width×height, or undefined when the API cannot render that shape. */
export function aspectRatioOf(width: number, height: number): AspectRatio | undefined {
  const ratio = width / height
  return RATIOS.find(([, r]) => Math.abs(ratio - r) / r <= TOLERANCE)?.[0]
}

/**
 * Fills in what the server would otherwise guess. It assumes 16:9 unless told (a portrait
 * composition comes out wrong) and renders at 30 fps whatever data-fps says, so `aspect-ratio:
 * auto` and an empty `fps` are read from the entry composition's root element. An explicit ratio
 * that contradicts the composition is an error: variables cannot change the viewport, so the
 * render could only come out distorted or cropped, and it would still be billed.
 */
export function resolveSettings(requested: RequestedSettings, composition: CompositionInfo, log: ProjectLog): RenderSettings {
  const size = dimensions(composition)
  const aspectRatio = resolveAspectRatio(requested.aspectRatio, composition, size)
  const fps = resolveFps(requested.fps, composition, log)
  const from = size ? `${size.width}×${size.height}` : 'no declared size'
  log.info(
    `Composition ${composition.file}: ${from} → aspect ratio ${aspectRatio}${requested.aspectRatio === 'auto' ? ' (auto)' : ''}, ` +
      `${fps ?? API_DEFAULT_FPS} fps${requested.fps === undefined ? (composition.fps?.value !== undefined ? ' (data-fps)' : ' (API default)') : ''}.`
  )
  return { ...requested, aspectRatio, fps }
}

interface Size {
  width: number
  height: number
}

function dimensions(c: CompositionInfo): Size | undefined {
  const width = c.width?.value
  const height = c.height?.value
  return width !== undefined && height !== undefined ? { width, height } : undefined
}

function resolveAspectRatio(requested: RequestedSettings['aspectRatio'], c: CompositionInfo, size: Size | undefined): AspectRatio {
  if (!size) {
    if (requested !== 'auto') return requested
    throw new InputError('aspect-ratio', `is auto, but ${whatIsMissing(c)}; add data-width and data-height (e.g. data-width="1080" data-height="1920"), or set aspect-ratio to 16:9, 9:16 or 1:1.`)
  }
  const actual = aspectRatioOf(size.width, size.height)
  const shape = `${size.width}×${size.height}${rootAt(c)}`
  if (!actual) {
    throw new UserError(
      `The composition ${c.file} is ${shape}, a ${reduced(size)} frame; the render API only renders 16:9, 9:16 and 1:1. ` +
        `Change the root element's data-width/data-height to e.g. 1920×1080, 1080×1920 or 1080×1080.`
    )
  }
  if (requested !== 'auto' && requested !== actual) {
    throw new InputError(
      'aspect-ratio',
      `is ${requested}, but the composition ${c.file} is ${shape}, which is ${actual}; the video would come out distorted or cropped. ` +
        `Use aspect-ratio: auto (or ${actual}), or change the composition's data-width/data-height.`
    )
  }
  return actual
}

function resolveFps(requested: number | undefined, c: CompositionInfo, log: ProjectLog): number | undefined {
  const declared = c.fps
  if (requested !== undefined) {
    if (declared?.value !== undefined && declared.value !== requested) {
      log.info(`fps ${requested} overrides data-fps="${declared.raw}" of ${c.file}.`)
    }
    return requested
  }
  if (!declared) return undefined
  const value = declared.value
  if (value === undefined || !Number.isInteger(value) || value > 240) {
    throw new InputError('fps', `is empty, and ${c.file} declares data-fps="${declared.raw}"${rootAt(c)}, which the API cannot take; set fps to an integer from 1 to 240, or fix data-fps.`)
  }
  // 30 is what the server uses without a value: leaving it out keeps the request (and the
  // idempotency key of renders made before data-fps was read) unchanged.
  return value === API_DEFAULT_FPS ? undefined : value
}

function whatIsMissing(c: CompositionInfo): string {
  if (c.rootLine === undefined) return `${c.file} has no root element with data-composition-id`
  const found = [c.width ? `data-width="${c.width.raw}"` : undefined, c.height ? `data-height="${c.height.raw}"` : undefined].filter(Boolean)
  return `the root element of ${c.file}${rootAt(c)} ${found.length ? `has ${found.join(' and ')}, not a positive width and height` : 'declares no data-width/data-height'}`
}

function rootAt(c: CompositionInfo): string {
  return c.rootLine === undefined ? '' : ` (line ${c.rootLine})`
}

function reduced({ width, height }: Size): string {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b))
  if (!Number.isInteger(width) || !Number.isInteger(height)) return `${(width / height).toFixed(3)}:1`
  const d = gcd(width, height)
  return `${width / d}:${height / d}`
}
