import { InputError } from '../../src/inputs/input-error.js'

/** Runs `fn`, expects an InputError, and returns it so a test can look at the message. */
export function inputError(fn: () => unknown): InputError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return error as InputError
  }
  throw new Error('expected an InputError, got none')
}
