import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { readInputs } from '../src/inputs/read-inputs.js'
import { parseStructured } from '../src/inputs/structured.js'
import { parseVariablesObject, expandMatrix } from '../src/inputs/matrix.js'
import { inputError } from './support/input-error.js'

// readInputs as a runner drives it: INPUT_* variables, a workspace on disk. Every refusal here
// must name the input and come before any network call (readInputs makes none).

const names: string[] = []
function setInputs(inputs: Record<string, string>): void {
  for (const [name, value] of Object.entries(inputs)) {
    const key = `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
    names.push(key)
    process.env[key] = value
  }
}

let root: string
let workspace: string
let outside: string

beforeEach(() => {
  root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'hf-inputs-')))
  workspace = path.join(root, 'ws')
  outside = path.join(root, 'outside')
  mkdirSync(path.join(workspace, 'project'), { recursive: true })
  mkdirSync(outside)
  writeFileSync(path.join(outside, 'matrix.json'), JSON.stringify([{ title: 'secret' }]))
  setInputs({ 'api-key': 'k-123', path: 'project' })
})
afterEach(() => {
  for (const key of names.splice(0)) delete process.env[key]
  rmSync(root, { recursive: true, force: true })
})

describe('paths that lead out of the workspace through a symlink', () => {
  it('refuses an output-dir that is a symlink to a folder outside', () => {
    symlinkSync(outside, path.join(workspace, 'renders'))
    setInputs({ 'output-dir': 'renders' })
    const error = inputError(() => readInputs(workspace))
    expect(error.input).toBe('output-dir')
    expect(error.message).toContain('symbolic link')
  })

  it('refuses an output-dir below a symlinked folder, not created yet', () => {
    symlinkSync(outside, path.join(workspace, 'out'))
    setInputs({ 'output-dir': 'out/videos/new' })
    expect(inputError(() => readInputs(workspace)).input).toBe('output-dir')
  })

  it('refuses an output-dir that is a dangling symlink', () => {
    symlinkSync(path.join(outside, 'missing'), path.join(workspace, 'renders'))
    setInputs({ 'output-dir': 'renders' })
    expect(inputError(() => readInputs(workspace)).input).toBe('output-dir')
  })

  it('refuses a matrix-file that is a symlink to a file outside, without reading it', () => {
    symlinkSync(path.join(outside, 'matrix.json'), path.join(workspace, 'matrix.json'))
    setInputs({ 'matrix-file': 'matrix.json' })
    const error = inputError(() => readInputs(workspace))
    expect(error.input).toBe('matrix-file')
    expect(error.message).not.toContain('secret')
  })

  it('accepts symlinks that stay inside the workspace, and a workspace reached through a symlink', () => {
    mkdirSync(path.join(workspace, 'real-out'))
    symlinkSync(path.join(workspace, 'real-out'), path.join(workspace, 'renders'))
    writeFileSync(path.join(workspace, 'm.json'), JSON.stringify([{ title: 'a' }, { title: 'b' }]))
    symlinkSync(path.join(workspace, 'm.json'), path.join(workspace, 'matrix.json'))
    const linkedWorkspace = path.join(root, 'ws-link')
    symlinkSync(workspace, linkedWorkspace)
    setInputs({ 'output-dir': 'renders', 'matrix-file': 'matrix.json' })
    const inputs = readInputs(linkedWorkspace)
    expect(inputs.matrix).toEqual([{ title: 'a' }, { title: 'b' }])
    expect(inputs.outputDir).toBe(path.join(linkedWorkspace, 'renders'))
  })
})

describe('inputs refused with a message naming them instead of an unexpected error', () => {
  it('output-dir naming an existing file', () => {
    writeFileSync(path.join(workspace, 'renders'), 'not a folder')
    setInputs({ 'output-dir': 'renders' })
    const error = inputError(() => readInputs(workspace))
    expect(error.input).toBe('output-dir')
    expect(error.message).toContain('existing file')
  })

  it('an api-key with a line break inside, without repeating the key', () => {
    setInputs({ 'api-key': 'k-first-half\nk-second-half' })
    const error = inputError(() => readInputs(workspace))
    expect(error.input).toBe('api-key')
    expect(error.message).toContain('line break')
    expect(error.message).not.toContain('half')
  })

  it('a YAML alias bomb in matrix', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for (let i = 1; i < 9; i++)
      levels.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`
      )
    const bomb = levels.join('\n')
    const error = inputError(() => parseStructured(bomb, 'matrix'))
    expect(error.input).toBe('matrix')
    expect(error.message).toMatch(/alias/i)
    setInputs({ matrix: bomb })
    expect(inputError(() => readInputs(workspace)).input).toBe('matrix')
  })

  it('a __proto__ variable, in variables and in a matrix entry, rather than dropping it', () => {
    const error = inputError(() => parseVariablesObject(parseStructured('{"__proto__": "x"}', 'variables'), 'variables'))
    expect(error.input).toBe('variables')
    expect(error.message).toContain('__proto__')
    expect(inputError(() => expandMatrix(parseStructured('[{"__proto__": "x"}]', 'matrix'), 'matrix', 10)).input).toBe('matrix')
    setInputs({ variables: '{"__proto__": "x"}' })
    expect(inputError(() => readInputs(workspace)).input).toBe('variables')
  })
})

describe('lint', () => {
  it('defaults to warn and takes strict and off', () => {
    expect(readInputs(workspace).lint).toBe('warn')
    setInputs({ lint: 'strict' })
    expect(readInputs(workspace).lint).toBe('strict')
    setInputs({ lint: ' off ' })
    expect(readInputs(workspace).lint).toBe('off')
  })

  it('refuses anything else, naming the input and the choices', () => {
    setInputs({ lint: 'error' })
    expect(inputError(() => readInputs(workspace)).message).toBe("Input 'lint': 'error' is not one of warn, strict, off.")
  })
})

describe('fail-on', () => {
  // What each mode makes of failed renders is judged in fail-on.test.ts; this is the reading.
  it('defaults to any and takes all and never', () => {
    expect(readInputs(workspace).failOn).toBe('any')
    setInputs({ 'fail-on': 'all' })
    expect(readInputs(workspace).failOn).toBe('all')
    setInputs({ 'fail-on': 'never' })
    expect(readInputs(workspace).failOn).toBe('never')
  })
})

describe('composition and path', () => {
  it('reads ./index.html as index.html and ./video/ as the video folder', () => {
    setInputs({ composition: './index.html', path: './video/' })
    const inputs = readInputs(workspace)
    expect(inputs.composition).toBe('index.html')
    expect(inputs.projectDir).toBe(path.join(workspace, 'video'))
    setInputs({ composition: 'scenes//./intro.html' })
    expect(readInputs(workspace).composition).toBe('scenes/intro.html')
  })

  it('still refuses a composition outside the project folder', () => {
    setInputs({ composition: './scenes/../../x.html' })
    expect(inputError(() => readInputs(workspace)).message).toContain("Input 'composition': './scenes/../../x.html' must be a path inside the project folder")
  })
})
