import type { Variables, VariableValue } from '../inputs/matrix.js'
import { kindOf } from '../inputs/value-kind.js'
import { UserError } from '../user-error.js'
import type { CompositionInfo, DeclaredVariable } from './composition.js'
import { isCssColor } from './css-color.js'
import type { ProjectLog } from './project-log.js'

/** One value that does not fit the composition's declarations. */
export interface VariableIssue {
  /** Which input holds it: 'variables' or 'matrix entry 3'. */
  where: string
  id: string
  problem: string
}

/**
 * Checks one flat set of values against the declarations: undeclared ids, wrong types, enum
 * values outside their options, malformed colours, numbers outside min/max, strings over
 * maxLength and image URLs the runtime refuses to load.
 */
export function checkValues(values: Variables, declared: readonly DeclaredVariable[], where: string): VariableIssue[] {
  const byId = new Map(declared.map((d) => [d.id, d]))
  const issues: VariableIssue[] = []
  for (const [id, value] of Object.entries(values)) {
    const declaration = byId.get(id)
    const problem = declaration ? valueProblem(declaration, value) : undeclared(id, declared)
    if (problem) issues.push({ where, id, problem })
  }
  return issues
}

/**
 * The `variables` input once, then each matrix entry's own values, so a bad shared value is
 * reported once rather than once per render.
 */
export function checkAllVariables(base: Variables, matrix: readonly Variables[], declared: readonly DeclaredVariable[]): VariableIssue[] {
  return [...checkValues(base, declared, 'variables'), ...matrix.flatMap((entry, i) => checkValues(entry, declared, `matrix entry ${i + 1}`))]
}

/** Declared defaults, for the results output of entries that leave a variable unset. */
export function declaredDefaults(composition: CompositionInfo): Variables {
  return Object.fromEntries((composition.variables ?? []).map((d) => [d.id, d.default]))
}

/**
 * Fails with every issue at once (strict-variables: true) or turns them into one warning
 * annotated on the declaration. Without any declaration there is nothing to check against: the
 * values are sent as they are, with a warning, as HeyGen's CLI does.
 */
export function enforceVariables(composition: CompositionInfo, base: Variables, matrix: readonly Variables[], strict: boolean, log: ProjectLog): void {
  const given = new Set([...Object.keys(base), ...matrix.flatMap((entry) => Object.keys(entry))])
  const at = { file: composition.file, startLine: composition.declaredAt?.line ?? composition.rootLine }
  if (composition.variables === undefined) {
    if (given.size > 0) {
      log.warning(
        `${composition.file} declares no data-composition-variables, so ${[...given].map((id) => `'${id}'`).join(', ')} cannot be checked and ${given.size === 1 ? 'is' : 'are'} sent as given.`,
        { ...at, title: 'Undeclared variables' }
      )
    }
    return
  }
  if (composition.ignored.length > 0) {
    log.warning(
      `${composition.file}: the runtime ignores ${composition.ignored.length === 1 ? 'this declaration' : 'these declarations'} in data-composition-variables: ${composition.ignored.join('; ')}.`,
      { ...at, title: 'Ignored variable declarations' }
    )
  }
  const issues = checkAllVariables(base, matrix, composition.variables)
  if (issues.length === 0) return
  const list = issues.map((i) => `  - ${i.where}: ${i.problem}`).join('\n')
  const head = `${issues.length} variable value${issues.length === 1 ? '' : 's'} ${issues.length === 1 ? 'does' : 'do'} not match the declarations in ${composition.file}:\n${list}`
  if (strict) {
    throw new UserError(`${head}\nFix the values, declare the variables in data-composition-variables, or set strict-variables: false to send them anyway.`)
  }
  log.warning(`${head}\nSent anyway (strict-variables: false).`, { ...at, title: 'Variables do not match the composition' })
}

function undeclared(id: string, declared: readonly DeclaredVariable[]): string {
  const ids = declared.map((d) => d.id)
  const near = ids.find((known) => known.toLowerCase() === id.toLowerCase()) ?? ids.find((known) => editDistance(known, id) <= 2)
  const hint = near ? ` Did you mean '${near}'?` : ''
  return `'${id}' is not declared in data-composition-variables (declared: ${ids.length ? ids.join(', ') : 'none'}).${hint}`
}

function valueProblem(d: DeclaredVariable, value: VariableValue): string | undefined {
  const shown = JSON.stringify(value)
  const wrongType = (expected: string): string => `'${d.id}' is declared as ${d.type}; expected ${expected}, got ${kind(value)} ${shown}.`
  switch (d.type) {
    case 'number':
      if (typeof value !== 'number') return wrongType('a number')
      if (d.min !== undefined && value < d.min) return `'${d.id}' must be at least ${d.min}; got ${value}.`
      if (d.max !== undefined && value > d.max) return `'${d.id}' must be at most ${d.max}; got ${value}.`
      return undefined
    case 'boolean':
      return typeof value === 'boolean' ? undefined : wrongType('true or false')
    case 'enum': {
      const options = d.options ?? []
      if (options.some((o) => o === value)) return undefined
      return `'${d.id}' must be one of ${options.map((o) => JSON.stringify(o)).join(', ') || '(no options declared)'}; got ${shown}.`
    }
    case 'color':
      if (typeof value !== 'string') return wrongType('a CSS colour string')
      return isCssColor(value) ? undefined : `'${d.id}' is a color; ${shown} is not a CSS colour (use #rgb, #rrggbb, rgb(), hsl() or a colour name).`
    case 'image':
      if (typeof value !== 'string') return wrongType('an image URL or project path')
      return isLoadableMediaUrl(value) ? undefined : `'${d.id}' is an image; the runtime refuses to load ${shown} (use a path inside the project, an http(s) URL or a data:image/ URI).`
    case 'font':
      if (typeof value !== 'string') return wrongType('a font family name')
      return value.trim() === '' ? `'${d.id}' is a font; expected a font family name, got an empty string.` : undefined
    case 'string':
      if (typeof value !== 'string') return wrongType('a string')
      if (d.maxLength !== undefined && [...value].length > d.maxLength) {
        return `'${d.id}' takes at most ${d.maxLength} characters; got ${[...value].length}.`
      }
      return undefined
  }
}

/**
 * The runtime's own allow-list for media URLs: relative paths, http(s), blob: and data:image/.
 * Anything else (file:, javascript:, data:text/html) is dropped and the element's authored
 * fallback renders instead, without an error.
 */
export function isLoadableMediaUrl(url: string): boolean {
  // Browsers ignore control characters and spaces when they read a scheme.
  const normalized = url.replace(/[\u0000-\u0020]/g, '')
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(normalized)?.[1]?.toLowerCase()
  if (scheme === undefined) return true
  if (scheme === 'http' || scheme === 'https' || scheme === 'blob') return true
  return scheme === 'data' && /^data:image\//i.test(normalized)
}

function kind(value: VariableValue): string {
  return kindOf(value)
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] ?? 0
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] ?? 0
      row[j] = Math.min(above + 1, (row[j - 1] ?? 0) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1))
      diagonal = above
    }
  }
  return row[b.length] ?? 0
}
