import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import AdmZip from 'adm-zip'
import { createBody } from '../src/heygen/renders.js'
import { lintLine } from '../src/publish/report-table.js'
import { UserError } from '../src/user-error.js'
import { FIXTURES, makeWorkspace } from './support/action-runner.js'
import { recordedLog, runProjectStages, stageInputs, stagesRefusal, type StagesRun } from './support/project-stages.js'

// Projects shaped like HeyGen's own templates and registry blocks, which `hyperframes render`
// renders: the action must render them too, refusing only what cannot render. What decides that
// is the stages before the first request (inputs, inspection, plan, lint, zip), run here
// in-process; what a whole run adds (the request sent, the outputs, the summary) is proved by the
// end-to-end tests in action.e2e and composition.e2e.

const workspaces: string[] = []
afterAll(() => {
  for (const ws of workspaces) rmSync(ws, { recursive: true, force: true })
})

function workspace(fixture: string, into = 'project'): string {
  const ws = makeWorkspace(fixture, into)
  workspaces.push(ws)
  return ws
}

const bodyOf = (run: StagesRun): Record<string, unknown> => createBody(run.jobs[0], 'asset-1') as unknown as Record<string, unknown>

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
    // lint unset: its default, warn.
    const { lint: _off, ...inputs } = stageInputs({ path: './project/', composition: './index.html' })
    const run = await runProjectStages(ws, inputs)
    expect(run.jobs).toHaveLength(1)
    const line = lineOf(path.join(ws, 'project/compositions/features.html'), "tl.to('.feature-card'")
    expect(line).toBeGreaterThan(0)
    const finding = run.log.errors.find((e) => e.at?.title === 'HyperFrames lint: gsap_css_transform_conflict')
    expect(finding?.at).toEqual({ title: 'HyperFrames lint: gsap_css_transform_conflict', file: 'project/compositions/features.html', startLine: line })
    expect(finding?.message).toMatch(/^".feature-card" has CSS `transform: translate\(-50%, -50%\)`/)
    expect(run.log.lines.some((l) => l.includes('Continuing despite lint errors (lint: warn)'))).toBe(true)
    expect(lintLine({ lint: run.zip.lint } as Parameters<typeof lintLine>[0])).toBe('HyperFrames lint (warn): 1 error, 1 warning, shown as annotations on the files.')
    const said = [...run.log.lines, ...run.log.warnings.map((w) => w.message), ...run.log.notices.map((n) => n.message)]
    expect(said.filter((l) => l.includes('excluded from the zip'))).toEqual([])
    // ./index.html is index.html: the default, so the request does not name it.
    expect(bodyOf(run)).not.toHaveProperty('composition')
    const zip = new AdmZip(run.zipBytes)
    expect(zip.getEntries().map((e) => e.entryName)).toEqual(filesUnder(path.join(ws, 'project')).sort())
    // CDN script and Google Fonts link are URLs: left exactly as written.
    expect(zip.readAsText('index.html')).toBe(readFileSync(path.join(ws, 'project/index.html'), 'utf8'))
  })

  it('lint: strict refuses it before a single request, naming the file and line', async () => {
    const ws = workspace('multi-scene')
    const error = await stagesRefusal(ws, stageInputs({ lint: 'strict' }))
    const line = lineOf(path.join(ws, 'project/compositions/features.html'), "tl.to('.feature-card'")
    expect(error).toBeInstanceOf(UserError)
    expect(error.message).toContain(`HyperFrames lint found 1 error; nothing was uploaded:\n  - project/compositions/features.html:${line} gsap_css_transform_conflict`)
  })
})

it('packs and renders a template whose demo.html loads a player from outside the project, leaving that reference alone and saying why', async () => {
  const ws = workspace('preview-page', 'examples/deck')
  // The monorepo's built player: inside the workspace, but nothing the composition loads.
  mkdirSync(path.join(ws, 'packages/player/dist'), { recursive: true })
  writeFileSync(path.join(ws, 'packages/player/dist/hyperframes-player.global.js'), '/* player */')
  const log = recordedLog()
  const run = await runProjectStages(ws, stageInputs({ path: 'examples/deck' }), log)
  expect(run.jobs).toHaveLength(1)
  const zip = new AdmZip(run.zipBytes)
  expect(zip.getEntries().map((e) => e.entryName)).toEqual(['assets/style.css', 'demo.html', 'index.html'])
  expect(zip.readAsText('demo.html')).toBe(readFileSync(path.join(FIXTURES, 'preview-page/demo.html'), 'utf8'))
  const demo = path.join(ws, 'examples/deck/demo.html')
  const at = (needle: string): object => ({ title: 'Reference not followed', file: 'examples/deck/demo.html', startLine: lineOf(demo, needle) })
  expect(log.notices).toContainEqual({
    message: expect.stringContaining(
      "Left '../../../packages/player/dist/hyperframes-player.global.js' as written and did not pack it: it points to a path outside the workspace, and demo.html is not loaded by the composition index.html"
    ),
    at: at('../../../packages')
  })
  expect(log.notices).toContainEqual({
    message: expect.stringContaining(
      "Left '../../packages/player/dist/hyperframes-player.global.js' as written and did not pack it: it points to packages/player/dist/hyperframes-player.global.js, outside the project folder"
    ),
    at: at('"../../packages')
  })
})

it('renders a registry block: its own entry file, 17 variables, 25 fps, 9:16, fonts and media all in the zip', async () => {
  const ws = workspace('registry-block', 'blocks/avatar-promo-card')
  const run = await runProjectStages(ws, stageInputs({ path: 'blocks/avatar-promo-card', composition: 'promo-card.html' }))
  expect(run.jobs).toHaveLength(1)
  // Every declared variable, as the results report them (the entry's own values over the defaults).
  expect(Object.keys({ ...run.project.defaults, ...run.jobs[0]?.variables })).toHaveLength(17)
  expect(bodyOf(run)).toMatchObject({ composition: 'promo-card.html', fps: 25, aspect_ratio: '9:16' })
  const entries = new AdmZip(run.zipBytes).getEntries().map((e) => e.entryName)
  expect(entries).toEqual(filesUnder(path.join(FIXTURES, 'registry-block')).sort())
  expect(entries.filter((e) => /\.(mp4|m4a|woff2)$/.test(e))).toHaveLength(6)
})

it('refuses a project whose sub-composition is missing, naming it, even with lint: off', async () => {
  const ws = workspace('missing-sub')
  const error = await stagesRefusal(ws, stageInputs({ lint: 'off' }))
  const line = lineOf(path.join(ws, 'project/index.html'), 'compositions/palette.html')
  expect(error).toBeInstanceOf(UserError)
  expect(error.message).toContain(
    `project/index.html:${line} mounts the sub-composition 'compositions/palette.html' (data-composition-src), but project/compositions/palette.html does not exist; the render cannot work without it.`
  )
})
