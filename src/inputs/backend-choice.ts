import { InputError } from './input-error.js'

export const BACKENDS = ['heygen', 'local'] as const
export type BackendName = (typeof BACKENDS)[number]

/**
 * Which backend renders the step. The single place that decides it, so a policy for a missing
 * key (fall back to `local`, skip, fail) plugs in here without touching the pipeline.
 */
export function chooseBackend(requested: BackendName, apiKey: string): BackendName {
  if (requested === 'local') return 'local'
  if (!apiKey) {
    throw new InputError(
      'api-key',
      'is empty; pass your HeyGen API key from a secret, e.g. api-key: ${{ secrets.HEYGEN_API_KEY }}, or set backend: local to render on the runner without one.'
    )
  }
  return 'heygen'
}
