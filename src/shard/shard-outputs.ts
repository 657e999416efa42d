import * as core from '@actions/core'

/** The manifest's path, for an upload-artifact step of the user's own; '' outside shard mode. */
export function writeShardOutputs(opts: { manifestPath?: string }): void {
  core.setOutput('shard-manifest', opts.manifestPath ?? '')
}

/** `mode: plan`: the shard list for strategy.matrix.shard. */
export function writePlanOutputs(shards: string[]): void {
  core.setOutput('shards', JSON.stringify(shards))
}
