import { readFile, realpath, stat } from 'node:fs/promises'
import path from 'node:path'
import { UserError } from '../user-error.js'
import { isAlwaysExcluded } from './ignore-rules.js'
import { attribute, lineAt, lineStarts, scanHtml } from './html-scan.js'
import { byPath, isInside, type PackFile, type ProjectFiles } from './zip.js'

/** Where HeyGen's CLI puts files referenced from outside the project folder. */
export const EXT_DIR = '_ext'

/** A relative reference found in an HTML or CSS file, with the offsets of its raw text. */
export interface Reference {
  /** As written (entities decoded in HTML). */
  value: string
  start: number
  end: number
  line: number
}

/** A file packed from outside the project folder. */
export interface ExternalFile {
  /** Its path in the zip, under _ext/. */
  path: string
  /** Workspace-relative path of the original. */
  from: string
}

export interface LocalizedProject {
  /** Every file to pack, _ext/ included, sorted by path; rewritten files carry their new bytes. */
  files: PackFile[]
  external: ExternalFile[]
}

type Kind = 'html' | 'css'

export function referenceKind(file: string): Kind | undefined {
  const ext = path.posix.extname(file).toLowerCase()
  return ext === '.html' || ext === '.htm' ? 'html' : ext === '.css' ? 'css' : undefined
}

/**
 * The references a browser would load from this file, as HeyGen's CLI finds them: `src` and
 * `href` of any element, `url()` in <style> bodies and style attributes, and in CSS files also
 * `@import "…"`. Comments are skipped.
 */
export function findReferences(text: string, kind: Kind): Reference[] {
  const starts = lineStarts(text)
  const refs: Reference[] = []
  const add = (value: string, start: number, end: number): void => {
    refs.push({ value, start, end, line: lineAt(starts, start) })
  }
  if (kind === 'css') {
    for (const r of cssReferences(text, 0, text.length)) add(r.value, r.start, r.end)
    return refs
  }
  const { tags, styles } = scanHtml(text)
  for (const tag of tags) {
    for (const name of ['src', 'href']) {
      const attr = attribute(tag, name)
      if (attr && attr.quote !== undefined) add(attr.value, attr.valueStart, attr.valueEnd)
    }
    const style = attribute(tag, 'style')
    if (style && style.quote !== undefined) {
      // Entities inside a style attribute are rare; offsets are only exact without them.
      if (text.slice(style.valueStart, style.valueEnd) === style.value) {
        for (const r of cssReferences(text, style.valueStart, style.valueEnd, false)) add(r.value, r.start, r.end)
      }
    }
  }
  for (const s of styles) for (const r of cssReferences(text, s.start, s.end)) add(r.value, r.start, r.end)
  return refs.sort((a, b) => a.start - b.start)
}

// `d`: match indices give the value's exact offsets, quoted or not.
const CSS_URL = /\burl\(\s*(?:"([^"]*)"|'([^']*)'|([^)"'\s]+))\s*\)/dgi
const CSS_IMPORT = /@import\s+(?:"([^"]*)"|'([^']*)')/dgi
const CSS_COMMENT = /\/\*[\s\S]*?\*\//g

function cssReferences(text: string, from: number, to: number, imports = true): Array<{ value: string; start: number; end: number }> {
  const css = text.slice(from, to)
  const comments = [...css.matchAll(CSS_COMMENT)].map((m) => [m.index, m.index + m[0].length] as const)
  const inComment = (i: number): boolean => comments.some(([a, b]) => i >= a && i < b)
  const out: Array<{ value: string; start: number; end: number }> = []
  for (const pattern of imports ? [CSS_URL, CSS_IMPORT] : [CSS_URL]) {
    for (const m of css.matchAll(pattern)) {
      if (inComment(m.index)) continue
      const group = [1, 2, 3].find((g) => m[g] !== undefined)
      const range = group === undefined ? undefined : m.indices?.[group]
      if (!range) continue
      out.push({ value: css.slice(range[0], range[1]), start: from + range[0], end: from + range[1] })
    }
  }
  return out
}

/**
 * The file part of a reference that points at a local path, or undefined for what is not a
 * file path: absolute URLs (any scheme, or //host), data:, fragments and root-absolute paths,
 * exactly those HeyGen's CLI leaves alone.
 */
