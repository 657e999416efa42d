import { BACKEND_REGISTRY } from '../backends.js'
import { InputError } from './input-error.js'
import { missingKeyDecision, type OnMissingKey } from './missing-key.js'
import type { RunContext } from './run-context.js'

/** The names the `backend` input accepts: those registered in src/backends.ts. */
export type BackendName = keyof typeof BACKEND_REGISTRY
export const BACKENDS = Object.keys(BACKEND_REGISTRY) as readonly BackendName[]

export type BackendDecision = { action: 'render'; backend: BackendName; notice?: string } | { action: 'skip'; reason: string }

/**
 * Which backend renders the step: the single place that decides it. backend: local needs no key;
 * for heygen an empty key is on-missing-key's call — fail, skip, or render locally instead.
 */
export function chooseBackend(requested: BackendName, apiKey: string, onMissingKey: OnMissingKey, ctx: Pick<RunContext, 'actor' | 'repository' | 'headRepository'>): BackendDecision {
  if (requested === 'local') return { action: 'render', backend: 'local' }
  const decision = missingKeyDecision(apiKey, onMissingKey, ctx)
  switch (decision.action) {
    case 'render':
      return { action: 'render', backend: 'heygen' }
    case 'local':
      return { action: 'render', backend: 'local', notice: decision.reason }
    case 'skip':
      return decision
  }
}

/**
 * The backend this run uses, decided once: a dry run calls no API, so it needs no key (a fork's
 * pull request can still check its project); otherwise on-missing-key may skip the run or render
 * locally. Local renders happen inside the step, so they need wait, whichever way local was chosen.
 */
export function decideBackend(
  inputs: { backend: BackendName; apiKey: string; onMissingKey: OnMissingKey; wait: boolean; dryRun: boolean },
  ctx: Pick<RunContext, 'actor' | 'repository' | 'headRepository'>
): BackendDecision {
  const choice: BackendDecision = inputs.dryRun ? { action: 'render', backend: inputs.backend } : chooseBackend(inputs.backend, inputs.apiKey, inputs.onMissingKey, ctx)
  if (choice.action === 'render' && choice.backend === 'local' && !inputs.wait) throw localNeedsWait()
  return choice
}

/** backend: local renders inside this step, so there is nothing to come back for later. */
export function localNeedsWait(): InputError {
  return new InputError('wait', 'false needs backend: heygen; with backend: local the renders run inside this step, so it has to wait for them.')
}
