import AdmZip from 'adm-zip'
import { ApiError } from './http-io.js'
import { CompositionHtmlError, readComposition, type CompositionInfo, type DeclaredVariable } from './composition-html.js'

export interface OpenedProject {
  entryPath: string
  html: string
  info: CompositionInfo
}

const invalid = (message: string): ApiError => new ApiError(400, 'hyperframes_project_invalid', message, 'project')

/**
 * The checks the service makes before queueing a render: the bytes are a zip, the entry HTML is
 * at the path the request names (index.html by default), and its variable declaration parses.
 */
export function openProject(zipBytes: Buffer, composition: string | null | undefined): OpenedProject {
  const entryPath = normaliseEntryPath(composition)
  let zip: AdmZip
  try {
    zip = new AdmZip(zipBytes)
  } catch (err) {
    throw invalid(`Composition zip is invalid: ${(err as Error).message}`)
  }
  const names = zip
    .getEntries()
    .filter((entry) => !entry.isDirectory)
    .map((entry) => entry.entryName)
  const entry = zip.getEntry(entryPath)
  if (!entry || entry.isDirectory) {
    const nested = names.find((name) => name.endsWith(`/${entryPath}`))
    const hint = nested ? ` Found '${nested}': zip the folder's contents, not the folder, so '${entryPath}' sits at the root.` : ''
    throw invalid(`Composition zip is invalid or missing ${entryPath}.${hint}`)
  }
  const html = entry.getData().toString('utf8')
  try {
    return { entryPath, html, info: readComposition(html) }
  } catch (err) {
    if (err instanceof CompositionHtmlError) throw invalid(`${entryPath}: ${err.message}`)
    throw err
  }
}

/**
 * Variables must be declared by the entry file when it declares any, and their values must fit
 * the declared type. (Type checking is our reading of "variables that do not match the declared
 * ones"; the real service's exact rule is not documented.)
 */
export function checkVariables(info: CompositionInfo, variables: Record<string, unknown> | null | undefined): void {
  if (!variables || !info.variables) return
  const declared = new Map(info.variables.map((variable) => [variable.id, variable]))
  const unknown = Object.keys(variables).filter((id) => !declared.has(id))
  if (unknown.length > 0) {
    const known = [...declared.keys()].join(', ') || '(none)'
    throw invalid(`variables ${unknown.map((id) => `'${id}'`).join(', ')} not declared by the composition's data-composition-variables (declared: ${known}).`)
  }
  for (const [id, value] of Object.entries(variables)) {
    const problem = typeProblem(declared.get(id)!, value)
    if (problem) throw invalid(`variable '${id}': ${problem}`)
  }
}

function typeProblem(variable: DeclaredVariable, value: unknown): string | undefined {
  switch (variable.type) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : `expected a number, got ${JSON.stringify(value)}`
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `expected a boolean, got ${JSON.stringify(value)}`
    case 'color':
      if (typeof value !== 'string') return `expected a colour string, got ${JSON.stringify(value)}`
      return looksLikeColour(value) ? undefined : `${JSON.stringify(value)} is not a colour (expected #rgb, #rgba, #rrggbb, #rrggbbaa, a colour function or a colour name)`
    case 'string':
    case 'font':
    case 'image':
      return typeof value === 'string' ? undefined : `expected a string, got ${JSON.stringify(value)}`
    case 'enum': {
      const allowed = enumValues(variable.options)
      if (allowed && !allowed.includes(value)) return `expected one of ${JSON.stringify(allowed)}, got ${JSON.stringify(value)}`
      return undefined
    }
    default:
      return undefined
  }
}

/**
 * Our reading of a colour the service accepts: hex of 3, 4, 6 or 8 digits, a CSS colour function
 * or a bare keyword. A hex typo such as '#12345' would paint nothing, so it is refused.
 */
function looksLikeColour(value: string): boolean {
  const v = value.trim()
  if (v.startsWith('#')) return /^#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i.test(v)
  return /^[a-z]+$/i.test(v) || /^(?:rgba?|hsla?|hwb|lab|lch|oklab|oklch|color)\([^()]*\)$/i.test(v)
}

/** Options may be plain values or {value, label} objects; anything else disables the check. */
function enumValues(options: unknown): unknown[] | undefined {
  if (!Array.isArray(options) || options.length === 0) return undefined
  return options.map((option: unknown) => (typeof option === 'object' && option !== null && 'value' in option ? (option as { value: unknown }).value : option))
}

function normaliseEntryPath(composition: string | null | undefined): string {
  const raw = (composition ?? 'index.html').replace(/\\/g, '/').replace(/^(\.\/)+/, '')
  if (raw === '' || raw.startsWith('/') || raw.split('/').includes('..')) {
    throw new ApiError(400, 'invalid_parameter', `composition must be a path relative to the project root, got '${composition}'.`, 'composition')
  }
  return raw
}
