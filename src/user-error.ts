/**
 * A failure the user can fix (bad input, a broken project, a refused key). main.ts prints these
 * as one plain message — never a stack trace — and fails the step.
 */
export class UserError extends Error {
  override name = 'UserError'
}
