import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { open } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import AdmZip from 'adm-zip'
import { createBody } from '../src/heygen/renders.js'
import { lintLine } from '../src/publish/report-table.js'
import { buildResults } from '../src/publish/results.js'
import { renderKey } from '../src/render/idempotency.js'
import { UserError } from '../src/user-error.js'
import { FIXTURES, SHA_A, makeWorkspace } from './support/action-runner.js'
import { recordedLog, runProjectStages, stageInputs, stagesRefusal, type StagesRun } from './support/project-stages.js'

// The stages a run goes through before its first request (read the inputs, inspect the
// composition, plan and key the jobs, lint and pack the zip), run in-process on the fixtures: the
// action reads the composition the way the renderer will, and refuses or fixes what it can before
// a single request. None of these stages touches the network, so a refusal here is a refusal
// before any request; that the whole action prints it as one ::error:: line with no request and
// the outputs written is proved by real runs in action.e2e and composition.e2e.

const workspaces: string[] = []
afterAll(() => {
  for (const ws of workspaces) rmSync(ws, { recursive: true, force: true })
})

function workspace(fixture: string, into = 'project'): string {
  const ws = makeWorkspace(fixture, into)
  workspaces.push(ws)
  return ws
}

/** A refusal a user reads as one plain line (UserError: no stack trace), with the message. */
function expectUserRefusal(error: Error, message: RegExp | string): void {
  expect(error).toBeInstanceOf(UserError)
  if (typeof message === 'string') expect(error.message).toContain(message)
  else expect(error.message).toMatch(message)
}

const entries = (zip: Buffer): string[] => new AdmZip(zip).getEntries().map((e) => e.entryName)

describe('aspect ratio and fps come from the composition', () => {
  // Portrait (9:16, data-fps) is checked through a whole run in composition.e2e.test.ts.
  it('sends 1:1 for a square composition, and no fps when it declares none', async () => {
    const run = await runProjectStages(workspace('square'), stageInputs())
    const body = createBody(run.jobs[0], 'asset-1') as unknown as Record<string, unknown>
    expect(body.aspect_ratio).toBe('1:1')
    expect(body).not.toHaveProperty('fps')
  })
})

describe('variables are checked against data-composition-variables', () => {
  const GOOD = JSON.stringify([
    { title: 'Première', speed: 2.5, color: 'hsl(210 40% 20%)', dark: false, locale: 'fr', font: 'Roboto', logo: 'https://cdn.example.com/logo.png' },
    { title: 'Second', locale: 'en' }
  ])

  it('renders values of every declared type; defaults show in the results but are never sent or keyed', async () => {
    const ws = workspace('all-types')
    const run = await runProjectStages(ws, stageInputs({ matrix: GOOD, name: 'v-{index}' }))
    expect(run.jobs.map((j) => j.name)).toEqual(['v-1', 'v-2'])
    const outcomes = run.keyed.map(({ job, key }) => ({ job, key, status: 'completed' as const }))
    const second = buildResults(outcomes, new Map(), ws, run.project.defaults)[1]
    expect(second?.variables).toEqual({ title: 'Second', locale: 'en', speed: 1, color: '#1e293b', dark: true, font: 'Inter', logo: 'assets/logo.svg' })
    const body = createBody(run.jobs[1], 'asset-1') as unknown as Record<string, unknown>
    expect(body.variables).toEqual({ title: 'Second', locale: 'en' })
    // The key is the digest of exactly what is sent: defaults play no part in it.
    const { project: _project, ...request } = body
    const zipSha = createHash('sha256').update(run.zipBytes).digest('hex')
    expect(second?.idempotency_key).toBe(renderKey({ sha: SHA_A, zipSha256: zipSha, request }))
  })

  it('strict (the default): refuses every bad entry and variable at once', async () => {
    const matrix = JSON.stringify([{ title: 'ok' }, { locale: 'de', speed: 'fast' }, { colour: 'red', color: '#12345', logo: 'file:///etc/passwd' }])
    const error = await stagesRefusal(workspace('all-types'), stageInputs({ matrix, variables: '{"dark": "yes"}' }))
    expectUserRefusal(error, '6 variable values do not match the declarations in project/index.html:')
    for (const line of [
      'variables: \'dark\' is declared as boolean; expected true or false, got a string "yes".',
      'matrix entry 2: \'locale\' must be one of "en", "fr"; got "de".',
      'matrix entry 2: \'speed\' is declared as number; expected a number, got a string "fast".',
      "matrix entry 3: 'colour' is not declared in data-composition-variables (declared: title, speed, color, dark, locale, font, logo). Did you mean 'color'?",
      'matrix entry 3: \'color\' is a color; "#12345" is not a CSS colour',
      'matrix entry 3: \'logo\' is an image; the runtime refuses to load "file:///etc/passwd"'
    ]) {
      expect(error.message).toContain(line)
    }
    expect(error.message).toContain('or set strict-variables: false to send them anyway.')
  })

  it('strict-variables: false turns them into a warning on the declaration and renders', async () => {
    // Over the declared max: the action warns, and sends it (the API takes it).
    const run = await runProjectStages(workspace('all-types'), stageInputs({ matrix: '[{"speed": 9}]', 'strict-variables': 'false' }))
    expect(run.log.warnings).toHaveLength(1)
    expect(run.log.warnings[0]?.at).toEqual({ title: 'Variables do not match the composition', file: 'project/index.html', startLine: 2 })
    expect(run.log.warnings[0]?.message).toMatch(/^1 variable value does not match/)
    expect(run.jobs).toHaveLength(1)
    expect((createBody(run.jobs[0], 'asset-1') as unknown as Record<string, unknown>).variables).toEqual({ speed: 9 })
  })
})

