import { InputError } from './input-error.js'
import { missingKeyDecision, type OnMissingKey } from './missing-key.js'
import type { RunContext } from './run-context.js'

export const BACKENDS = ['heygen', 'local'] as const
export type BackendName = (typeof BACKENDS)[number]

export type BackendDecision = { action: 'render'; backend: BackendName; notice?: string } | { action: 'skip'; reason: string }

/**
 * Which backend renders the step: the single place that decides it. backend: local needs no key;
 * for heygen an empty key is on-missing-key's call — fail, skip, or render locally instead.
 */
export function chooseBackend(
  requested: BackendName,
  apiKey: string,
  onMissingKey: OnMissingKey,
  ctx: Pick<RunContext, 'actor' | 'repository' | 'headRepository'>
): BackendDecision {
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

/** backend: local renders inside this step, so there is nothing to come back for later. */
export function localNeedsWait(): InputError {
  return new InputError('wait', 'false needs backend: heygen; with backend: local the renders run inside this step, so it has to wait for them.')
}
