import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { localizeExternalRefs } from '../src/project/external-refs.js'
import { countFindings, findLine, lintPackedProject, type PlacedFinding } from '../src/project/lint.js'
import type { Annotation, ProjectLog } from '../src/project/project-log.js'
import { collectProjectFiles } from '../src/project/zip.js'
import { UserError } from '../src/user-error.js'
import { FIXTURES } from './support/action-runner.js'

interface Logged {
  level: 'info' | 'warning' | 'error'
  message: string
  at?: Annotation
}

function recorder(): ProjectLog & { logged: Logged[] } {
  const logged: Logged[] = []
  return {
    logged,
    info: (message) => logged.push({ level: 'info', message }),
    warning: (message, at) => logged.push({ level: 'warning', message, at }),
    error: (message, at) => logged.push({ level: 'error', message, at })
  }
}

describe('findLine', () => {
  const html = ['<html>', '<body>', '  <div id="root"', '       data-x="1">', '  <p class="a"   data-start="0">x</p>', '</body>'].join('\n')

  it('finds a snippet whose whitespace the linter collapsed, also when it was cut with ...', () => {
    expect(findLine(html, { snippet: '<div id="root" data-x="1">' })).toBe(3)
    expect(findLine(html, { snippet: '<p class="a" data-st...' })).toBe(5)
  })

  it('finds a GSAP call printed with other quotes and spacing, or else its quoted selector', () => {
    const script = ['<script>', '  const tl = gsap.timeline({paused: true})', "  tl.to('.card', {y: -40,", '    duration: 0.8}, 0.3)', '</script>'].join('\n')
    expect(findLine(script, { snippet: 'tl.to(".card", { y: -40, duration: 0.8 }, 0.3)' })).toBe(3)
    expect(findLine(script, { snippet: 'tl.fromTo(".card", {})', selector: '.card' })).toBe(3)
    expect(findLine(script, { selector: '.other' })).toBeUndefined()
  })

  it('falls back to the element id, and gives up rather than guess', () => {
    expect(findLine(html, { snippet: '<nothing like it>', elementId: 'root' })).toBe(3)
    expect(findLine(html, { elementId: 'roo' })).toBeUndefined()
    expect(findLine(html, {})).toBeUndefined()
  })
})