export function relativePath(value: string): { file: string; suffix: string } | undefined {
  const v = value.trim()
  if (v === '' || v.startsWith('#') || v.startsWith('/') || v.startsWith('\\') || /^[a-z][a-z0-9+.-]*:/i.test(v)) return undefined
  const cut = v.search(/[?#]/)
  const raw = cut === -1 ? v : v.slice(0, cut)
  if (raw === '') return undefined
  let file = raw
  try {
    file = decodeURIComponent(raw)
  } catch {
    // A stray '%' is a literal character in a file name.
  }
  return { file, suffix: cut === -1 ? '' : v.slice(cut) }
}

/** A path in the zip as a URL path: every segment percent-encoded, so it is safe unquoted too. */
export function encodePath(archivePath: string): string {
  return archivePath
    .split('/')
    .map((segment) => (segment === '..' || segment === '.' ? segment : encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)))
    .join('/')
}

/** Replaces byte ranges of a text; the edits do not overlap. */
export function applyEdits(text: string, edits: ReadonlyArray<{ start: number; end: number; value: string }>): string {
  let out = ''
  let at = 0
  for (const e of [...edits].sort((a, b) => a.start - b.start)) {
    out += text.slice(at, e.start) + e.value
    at = e.end
  }
  return out + text.slice(at)
}

interface Referrer {
  file: PackFile
  /** Lexical folder the browser resolves its references against. */
  dir: string
  /** How messages name it: workspace-relative. */
  display: string
  external: boolean
}

/**
 * Makes the zip self-contained the way HeyGen's CLI does: a relative reference in an HTML or CSS
 * file that leaves the project folder but stays inside the workspace (a monorepo's shared
 * `../brand/logo.svg`) is packed under `_ext/` and the reference rewritten to point there. HTML
 * and CSS files brought in that way are read too, so a shared stylesheet brings its fonts.
 *
 * Anything that resolves outside the workspace, directly or through a symlink, is refused: the
 * zip goes to a third party and must never carry what happens to lie next to the checkout. So is
 * a reference to a file that does not exist, which would render as a hole. Every problem is
 * reported at once. Only files with such references change, so a project without them packs to
 * the same bytes as before.
 */
export async function localizeExternalRefs(project: ProjectFiles): Promise<LocalizedProject> {
  const { root, workspace } = project
  const files = new Map(project.files.map((f) => [f.path, { ...f }]))
  const used = new Set(files.keys())
  const externalByTarget = new Map<string, PackFile>()
  const external: ExternalFile[] = []
  const problems: string[] = []
  const display = (abs: string): string => path.relative(workspace, abs).split(path.sep).join('/') || '.'

  const queue: Referrer[] = [...files.values()]
    .filter((f) => referenceKind(f.path))
    .map((file) => ({ file, dir: path.join(root, path.posix.dirname(file.path)), display: display(path.join(root, file.path)), external: false }))

  for (let next = queue.shift(); next; next = queue.shift()) {
    const referrer = next
    const kind = referenceKind(referrer.file.path) as Kind
    const text = (referrer.file.data ?? (await readFile(referrer.file.source))).toString('utf8')
    const edits: Array<{ start: number; end: number; value: string }> = []
    for (const ref of findReferences(text, kind)) {
      const rel = relativePath(ref.value)
      if (!rel) continue
      const target = path.resolve(referrer.dir, rel.file)
      const where = `${referrer.display}:${ref.line}`
      let archivePath: string
      if (isInside(target, root)) {
        // Inside the project the reference already works, except from a file brought in from outside.
        if (!referrer.external) continue
        archivePath = path.relative(root, target).split(path.sep).join('/')
      } else {
        const packed = await packExternal(target, where, ref.value)
        if (!packed) continue
        archivePath = packed.path
      }
      const value = encodePath(path.posix.relative(path.posix.dirname(referrer.file.path), archivePath)) + rel.suffix
      if (path.posix.normalize(rel.file) !== path.posix.relative(path.posix.dirname(referrer.file.path), archivePath)) {
        edits.push({ start: ref.start, end: ref.end, value })
      }
    }
    if (edits.length > 0) {
      const data = Buffer.from(applyEdits(text, edits), 'utf8')
      referrer.file.data = data
      referrer.file.size = data.length
    }
  }

  if (problems.length > 0) {
    throw new UserError(
      `${problems.length === 1 ? 'A reference' : `${problems.length} references`} in the project cannot be packed:\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
        `Files outside the workspace are never uploaded: copy what the composition needs into the repository and reference it there.`
    )
  }
  return { files: [...files.values()].sort(byPath), external }

  /** Packs a file from outside the project folder once, or records why it cannot be. */
  async function packExternal(target: string, where: string, written: string): Promise<PackFile | undefined> {
    if (!isInside(target, workspace)) {
      problems.push(`${where} references '${written}', which resolves to ${target}, outside the workspace ${workspace}.`)
      return undefined
    }
    let real: string
    try {
      real = await realpath(target)
    } catch {
      problems.push(`${where} references '${written}', but ${display(target)} does not exist.`)
      return undefined
    }
    if (!isInside(real, workspace)) {
      problems.push(`${where} references '${written}': ${display(target)} is a symlink to ${real}, outside the workspace ${workspace}.`)
      return undefined
    }
    if (path.relative(workspace, real).split(path.sep).some(isAlwaysExcluded)) {
      problems.push(`${where} references '${written}', which lies in ${display(real)}; .git and .env files are never packed.`)
      return undefined
    }
    const info = await stat(real)
    // A folder is not something a page loads; leave such a reference alone, as the CLI does.
    if (!info.isFile()) return undefined
    const known = externalByTarget.get(target)
    if (known) return known
    const file: PackFile = { path: allocate(target), size: info.size, source: real }
    externalByTarget.set(target, file)
    files.set(file.path, file)
    external.push({ path: file.path, from: display(target) })
    if (referenceKind(file.path)) queue.push({ file, dir: path.dirname(target), display: display(target), external: true })
    return file
  }

  /** _ext/ plus the path from the project folder with its leading ../ removed; _2, _3… on a clash. */
  function allocate(target: string): string {
    const stripped = path.relative(root, target).split(path.sep).join('/').replace(/^(?:\.\.\/)+/, '')
    let candidate = `${EXT_DIR}/${stripped}`
    if (used.has(candidate)) {
      const ext = path.posix.extname(candidate)
      const base = candidate.slice(0, candidate.length - ext.length)
      let i = 2
      while (used.has(`${base}_${i}${ext}`)) i++
      candidate = `${base}_${i}${ext}`
    }
    used.add(candidate)
    return candidate
  }
}
