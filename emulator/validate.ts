import { ApiError } from './http-io.js'

/** Request-body validation, to the letter of the published OpenAPI schema. */

/**
 * The `?: never` members let callers read e.g. `body.project.asset_id` without narrowing first
 * (it is then `string | undefined`), while `switch (project.type)` still narrows exactly.
 */
export type ProjectSource =
  | { type: 'asset_id'; asset_id: string; url?: never; media_type?: never; data?: never }
  | { type: 'url'; url: string; asset_id?: never; media_type?: never; data?: never }
  | { type: 'base64'; media_type: string; data: string; asset_id?: never; url?: never }

export type Quality = 'draft' | 'standard' | 'high'
export type OutputFormat = 'mp4' | 'webm' | 'mov'
export type Resolution = '1080p' | '4k'
export type AspectRatio = '16:9' | '9:16' | '1:1'

/** The create-render body as validated (fields the client omitted stay omitted). */
export type CreateRenderBody = {
  project: ProjectSource
  fps?: number | null
  quality?: Quality
  format?: OutputFormat
  resolution?: Resolution
  aspect_ratio?: AspectRatio
  composition?: string | null
  variables?: Record<string, unknown> | null
  title?: string | null
  callback_id?: string | null
  callback_url?: string | null
}

export interface DirectUploadBody {
  filename: string
  content_type: string
  size_bytes: number
  checksum_sha256: string
}

export const MAX_UPLOAD_BYTES = 200 * 1024 * 1024

const CREATE_FIELDS = ['project', 'fps', 'quality', 'format', 'resolution', 'aspect_ratio', 'composition', 'variables', 'title', 'callback_id', 'callback_url'] as const

const bad = (param: string, message: string): ApiError => new ApiError(400, 'invalid_parameter', message, param)

/** The API reads a body as JSON only when it says so, as HeyGen's does: text/plain is refused. */
export function requireJsonContentType(contentType: string | undefined): void {
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase()
  if (mediaType !== 'application/json') {
    throw new ApiError(400, 'invalid_request', `Content-Type must be application/json, got '${contentType ?? ''}'.`)
  }
}

export function parseJsonBody(raw: Buffer): Record<string, unknown> {
  let parsed: unknown
  try {
    parsed = JSON.parse(raw.toString('utf8'))
  } catch {
    throw new ApiError(400, 'invalid_request', 'Request body must be valid JSON.')
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ApiError(400, 'invalid_request', 'Request body must be a JSON object.')
  }
  return parsed as Record<string, unknown>
}

export function validateCreateBody(body: Record<string, unknown>): CreateRenderBody {
  rejectUnknown(body, CREATE_FIELDS, '')
  const result: CreateRenderBody = { project: validateProject(body.project) }
  if ('fps' in body) {
    const fps = body.fps
    if (fps !== null && !(typeof fps === 'number' && Number.isInteger(fps) && fps >= 1 && fps <= 240)) {
      throw bad('fps', `fps must be an integer from 1 to 240 or null, got ${JSON.stringify(fps)}.`)
    }
    result.fps = fps as number | null
  }
  if ('quality' in body) result.quality = oneOf(body.quality, 'quality', ['draft', 'standard', 'high'] as const)
  if ('format' in body) result.format = oneOf(body.format, 'format', ['mp4', 'webm', 'mov'] as const)
  if ('resolution' in body) result.resolution = oneOf(body.resolution, 'resolution', ['1080p', '4k'] as const)
  if ('aspect_ratio' in body) result.aspect_ratio = oneOf(body.aspect_ratio, 'aspect_ratio', ['16:9', '9:16', '1:1'] as const)
  if (result.resolution === '4k' && (result.format ?? 'mp4') !== 'mp4') {
    throw bad('resolution', `resolution '4k' is only available with format 'mp4' (got format '${result.format}').`)
  }
  if ('composition' in body) {
    result.composition = optionalString(body.composition, 'composition', 512)
    if (result.composition !== null) checkComposition(result.composition)
  }
  if ('title' in body) result.title = optionalString(body.title, 'title', 500)
  if ('callback_id' in body) result.callback_id = optionalString(body.callback_id, 'callback_id', 256)
  if ('callback_url' in body) {
    const url = optionalString(body.callback_url, 'callback_url', Number.POSITIVE_INFINITY)
    if (url !== null) checkCallbackUrl(url)
    result.callback_url = url
  }
  if ('variables' in body) {
    const variables = body.variables
    if (variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) {
      throw bad('variables', 'variables must be an object mapping variable ids to values, or null.')
    }
    result.variables = variables as Record<string, unknown> | null
  }
  return result
}

