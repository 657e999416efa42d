import { InputError } from './input-error.js'
import type { Variables } from './matrix.js'

/** What a name template can refer to for one render. `index` is 1-based, as users count. */
export interface TemplateContext {
  variables: Variables
  index: number
  sha: string
}

/** Names every template understands; a variable with the same id is shadowed by these. */
const BUILT_INS = ['index', 'sha', 'sha_full'] as const

/** GitHub artifact names and most file systems cope with 100 characters; longer gains nothing. */
export const MAX_NAME_LENGTH = 100

/**
 * Fills `{index}`, `{sha}` (7 characters), `{sha_full}` and `{<variable id>}`; `{{` and `}}` are
 * literal braces. Any other placeholder is a mistake worth stopping for: silently leaving
 * `{colour}` in a file name would only surface once the videos are out.
 */
export function renderTemplate(template: string, ctx: TemplateContext, input: string): string {
  let out = ''
  let i = 0
  while (i < template.length) {
    const ch = template[i]
    const next = template[i + 1]
    if (ch === '{' && next === '{') {
      out += '{'
      i += 2
    } else if (ch === '}' && next === '}') {
      out += '}'
      i += 2
    } else if (ch === '{') {
      const close = template.indexOf('}', i + 1)
      const open = template.indexOf('{', i + 1)
      if (close === -1 || (open !== -1 && open < close)) {
        throw new InputError(input, `has an unclosed '{' at character ${i + 1} of "${template}"; close the placeholder or write '{{' for a literal brace`)
      }
      out += placeholder(template.slice(i + 1, close).trim(), ctx, input)
      i = close + 1
    } else if (ch === '}') {
      throw new InputError(input, `has a stray '}' at character ${i + 1} of "${template}"; write '}}' for a literal brace`)
    } else {
      out += ch
      i += 1
    }
  }
  return out
}

function placeholder(name: string, ctx: TemplateContext, input: string): string {
  switch (name) {
    case 'index':
      return String(ctx.index)
    case 'sha':
      return ctx.sha.slice(0, 7)
    case 'sha_full':
      return ctx.sha
  }
  const value = Object.hasOwn(ctx.variables, name) ? ctx.variables[name] : undefined
  // Objects and arrays read as their JSON, not as '[object Object]'.
  if (value !== undefined) return value !== null && typeof value === 'object' ? JSON.stringify(value) : String(value)
  const available = [...BUILT_INS, ...Object.keys(ctx.variables).filter((k) => !isBuiltIn(k))]
  throw new InputError(input, `unknown placeholder '{${name}}' (entry ${ctx.index}); available: ${available.map((k) => `{${k}}`).join(', ')}`)
}

function isBuiltIn(name: string): boolean {
  return (BUILT_INS as readonly string[]).includes(name)
}

/**
 * Makes a string usable as both a file name and a GitHub artifact name: only [A-Za-z0-9._-],
 * everything else becomes '-', runs of '-' collapse, no leading/trailing '-' or '.', at most 100
 * characters. Accents are dropped rather than replaced ("café" → "cafe") so names stay readable.
 * May return '' — the caller decides what an empty name means.
 */
export function safeName(raw: string): string {
  const cleaned = raw
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
  return trimEnds(trimEnds(cleaned).slice(0, MAX_NAME_LENGTH))
}

function trimEnds(name: string): string {
  return name.replace(/^[-.]+/, '').replace(/[-.]+$/, '')
}

/**
 * Renders one name per render and refuses names that are empty or that collide. Artifact names
 * collide case-insensitively (and so do files on macOS/Windows runners), so 'Intro' and 'intro'
 * count as the same name.
 */
export function renderNames(template: string, contexts: TemplateContext[], input: string): string[] {
  const names = contexts.map((ctx) => {
    const rendered = renderTemplate(template, ctx, input)
    const name = safeName(rendered)
    if (name === '') {
      throw new InputError(input, `"${template}" gives an empty name for entry ${ctx.index} (rendered as "${rendered}"); use letters, digits, '.', '_' or '-', or add {index}`)
    }
    return name
  })

  const groups = new Map<string, number[]>()
  names.forEach((name, i) => {
    const key = name.toLowerCase()
    groups.set(key, [...(groups.get(key) ?? []), i])
  })
  const collisions = [...groups.values()].filter((members) => members.length > 1)
  if (collisions.length > 0) {
    const shown = collisions.slice(0, 3).map((members) => describeCollision(members, names, contexts))
    const more = collisions.length > 3 ? `; and ${collisions.length - 3} more name(s) collide` : ''
    throw new InputError(input, `"${template}" gives the same name to more than one render: ${shown.join('; ')}${more}. Every render needs its own name (compared ignoring case)`)
  }
  return names
}

function describeCollision(members: number[], names: string[], contexts: TemplateContext[]): string {
  const entries = members.map((i) => contexts[i]?.index ?? i + 1)
  const name = names[members[0] ?? 0] ?? ''
  const group = members.map((i) => contexts[i]?.variables ?? {})
  // Point at the variables that actually tell these renders apart: the fix is to use one of them.
  const keys = new Set(group.flatMap((vars) => Object.keys(vars)))
  const differing = [...keys].filter((key) => new Set(group.map((vars) => JSON.stringify(vars[key]))).size > 1)
  const hint = differing.length > 0 ? `add {index} or a variable that differs between them: ${differing.map((k) => `{${k}}`).join(', ')}` : 'their variables are identical, so add {index}'
  const list = entries.length === 2 ? `entries ${entries[0]} and ${entries[1]} both give` : `entries ${entries.slice(0, -1).join(', ')} and ${entries[entries.length - 1]} all give`
  return `${list} '${name}' — ${hint}`
}
