import { existsSync } from 'node:fs'
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
  /** Unset for a load; `data-composition-src` resolves against the project folder, not the file. */
  role?: ReferenceRole
}

/** A file packed from outside the project folder. */
export interface ExternalFile {
  /** Its path in the zip, under _ext/. */
  path: string
  /** Workspace-relative path of the original. */
  from: string
}

type Kind = 'html' | 'css'

export function referenceKind(file: string): Kind | undefined {
  const ext = path.posix.extname(file).toLowerCase()
  return ext === '.html' || ext === '.htm' ? 'html' : ext === '.css' ? 'css' : undefined
}

/**
 * What a reference is to the page: something it loads, a sub-composition the runtime mounts, or
 * a link (`<a href>`) it never follows while rendering.
 */
export type ReferenceRole = 'load' | 'sub-composition' | 'link'

/**
 * The references a browser would load from this file, as HeyGen's CLI finds them: `src`, `href`,
 * `poster` and `xlink:href` of any element, every candidate of a `srcset`, `data-composition-src`
 * (a sub-composition the runtime fetches), `url()` in <style> bodies and style attributes, and in
 * CSS files also `@import "…"`. Comments are skipped.
 */
export function findReferences(text: string, kind: Kind): Reference[] {
  const starts = lineStarts(text)
  const refs: Reference[] = []
  const add = (value: string, start: number, end: number, role: ReferenceRole = 'load'): void => {
    refs.push({ value, start, end, line: lineAt(starts, start), ...(role === 'load' ? {} : { role }) })
  }
  if (kind === 'css') {
    for (const r of cssReferences(text, 0, text.length)) add(r.value, r.start, r.end)
    return refs
  }
  const { tags, styles } = scanHtml(text)
  // Offsets are only exact when the raw text is the decoded value (no entities in it).
  const verbatim = (attr: { value: string; valueStart: number; valueEnd: number }): boolean => text.slice(attr.valueStart, attr.valueEnd) === attr.value
  for (const tag of tags) {
    for (const name of ['src', 'href', 'poster', 'xlink:href']) {
      const attr = attribute(tag, name)
      const link = name === 'href' && (tag.name === 'a' || tag.name === 'area')
      if (attr && attr.quote !== undefined) add(attr.value, attr.valueStart, attr.valueEnd, link ? 'link' : 'load')
    }
    const sub = attribute(tag, 'data-composition-src')
    if (sub && sub.quote !== undefined) add(sub.value, sub.valueStart, sub.valueEnd, 'sub-composition')
    const srcset = attribute(tag, 'srcset')
    if (srcset && srcset.quote !== undefined && verbatim(srcset)) {
      for (const c of srcsetUrls(srcset.value)) add(c.value, srcset.valueStart + c.start, srcset.valueStart + c.end)
    }
    const style = attribute(tag, 'style')
    if (style && style.quote !== undefined && verbatim(style)) {
      for (const r of cssReferences(text, style.valueStart, style.valueEnd, false)) add(r.value, r.start, r.end)
    }
  }
  for (const s of styles) for (const r of cssReferences(text, s.start, s.end)) add(r.value, r.start, r.end)
  return refs.sort((a, b) => a.start - b.start)
}

/**
 * The URLs of a srcset with their offsets, split the way the HTML standard does: a candidate is
 * a run of non-space characters (trailing commas end it), then optional descriptors up to a comma.
 */
