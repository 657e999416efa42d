import { createHash } from 'node:crypto'
import { canonicalJson, keyedRequest } from '../render/idempotency.js'
import type { RenderJob } from '../render/job.js'

export interface PlanDigestInput {
  backend: string
  composition: string
  zipSha256: string
  /** Every job of the whole matrix, not only this shard's: names, variables and what is asked of each. */
  jobs: readonly RenderJob[]
}

// Bump when the recipe changes, so manifests from an older action never pass as the same plan.
const DIGEST_VERSION = 'plan-v1'

/**
 * A digest of everything that decides what the renders are: shards of one run that disagree on
 * it (a matrix edited between attempts, a different commit's project) must not be merged into
 * one report. The shard itself is left out: every shard of one plan computes the same digest.
 */
export function planDigest(input: PlanDigestInput): string {
  return createHash('sha256')
    .update(
      canonicalJson({
        v: DIGEST_VERSION,
        backend: input.backend,
        composition: input.composition,
        zip: input.zipSha256,
        jobs: input.jobs.map((j) => ({ index: j.index, name: j.name, variables: j.variables, request: keyedRequest(j) }))
      })
    )
    .digest('hex')
}
