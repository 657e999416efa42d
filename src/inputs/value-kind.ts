/**
 * Names the kind of a parsed value the way an error message should say it ("a string",
 * "an object"), so messages can tell users what they gave, not just what was expected.
 */
export function kindOf(value: unknown): string {
  if (value === null) return 'null'
  if (value === undefined) return 'empty'
  if (Array.isArray(value)) return 'an array'
  switch (typeof value) {
    case 'string':
      return 'a string'
    case 'number':
      return Number.isFinite(value) ? 'a number' : `a non-finite number (${String(value)})`
    case 'boolean':
      return 'a boolean'
    case 'object':
      return 'an object'
    default:
      return `a ${typeof value}`
  }
}

/** A mapping as YAML/JSON parsers produce it: not null, not an array. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
