import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { readInputs } from '../src/inputs/read-inputs.js'
import { inputError } from './support/input-error.js'

// readInputs reads INPUT_* as a runner sets them; each test sets only what it is about.
const SET: string[] = []
function setInputs(inputs: Record<string, string>): void {
  for (const [name, value] of Object.entries(inputs)) {
    const key = `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
    process.env[key] = value
    SET.push(key)
  }
}

let ws: string
beforeEach(() => {
  ws = mkdtempSync(path.join(tmpdir(), 'hf-inputs-'))
})
afterEach(() => {
  for (const key of SET.splice(0)) delete process.env[key]
  rmSync(ws, { recursive: true, force: true })
})

describe('lint', () => {
  it('defaults to warn and takes strict and off', () => {
    expect(readInputs(ws).lint).toBe('warn')
    setInputs({ lint: 'strict' })
    expect(readInputs(ws).lint).toBe('strict')
    setInputs({ lint: ' off ' })
    expect(readInputs(ws).lint).toBe('off')
  })

  it('refuses anything else, naming the input and the choices', () => {
    setInputs({ lint: 'error' })
    expect(inputError(() => readInputs(ws)).message).toBe("Input 'lint': 'error' is not one of warn, strict, off.")
  })
})

describe('composition and path', () => {
  it('reads ./index.html as index.html and ./video/ as the video folder', () => {
    setInputs({ composition: './index.html', path: './video/' })
    const inputs = readInputs(ws)
    expect(inputs.composition).toBe('index.html')
    expect(inputs.projectDir).toBe(path.join(ws, 'video'))
    setInputs({ composition: 'scenes//./intro.html' })
    expect(readInputs(ws).composition).toBe('scenes/intro.html')
  })

  it('still refuses a composition outside the project folder', () => {
    setInputs({ composition: './scenes/../../x.html' })
    expect(inputError(() => readInputs(ws)).message).toContain("Input 'composition': './scenes/../../x.html' must be a path inside the project folder")
  })
})
