import * as core from '@actions/core'
import { InputError } from '../inputs/input-error.js'
import type { RequestedInputs } from '../inputs/read-inputs.js'
import { MAX_SHARDS } from './shard-spec.js'
import { writePlanOutputs } from './shard-outputs.js'

/** ["1/n", …, "n/n"]: enough shards that none holds more than `perShard` entries, at least one. */
export function planShards(entries: number, perShard: number): string[] {
  const count = Math.max(1, Math.ceil(entries / perShard))
  if (count > MAX_SHARDS) {
    throw new InputError(
      'entries-per-shard',
      `${perShard} gives ${count} shards for ${entries} entries; a job matrix holds at most ${MAX_SHARDS}. Raise entries-per-shard to at least ${Math.ceil(entries / MAX_SHARDS)}.`
    )
  }
  return Array.from({ length: count }, (_, i) => `${i + 1}/${count}`)
}

/**
 * `mode: plan`: the inputs are read and checked and the matrix expanded; this outputs `shards` for
 * the render jobs' strategy.matrix. Nothing is packed, uploaded or rendered.
 */
export function writeShardPlan(inputs: Pick<RequestedInputs, 'matrix' | 'entriesPerShard'>): void {
  const perShard = inputs.entriesPerShard
  const shards = planShards(inputs.matrix.length, perShard)
  core.info(
    `Plan: ${inputs.matrix.length} entr${inputs.matrix.length === 1 ? 'y' : 'ies'} in ${shards.length} shard${shards.length === 1 ? '' : 's'} of at most ${perShard}: ${JSON.stringify(shards)}.`
  )
  writePlanOutputs(shards)
}
