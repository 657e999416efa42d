import { InputError } from './input-error.js'

// Small parsers for scalar inputs. Each names the input and what it expected, so a typo in a
// workflow file is one readable line in the log.

export function parseEnum<T extends string>(raw: string, input: string, allowed: readonly T[]): T {
  const value = raw.trim()
  if ((allowed as readonly string[]).includes(value)) return value as T
  throw new InputError(input, `'${value}' is not one of ${allowed.join(', ')}.`)
}

export function parseBoolean(raw: string, input: string): boolean {
  const value = raw.trim().toLowerCase()
  if (['true', 'yes', 'on', '1'].includes(value)) return true
  if (['false', 'no', 'off', '0'].includes(value)) return false
  throw new InputError(input, `'${raw.trim()}' is not a boolean; expected true or false.`)
}

export function parseInteger(raw: string, input: string, min: number, max: number): number {
  const value = raw.trim()
  if (!/^[+-]?\d+$/.test(value)) {
    throw new InputError(input, `'${value}' is not a whole number; expected an integer from ${min} to ${max}.`)
  }
  const n = Number(value)
  if (n < min || n > max) throw new InputError(input, `${n} is out of range; expected an integer from ${min} to ${max}.`)
  return n
}

export function parseNumber(raw: string, input: string, min: number, max: number): number {
  const value = raw.trim()
  const n = Number(value)
  if (value === '' || !Number.isFinite(n)) throw new InputError(input, `'${value}' is not a number; expected a number from ${min} to ${max}.`)
  if (n < min || n > max) throw new InputError(input, `${n} is out of range; expected a number from ${min} to ${max}.`)
  return n
}
