import { InputError } from './input-error.js'
import { isPlainObject, kindOf } from './value-kind.js'

/**
 * The render API takes a map of variable id → any JSON value (its schema says
 * additionalProperties: true). Declared variables are all scalar and are checked against their
 * type; objects and arrays go through where nothing declares the id otherwise.
 */
export type VariableValue = string | number | boolean | null | VariableValue[] | { [key: string]: VariableValue }
export type Variables = Record<string, VariableValue>

/** GitHub refuses a matrix of more than 256 jobs; renders cost money, so the same cap applies. */
export const MAX_MATRIX_ENTRIES = 256

/**
 * Turns the `matrix` input into one set of variables per render.
 *
 * - undefined/null: one render with no matrix variables.
 * - an array: each element is one render's variables, used as given.
 * - an object: expanded like a workflow's `strategy.matrix` (cross product, then `exclude`, then
 *   `include`), so people can reuse what they already know from GitHub.
 */
export function expandMatrix(raw: unknown, input: string, limit: number = MAX_MATRIX_ENTRIES): Variables[] {
  if (raw === undefined || raw === null) return [{}]
  if (Array.isArray(raw)) {
    if (raw.length === 0) {
      throw new InputError(input, 'is an empty list; give at least one entry, or leave the input unset for one render')
    }
    const entries = raw.map((entry, i) => {
      if (!isPlainObject(entry)) {
        throw new InputError(input, `entry ${i + 1} is ${kindOf(entry)}; expected an object of variables`)
      }
      return toVariables(entry, input, `in entry ${i + 1}`)
    })
    return capped(entries, input, limit)
  }
  if (isPlainObject(raw)) return capped(expandGitHubMatrix(raw, input, limit), input, limit)
  throw new InputError(input, `is ${kindOf(raw)}; expected a list of variable objects, or a mapping of variable → list of values (like strategy.matrix)`)
}

/** The `variables` input: one flat object applied to every render. Unset means no variables. */
export function parseVariablesObject(raw: unknown, input: string): Variables {
  if (raw === undefined || raw === null) return {}
  if (!isPlainObject(raw)) {
    throw new InputError(input, `is ${kindOf(raw)}; expected an object of variables, e.g. {"title": "Hello"}`)
  }
  return toVariables(raw, input, '')
}

/** Per-render values override the shared ones: the matrix is the more specific of the two. */
export function mergeVariables(base: Variables, entry: Variables): Variables {
  return { ...base, ...entry }
}

function capped(entries: Variables[], input: string, limit: number): Variables[] {
  if (entries.length > limit) {
    throw new InputError(input, `expands to ${entries.length} renders; the limit is ${limit} (max-renders). Raise max-renders if that many renders are meant, or trim the matrix with exclude`)
  }
  return entries
}

function toVariables(obj: Record<string, unknown>, input: string, where: string): Variables {
  const out: Variables = {}
  for (const [key, value] of Object.entries(obj)) {
    out[checkKey(key, input, where)] = checkValue(value, key, input, where)
  }
  return out
}

function checkKey(key: string, input: string, where: string): string {
  if (key.trim() === '') {
    throw new InputError(input, `has an empty variable name${suffix(where)}; variable ids must be non-empty`)
  }
  // JSON.parse keeps it as a key, but copying it into an object drops it without a word.
  if (key === '__proto__') {
    throw new InputError(input, `has the variable '__proto__'${suffix(where)}, which no composition can declare; remove it`)
  }
  return key
}

function checkValue(value: unknown, key: string, input: string, where: string): VariableValue {
  const problem = notJson(value)
  if (problem === undefined) return value as VariableValue
  throw new InputError(input, `variable '${key}'${suffix(where)} ${problem}; the API takes JSON values`)
}

/** Why a parsed value cannot travel as JSON (YAML's .inf, .nan, dates), or undefined when it can. */
function notJson(value: unknown, at = ''): string | undefined {
  const here = at === '' ? '' : ` at ${at}`
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `holds ${kindOf(value)}${here}`
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = notJson(value[i], `${at}[${i}]`)
      if (problem) return problem
    }
    return undefined
  }
  if (isPlainObject(value) && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [k, v] of Object.entries(value)) {
      const problem = notJson(v, `${at}.${k}`)
      if (problem) return problem
    }
    return undefined
  }
  return `holds ${value instanceof Date ? 'a date' : kindOf(value)}${here}`
}

function suffix(where: string): string {
  return where === '' ? '' : ` ${where}`
}

/**
 * Follows GitHub's own matrix builder (actions' WorkflowParser MatrixBuilder):
 * 1. cross product of the vectors, first key outermost;
 * 2. a combination matching any `exclude` entry is dropped (excludes see only the product);
 * 3. each `include` entry splits into a filter (its keys that are matrix keys) and extras (the
 *    rest). Every remaining combination that matches the filter gets the extras, later includes
 *    overwriting earlier ones' extras but never an original matrix value;
 * 4. includes that matched no combination are appended, in order, as combinations of their own.
 * An include with only extra keys therefore matches every combination.
 */
