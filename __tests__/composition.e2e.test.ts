import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { open } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import AdmZip from 'adm-zip'
import type { Emulator } from '../emulator/index.js'
import { renderKey } from '../src/render/idempotency.js'
import { SHA_A, emulatorInputs, makeWorkspace, runAction, type ActionRun } from './support/action-runner.js'
import { startTestEmulator } from './support/with-emulator.js'

// End to end through dist/index.js: the action reads the composition the way the renderer will
// and refuses or fixes what it can before a single request reaches the API.

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

/** A refused run: exit 1, the message, no stack trace, outputs written, and not one request. */
function expectRefused(run: ActionRun, message: RegExp | string): void {
  expect(run.code).toBe(1)
  if (typeof message === 'string') expect(run.stdout).toContain(message)
  else expect(run.stdout).toMatch(message)
  expect(run.stdout).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/)
  expect(run.outputs.results).toBe('[]')
  expect(emulator.stats.requests).toHaveLength(0)
}

function uploadedZip(run: ActionRun): AdmZip {
  const bytes = emulator.assetBytes(run.outputs['asset-id'])
  if (!bytes) throw new Error('no upload for this run')
  return new AdmZip(bytes)
}

function bodyOf(renderId: string | null): Record<string, unknown> {
  const render = emulator.renders().find((r) => r.render_id === renderId)
  if (!render) throw new Error(`render ${renderId} not found`)
  return render.body as unknown as Record<string, unknown>
}

describe('aspect ratio and fps come from the composition', () => {
  it('sends 9:16 and data-fps for a portrait composition', async () => {
    const run = await runAction({ workspace: workspace('portrait'), inputs: emulatorInputs(emulator.url, { artifact: 'none' }) })
    expect(run.code).toBe(0)
    expect(bodyOf(run.results[0]?.render_id ?? null)).toMatchObject({ aspect_ratio: '9:16', fps: 60 })
    expect(run.stdout).toContain('Composition project/index.html: 1080×1920 → aspect ratio 9:16 (auto), 60 fps (data-fps).')
    expect(run.summary).toContain('9:16 · 60 fps')
  })

  it('sends 1:1 for a square composition, and no fps when it declares none', async () => {
    const run = await runAction({ workspace: workspace('square'), inputs: emulatorInputs(emulator.url, { artifact: 'none' }) })
    expect(run.code).toBe(0)
    const body = bodyOf(run.results[0]?.render_id ?? null)
    expect(body.aspect_ratio).toBe('1:1')
    expect(body).not.toHaveProperty('fps')
  })

  // Refusals of the settings (a contradicting aspect-ratio, a 4:3 frame, 4k with mov) are
  // checked against the stages in input-refusals.test.ts.
})

describe('variables are checked against data-composition-variables', () => {
  const GOOD = JSON.stringify([
    { title: 'Première', speed: 2.5, color: 'hsl(210 40% 20%)', dark: false, locale: 'fr', font: 'Roboto', logo: 'https://cdn.example.com/logo.png' },
    { title: 'Second', locale: 'en' }
  ])

  it('renders values of every declared type; defaults show in the results but are never sent or keyed', async () => {
    const run = await runAction({ workspace: workspace('all-types'), inputs: emulatorInputs(emulator.url, { matrix: GOOD, name: 'v-{index}', artifact: 'none' }) })
    expect(run.code).toBe(0)
    expect(run.results.map((r) => r.status)).toEqual(['completed', 'completed'])
    const second = run.results[1]
    expect(second?.variables).toEqual({ title: 'Second', locale: 'en', speed: 1, color: '#1e293b', dark: true, font: 'Inter', logo: 'assets/logo.svg' })
    const body = bodyOf(second?.render_id ?? null)
    expect(body.variables).toEqual({ title: 'Second', locale: 'en' })
    // The key is the digest of exactly what was sent: defaults play no part in it.
    const { project: _project, ...request } = body
    const zipSha = createHash('sha256')
      .update(emulator.assetBytes(run.outputs['asset-id']) as Buffer)
      .digest('hex')
    expect(second?.idempotency_key).toBe(renderKey({ sha: SHA_A, zipSha256: zipSha, request }))
  })

  it('strict (the default): refuses every bad entry and variable at once', async () => {
    const matrix = JSON.stringify([{ title: 'ok' }, { locale: 'de', speed: 'fast' }, { colour: 'red', color: '#12345', logo: 'file:///etc/passwd' }])
    const run = await runAction({ workspace: workspace('all-types'), inputs: emulatorInputs(emulator.url, { matrix, variables: '{"dark": "yes"}' }) })
    expectRefused(run, '6 variable values do not match the declarations in project/index.html:')
    for (const line of [
      'variables: \'dark\' is declared as boolean; expected true or false, got a string "yes".',
      'matrix entry 2: \'locale\' must be one of "en", "fr"; got "de".',
      'matrix entry 2: \'speed\' is declared as number; expected a number, got a string "fast".',
      "matrix entry 3: 'colour' is not declared in data-composition-variables (declared: title, speed, color, dark, locale, font, logo). Did you mean 'color'?",
      'matrix entry 3: \'color\' is a color; "#12345" is not a CSS colour',
      'matrix entry 3: \'logo\' is an image; the runtime refuses to load "file:///etc/passwd"'
    ]) {
      expect(run.stdout).toContain(line)
    }
    expect(run.stdout).toContain('or set strict-variables: false to send them anyway.')
  })

  it('strict-variables: false turns them into a warning on the declaration and renders', async () => {
    const run = await runAction({
      workspace: workspace('all-types'),
      // Over the declared max: the action warns, the API takes it (a '#12345' colour it would refuse).
      inputs: emulatorInputs(emulator.url, { matrix: '[{"speed": 9}]', 'strict-variables': 'false', artifact: 'none' })
    })
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/::warning title=Variables do not match the composition,file=project\/index\.html,line=2::1 variable value does not match/)
    expect(run.results[0]?.status).toBe('completed')
    expect(emulator.stats.rendersCreated).toBe(1)
  })
})