export function srcsetUrls(srcset: string): Array<{ value: string; start: number; end: number }> {
  const out: Array<{ value: string; start: number; end: number }> = []
  let i = 0
  while (i < srcset.length) {
    while (i < srcset.length && /[\s,]/.test(srcset[i] as string)) i++
    if (i >= srcset.length) break
    const start = i
    while (i < srcset.length && !/\s/.test(srcset[i] as string)) i++
    let end = i
    let endsCandidate = false
    while (end > start && srcset[end - 1] === ',') {
      end--
      endsCandidate = true
    }
    if (end > start) out.push({ value: srcset.slice(start, end), start, end })
    if (endsCandidate) continue
    // Descriptors (`2x`, `640w`) run to the next comma outside parentheses.
    let depth = 0
    while (i < srcset.length && !(depth === 0 && srcset[i] === ',')) {
      if (srcset[i] === '(') depth++
      else if (srcset[i] === ')') depth = Math.max(0, depth - 1)
      i++
    }
  }
  return out
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

/** A reference in a file the composition never loads: left as written, never followed or packed. */
export interface LeftAloneReference {
  /** Workspace-relative file that holds it. */
  file: string
  line: number
  value: string
  /** Why nothing was done with it, for the log. */
  reason: string
}

export interface LocalizedProject {
  /** Every file to pack, _ext/ included, sorted by path; rewritten files carry their new bytes. */
  files: PackFile[]
  external: ExternalFile[]
  /** Outside references in files the composition does not reach. */
  leftAlone: LeftAloneReference[]
}

/**
 * Makes the zip self-contained the way HeyGen's CLI does, following only what the entry
 * composition loads, transitively: sub-compositions, scripts, stylesheets (their url() and
 * @import), media, fonts and srcset candidates. A relative reference on that path which leaves
 * the project folder but stays inside the workspace (a monorepo's shared `../brand/logo.svg`) is
 * packed under `_ext/` and the reference rewritten to point there; HTML and CSS files brought in
 * that way are read too, so a shared stylesheet brings its fonts.
 *
 * Anything reachable that resolves outside the workspace, directly or through a symlink, is
 * refused: the zip goes to a third party and must never carry what happens to lie next to the
 * checkout. So is a reference to a file that does not exist, which would render as a hole. A
 * sub-composition that is missing or empty is refused too: the render cannot work without it.
 * Every problem is reported at once.
 *
 * Files the composition never reaches (a template's `demo.html` preview page) are packed as they
 * are; their outside references are only reported, never followed, rewritten or packed. Only files
 * with reachable outside references change, so most projects pack to the same bytes as before.
 */
export async function localizeExternalRefs(project: ProjectFiles, entry: string): Promise<LocalizedProject> {
  const { root, workspace } = project
  const files = new Map(project.files.map((f) => [f.path, { ...f }]))
  const used = new Set(files.keys())
  const externalByTarget = new Map<string, PackFile>()
  const external: ExternalFile[] = []
  const problems: string[] = []
  const display = (abs: string): string => path.relative(workspace, abs).split(path.sep).join('/') || '.'

  const queue: Referrer[] = []
  const reached = new Set<string>()
  const reach = (file: PackFile | undefined): void => {
    if (!file || reached.has(file.path) || !referenceKind(file.path)) return
    reached.add(file.path)
    queue.push({ file, dir: path.join(root, path.posix.dirname(file.path)), display: display(path.join(root, file.path)), external: false })
  }
  reach(files.get(entry))

  for (let next = queue.shift(); next; next = queue.shift()) {
    const referrer = next
    const kind = referenceKind(referrer.file.path) as Kind
    const text = (referrer.file.data ?? (await readFile(referrer.file.source))).toString('utf8')
    const edits: Array<{ start: number; end: number; value: string }> = []
    for (const ref of findReferences(text, kind)) {
      const rel = relativePath(ref.value)
      // A link is not loaded by the render: nothing to follow or pack.
      if (!rel || ref.role === 'link') continue
      const sub = ref.role === 'sub-composition'
      // The runtime fetches a sub-composition from the page, as HeyGen's linter resolves it.
      const target = path.resolve(sub ? root : referrer.dir, rel.file)
      const where = `${referrer.display}:${ref.line}`
      let archivePath: string
      if (isInside(target, root)) {
        archivePath = path.relative(root, target).split(path.sep).join('/')
        const packed = files.get(archivePath)
        if (sub && !(await usableSubComposition(packed, target, where, ref.value))) continue
        reach(packed)
        // Inside the project the reference already works, except from a file brought in from outside.
        if (!referrer.external) continue
      } else {
        const packed = await packExternal(target, where, ref.value)
        if (!packed) continue
        if (sub && !(await usableSubComposition(packed, target, where, ref.value))) continue
        archivePath = packed.path
      }
      const from = sub ? '.' : path.posix.dirname(referrer.file.path)
      const value = encodePath(path.posix.relative(from, archivePath)) + rel.suffix
      if (path.posix.normalize(rel.file) !== path.posix.relative(from, archivePath)) {
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
  const leftAlone = await unreachedReferences([...files.values()].filter((f) => !reached.has(f.path) && !f.path.startsWith(`${EXT_DIR}/`) && referenceKind(f.path)))
  return { files: [...files.values()].sort(byPath), external, leftAlone }

  /** Outside references of files nothing loads: reported as they are, never resolved through links. */
  async function unreachedReferences(unreached: PackFile[]): Promise<LeftAloneReference[]> {
    const out: LeftAloneReference[] = []
    for (const file of unreached) {
      const text = (await readFile(file.source)).toString('utf8')
      const dir = path.join(root, path.posix.dirname(file.path))
      for (const ref of findReferences(text, referenceKind(file.path) as Kind)) {
        const rel = relativePath(ref.value)
        if (!rel || ref.role === 'link') continue
        const target = path.resolve(ref.role === 'sub-composition' ? root : dir, rel.file)
        if (isInside(target, root)) continue
        const where = isInside(target, workspace) ? `${display(target)}, outside the project folder` : 'a path outside the workspace'
        out.push({
          file: display(path.join(root, file.path)),
          line: ref.line,
          value: ref.value,
          reason: `it points to ${where}, and ${file.path} is not loaded by the composition ${entry}, so the file is packed as it is and what it references is not`
        })
      }
    }
    return out
  }

  /**
   * A sub-composition the zip will not hold, or one with nothing in it, fails the render whatever
   * the lint mode: say which, on which line.
   */
  async function usableSubComposition(packed: PackFile | undefined, target: string, where: string, written: string): Promise<boolean> {
    if (!packed) {
      const reason = existsSync(target) ? 'is excluded from the zip (dotfile, default exclusion or .hyperframesignore)' : 'does not exist'
      problems.push(`${where} mounts the sub-composition '${written}' (data-composition-src), but ${display(target)} ${reason}; the render cannot work without it.`)
      return false
    }
    const text = packed.data ?? (packed.size > 0 ? await readFile(packed.source) : Buffer.alloc(0))
    if (text.toString('utf8').trim() === '') {
      problems.push(`${where} mounts the sub-composition '${written}' (data-composition-src), but ${display(target)} is empty; the render cannot work without it.`)
      return false
    }
    return true
  }

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
    const stripped = path
      .relative(root, target)
      .split(path.sep)
      .join('/')
      .replace(/^(?:\.\.\/)+/, '')
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
