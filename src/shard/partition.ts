import type { ShardSpec } from './shard-spec.js'

/**
 * Whether the 1-based matrix `index` belongs to `shard`. Round-robin rather than contiguous
 * blocks: neighbouring entries (often one locale's long and short cuts) land on different shards,
 * so the shards finish at about the same time.
 */
export function inShard(index: number, shard: ShardSpec): boolean {
  return (index - 1) % shard.count === shard.index - 1
}

/** The items of `shard`, in matrix order. */
export function keepShard<T>(items: readonly T[], shard: ShardSpec, indexOf: (item: T) => number): T[] {
  return items.filter((item) => inShard(indexOf(item), shard))
}

/** The 1-based indexes shard `shard` renders out of `total` entries. */
export function shardIndexes(total: number, shard: ShardSpec): number[] {
  const out: number[] = []
  for (let index = shard.index; index <= total; index += shard.count) out.push(index)
  return out
}