describe('HyperFrames lint', () => {
  it('lint: strict fails on lint errors before anything is uploaded', async () => {
    const run = await runAction({ workspace: workspace('lint-error'), inputs: emulatorInputs(emulator.url, { lint: 'strict' }) })
    expectRefused(run, /::error::HyperFrames lint found 1 error; nothing was uploaded:%0A {2}- project\/index\.html missing_timeline_registry/)
    expect(run.stdout).toContain('::error title=HyperFrames lint%3A missing_timeline_registry,file=project/index.html::Missing `window.__timelines` registration.')
  })

  it('turns lint warnings into annotations on the file and line, without failing', async () => {
    const run = await runAction({ workspace: workspace('lint-warning'), inputs: emulatorInputs(emulator.url, { 'dry-run': 'true', lint: '' }) })
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('::warning title=HyperFrames lint%3A studio_missing_editable_id,file=project/index.html,line=9::<p data-start="0" data-track-index="1"> has no id')
    expect(run.results[0]?.status).toBe('planned')
  })
})

describe('what goes into the zip', () => {
  it('applies .hyperframesignore, negations included', async () => {
    const run = await runAction({ workspace: workspace('ignore-negation'), inputs: emulatorInputs(emulator.url, { artifact: 'none' }) })
    expect(run.code).toBe(0)
    expect(
      uploadedZip(run)
        .getEntries()
        .map((e) => e.entryName)
    ).toEqual(['assets/style.css', 'index.html', 'raw/keep.svg'])
  })

  it('packs a monorepo’s shared files under _ext/ and rewrites the references', async () => {
    const ws = workspace('monorepo', '.')
    const run = await runAction({ workspace: ws, inputs: { ...emulatorInputs(emulator.url, { artifact: 'none' }), path: 'video' } })
    expect(run.code).toBe(0)
    expect(run.results[0]?.status).toBe('completed')
    const zip = uploadedZip(run)
    expect(zip.getEntries().map((e) => e.entryName)).toEqual(['_ext/brand/fonts.css', '_ext/brand/fonts/brand.woff2', '_ext/brand/logo.svg', 'assets/style.css', 'index.html'])
    expect(zip.readAsText('_ext/brand/logo.svg')).toBe(readFileSync(path.join(ws, 'brand/logo.svg'), 'utf8'))
    const html = zip.readAsText('index.html')
    expect(html).toContain('<link rel="stylesheet" href="_ext/brand/fonts.css" />')
    expect(html).toContain('src="_ext/brand/logo.svg"')
    expect(html.replace(/_ext\/brand/g, '../brand')).toBe(readFileSync(path.join(ws, 'video/index.html'), 'utf8'))
    expect(zip.readAsText('assets/style.css')).toContain('url("../_ext/brand/logo.svg")')
    expect(run.stdout).toContain('Packing brand/logo.svg (referenced from outside the project folder) as _ext/brand/logo.svg.')
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
    const run = await runAction({ workspace: ws, inputs: emulatorInputs(emulator.url) })
    expectRefused(run, `project/index.html:${line} references '${ref}', which resolves to ${path.join(outside, 'secret.svg')}, outside the workspace`)
  })

  it('refuses a symlink that points outside the workspace, naming it', async () => {
    const ws = workspace('basic')
    const outside = mkdtempSync(path.join(os.tmpdir(), 'hf-outside-'))
    workspaces.push(outside)
    writeFileSync(path.join(outside, 'id_rsa'), 'not for upload')
    symlinkSync(path.join(outside, 'id_rsa'), path.join(ws, 'project/assets/key.txt'))
    const run = await runAction({ workspace: ws, inputs: emulatorInputs(emulator.url) })
    expectRefused(run, `Symlink 'project/assets/key.txt' points to ${path.join(outside, 'id_rsa')}, outside the workspace`)
  })

  it('fails fast over the 200 MB limit, listing the largest files and pointing at .hyperframesignore', async () => {
    const ws = workspace('basic')
    // Sparse: 201 MB on paper, nothing on disk; the limit is known from the sizes before any read.
    const handle = await open(path.join(ws, 'project/assets/footage.mp4'), 'w')
    await handle.truncate(201 * 1024 * 1024)
    await handle.close()
    const run = await runAction({ workspace: ws, inputs: emulatorInputs(emulator.url) })
    expectRefused(
      run,
      "The project's video, audio, image and font files alone come to 201.0 MB, so its zip would exceed the API's 200 MB upload limit. Largest included files:%0A    201.0 MB  assets/footage.mp4%0A"
    )
    expect(run.stdout).toContain("Exclude what the composition does not use with a .hyperframesignore file in 'project'")
  })
})

