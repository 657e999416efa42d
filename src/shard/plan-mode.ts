import * as core from '@actions/core'
import { InputError } from '../inputs/input-error.js'
import { readInputs } from '../inputs/read-inputs.js'
import { parseEnum, parseInteger } from '../inputs/values.js'
import { MAX_SHARDS } from './shard-spec.js'
import { writePlanOutputs } from './shard-outputs.js'

export const MODES = ['render', 'plan'] as const

function input(name: string, fallback: string): string {
  return core.getInput(name) || fallback
}

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
 * `mode: plan` reads and checks the inputs, expands the matrix and outputs `shards` for the
 * render jobs' strategy.matrix; nothing is packed, uploaded or rendered. Returns false in render mode.
 */
export async function planShardsIfAsked(workspace: string = process.env.GITHUB_WORKSPACE || process.cwd()): Promise<boolean> {
  const mode = parseEnum(input('mode', 'render'), 'mode', MODES)
  if (mode !== 'plan') return false
  const perShard = parseInteger(input('entries-per-shard', '10'), 'entries-per-shard', 1, 10_000)
  const inputs = readInputs(workspace)
  const shards = planShards(inputs.matrix.length, perShard)
  core.info(
    `Plan: ${inputs.matrix.length} entr${inputs.matrix.length === 1 ? 'y' : 'ies'} in ${shards.length} shard${shards.length === 1 ? '' : 's'} of at most ${perShard}: ${JSON.stringify(shards)}.`
  )
  writePlanOutputs(shards)
  return true
}
