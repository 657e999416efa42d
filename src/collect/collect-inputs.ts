import * as core from '@actions/core'
import { input } from '../inputs/action-input.js'
import { COMMENT_MODES, type CommentMode } from '../inputs/github-inputs.js'
import { existsSync, statSync } from 'node:fs'
import path from 'node:path'
import { InputError } from '../inputs/input-error.js'
import { FAIL_ON, type FailOn } from '../inputs/choices.js'
import { parseEnum } from '../inputs/values.js'

/** The collect sub-action's inputs (collect/action.yml). */
export interface CollectInputs {
  /** A folder of manifests; undefined: download this run's manifest artifacts. */
  resultsPath?: string
  token: string
  comment: CommentMode
  /** Empty: the key the shards recorded in their manifests. */
  commentKey: string
  failOn: FailOn
}

export function readCollectInputs(workspace: string): CollectInputs {
  const token = input('github-token').trim()
  if (token) core.setSecret(token) // first, so it is masked even when a later input is refused
  const raw = input('results-path').trim()
  // Anywhere readable: download-artifact is often pointed at runner.temp, outside the workspace.
  const resultsPath = raw ? path.resolve(workspace, raw) : undefined
  if (resultsPath && (!existsSync(resultsPath) || !statSync(resultsPath).isDirectory())) {
    throw new InputError('results-path', `'${raw}' is not a folder; expected the folder actions/download-artifact put the shard manifests in, or empty to download them here.`)
  }
  return {
    resultsPath,
    token,
    comment: parseEnum(input('comment', 'auto'), 'comment', COMMENT_MODES),
    commentKey: input('comment-key').trim(),
    failOn: parseEnum(input('fail-on', 'any'), 'fail-on', FAIL_ON)
  }
}
