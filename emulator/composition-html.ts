/**
 * Just enough HTML reading to do what the render service does before it starts a browser: find
 * the composition root (`data-composition-id`) and the declared variables. A quote-aware tag
 * scanner rather than regexes over whole tags, because the variables JSON may contain '>'.
 */

export interface HtmlTag {
  name: string
  attributes: Map<string, string>
}

export interface DeclaredVariable {
  id: string
  type?: string
  default?: unknown
  options?: unknown
}

export interface CompositionInfo {
  /** Attributes of the root element (the first one with data-composition-id), if any. */
  root?: HtmlTag
  /** undefined when no element declares data-composition-variables. */
  variables?: DeclaredVariable[]
}

export class CompositionHtmlError extends Error {
  override name = 'CompositionHtmlError'
}

export function readComposition(html: string): CompositionInfo {
  const tags = scanTags(html)
  const root = tags.find((tag) => tag.attributes.has('data-composition-id'))
  const declaring = tags.find((tag) => tag.attributes.has('data-composition-variables'))
  const info: CompositionInfo = {}
  if (root) info.root = root
  if (declaring) info.variables = parseDeclaredVariables(declaring.attributes.get('data-composition-variables') ?? '')
  return info
}

/** A positive number from a data-* attribute such as data-duration="4.5". */
export function numericAttribute(tag: HtmlTag | undefined, name: string): number | undefined {
  const raw = tag?.attributes.get(name)
  if (raw === undefined || raw.trim() === '') return undefined
  const value = Number(raw)
  return Number.isFinite(value) && value > 0 ? value : undefined
}

function parseDeclaredVariables(raw: string): DeclaredVariable[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch (err) {
    throw new CompositionHtmlError(`data-composition-variables is not valid JSON: ${(err as Error).message}`)
  }
  if (!Array.isArray(parsed)) throw new CompositionHtmlError('data-composition-variables must be a JSON array.')
  return parsed.map((item: unknown, index) => {
    if (typeof item !== 'object' || item === null || typeof (item as { id?: unknown }).id !== 'string') {
      throw new CompositionHtmlError(`data-composition-variables[${index}] must be an object with a string "id".`)
    }
    const { id, type, default: fallback, options } = item as Record<string, unknown>
    return {
      id: id as string,
      ...(typeof type === 'string' ? { type } : {}),
      ...(fallback !== undefined ? { default: fallback } : {}),
      ...(options !== undefined ? { options } : {})
    }
  })
}

function scanTags(html: string): HtmlTag[] {
  const tags: HtmlTag[] = []
  let i = 0
  while (i < html.length) {
    const lt = html.indexOf('<', i)
    if (lt < 0) break
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4)
      i = end < 0 ? html.length : end + 3
      continue
    }
    const nameMatch = /^<([a-zA-Z][a-zA-Z0-9-]*)/.exec(html.slice(lt, lt + 64))
    if (!nameMatch) {
      i = lt + 1
      continue
    }
    const name = nameMatch[1]!.toLowerCase()
    const { attributes, end } = scanAttributes(html, lt + nameMatch[0].length)
    tags.push({ name, attributes })
    i = end
    // Script and style bodies are not markup; skip them so strings inside cannot look like tags.
    if (name === 'script' || name === 'style') {
      const close = html.toLowerCase().indexOf(`</${name}`, i)
      i = close < 0 ? html.length : close
    }
  }
  return tags
}

function scanAttributes(html: string, start: number): { attributes: Map<string, string>; end: number } {
  const attributes = new Map<string, string>()
  let i = start
  while (i < html.length) {
    while (i < html.length && /[\s/]/.test(html[i]!)) i++
    if (i >= html.length || html[i] === '>') return { attributes, end: i + 1 }
    const nameStart = i
    while (i < html.length && !/[\s=>/]/.test(html[i]!)) i++
    const name = html.slice(nameStart, i).toLowerCase()
    while (i < html.length && /\s/.test(html[i]!)) i++
    let value = ''
    if (html[i] === '=') {
      i++
      while (i < html.length && /\s/.test(html[i]!)) i++
      const quote = html[i]
      if (quote === '"' || quote === "'") {
        const close = html.indexOf(quote, i + 1)
        const stop = close < 0 ? html.length : close
        value = html.slice(i + 1, stop)
        i = stop + 1
      } else {
        const valueStart = i
        while (i < html.length && !/[\s>]/.test(html[i]!)) i++
        value = html.slice(valueStart, i)
      }
    }
    if (name !== '' && !attributes.has(name)) attributes.set(name, decodeEntities(value))
  }
  return { attributes, end: html.length }
}

const NAMED_ENTITIES: Record<string, string> = { quot: '"', apos: "'", amp: '&', lt: '<', gt: '>', nbsp: '\u00a0' }

function decodeEntities(value: string): string {
  return value.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, entity: string) => {
    if (entity.startsWith('#')) {
      const code = entity.startsWith('#x') ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10)
      return code <= 0x10ffff ? String.fromCodePoint(code) : whole
    }
    return NAMED_ENTITIES[entity.toLowerCase()] ?? whole
  })
}
