import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import AdmZip from 'adm-zip'
import type { Emulator } from '../emulator/index.js'
import { FIXTURES, emulatorInputs, makeWorkspace, runAction, type ActionRun } from './support/action-runner.js'
import { startTestEmulator } from './support/with-emulator.js'

// Projects shaped like HeyGen's own templates and registry blocks, which `hyperframes render`
// renders: the action must render them too, refusing only what cannot render.

let emulator: Emulator
const workspaces: string[] = []

beforeAll(async () => {
  emulator = await startTestEmulator({ renderMs: 50, queueMs: 10 })
})
afterAll(async () => {
  await emulator.close()
  for (const ws of workspaces) rmSync(ws, { recursive: true, force: true })
})
beforeEach(() => emulator.resetStats())

function workspace(fixture: string, into = 'project'): string {
  const ws = makeWorkspace(fixture, into)
  workspaces.push(ws)
  return ws
}

function expectRefused(run: ActionRun, message: string): void {
  expect(run.code).toBe(1)
  expect(run.stdout).toContain(message)
  expect(run.outputs.results).toBe('[]')
  expect(emulator.stats.requests).toHaveLength(0)
}

function uploadedZip(run: ActionRun): AdmZip {
  const bytes = emulator.assetBytes(run.outputs['asset-id'])
  if (!bytes) throw new Error('no upload for this run')
  return new AdmZip(bytes)
}

function bodyOf(run: ActionRun): Record<string, unknown> {
  const render = emulator.renders().find((r) => r.render_id === run.results[0]?.render_id)
  if (!render) throw new Error('no render for this run')
  return render.body as unknown as Record<string, unknown>
}

function lineOf(file: string, needle: string): number {
  return (
    readFileSync(file, 'utf8')
      .split('\n')
      .findIndex((l) => l.includes(needle)) + 1
  )
}

function filesUnder(dir: string, rel = ''): string[] {
  return readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(dir, path.posix.join(rel, e.name)) : [path.posix.join(rel, e.name)]))
}

describe('a multi-scene template with a lint error', () => {
  it('renders under the default lint: warn, the finding an error annotation on its file and line; ./ paths are read as written', async () => {
    const ws = workspace('multi-scene')
    const run = await runAction({ workspace: ws, inputs: { ...emulatorInputs(emulator.url, { artifact: 'none', lint: '' }), path: './project/', composition: './index.html' } })
    expect(run.code).toBe(0)
    expect(run.results[0]?.status).toBe('completed')
    const line = lineOf(path.join(ws, 'project/compositions/features.html'), "tl.to('.feature-card'")
    expect(line).toBeGreaterThan(0)
    expect(run.stdout).toContain(
      `::error title=HyperFrames lint%3A gsap_css_transform_conflict,file=project/compositions/features.html,line=${line}::".feature-card" has CSS \`transform: translate(-50%25, -50%25)\``
    )
    expect(run.stdout).toContain('Continuing despite lint errors (lint: warn)')
    expect(run.summary).toContain('HyperFrames lint (warn): 1 error, 1 warning, shown as annotations on the files.')
    expect(run.stdout).not.toContain('excluded from the zip')
    // ./index.html is index.html: the default, so the request does not name it.
    expect(bodyOf(run)).not.toHaveProperty('composition')
    const zip = uploadedZip(run)
    expect(zip.getEntries().map((e) => e.entryName)).toEqual(filesUnder(path.join(ws, 'project')).sort())
    // CDN script and Google Fonts link are URLs: left exactly as written.
    expect(zip.readAsText('index.html')).toBe(readFileSync(path.join(ws, 'project/index.html'), 'utf8'))
  })

  it('lint: strict refuses it before a single request, naming the file and line', async () => {
    const ws = workspace('multi-scene')
    const run = await runAction({ workspace: ws, inputs: emulatorInputs(emulator.url, { lint: 'strict' }) })
    const line = lineOf(path.join(ws, 'project/compositions/features.html'), "tl.to('.feature-card'")
    expectRefused(run, `HyperFrames lint found 1 error; nothing was uploaded:%0A  - project/compositions/features.html:${line} gsap_css_transform_conflict`)
  })
})

it('packs and renders a template whose demo.html loads a player from outside the project, leaving that reference alone and saying why', async () => {
  const ws = workspace('preview-page', 'examples/deck')
  // The monorepo's built player: inside the workspace, but nothing the composition loads.
  mkdirSync(path.join(ws, 'packages/player/dist'), { recursive: true })
  writeFileSync(path.join(ws, 'packages/player/dist/hyperframes-player.global.js'), '/* player */')
  const run = await runAction({ workspace: ws, inputs: emulatorInputs(emulator.url, { path: 'examples/deck', artifact: 'none' }) })
  expect(run.code).toBe(0)
  expect(run.results[0]?.status).toBe('completed')
  const zip = uploadedZip(run)
  expect(zip.getEntries().map((e) => e.entryName)).toEqual(['assets/style.css', 'demo.html', 'index.html'])
  expect(zip.readAsText('demo.html')).toBe(readFileSync(path.join(FIXTURES, 'preview-page/demo.html'), 'utf8'))
  const demo = path.join(ws, 'examples/deck/demo.html')
  expect(run.stdout).toContain(
    `::notice title=Reference not followed,file=examples/deck/demo.html,line=${lineOf(demo, '../../../packages')}::Left '../../../packages/player/dist/hyperframes-player.global.js' as written and did not pack it: it points to a path outside the workspace, and demo.html is not loaded by the composition index.html`
  )
  expect(run.stdout).toContain(
    `::notice title=Reference not followed,file=examples/deck/demo.html,line=${lineOf(demo, '"../../packages')}::Left '../../packages/player/dist/hyperframes-player.global.js' as written and did not pack it: it points to packages/player/dist/hyperframes-player.global.js, outside the project folder`
  )
})

it('renders a registry block: its own entry file, 17 variables, 25 fps, 9:16, fonts and media all in the zip', async () => {
  const ws = workspace('registry-block', 'blocks/avatar-promo-card')
  const run = await runAction({ workspace: ws, inputs: emulatorInputs(emulator.url, { path: 'blocks/avatar-promo-card', composition: 'promo-card.html', artifact: 'none' }) })
  expect(run.code).toBe(0)
  expect(run.results[0]?.status).toBe('completed')
  expect(Object.keys(run.results[0]?.variables ?? {})).toHaveLength(17)
  expect(bodyOf(run)).toMatchObject({ composition: 'promo-card.html', fps: 25, aspect_ratio: '9:16' })
  const entries = uploadedZip(run)
    .getEntries()
    .map((e) => e.entryName)
  expect(entries).toEqual(filesUnder(path.join(FIXTURES, 'registry-block')).sort())
  expect(entries.filter((e) => /\.(mp4|m4a|woff2)$/.test(e))).toHaveLength(6)
})

it('refuses a project whose sub-composition is missing, naming it, even with lint: off', async () => {
  const ws = workspace('missing-sub')
  const run = await runAction({ workspace: ws, inputs: emulatorInputs(emulator.url, { lint: 'off' }) })
  const line = lineOf(path.join(ws, 'project/index.html'), 'compositions/palette.html')
  expectRefused(
    run,
    `project/index.html:${line} mounts the sub-composition 'compositions/palette.html' (data-composition-src), but project/compositions/palette.html does not exist; the render cannot work without it.`
  )
})
