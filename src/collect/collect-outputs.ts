import * as core from '@actions/core'

/** collect's own output beside the render step's: how many entries no shard delivered. */
export function writeCollectOutputs(opts: { missing: number }): void {
  core.setOutput('missing', String(opts.missing))
}