function expandGitHubMatrix(raw: Record<string, unknown>, input: string, limit: number): Variables[] {
  const vectors: [string, VariableValue[]][] = []
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'include' || key === 'exclude') continue
    checkKey(key, input, '')
    if (!Array.isArray(value)) {
      throw new InputError(input, `matrix key '${key}' is ${kindOf(value)}; expected a list of values, e.g. ${key}: [a, b]`)
    }
    if (value.length === 0) {
      throw new InputError(input, `matrix key '${key}' is an empty list; give it at least one value`)
    }
    vectors.push([key, value.map((v, i) => checkValue(v, key, input, `(value ${i + 1})`))])
  }
  const matrixKeys = new Set(vectors.map(([key]) => key))

  const excludes = listOfObjects(raw['exclude'], 'exclude', input).map((entry, i) => {
    const where = `in exclude entry ${i + 1}`
    if (Object.keys(entry).length === 0) {
      throw new InputError(input, `exclude entry ${i + 1} is empty; name the values to leave out`)
    }
    for (const key of Object.keys(entry)) {
      if (!matrixKeys.has(key)) {
        throw new InputError(input, `exclude entry ${i + 1} names '${key}', which is not a key of the matrix (${listKeys(matrixKeys)})`)
      }
    }
    return toVariables(entry, input, where)
  })

  const includes = listOfObjects(raw['include'], 'include', input).map((entry, i) => {
    if (Object.keys(entry).length === 0) {
      throw new InputError(input, `include entry ${i + 1} is empty; give it at least one variable`)
    }
    const values = toVariables(entry, input, `in include entry ${i + 1}`)
    const filter: Variables = {}
    const extra: Variables = {}
    for (const [key, value] of Object.entries(values)) {
      if (matrixKeys.has(key)) filter[key] = value
      else extra[key] = value
    }
    return { values, filter, extra, matched: false }
  })

  // Checked before building so a typo like 20 keys of 10 values fails fast instead of hanging.
  const productSize = vectors.length === 0 ? 0 : vectors.reduce((n, [, values]) => n * values.length, 1)
  if (productSize > limit * 64) {
    throw new InputError(input, `expands to ${productSize} combinations before exclude; the limit is ${limit} renders (max-renders)`)
  }

  const result: Variables[] = []
  for (const combination of crossProduct(vectors)) {
    if (excludes.some((exclude) => matches(combination, exclude))) continue
    let extras: Variables = {}
    for (const include of includes) {
      if (!matches(combination, include.filter)) continue
      include.matched = true
      extras = { ...extras, ...include.extra }
    }
    result.push({ ...combination, ...extras })
  }
  for (const include of includes) {
    if (!include.matched) result.push({ ...include.values })
  }

  if (result.length === 0) {
    throw new InputError(input, productSize > 0 ? `exclude removes all ${productSize} combinations, leaving nothing to render` : 'has no matrix keys and no include entries, so it yields no renders')
  }
  return result
}

function* crossProduct(vectors: [string, VariableValue[]][]): Generator<Variables> {
  if (vectors.length === 0) return
  const indexes = vectors.map(() => 0)
  for (;;) {
    const combination: Variables = {}
    vectors.forEach(([key, values], i) => {
      combination[key] = values[indexes[i] ?? 0] as VariableValue
    })
    yield combination
    // Odometer: the last key turns fastest, so the first key is outermost, as GitHub orders jobs.
    let i = vectors.length - 1
    for (; i >= 0; i--) {
      const length = vectors[i]?.[1].length ?? 1
      indexes[i] = (indexes[i] ?? 0) + 1
      if ((indexes[i] ?? 0) < length) break
      indexes[i] = 0
    }
    if (i < 0) return
  }
}

function matches(combination: Variables, filter: Variables): boolean {
  return Object.entries(filter).every(([key, value]) => {
    const actual = combination[key]
    return actual !== undefined && looselyEqual(actual, value)
  })
}

/**
 * GitHub compares include/exclude values with its expression `==`: strings ignore case, and values
 * of different types are compared as numbers ('1' == 1, true == 1). Matching that keeps a matrix
 * copied from a workflow behaving the same here.
 */
function looselyEqual(a: VariableValue, b: VariableValue): boolean {
  // Objects and arrays match by content (key order aside); null only matches null.
  if (a === null || b === null || typeof a === 'object' || typeof b === 'object') return sameJson(a, b)
  if (typeof a === 'string' && typeof b === 'string') {
    return a.toUpperCase() === b.toUpperCase()
  }
  if (typeof a === typeof b) return a === b
  const x = toNumber(a)
  const y = toNumber(b)
  return !Number.isNaN(x) && x === y
}

function sameJson(a: VariableValue, b: VariableValue): boolean {
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameJson(v, b[i] as VariableValue))
  }
  const keys = Object.keys(a)
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && sameJson(a[k] as VariableValue, b[k] as VariableValue))
}

function toNumber(value: string | number | boolean): number {
  if (typeof value === 'number') return value
  if (typeof value === 'boolean') return value ? 1 : 0
  const trimmed = value.trim()
  if (trimmed === '') return 0
  return Number(trimmed)
}

function listOfObjects(value: unknown, name: 'include' | 'exclude', input: string): Record<string, unknown>[] {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value)) {
    throw new InputError(input, `'${name}' is ${kindOf(value)}; expected a list of objects`)
  }
  return value.map((entry, i) => {
    if (!isPlainObject(entry)) {
      throw new InputError(input, `${name} entry ${i + 1} is ${kindOf(entry)}; expected an object of variables`)
    }
    return entry
  })
}

function listKeys(keys: Set<string>): string {
  return keys.size === 0 ? 'it has none besides include/exclude' : [...keys].map((k) => `'${k}'`).join(', ')
}
