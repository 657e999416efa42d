import { UserError } from '../user-error.js'

/** A bad action input: names the input and says what was expected, before any network call. */
export class InputError extends UserError {
  override name = 'InputError'
  constructor(
    readonly input: string,
    detail: string
  ) {
    super(`Input '${input}': ${detail}`)
  }
}
