import type { VariableValue } from '../inputs/matrix.js'
import { UserError } from '../user-error.js'
import { attribute, lineAt, lineStarts, scanHtml, type ScannedTag } from './html-scan.js'

/** The types `data-composition-variables` may declare, as the HyperFrames runtime knows them. */
export const VARIABLE_TYPES = ['string', 'number', 'color', 'boolean', 'enum', 'font', 'image'] as const
export type VariableType = (typeof VARIABLE_TYPES)[number]

export interface DeclaredVariable {
  id: string
  type: VariableType
  label: string
  default: VariableValue
  /** enum only: the allowed values (from plain values or `{value, label}` objects). */
  options?: VariableValue[]
  /** number only. */
  min?: number
  max?: number
  /** string only. */
  maxLength?: number
}

/** A numeric data-* attribute of the root element, kept raw for messages. */
export interface NumericAttribute {
  raw: string
  /** undefined when raw is not a positive finite number. */
  value?: number
}

/** What the render service reads from the entry composition before it starts a browser. */
export interface CompositionInfo {
  /** Workspace-relative posix path of the entry file: how messages and annotations name it. */
  file: string
  /** 1-based line of the root element (the first with data-composition-id), if there is one. */
  rootLine?: number
  width?: NumericAttribute
  height?: NumericAttribute
  fps?: NumericAttribute
  /** data-duration in seconds: what a dry run multiplies to say what the renders would bill. */
  duration?: NumericAttribute
  /** undefined when nothing declares data-composition-variables. */
  variables?: DeclaredVariable[]
  /** Where the declaration is: its tag and 1-based line. */
  declaredAt?: { tag: string; line: number }
  /** Declarations the runtime skips (wrong shape), each with the reason: they declare nothing. */
  ignored: string[]
}

/**
 * Reads the entry composition: the root element's data-width / data-height / data-fps, and the
 * variables declared on <html> (or, for a template composition, on the root element).
 */
export function parseComposition(html: string, file: string): CompositionInfo {
  const { tags } = scanHtml(html)
  const starts = lineStarts(html)
  const root = tags.find((tag) => attribute(tag, 'data-composition-id') !== undefined)
  const htmlTag = tags.find((tag) => tag.name === 'html')
  const declaring = [htmlTag, root].find((tag) => attribute(tag, 'data-composition-variables') !== undefined)

  const info: CompositionInfo = { file, ignored: [] }
  if (root) {
    info.rootLine = lineAt(starts, root.start)
    info.width = numeric(root, 'data-width')
    info.height = numeric(root, 'data-height')
    info.fps = numeric(root, 'data-fps')
    info.duration = numeric(root, 'data-duration')
  }
  if (declaring) {
    const line = lineAt(starts, declaring.start)
    info.declaredAt = { tag: declaring.name, line }
    const raw = attribute(declaring, 'data-composition-variables')?.value ?? ''
    const { variables, ignored } = parseDeclarations(raw, `${file}:${line}`)
    info.variables = variables
    info.ignored = ignored
  }
  return info
}

function numeric(tag: ScannedTag, name: string): NumericAttribute | undefined {
  const attr = attribute(tag, name)
  if (!attr) return undefined
  const raw = attr.value.trim()
  const value = Number(raw)
  return raw !== '' && Number.isFinite(value) && value > 0 ? { raw, value } : { raw }
}

/**
 * Mirrors the runtime: an attribute that is not a JSON array is a broken project (the runtime
 * would silently apply no variable at all), while single malformed entries are skipped.
 */
export function parseDeclarations(raw: string, where: string): { variables: DeclaredVariable[]; ignored: string[] } {
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch (error) {
    throw new UserError(
      `${where}: data-composition-variables is not valid JSON (${error instanceof Error ? error.message : String(error)}); ` +
        `expected an array like [{"id": "title", "type": "string", "label": "Title", "default": "Hello"}].`
    )
  }
  if (!Array.isArray(parsed)) {
    throw new UserError(`${where}: data-composition-variables must be a JSON array of declarations, like [{"id": "title", "type": "string", "label": "Title", "default": "Hello"}].`)
  }
  const variables: DeclaredVariable[] = []
  const ignored: string[] = []
  parsed.forEach((entry: unknown, i) => {
    const result = toDeclaration(entry)
    if (typeof result === 'string') ignored.push(`entry ${i + 1}${idOf(entry)}: ${result}`)
    else variables.push(result)
  })
  return { variables, ignored }
}

const DEFAULT_KIND: Record<VariableType, 'string' | 'number' | 'boolean'> = {
  string: 'string',
  number: 'number',
  color: 'string',
  boolean: 'boolean',
  enum: 'string',
  font: 'string',
  image: 'string'
}

/** A declaration, or why the runtime would skip it (the same test as its parser's). */
function toDeclaration(entry: unknown): DeclaredVariable | string {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return 'not an object'
  const e = entry as Record<string, unknown>
  if (typeof e.id !== 'string' || e.id === '') return 'no string "id"'
  if (typeof e.label !== 'string') return 'no string "label"'
  if (typeof e.type !== 'string' || !(VARIABLE_TYPES as readonly string[]).includes(e.type)) {
    return `"type" ${JSON.stringify(e.type)} is not one of ${VARIABLE_TYPES.join(', ')}`
  }
  const type = e.type as VariableType
  if (typeof e.default !== DEFAULT_KIND[type]) return `"default" must be a ${DEFAULT_KIND[type]} for a ${type} variable`
  const declared: DeclaredVariable = { id: e.id, type, label: e.label, default: e.default as VariableValue }
  if (type === 'enum') {
    if (!Array.isArray(e.options)) return 'an enum needs an "options" array'
    declared.options = e.options.flatMap((option: unknown) => {
      const value = typeof option === 'object' && option !== null && 'value' in option ? (option as { value: unknown }).value : option
      return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? [value] : []
    })
  }
  if (type === 'number') {
    if (typeof e.min === 'number') declared.min = e.min
    if (typeof e.max === 'number') declared.max = e.max
  }
  if (type === 'string' && typeof e.maxLength === 'number') declared.maxLength = e.maxLength
  return declared
}

function idOf(entry: unknown): string {
  const id = typeof entry === 'object' && entry !== null ? (entry as { id?: unknown }).id : undefined
  return typeof id === 'string' ? ` ('${id}')` : ''
}
