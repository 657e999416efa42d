import { InputError } from '../inputs/input-error.js'

/** Which slice of the matrix this job renders: shard `index` of `count`, both 1-based. */
export interface ShardSpec {
  index: number
  count: number
}

/** GitHub runs at most 256 jobs per matrix; more shards than that could never all run. */
export const MAX_SHARDS = 256

/** `i/n` as `shard` takes it; empty means the whole matrix in this job. */
export function parseShard(raw: string, inputName = 'shard'): ShardSpec | undefined {
  const value = raw.trim()
  if (value === '') return undefined
  const m = /^(\d+)\s*\/\s*(\d+)$/.exec(value)
  if (!m) throw new InputError(inputName, `'${value}' is not a shard; expected i/n with 1 <= i <= n, like 1/4 (from strategy.matrix.shard).`)
  const index = Number(m[1])
  const count = Number(m[2])
  if (count < 1 || count > MAX_SHARDS) throw new InputError(inputName, `'${value}' has ${count} shards; expected from 1 to ${MAX_SHARDS}.`)
  if (index < 1 || index > count) throw new InputError(inputName, `'${value}' names shard ${index} of ${count}; expected i from 1 to ${count}.`)
  return { index, count }
}

export function shardLabel(shard: ShardSpec): string {
  return `${shard.index}/${shard.count}`
}
