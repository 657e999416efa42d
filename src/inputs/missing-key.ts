import { InputError } from './input-error.js'
import type { RunContext } from './run-context.js'

/**
 * What to do when `api-key` is empty. GitHub withholds secrets from workflows triggered by pull
 * requests from forks and by Dependabot, so a missing key is normal there, not a mistake.
 * `local` renders on the runner with the open-source renderer instead: real previews for fork PRs,
 * at no cost. A new value is one more entry here and one more case in `missingKeyDecision`; the
 * exhaustive switch makes the compiler point at it.
 */
export const ON_MISSING_KEY = ['skip', 'fail', 'local'] as const
export type OnMissingKey = (typeof ON_MISSING_KEY)[number]

export type KeyDecision = { action: 'render' } | { action: 'skip'; reason: string } | { action: 'local'; reason: string }

export function missingKeyDecision(apiKey: string, onMissingKey: OnMissingKey, ctx: Pick<RunContext, 'actor' | 'repository' | 'headRepository'>): KeyDecision {
  if (apiKey) return { action: 'render' }
  switch (onMissingKey) {
    case 'fail':
      throw new InputError('api-key', 'is empty; pass your HeyGen API key from a secret, e.g. api-key: ${{ secrets.HEYGEN_API_KEY }}, or render on the runner without one with backend: local.')
    case 'skip':
      return { action: 'skip', reason: skipReason(ctx) }
    case 'local':
      return { action: 'local', reason: `api-key is empty, so the renders run on this runner with the open-source renderer (on-missing-key: local). ${whyMissing(ctx)}` }
    default:
      return assertNever(onMissingKey)
  }
}

/** One notice that says why nothing was rendered and how to change that. */
function skipReason(ctx: Pick<RunContext, 'actor' | 'repository' | 'headRepository'>): string {
  return `No renders: api-key is empty, so the render was skipped (on-missing-key: skip). ${whyMissing(ctx)} Set on-missing-key: local to render on the runner instead, or on-missing-key: fail to make a missing key an error.`
}

function whyMissing(ctx: Pick<RunContext, 'actor' | 'repository' | 'headRepository'>): string {
  return ctx.headRepository && ctx.repository && ctx.headRepository.toLowerCase() !== ctx.repository.toLowerCase()
    ? `This pull request comes from the fork ${ctx.headRepository}, and GitHub does not pass secrets to workflows run for forks.`
    : /^dependabot\[bot\]$/i.test(ctx.actor)
      ? 'This run was triggered by Dependabot, and GitHub passes Dependabot runs only the Dependabot secrets.'
      : 'The secret is unset or not passed to this workflow (GitHub passes no secrets to runs for pull requests from forks or by Dependabot).'
}

function assertNever(value: never): never {
  throw new Error(`unhandled on-missing-key value ${String(value)}`)
}
