import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import ignore, { type Ignore } from 'ignore'

/** The project's own exclusion file, read from the project folder's root like HeyGen's CLI does. */
export const IGNORE_FILE = '.hyperframesignore'

/**
 * HeyGen's `hyperframes cloud` CLI leaves these out of the zip, and users expect the same here:
 * build output, dependencies, OS litter, every dotfile and dot-folder, and the CLI's own local
 * output folders at the project root. They are the first rules, so `.hyperframesignore` can
 * negate them (`!dist/`, `!.well-known/`).
 */
export const DEFAULT_IGNORE_RULES: readonly string[] = ['.git', 'node_modules', 'dist', '.next', 'coverage', '.DS_Store', 'Thumbs.db', '.*', '/renders/', '/snapshots/']

/**
 * Never packed, whatever `.hyperframesignore` says: the zip is uploaded to a third party, and a
 * stray `!.*` must not ship the repository's history or a secrets file. Matched by name, at any
 * depth, case-insensitively.
 */
export function isAlwaysExcluded(name: string): boolean {
  const lower = name.toLowerCase()
  return lower === '.git' || lower.startsWith('.env')
}

interface Rule {
  pattern: string
  negative: boolean
  /** Holds this rule alone, negated; see `matchesExactly`. */
  matcher: Ignore
}

/**
 * gitignore-style rules with one deliberate difference: a negation can re-include something
 * inside an excluded folder (`dist` then `!dist/keep.js` keeps dist/keep.js). Git cannot do that
 * ("a file cannot be re-included if a parent directory is excluded"), but the defaults here
 * exclude whole folders the user never wrote a rule for, and a user who writes `!dist/keep.js`
 * means it.
 *
 * The decision for a path is made level by level, from the top folder down: at each level the
 * last rule that matches that exact path decides; a level no rule matches inherits its parent's
 * decision. Patterns themselves are matched by the `ignore` package (case-insensitive, as in
 * HeyGen's CLI).
 */
export class IgnoreRules {
  private readonly rules: Rule[]
  private readonly dirCache = new Map<string, boolean>()

  constructor(userRules = '') {
    const lines = [...DEFAULT_IGNORE_RULES, ...userRules.split(/\r?\n/)]
    this.rules = lines.flatMap((line) => {
      if (line.trim() === '' || line.startsWith('#')) return []
      const negative = line.startsWith('!')
      const body = negative ? line.slice(1) : line
      if (body.trim() === '') return []
      return [{ pattern: line, negative, matcher: ignore().add(`!${body}`) }]
    })
  }

  /** Rules for a project folder: the defaults plus its `.hyperframesignore`, if it has one. */
  static async load(projectDir: string): Promise<IgnoreRules> {
    try {
      return new IgnoreRules(await readFile(join(projectDir, IGNORE_FILE), 'utf8'))
    } catch (error) {
      if (isNotFound(error)) return new IgnoreRules()
      throw error
    }
  }

  /** `relPath` is posix and relative to the project folder, without a trailing slash. */
  excludes(relPath: string, isDir: boolean): boolean {
    const segments = relPath.split('/')
    if (segments.some(isAlwaysExcluded)) return true
    const parent = segments.slice(0, -1).join('/')
    const parentExcluded = parent === '' ? false : this.dirExcluded(parent)
    if (isDir) return this.decide(`${relPath}/`) ?? parentExcluded
    return this.decide(relPath) ?? parentExcluded
  }

  /**
   * Whether some negation could re-include a path below an excluded folder. When none can, the
   * walk skips the folder entirely — which keeps a 50 000-file node_modules from being read.
   */
  mayReincludeBelow(dirRelPath: string): boolean {
    return this.rules.some((rule) => rule.negative && couldMatchBelow(rule.pattern.slice(1), dirRelPath))
  }

  private dirExcluded(dir: string): boolean {
    const cached = this.dirCache.get(dir)
    if (cached !== undefined) return cached
    const slash = dir.lastIndexOf('/')
    const parentExcluded = slash === -1 ? false : this.dirExcluded(dir.slice(0, slash))
    const excluded = this.decide(`${dir}/`) ?? parentExcluded
    this.dirCache.set(dir, excluded)
    return excluded
  }

  /** true = excluded, false = re-included, undefined = no rule matches this exact path. */
  private decide(path: string): boolean | undefined {
    for (let i = this.rules.length - 1; i >= 0; i--) {
      const rule = this.rules[i]
      if (rule !== undefined && matchesExactly(rule, path)) return !rule.negative
    }
    return undefined
  }
}

/**
 * `ignore` answers for a path *and its parents* (a positive rule matching `dist/` also "ignores"
 * `dist/a.js`). An instance holding only a negated rule never ignores a parent, so its
 * `unignored` flag says whether the pattern matches this exact path and nothing else.
 */
function matchesExactly(rule: Rule, path: string): boolean {
  return rule.matcher.test(path).unignored
}

/**
 * Conservative: true unless the pattern is anchored (has a slash other than a trailing one) and
 * its literal start rules out everything below `dir`.
 */
function couldMatchBelow(pattern: string, dir: string): boolean {
  const body = pattern.trimEnd().replace(/\/+$/, '')
  if (!body.includes('/')) return true
  const anchored = body.replace(/^\//, '')
  const firstGlob = anchored.search(/[*?[\\]/)
  const literal = (firstGlob === -1 ? anchored : anchored.slice(0, firstGlob)).toLowerCase()
  const prefix = `${dir.toLowerCase()}/`
  return literal.startsWith(prefix) || prefix.startsWith(literal)
}

function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT'
}
