import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { chooseBackend, decideBackend } from '../src/inputs/backend-choice.js'
import { readGitHubInputs, readGitHubToken } from '../src/inputs/github-inputs.js'
import { InputError } from '../src/inputs/input-error.js'
import { readInputs } from '../src/inputs/read-inputs.js'
import type { RunContext } from '../src/inputs/run-context.js'
import { inspectProject } from '../src/project/inspect-project.js'
import type { ProjectLog } from '../src/project/project-log.js'
import { planJobs } from '../src/render/job.js'
import { UserError } from '../src/user-error.js'
import { SHA_A, makeWorkspace } from './support/action-runner.js'

// Every bad input a user can write, refused by the stages a run goes through before its first
// request (read the inputs, choose the backend, inspect the project, plan the jobs), in the order
// main.ts runs them. None of these stages touches the network, so a refusal here is a refusal
// before any request. That the whole action turns such a refusal into one plain ::error:: line,
// no request and written outputs is proved once, by a real run, in action.e2e.test.ts.

const quiet: ProjectLog = { info: () => undefined, warning: () => undefined, error: () => undefined, notice: () => undefined }
let basic: string
const workspaces: string[] = []
function workspace(fixture: string): string {
  const ws = makeWorkspace(fixture)
  workspaces.push(ws)
  return ws
}
const context = (workspace: string): RunContext => ({
  sha: SHA_A,
  eventName: 'push',
  runId: 1001,
  runAttempt: 1,
  repository: 'octo/videos',
  serverUrl: 'https://github.com',
  workspace,
  actor: 'octocat'
})

