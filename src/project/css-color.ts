import namedColors from 'color-name'

// Keywords a colour property takes besides the named colours.
const KEYWORDS = new Set(['transparent', 'currentcolor'])
const HEX = /^#(?:[0-9a-f]{3}|[0-9a-f]{4}|[0-9a-f]{6}|[0-9a-f]{8})$/i
// The CSS Color 4 functions. Arguments are checked for shape (numbers with an optional unit, or
// `none`), not for ranges; calc() or var() inside is not a literal value and is refused.
const FUNCTION = /^(rgba?|hsla?|hwb|lab|lch|oklab|oklch|color)\(\s*([^()]*)\)$/i
const NUMBER = /^(?:[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?(?:%|deg|grad|rad|turn)?|none)$/i
const COLOR_SPACE = /^[a-z][a-z0-9-]*$/i

/**
 * Whether a variable value is a CSS colour the renderer can paint: #rgb/#rgba/#rrggbb/#rrggbbaa,
 * rgb()/hsl()/hwb()/lab()/lch()/oklab()/oklch()/color(), a named colour or transparent. The
 * value is set as a custom property, where a typo does not fail: it silently paints nothing.
 */
export function isCssColor(value: string): boolean {
  const v = value.trim()
  if (v === '') return false
  if (HEX.test(v)) return true
  const lower = v.toLowerCase()
  if (KEYWORDS.has(lower) || Object.prototype.hasOwnProperty.call(namedColors, lower)) return true
  const fn = FUNCTION.exec(v)
  if (!fn) return false
  const args = (fn[2] ?? '').split(/[\s,/]+/).filter((a) => a !== '')
  const numbers = (list: string[]): boolean => list.length >= 3 && list.length <= 4 && list.every((a) => NUMBER.test(a))
  // color() names its colour space first, e.g. color(display-p3 1 0 0).
  if ((fn[1] ?? '').toLowerCase() === 'color') return COLOR_SPACE.test(args[0] ?? '') && numbers(args.slice(1))
  return numbers(args)
}