describe('HyperFrames lint', () => {
  it('lint: strict fails on lint errors before anything is uploaded', async () => {
    const log = recordedLog()
    const error = await stagesRefusal(workspace('lint-error'), stageInputs({ lint: 'strict' }), log)
    expectUserRefusal(error, /^HyperFrames lint found 1 error; nothing was uploaded:\n {2}- project\/index\.html missing_timeline_registry/)
    expect(log.errors).toHaveLength(1)
    expect(log.errors[0]?.at).toMatchObject({ title: 'HyperFrames lint: missing_timeline_registry', file: 'project/index.html' })
    expect(log.errors[0]?.message).toMatch(/^Missing `window\.__timelines` registration\./)
  })

  it('turns lint warnings into annotations on the file and line, without failing', async () => {
    const run = await runProjectStages(workspace('lint-warning'), stageInputs({ lint: 'warn' }))
    const warning = run.log.warnings.find((w) => w.at?.title === 'HyperFrames lint: studio_missing_editable_id')
    expect(warning?.at).toEqual({ title: 'HyperFrames lint: studio_missing_editable_id', file: 'project/index.html', startLine: 9 })
    expect(warning?.message).toMatch(/^<p data-start="0" data-track-index="1"> has no id/)
    expect(run.zip.lint).toEqual({ mode: 'warn', errors: 0, warnings: 1 })
    expect(run.jobs).toHaveLength(1)
  })
})

describe('what goes into the zip', () => {
  it('applies .hyperframesignore, negations included', async () => {
    const run = await runProjectStages(workspace('ignore-negation'), stageInputs())
    expect(entries(run.zipBytes)).toEqual(['assets/style.css', 'index.html', 'raw/keep.svg'])
  })

  it('packs a monorepo’s shared files under _ext/ and rewrites the references', async () => {
    const ws = workspace('monorepo', '.')
    const run = await runProjectStages(ws, stageInputs({ path: 'video' }))
    const zip = new AdmZip(run.zipBytes)
    expect(zip.getEntries().map((e) => e.entryName)).toEqual(['_ext/brand/fonts.css', '_ext/brand/fonts/brand.woff2', '_ext/brand/logo.svg', 'assets/style.css', 'index.html'])
    expect(zip.readAsText('_ext/brand/logo.svg')).toBe(readFileSync(path.join(ws, 'brand/logo.svg'), 'utf8'))
    const html = zip.readAsText('index.html')
    expect(html).toContain('<link rel="stylesheet" href="_ext/brand/fonts.css" />')
    expect(html).toContain('src="_ext/brand/logo.svg"')
    expect(html.replace(/_ext\/brand/g, '../brand')).toBe(readFileSync(path.join(ws, 'video/index.html'), 'utf8'))
    expect(zip.readAsText('assets/style.css')).toContain('url("../_ext/brand/logo.svg")')
    expect(run.log.lines).toContain('Packing brand/logo.svg (referenced from outside the project folder) as _ext/brand/logo.svg.')
  })

  it('refuses a reference that resolves outside the workspace, naming it', async () => {
    const ws = workspace('basic')
    const outside = mkdtempSync(path.join(os.tmpdir(), 'hf-outside-'))
    workspaces.push(outside)
    writeFileSync(path.join(outside, 'secret.svg'), '<svg/>')
    const ref = path.relative(path.join(ws, 'project'), path.join(outside, 'secret.svg')).split(path.sep).join('/')
    const index = path.join(ws, 'project/index.html')
    const html = readFileSync(index, 'utf8').replace('</h1>', `</h1>\n      <img id="leak" src="${ref}" alt="" />`)
    writeFileSync(index, html)
    const line = html.split('\n').findIndex((l) => l.includes('id="leak"')) + 1
    const error = await stagesRefusal(ws, stageInputs())
    expectUserRefusal(error, `project/index.html:${line} references '${ref}', which resolves to ${path.join(outside, 'secret.svg')}, outside the workspace`)
  })

  it('refuses a symlink that points outside the workspace, naming it', async () => {
    const ws = workspace('basic')
    const outside = mkdtempSync(path.join(os.tmpdir(), 'hf-outside-'))
    workspaces.push(outside)
    writeFileSync(path.join(outside, 'id_rsa'), 'not for upload')
    symlinkSync(path.join(outside, 'id_rsa'), path.join(ws, 'project/assets/key.txt'))
    const error = await stagesRefusal(ws, stageInputs())
    expectUserRefusal(error, `Symlink 'project/assets/key.txt' points to ${path.join(outside, 'id_rsa')}, outside the workspace`)
  })

  it('fails fast over the 200 MB limit, listing the largest files and pointing at .hyperframesignore', async () => {
    const ws = workspace('basic')
    // Sparse: 201 MB on paper, nothing on disk; the limit is known from the sizes before any read.
    const handle = await open(path.join(ws, 'project/assets/footage.mp4'), 'w')
    await handle.truncate(201 * 1024 * 1024)
    await handle.close()
    const error = await stagesRefusal(ws, stageInputs())
    expectUserRefusal(
      error,
      "The project's video, audio, image and font files alone come to 201.0 MB, so its zip would exceed the API's 200 MB upload limit. Largest included files:\n    201.0 MB  assets/footage.mp4\n"
    )
    expect(error.message).toContain("Exclude what the composition does not use with a .hyperframesignore file in 'project'")
  })
})

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

// Projects shaped like HeyGen's own templates and registry blocks, which `hyperframes render`
// renders: the action must render them too, refusing only what cannot render.
describe('projects shaped like HeyGen templates and registry blocks', () => {
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
})
