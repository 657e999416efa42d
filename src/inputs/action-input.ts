import * as core from '@actions/core'

/**
 * An input as written, or `fallback` when it is empty. The defaults live in the readers too:
 * outside a runner nothing applies action.yml's defaults for us.
 */
export function input(name: string, fallback = ''): string {
  const value = core.getInput(name)
  return value === '' ? fallback : value
}
