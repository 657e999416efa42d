import { QuoteType, Tokenizer } from 'htmlparser2'

/**
 * A tag-level reading of an HTML file with the offsets of every attribute value, so the files can
 * be checked (composition root, variables) and edited in place (external references) without a
 * DOM round trip that would reformat the whole file. htmlparser2's tokenizer does the lexing the
 * way browsers do (quotes, entities, raw <script>/<style> bodies, comments).
 */

export interface ScannedAttribute {
  /** Lower-cased. */
  name: string
  /** Entities decoded; '' for a bare attribute. */
  value: string
  /** Offsets of the raw value in the source (inside the quotes); equal for a bare attribute. */
  valueStart: number
  valueEnd: number
  quote: '"' | "'" | '' | undefined
}

export interface ScannedTag {
  /** Lower-cased. */
  name: string
  /** Offset of the '<'. */
  start: number
  attributes: ScannedAttribute[]
}

/** The body of a <style> element: CSS text between start and end. */
export interface ScannedStyle {
  start: number
  end: number
}

export interface HtmlScan {
  tags: ScannedTag[]
  styles: ScannedStyle[]
}

/** The first attribute of that name, as browsers do with duplicates. */
export function attribute(tag: ScannedTag | undefined, name: string): ScannedAttribute | undefined {
  return tag?.attributes.find((a) => a.name === name)
}

export function scanHtml(html: string): HtmlScan {
  const tags: ScannedTag[] = []
  const styles: ScannedStyle[] = []
  let current: ScannedTag | undefined
  let attrName = ''
  let attrNameEnd = 0
  let attrValue = ''
  let inStyle = false

  const tokenizer = new Tokenizer(
    { decodeEntities: true },
    {
      onopentagname(start, end) {
        // The tokenizer reports the name, not the '<' before it.
        current = { name: html.slice(start, end).toLowerCase(), start: start - 1, attributes: [] }
        tags.push(current)
      },
      onattribname(start, end) {
        attrName = html.slice(start, end).toLowerCase()
        attrNameEnd = end
        attrValue = ''
      },
      onattribdata(start, end) {
        attrValue += html.slice(start, end)
      },
      onattribentity(codepoint) {
        attrValue += String.fromCodePoint(codepoint)
      },
      onattribend(quote, endIndex) {
        if (!current) return
        const { valueStart, valueEnd, mark } = valueRange(html, attrNameEnd, quote, endIndex)
        current.attributes.push({ name: attrName, value: attrValue, valueStart, valueEnd, quote: mark })
      },
      onopentagend() {
        inStyle = current?.name === 'style'
      },
      onselfclosingtag() {
        inStyle = false
      },
      onclosetag() {
        inStyle = false
        current = undefined
      },
      ontext(start, end) {
        if (inStyle) styles.push({ start, end })
      },
      ontextentity() {},
      oncdata() {},
      oncomment() {},
      ondeclaration() {},
      onprocessinginstruction() {},
      onend() {}
    }
  )
  tokenizer.write(html)
  tokenizer.end()
  return { tags, styles: mergeAdjacent(styles) }
}

function valueRange(html: string, nameEnd: number, quote: QuoteType, endIndex: number): { valueStart: number; valueEnd: number; mark: ScannedAttribute['quote'] } {
  if (quote === QuoteType.NoValue) return { valueStart: nameEnd, valueEnd: nameEnd, mark: undefined }
  // Past the name: optional spaces, '=', optional spaces, then the value (after its quote).
  let i = nameEnd
  while (i < endIndex && html[i] !== '=') i++
  i++
  while (i < endIndex && /\s/.test(html[i] ?? '')) i++
  if (quote === QuoteType.Unquoted) return { valueStart: i, valueEnd: endIndex, mark: '' }
  // endIndex is just past the closing quote.
  return { valueStart: i + 1, valueEnd: endIndex - 1, mark: quote === QuoteType.Double ? '"' : "'" }
}

/** The tokenizer may report one style body in pieces; the CSS reader wants it whole. */
function mergeAdjacent(ranges: ScannedStyle[]): ScannedStyle[] {
  const out: ScannedStyle[] = []
  for (const r of ranges) {
    const last = out[out.length - 1]
    if (last && last.end === r.start) last.end = r.end
    else out.push({ ...r })
  }
  return out
}

/** 1-based line of an offset; `starts` from `lineStarts`. */
export function lineAt(starts: readonly number[], offset: number): number {
  let lo = 0
  let hi = starts.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if ((starts[mid] ?? 0) <= offset) lo = mid
    else hi = mid - 1
  }
  return lo + 1
}

export function lineStarts(text: string): number[] {
  const starts = [0]
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1)
  return starts
}
