import { parseDocument } from 'yaml'
import { InputError } from './input-error.js'

/**
 * Parses an input written as JSON or YAML. Empty or whitespace-only text means "not given" and
 * returns undefined, because action inputs are always strings and an unset one arrives as ''.
 */
export function parseStructured(text: string, input: string): unknown {
  if (text.trim() === '') return undefined

  // JSON is YAML, but for text that looks like JSON, JSON.parse describes a mistake (a missing
  // comma or quote) more precisely than a YAML parser reading it as a flow mapping. YAML flow
  // syntax such as `{fruit: [apple, pear]}` also starts with a brace, so YAML still gets a try
  // before giving up (it also forgives trailing commas, which mean the same thing in both).
  const trimmed = text.trimStart()
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.parse(text) as unknown
    } catch (jsonError) {
      const yaml = tryYaml(text)
      if (yaml.ok) return yaml.value
      throw new InputError(input, `is not valid JSON: ${describeJsonError(jsonError, text)}`)
    }
  }

  const yaml = tryYaml(text)
  if (yaml.ok) return yaml.value
  throw new InputError(input, `is not valid YAML or JSON: ${yaml.error}`)
}

type YamlResult = { ok: true; value: unknown } | { ok: false; error: string }

function tryYaml(text: string): YamlResult {
  // prettyErrors would add a multi-line source excerpt; a one-line message with the position
  // reads better in a workflow log and in the step's failure annotation.
  const doc = parseDocument(text, { prettyErrors: false })
  const first = doc.errors[0]
  if (first !== undefined) return { ok: false, error: `${first.message} (${lineAndColumn(text, first.pos[0])})` }
  try {
    return { ok: true, value: doc.toJS() as unknown }
  } catch (error) {
    // Parsing succeeded but building the value did not: too many aliases (a "billion laughs" document).
    return { ok: false, error: error instanceof Error ? error.message : String(error) }
  }
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset)
  return `line ${before.split('\n').length}, column ${offset - before.lastIndexOf('\n')}`
}

function describeJsonError(error: unknown, text: string): string {
  const message = error instanceof Error ? error.message : String(error)
  // V8 reports a character offset ("at position 13"); people find line and column faster.
  const match = /at position (\d+)/.exec(message)
  if (!match) return message
  const base = message.replace(/ in JSON at position \d+.*$/, '').replace(/ at position \d+.*$/, '')
  return `${base} (${lineAndColumn(text, Number(match[1]))})`
}