const set: string[] = []
function setInputs(inputs: Record<string, string>): void {
  for (const [name, value] of Object.entries(inputs)) {
    const key = `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
    set.push(key)
    process.env[key] = value
  }
}

/** The checks a run makes before its first request; returns the refusal, or fails the test if there is none. */
async function refusal(inputs: Record<string, string>, workspace = basic): Promise<UserError> {
  setInputs({ 'api-key': 'test-key-123', 'api-url': 'http://127.0.0.1:9', path: 'project', ...inputs })
  try {
    const ctx = context(workspace)
    const token = readGitHubToken()
    const requested = readInputs(workspace)
    readGitHubInputs(ctx, token, requested)
    decideBackend(requested, ctx)
    const project = await inspectProject(requested, quiet)
    planJobs(project.inputs, SHA_A)
  } catch (error) {
    // A UserError is printed as its message alone: one ::error:: a user can act on, no stack trace.
    expect(error).toBeInstanceOf(UserError)
    return error as UserError
  }
  throw new Error(`expected a refusal for ${JSON.stringify(inputs)}, got none`)
}

beforeAll(() => {
  basic = workspace('basic')
  writeFileSync(path.join(basic, 'matrix.yml'), '- title: [unclosed\n')
})
afterAll(() => {
  for (const ws of workspaces) rmSync(ws, { recursive: true, force: true })
})
afterEach(() => {
  for (const key of set.splice(0)) delete process.env[key]
})

// [what is wrong, the inputs, the input the refusal names (null: the variables report, which names every entry), the message]
const cases: Array<[string, Record<string, string>, string | null, RegExp]> = [
  ['unparseable matrix', { matrix: '[{"title": "x"' }, 'matrix', /Input 'matrix'/],
  ['unparseable matrix-file', { 'matrix-file': 'matrix.yml' }, 'matrix-file', /Input 'matrix-file'/],
  ['a matrix of non-objects', { matrix: '["a", "b"]' }, 'matrix', /Input 'matrix': .*entry 1/],
  ['an unknown quality', { quality: 'ultra' }, 'quality', /Input 'quality': 'ultra' is not one of draft, standard, high/],
  ['fps out of range', { fps: '300' }, 'fps', /Input 'fps': 300 is out of range; expected an integer from 1 to 240/],
  ['fps not a number', { fps: 'fast' }, 'fps', /Input 'fps': 'fast' is not a whole number/],
  ['4k with webm', { resolution: '4k', format: 'webm' }, 'resolution', /Input 'resolution': 4k renders only as mp4/],
  ['a missing entry file', { composition: 'missing.html' }, 'composition', /Input 'composition': 'missing.html' does not exist/],
  ['a missing project folder', { path: 'nope' }, 'path', /Input 'path': 'nope' does not exist/],
  ['a path outside the workspace', { path: '../..' }, 'path', /Input 'path': '..\/..' points outside the workspace/],
  ['http api-url off loopback', { 'api-url': 'http://api.example.com' }, 'api-url', /Input 'api-url': http:\/\/api.example.com is not https/],
  ['duplicate render names', { matrix: '[{"title": "a"}, {"title": "a"}]', name: 'same-{title}' }, 'name', /Input 'name'/],
  ['a missing api key with on-missing-key: fail', { 'api-key': '', 'on-missing-key': 'fail' }, 'api-key', /Input 'api-key': is empty/],
  ['an unknown on-missing-key', { 'on-missing-key': 'ignore' }, 'on-missing-key', /Input 'on-missing-key': 'ignore' is not one of skip, fail, local/],
  ['an unknown comment mode', { comment: 'sometimes' }, 'comment', /Input 'comment': 'sometimes' is not one of auto, true, false/],
  ['a release tag with spaces', { release: 'v 1' }, 'release', /Input 'release': 'v 1' is not a tag name/],
  ['an unknown backend', { backend: 'cloud' }, 'backend', /Input 'backend': 'cloud' is not one of heygen, local\./],
  ['wait: false with backend: local', { backend: 'local', wait: 'false' }, 'wait', /Input 'wait': false needs backend: heygen/],
  ['more than 256 entries', { matrix: JSON.stringify({ n: Array.from({ length: 257 }, (_, i) => i) }) }, 'matrix', /Input 'matrix': expands to 257 renders; the limit is 256 \(max-renders\)/],
  ['an object for a variable declared as a string', { matrix: '[{"title": {"text": "x"}}]' }, null, /matrix entry 1: 'title' is declared as string; expected a string, got an object/],
  ['a title over 500 characters', { title: 'x'.repeat(501) }, 'title', /Input 'title': entry 1 .* 501 characters; the API takes at most 500/],
  ['a callback-url that is not https', { 'callback-url': 'http://hooks.example.com/x' }, 'callback-url', /Input 'callback-url': must be https/],
  ['a timeout that is not a number', { 'timeout-minutes': 'soon' }, 'timeout-minutes', /Input 'timeout-minutes': 'soon' is not a number/]
]

describe('bad input is refused before any network call, naming the input', () => {
  it.each(cases)('refuses %s', async (_label, inputs, input, message) => {
    const error = await refusal(inputs)
    if (input !== null) expect([error instanceof InputError, (error as InputError).input]).toEqual([true, input])
    expect(error.message).toMatch(message)
  })

  it('accepts the same workspace with good inputs, so each refusal above is about its own input', async () => {
    setInputs({ 'api-key': 'test-key-123', 'api-url': 'http://127.0.0.1:9', path: 'project', matrix: '[{"title": "a"}, {"title": "b"}]', name: '{title}' })
    const requested = readInputs(basic)
    expect(readGitHubInputs(context(basic), readGitHubToken(), requested).comment).toBe('auto')
    expect(chooseBackend(requested.backend, requested.apiKey, requested.onMissingKey, context(basic))).toEqual({ action: 'render', backend: 'heygen' })
    const project = await inspectProject(requested, quiet)
    expect(planJobs(project.inputs, SHA_A).map((j) => j.name)).toEqual(['a', 'b'])
  })
})

describe('a composition the inputs cannot render is refused before any network call', () => {
  it('refuses an explicit aspect-ratio that contradicts the composition, naming both', async () => {
    const error = await refusal({ 'aspect-ratio': '16:9' }, workspace('portrait'))
    expect(error.message).toContain("Input 'aspect-ratio': is 16:9, but the composition project/index.html is 1080×1920 (line 10), which is 9:16")
  })

  it('refuses a composition size the API cannot render, naming the dimensions', async () => {
    const error = await refusal({}, workspace('four-three'))
    expect(error.message).toContain('The composition project/index.html is 1440×1080 (line 7), a 4:3 frame; the render API only renders 16:9, 9:16 and 1:1.')
  })

  it('refuses 4k with mov as with webm', async () => {
    const error = await refusal({ resolution: '4k', format: 'mov' })
    expect(error.message).toContain("Input 'resolution': 4k renders only as mp4, but format is mov")
  })

  it('refuses an entry composition that .hyperframesignore leaves out of the zip', async () => {
    const ws = workspace('basic')
    writeFileSync(path.join(ws, 'project/.hyperframesignore'), 'intro.html\n')
    writeFileSync(path.join(ws, 'project/intro.html'), readFileSync(path.join(ws, 'project/index.html')))
    const error = await refusal({ composition: 'intro.html' }, ws)
    expect(error.message).toContain("Input 'composition': 'intro.html' is excluded from the zip (dotfile, default exclusion or .hyperframesignore) in the project folder 'project'")
  })
})
