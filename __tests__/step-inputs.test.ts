import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { readInputs } from '../src/inputs/read-inputs.js'
import { inputError } from './support/input-error.js'

// readInputs is the one reader of the step's inputs: the publishing, sharding, preview and
// renderer-cache inputs come out of it with the rest, so main.ts reads nothing on its own.

const set: string[] = []
function setEnv(vars: Record<string, string>): void {
  for (const [name, value] of Object.entries(vars)) {
    set.push(name)
    process.env[name] = value
  }
}
const setInputs = (inputs: Record<string, string>): void => setEnv(Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])))

let workspace: string
beforeEach(() => {
  workspace = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'hf-step-inputs-')))
  mkdirSync(path.join(workspace, 'video'))
  setInputs({ 'api-key': 'k-123', path: 'video' })
})
afterEach(() => {
  for (const name of set.splice(0)) delete process.env[name]
  rmSync(workspace, { recursive: true, force: true })
})

describe('the one input reader', () => {
  it('gives the defaults of every input a runner would apply from action.yml', () => {
    const inputs = readInputs(workspace)
    expect(inputs.github).toEqual({ token: '', comment: 'auto', commentKey: 'video/index.html', release: undefined })
    expect(inputs.shard).toBeUndefined()
    expect(inputs.mode).toBe('render')
    expect(inputs.entriesPerShard).toBe(10)
    expect(inputs.preview).toEqual({ mode: 'auto', branch: undefined, retentionDays: 30 })
    expect(inputs.cacheRenderer).toBe(true)
    expect(inputs.heartbeatMs).toBeUndefined()
  })

  it('reads the publishing, sharding, preview and cache inputs as written', () => {
    setInputs({
      'github-token': 'ghs_abc',
      comment: 'false',
      'comment-key': 'promo',
      release: 'v1.2.0',
      shard: '2/3',
      mode: 'plan',
      'entries-per-shard': '4',
      preview: 'poster',
      'preview-branch': 'hf-previews',
      'preview-retention-days': '7',
      'cache-renderer': 'false'
    })
    setEnv({ HYPERFRAMES_PROGRESS_INTERVAL_SECONDS: '0.5' })
    const inputs = readInputs(workspace, { release: { tag: 'v1.2.0', id: 77 } })
    expect(inputs.github).toEqual({ token: 'ghs_abc', comment: 'false', commentKey: 'promo', release: { tag: 'v1.2.0', id: 77 } })
    expect(inputs.shard).toEqual({ index: 2, count: 3 })
    expect(inputs.mode).toBe('plan')
    expect(inputs.entriesPerShard).toBe(4)
    expect(inputs.preview).toEqual({ mode: 'poster', branch: 'hf-previews', retentionDays: 7 })
    expect(inputs.cacheRenderer).toBe(false)
    expect(inputs.heartbeatMs).toBe(500)
  })

  it('takes the release from a release event when the input is empty', () => {
    expect(readInputs(workspace, { release: { tag: 'v2.0.0', id: 9 } }).github.release).toEqual({ tag: 'v2.0.0', id: 9 })
  })

  it.each([
    ['shard', '4/3', "'4/3' names shard 4 of 3"],
    ['mode', 'render-all', "'render-all' is not one of render, plan"],
    ['entries-per-shard', '0', 'entries-per-shard'],
    ['cache-renderer', 'maybe', 'cache-renderer'],
    ['preview', 'gif', "'gif' is not one of auto, poster, none"],
    ['comment', 'always', "'always' is not one of auto, true, false"]
  ])('refuses a bad %s, naming it', (name, value, message) => {
    setInputs({ [name]: value })
    const error = inputError(() => readInputs(workspace))
    expect(error.input).toBe(name)
    expect(error.message).toContain(message)
  })
})