export function validateDirectUploadBody(body: Record<string, unknown>): DirectUploadBody {
  rejectUnknown(body, ['filename', 'content_type', 'size_bytes', 'checksum_sha256'], '')
  const filename = requiredString(body.filename, 'filename', 255)
  const contentType = requiredString(body.content_type, 'content_type', 255)
  const size = body.size_bytes
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1) {
    throw bad('size_bytes', `size_bytes must be a positive integer, got ${JSON.stringify(size)}.`)
  }
  if (size > MAX_UPLOAD_BYTES) {
    throw new ApiError(400, 'hyperframes_project_too_large', `size_bytes ${size} exceeds the ${MAX_UPLOAD_BYTES}-byte direct-upload limit.`, 'size_bytes')
  }
  return { filename, content_type: contentType, size_bytes: size, checksum_sha256: checksum(body.checksum_sha256) }
}

export function validateCompleteBody(body: Record<string, unknown>): { checksum_sha256: string } {
  rejectUnknown(body, ['checksum_sha256'], '')
  return { checksum_sha256: checksum(body.checksum_sha256) }
}

function validateProject(project: unknown): ProjectSource {
  if (project === undefined) throw bad('project', 'project is required.')
  if (typeof project !== 'object' || project === null || Array.isArray(project)) {
    throw bad('project', 'project must be an object: {type: "asset_id" | "url" | "base64", ...}.')
  }
  const p = project as Record<string, unknown>
  switch (p.type) {
    case 'asset_id':
      rejectUnknown(p, ['type', 'asset_id'], 'project')
      return { type: 'asset_id', asset_id: requiredString(p.asset_id, 'project', Number.POSITIVE_INFINITY, 'project.asset_id') }
    case 'url':
      rejectUnknown(p, ['type', 'url'], 'project')
      return { type: 'url', url: requiredString(p.url, 'project', Number.POSITIVE_INFINITY, 'project.url') }
    case 'base64':
      rejectUnknown(p, ['type', 'media_type', 'data'], 'project')
      return {
        type: 'base64',
        media_type: requiredString(p.media_type, 'project', 255, 'project.media_type'),
        data: requiredString(p.data, 'project', Number.POSITIVE_INFINITY, 'project.data')
      }
    default:
      throw bad('project', `project.type must be 'asset_id', 'url' or 'base64', got ${JSON.stringify(p.type)}.`)
  }
}

/** Unknown properties are rejected (additionalProperties: false); nested ones report the parent param. */
function rejectUnknown(body: Record<string, unknown>, allowed: readonly string[], parent: string): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) {
      const where = parent === '' ? key : `${parent}.${key}`
      throw bad(parent === '' ? key : parent, `Unknown field '${where}'. Allowed: ${allowed.join(', ')}.`)
    }
  }
}

function oneOf<T extends string>(value: unknown, param: string, allowed: readonly T[]): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T
  throw bad(param, `${param} must be one of ${allowed.map((v) => `'${v}'`).join(', ')}, got ${JSON.stringify(value)}.`)
}

function optionalString(value: unknown, param: string, maxLength: number): string | null {
  if (value === null) return null
  return requiredString(value, param, maxLength, param, true)
}

function requiredString(value: unknown, param: string, maxLength: number, label: string = param, allowEmpty = false): string {
  if (typeof value !== 'string') throw bad(param, `${label} must be a string, got ${JSON.stringify(value) ?? 'nothing'}.`)
  if (value.length > maxLength) throw bad(param, `${label} must be at most ${maxLength} characters (got ${value.length}).`)
  if (value === '' && !allowEmpty) throw bad(param, `${label} must not be empty.`)
  return value
}

function checksum(value: unknown): string {
  if (typeof value !== 'string' || !/^[0-9a-fA-F]{64}$/.test(value)) {
    throw bad('checksum_sha256', `checksum_sha256 must be a hex SHA-256 (64 characters), got ${JSON.stringify(value)}.`)
  }
  return value.toLowerCase()
}

/**
 * A plain relative path from the project root, as the zip names its entries: 'index.html' or
 * 'compositions/intro.html'. './index.html', '/index.html', '..' and backslashes name no entry.
 */
function checkComposition(composition: string): void {
  const segments = composition.split('/')
  if (composition.includes('\\') || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw bad(
      'composition',
      `composition must be a path relative to the project root such as 'index.html' or 'compositions/intro.html' (no './', '..', leading '/' or backslashes), got '${composition}'.`
    )
  }
}

/** A list `limit`: digits only, 1 to 100. '1e1', ' 10' and '10.0' are refused, not read as 10. */
export function parseListLimit(raw: string | null): number {
  if (raw === null) return 10
  const limit = /^[0-9]{1,3}$/.test(raw) ? Number(raw) : Number.NaN
  if (!(limit >= 1 && limit <= 100)) throw bad('limit', `limit must be an integer from 1 to 100, got '${raw}'.`)
  return limit
}

/** HTTPS only, like the real service; plain http is allowed to loopback so tests can listen. */
function checkCallbackUrl(raw: string): void {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw bad('callback_url', `callback_url is not a valid URL: '${raw}'.`)
  }
  if (url.protocol === 'https:') return
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return
  throw bad('callback_url', `callback_url must be an https:// URL, got '${raw}'.`)
}

export function isLoopbackHost(hostname: string): boolean {
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]' || hostname === '::1'
}
