import { copyFile, link, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { HyperframeLintFinding } from '@hyperframes/lint'
import type { LintMode } from '../inputs/read-inputs.js'
import { UserError } from '../user-error.js'
import { referenceKind } from './external-refs.js'
import { lineAt, lineStarts } from './html-scan.js'
import type { ProjectLog } from './project-log.js'
import type { PackFile } from './zip.js'

/** A lint finding placed in the repository: workspace-relative file and line, when known. */
export interface PlacedFinding {
  code: string
  severity: HyperframeLintFinding['severity']
  message: string
  fixHint?: string
  file?: string
  line?: number
}

/**
 * Errors the linter raises for HyperFrames Studio's live preview that a render does not suffer
 * from, by the rule's own account; for a cloud render they are warnings. `../` paths are what
 * packing writes into a stylesheet or sub-composition that references a file brought in under
 * _ext/, exactly as HeyGen's CLI writes them.
 */
const PREVIEW_ONLY = new Map([['invalid_parent_traversal_in_asset_path', 'the renderer resolves ../ against the file that holds it; only Studio preview does not']])

/** What the linter found, for the job summary; undefined when it did not run. */
export interface LintCounts {
  mode: LintMode
  errors: number
  warnings: number
}

/**
 * Findings that mean the render cannot work, by the rule's own account ("the render pre-flight
 * rejects unusable sub-compositions"): they stop the step under lint: warn too.
 */
const ALWAYS_FATAL = new Set(['missing_or_empty_sub_composition'])

/** The same file seen from the zip (`archive`) and from the repository (`workspace`). */
export interface FileOrigin {
  archive: string
  workspace: string
}

/**
 * Runs HeyGen's own static linter on the project exactly as it will be uploaded: the files that
 * will be packed, with external references already rewritten, in a throwaway folder of links.
 * Linting the folder as it is on disk would flag what packing fixes (`../brand/logo.svg`) and miss
 * what it breaks (an asset left out by .hyperframesignore). Every finding becomes an annotation
 * on its file and line, errors as error annotations. Under `strict` errors then fail the step
 * before upload; under `warn` the run goes on, as `hyperframes render` does without --strict.
 * What makes a render impossible (a missing entry or sub-composition) is refused elsewhere,
 * whatever the mode.
 */
export async function lintPackedProject(
  files: readonly PackFile[],
  origins: readonly FileOrigin[],
  composition: string,
  log: ProjectLog,
  tempRoot?: string,
  mode: Exclude<LintMode, 'off'> = 'strict'
): Promise<PlacedFinding[]> {
  const stage = await mkdtemp(path.join(tempRoot ?? os.tmpdir(), 'hyperframes-lint-'))
  let findings: PlacedFinding[]
  try {
    await stageFiles(files, stage)
    const entry = composition === 'index.html' ? undefined : path.join(stage, composition)
    // Loaded on first use: half the bundle, and a run that fails on its inputs never needs it.
    const { lintProject } = await import('@hyperframes/lint')
    // host 'cli': structure rules stay warnings, as `hyperframes lint` reports them.
    const report = await lintProject(stage, entry, { host: 'cli' })
    const texts = await readTexts(files)
    const where = new Map(origins.map((o) => [o.archive, o.workspace]))
    findings = report.results.flatMap(({ file, result }) => result.findings.map((f) => place(f, file, stage, where, texts)))
  } catch (error) {
    // A crash of the linter is not the project's fault: say so and go on without it.
    log.warning(`HyperFrames lint could not run (${error instanceof Error ? error.message : String(error)}); continuing without it.`)
    return []
  } finally {
    await rm(stage, { recursive: true, force: true })
  }

  for (const f of findings) {
    const at = f.file ? { file: f.file, startLine: f.line, title: `HyperFrames lint: ${f.code}` } : undefined
    const text = `${f.message}${f.fixHint ? ` Fix: ${f.fixHint}` : ''}`
    if (f.severity === 'error') log.error(text, at)
    else if (f.severity === 'warning') log.warning(text, at)
    else log.info(`lint (${f.code}) ${f.file ? `${f.file}${f.line ? `:${f.line}` : ''}: ` : ''}${text}`)
  }
  const errors = findings.filter((f) => f.severity === 'error')
  const warnings = findings.filter((f) => f.severity === 'warning').length
  log.info(`HyperFrames lint: ${errors.length} error${errors.length === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}.`)
  const fatal = errors.filter((f) => ALWAYS_FATAL.has(f.code))
  if (mode === 'warn' && fatal.length > 0) {
    throw new UserError(
      `The render cannot work, whatever the lint input says; nothing was uploaded:\n${fatal.map((f) => `  - ${f.file ? `${f.file}${f.line ? `:${f.line}` : ''} ` : ''}${f.code}: ${f.message}`).join('\n')}`
    )
  }
  if (errors.length > 0 && mode === 'warn') {
    log.info('Continuing despite lint errors (lint: warn); set lint: strict to stop before upload instead.')
  } else if (errors.length > 0) {
    throw new UserError(
      `HyperFrames lint found ${errors.length} error${errors.length === 1 ? '' : 's'}; nothing was uploaded:\n` +
        errors.map((f) => `  - ${f.file ? `${f.file}${f.line ? `:${f.line}` : ''} ` : ''}${f.code}: ${f.message}`).join('\n') +
        '\nFix them, or set lint: warn to render anyway with the findings as annotations.'
    )
  }
  return findings
}

export function countFindings(mode: LintMode, findings: readonly PlacedFinding[]): LintCounts {
  return { mode, errors: findings.filter((f) => f.severity === 'error').length, warnings: findings.filter((f) => f.severity === 'warning').length }
}

// Small files are copied when a hard link is not possible; large media get a symbolic link.
const COPY_BELOW = 1024 * 1024

/**
 * Rewritten files are written out; the others are hard links to the originals, so the linter
 * sees regular files at no cost (it skips symbolic links when it lists compositions/). Across
 * devices, small files are copied and large ones linked symbolically (only their existence and
 * media headers matter to it).
 */
async function stageFiles(files: readonly PackFile[], stage: string): Promise<void> {
  for (const file of files) {
    const dest = path.join(stage, ...file.path.split('/'))
    await mkdir(path.dirname(dest), { recursive: true })
    if (file.data) {
      await writeFile(dest, file.data)
      continue
    }
    try {
      await link(file.source, dest)
    } catch {
      if (file.size < COPY_BELOW) await copyFile(file.source, dest)
      else await symlink(file.source, dest)
    }
  }
}

async function readTexts(files: readonly PackFile[]): Promise<Map<string, string>> {
  const texts = new Map<string, string>()
  for (const f of files) {
    if (referenceKind(f.path)) texts.set(f.path, (f.data ?? (await readFile(f.source))).toString('utf8'))
  }
  return texts
}

function place(f: HyperframeLintFinding, resultFile: string, stage: string, where: Map<string, string>, texts: Map<string, string>): PlacedFinding {
  // Findings name files absolutely (inside the stage) or relative to the project; results relatively.
  const archive = toArchivePath(f.file ?? resultFile, stage)
  const text = archive === undefined ? undefined : texts.get(archive)
  const previewOnly = f.severity === 'error' ? PREVIEW_ONLY.get(f.code) : undefined
  const placed: PlacedFinding = previewOnly
    ? { code: f.code, severity: 'warning', message: `${f.message} (A warning for a render: ${previewOnly}.)` }
    : { code: f.code, severity: f.severity, message: f.message }
  if (f.fixHint) placed.fixHint = f.fixHint
  const file = archive === undefined ? undefined : where.get(archive)
  if (file) placed.file = file
  const line = text === undefined ? undefined : findLine(text, f)
  if (file && line) placed.line = line
  return placed
}

function toArchivePath(file: string, stage: string): string | undefined {
  const rel = path.isAbsolute(file) ? path.relative(stage, file) : file
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined
  return rel.split(path.sep).join('/')
}

/**
 * The linter reports where by a snippet of the tag or call (whitespace collapsed, maybe cut with
 * '...'), by the element's id, or for a GSAP call by its selector, not by line; find the first
 * place in the file that matches. A call's snippet is printed from the parsed script, so its
 * quotes and spacing may differ from the source: a second, looser pass ignores both.
 */
export function findLine(text: string, finding: Pick<HyperframeLintFinding, 'snippet' | 'elementId' | 'selector'>): number | undefined {
  const starts = lineStarts(text)
  if (finding.snippet) {
    const cut = finding.snippet.replace(/\.\.\.$/, '')
    const needle = cut.replace(/\s+/g, ' ').trim()
    let offset = needle ? indexIn(text, needle, (c) => (/\s/.test(c) ? ' ' : c)) : -1
    const loose = cut.replace(/\s+/g, '').replace(/['`]/g, '"')
    if (offset < 0 && loose) offset = indexIn(text, loose, (c) => (/\s/.test(c) ? '' : c === "'" || c === '`' ? '"' : c))
    if (offset >= 0) return lineAt(starts, offset)
  }
  if (finding.elementId) {
    const escaped = finding.elementId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    const m = new RegExp(`\\sid\\s*=\\s*(["']?)${escaped}\\1(?=[\\s/>])`).exec(text)
    if (m) return lineAt(starts, m.index)
  }
  if (finding.selector) {
    // A quoted selector is a script's (gsap.to('.card', …)); CSS and attributes do not quote it.
    const escaped = finding.selector.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    const m = new RegExp(`(["'\`])${escaped}\\1`).exec(text)
    if (m) return lineAt(starts, m.index)
  }
  return undefined
}

/**
 * indexOf on the text read through `fold`, which maps each character to what it counts as
 * ('' drops it; runs of ' ' count once, as the snippet was made).
 */
function indexIn(text: string, needle: string, fold: (c: string) => string): number {
  let collapsed = ''
  const origin: number[] = []
  for (let i = 0; i < text.length; i++) {
    const c = fold(text[i] as string)
    if (c === '' || (c === ' ' && collapsed.endsWith(' '))) continue
    collapsed += c
    origin.push(i)
  }
  const at = collapsed.indexOf(needle)
  return at === -1 ? -1 : (origin[at] ?? -1)
}