describe('dry-run', () => {
  const MATRIX = JSON.stringify([{ title: 'One' }, { title: 'Two' }])

  it('checks and packs without a key and without a single request, and reports the plan', async () => {
    const ws = workspace('portrait')
    const dry = await runAction({ workspace: ws, inputs: { path: 'project', 'api-url': emulator.url, matrix: MATRIX, name: 'p-{title}', 'dry-run': 'true' } })
    expect(dry.stderr).toBe('')
    expect(dry.code).toBe(0)
    expect(emulator.stats.requests).toHaveLength(0)
    expect(dry.results.map((r) => [r.name, r.status, r.render_id])).toEqual([
      ['p-One', 'planned', null],
      ['p-Two', 'planned', null]
    ])
    expect(dry.results[0]?.variables).toEqual({ title: 'One' })
    expect(dry.outputs.succeeded).toBe('0')
    expect(dry.outputs.failed).toBe('0')
    expect(dry.outputs['render-ids']).toBe('[]')
    expect(dry.outputs['asset-id']).toBe('')
    expect(dry.stdout).toMatch(/Dry run: nothing was uploaded and no render was submitted\. 2 renders would be submitted:/)
    expect(dry.stdout).toContain(`1. p-One  key ${dry.results[0]?.idempotency_key}  variables {"title":"One"}`)
    expect(dry.stdout).toMatch(/Project zip: [\d.]+ (B|KiB), 1 file, sha256 [0-9a-f]{64}\. Largest files:\n\s+[\d.]+ (B|KiB) {2}index\.html/)
    expect(dry.summary).toContain('## 📝 HyperFrames render plan (dry run): 2 renders')
    expect(dry.summary).toContain(`| 1 | p-One | \`title\`: "One" | \`${dry.results[0]?.idempotency_key}\` |`)
    expect(dry.summary).toMatch(/\*\*Project zip:\*\* [\d.]+ (B|KiB) · 1 file · sha256 `[0-9a-f]{12}`/)
    expect(dry.summary).toContain('| Size | File |')

    // The real run submits exactly what the plan said, under the same keys.
    const real = await runAction({ workspace: ws, inputs: emulatorInputs(emulator.url, { matrix: MATRIX, name: 'p-{title}', artifact: 'none' }) })
    expect(real.code).toBe(0)
    expect(real.results.map((r) => r.idempotency_key)).toEqual(dry.results.map((r) => r.idempotency_key))
    expect(emulator.stats.rendersCreated).toBe(2)
  })

  it('fails like a real run when a check fails, still writing the outputs and the summary', async () => {
    const run = await runAction({ workspace: workspace('lint-error'), inputs: { path: 'project', 'dry-run': 'true', lint: 'strict' } })
    expectRefused(run, 'HyperFrames lint found 1 error; nothing was uploaded')
    expect(run.summary).toContain('## 📝 HyperFrames render plan (dry run): 0 renders')
    expect(run.summary).toContain('> [!CAUTION]')
  })
})