describe('lintPackedProject (the real @hyperframes/lint)', () => {
  let base: string
  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'hf-lint-'))
  })
  afterEach(() => rm(base, { recursive: true, force: true }))

  async function lintFixture(
    fixture: string,
    project = 'project',
    log = recorder(),
    mode: 'warn' | 'strict' = 'strict'
  ): Promise<{ log: ReturnType<typeof recorder>; error?: Error; findings?: PlacedFinding[] }> {
    await cp(join(FIXTURES, fixture), join(base, 'ws', fixture === 'monorepo' ? '' : project), { recursive: true })
    const { files, external } = await localizeExternalRefs(await collectProjectFiles(project, join(base, 'ws')), 'index.html')
    const origins = files.map((f) => ({ archive: f.path, workspace: external.find((e) => e.path === f.path)?.from ?? `${project}/${f.path}` }))
    try {
      const findings = await lintPackedProject(files, origins, 'index.html', log, base, mode)
      return { log, findings }
    } catch (error) {
      return { log, error: error as Error }
    }
  }

  it('passes a clean project and says so', async () => {
    const { log, error } = await lintFixture('basic')
    expect(error).toBeUndefined()
    expect(log.logged).toEqual([{ level: 'info', message: 'HyperFrames lint: 0 errors, 0 warnings.' }])
  })

  it('fails on errors, listing each, with an error annotation per finding', async () => {
    const { log, error } = await lintFixture('lint-error')
    expect(error).toBeInstanceOf(UserError)
    expect(error?.message).toMatch(/^HyperFrames lint found 1 error; nothing was uploaded:\n {2}- project\/index\.html missing_timeline_registry: Missing `window.__timelines` registration\./)
    const annotated = log.logged.find((l) => l.level === 'error')
    expect(annotated?.at).toEqual({ file: 'project/index.html', startLine: undefined, title: 'HyperFrames lint: missing_timeline_registry' })
    // The warning about the same root element is placed on its line.
    const warning = log.logged.find((l) => l.level === 'warning')
    expect(warning?.at).toEqual({ file: 'project/index.html', startLine: 7, title: 'HyperFrames lint: missing_data_no_timeline' })
  })

  it('lint: warn keeps the same error annotations but lets the run go on, and counts them', async () => {
    const { log, error, findings } = await lintFixture('lint-error', 'project', recorder(), 'warn')
    expect(error).toBeUndefined()
    const annotated = log.logged.find((l) => l.level === 'error')
    expect(annotated?.at).toEqual({ file: 'project/index.html', startLine: undefined, title: 'HyperFrames lint: missing_timeline_registry' })
    expect(log.logged.map((l) => l.message)).toContain('Continuing despite lint errors (lint: warn); set lint: strict to stop before upload instead.')
    expect(countFindings('warn', findings ?? [])).toEqual({ mode: 'warn', errors: 1, warnings: 1 })
  })

  it('lint: warn still stops on a sub-composition the render pre-flight would reject', async () => {
    const ws = join(base, 'ws3')
    await cp(join(FIXTURES, 'missing-sub'), join(ws, 'project'), { recursive: true })
    // Not empty, so packing lets it through; but there is nothing in it to render.
    await writeFile(join(ws, 'project/compositions/palette.html'), '<!-- generated by the build step -->\n')
    const { files } = await localizeExternalRefs(await collectProjectFiles('project', ws), 'index.html')
    let error: unknown
    try {
      await lintPackedProject(
        files,
        files.map((f) => ({ archive: f.path, workspace: `project/${f.path}` })),
        'index.html',
        recorder(),
        base,
        'warn'
      )
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(UserError)
    expect((error as Error).message).toMatch(
      /^The render cannot work, whatever the lint input says; nothing was uploaded:\n {2}- project\/index\.html missing_or_empty_sub_composition: data-composition-src references "compositions\/palette\.html"/
    )
  })

  it('turns warnings into annotations on the file and line, without failing', async () => {
    const { log, error } = await lintFixture('lint-warning')
    expect(error).toBeUndefined()
    const warnings = log.logged.filter((l) => l.level === 'warning')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]?.at).toEqual({ file: 'project/index.html', startLine: 9, title: 'HyperFrames lint: studio_missing_editable_id' })
    expect(warnings[0]?.message).toContain('has no id')
    expect(warnings[0]?.message).toContain('Fix: ')
  })

  it('lints the project as packed: outside references are already in _ext/, files left out are missing', async () => {
    // On disk, video/ reaches into ../brand and the linter calls that an error; packed, it is fine.
    const packed = await lintFixture('monorepo', 'video')
    expect(packed.error).toBeUndefined()
    expect(packed.log.logged.filter((l) => l.level === 'error')).toEqual([])

    // raw/keep.svg is re-included by a negation; drop the negation and the linter sees it missing.
    const ignored = join(base, 'ws2')
    await cp(join(FIXTURES, 'ignore-negation'), join(ignored, 'project'), { recursive: true })
    const rules = (await readFile(join(ignored, 'project/.hyperframesignore'), 'utf8')).replace('!raw/keep.svg', '')
    await writeFile(join(ignored, 'project/.hyperframesignore'), rules)
    const { files } = await localizeExternalRefs(await collectProjectFiles('project', ignored), 'index.html')
    const log = recorder()
    let error: unknown
    try {
      await lintPackedProject(
        files,
        files.map((f) => ({ archive: f.path, workspace: `project/${f.path}` })),
        'index.html',
        log,
        base
      )
    } catch (e) {
      error = e
    }
    expect((error as Error).message).toContain('missing_local_asset')
    expect((error as Error).message).toContain('raw/keep.svg')
  })
})
