import { readdir, readlink, realpath, stat } from 'node:fs/promises'
import { isAbsolute, join, relative, resolve, sep } from 'node:path'
import { InputError } from '../inputs/input-error.js'
import { UserError } from '../user-error.js'
import { IgnoreRules, isAlwaysExcluded } from './ignore-rules.js'
import { writeZip } from './zip-writer.js'

/** One file in the zip: its posix path inside the archive and its uncompressed size in bytes. */
export interface ZipFileEntry {
  path: string
  size: number
}

export interface ProjectZip {
  zipPath: string
  /** Hex SHA-256 of the zip file as written; identical project files give an identical hash. */
  sha256: string
  size: number
  /** Sorted by path (byte order), exactly as the entries appear in the zip. */
  files: ZipFileEntry[]
}

/** A file to pack: where its bytes come from, or the bytes themselves when the packer rewrote them. */
export interface PackFile extends ZipFileEntry {
  /** The file itself, or a symlink's real target. */
  source: string
  /** Set when the packed content differs from the source (an HTML or CSS file with rewritten references). */
  data?: Buffer
}

/** The project as it will be packed, before any byte is read. */
export interface ProjectFiles {
  /** Real path of the project folder (symlinks resolved). */
  root: string
  /** Real path of the workspace, the folder nothing may escape. */
  workspace: string
  /** Sorted by path in byte order. */
  files: PackFile[]
}

/**
 * The files a render would receive, after HeyGen's CLI exclusions and `.hyperframesignore`.
 * `projectDir` may be relative to `workspace`, the folder nothing may escape (GITHUB_WORKSPACE).
 */
export async function listProjectFiles(projectDir: string, workspace: string): Promise<ZipFileEntry[]> {
  const { files } = await collectProjectFiles(projectDir, workspace)
  return files.map(({ path, size }) => ({ path, size }))
}

/** Zips the project folder as it is (no reference rewriting); see writeProjectZip. */
export async function buildProjectZip(projectDir: string, workspace: string, outFile: string): Promise<ProjectZip> {
  return writeProjectZip((await collectProjectFiles(projectDir, workspace)).files, outFile)
}

/**
 * Zips the files so that the same files always give the same bytes: entries in byte order of
 * their paths, every time stamp 1980-01-01 00:00:00, fixed permissions and "made by" host, no
 * directory entries. The hash can then stand for the project's content (idempotency, caching).
 */
export async function writeProjectZip(files: readonly PackFile[], outFile: string): Promise<ProjectZip> {
  const sorted = [...files].sort(byPath).map((f) => ({ path: f.path, source: f.source, data: f.data, size: f.data?.length ?? f.size }))
  // Streamed to disk (zip-writer.ts): memory stays flat whatever the project weighs.
  const zipPath = resolve(outFile)
  const { sha256, size } = await writeZip(sorted, zipPath)
  return { zipPath, sha256, size, files: sorted.map(({ path, size }) => ({ path, size })) }
}

export function byPath(a: ZipFileEntry, b: ZipFileEntry): number {
  return Buffer.compare(Buffer.from(a.path), Buffer.from(b.path))
}

/** Walks the project folder (resolving and checking symlinks) without reading any file. */
export async function collectProjectFiles(projectDir: string, workspace: string): Promise<ProjectFiles> {
  const realWorkspace = await realpath(resolve(workspace))
  const root = await resolveProjectDir(projectDir, workspace, realWorkspace)
  return { root, workspace: realWorkspace, files: await collectFiles(projectDir, root, realWorkspace) }
}

async function collectFiles(projectDir: string, root: string, realWorkspace: string): Promise<PackFile[]> {
  const rules = await IgnoreRules.load(root)
  const files: PackFile[] = []
  const walker = new Walker(rules, realWorkspace, files)
  await walker.walk(root, root, '', [root])
  if (files.length === 0) {
    throw new InputError('path', `folder '${projectDir}' has no files left to pack after the exclusions (dotfiles, dist, node_modules, .hyperframesignore rules)`)
  }
  return files.sort(byPath)
}

async function resolveProjectDir(projectDir: string, workspace: string, realWorkspace: string): Promise<string> {
  const absolute = resolve(workspace, projectDir)
  let real: string
  try {
    real = await realpath(absolute)
  } catch {
    throw new InputError('path', `folder '${projectDir}' does not exist (looked for ${absolute})`)
  }
  if (!isInside(real, realWorkspace)) {
    throw new InputError('path', `folder '${projectDir}' resolves to ${real}, outside the workspace ${realWorkspace}; point it at a folder in the repository`)
  }
  if (!(await stat(real)).isDirectory()) {
    throw new InputError('path', `'${projectDir}' is a file; expected the composition's folder (the one with index.html)`)
  }
  return real
}

type Kind = 'file' | 'dir' | 'other'

class Walker {
  constructor(
    private readonly rules: IgnoreRules,
    private readonly realWorkspace: string,
    private readonly files: PackFile[]
  ) {}

  /**
   * `dir` is the path as reached (through links), `realDir` its real location; `chain` holds the
   * real paths of the folders being walked, to catch a symlink loop.
   */
  async walk(dir: string, realDir: string, relDir: string, chain: string[]): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true })
    // Sorted so that, with several bad symlinks, the same one is reported every time.
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    for (const entry of entries) {
      const rel = relDir === '' ? entry.name : `${relDir}/${entry.name}`
      const abs = join(dir, entry.name)
      // Excluded whatever it turns out to be: skip before touching it, so an excluded link that
      // leaves the workspace (say in node_modules) is never even resolved.
      if (this.rules.excludes(rel, false) && this.rules.excludes(rel, true) && !this.rules.mayReincludeBelow(rel)) {
        continue
      }

      let kind: Kind
      let source = join(realDir, entry.name)
      if (entry.isSymbolicLink()) {
        const resolved = await this.followLink(abs, rel)
        if (resolved === undefined) continue
        ;({ kind, source } = resolved)
      } else {
        kind = entry.isDirectory() ? 'dir' : entry.isFile() ? 'file' : 'other'
      }

      if (kind === 'dir') {
        if (this.rules.excludes(rel, true) && !this.rules.mayReincludeBelow(rel)) continue
        if (chain.includes(source)) {
          throw new UserError(`'${this.display(abs)}' leads back to ${source}, a folder already being packed (a symlink loop); remove the link or exclude it in .hyperframesignore`)
        }
        await this.walk(abs, source, rel, [...chain, source])
      } else if (kind === 'file') {
        if (this.rules.excludes(rel, false)) continue
        if (entry.name.includes('\\')) {
          // Zip paths use '/', and many unzippers read '\' as one too: the server would see folders.
          throw new UserError(`File '${this.display(abs)}' has a backslash in its name; rename it to pack the project`)
        }
        const { size } = await stat(source)
        this.files.push({ path: rel, size, source })
      }
      // Sockets, FIFOs and devices are not project content.
    }
  }

  /**
   * A link inside the workspace is followed and its target packed under the link's own path.
   * One that leaves the workspace is refused: packing it would upload whatever the runner has
   * there. Links that the rules exclude anyway are skipped without looking further.
   */
  private async followLink(abs: string, rel: string): Promise<{ kind: Kind; source: string } | undefined> {
    let target: string
    try {
      target = await realpath(abs)
    } catch {
      if (this.rules.excludes(rel, false)) return undefined
      const text = await readlink(abs).catch(() => '?')
      throw new UserError(`Symlink '${this.display(abs)}' points to '${text}', which does not exist; fix or remove the link, or exclude it in .hyperframesignore`)
    }
    const info = await stat(target)
    const kind: Kind = info.isDirectory() ? 'dir' : info.isFile() ? 'file' : 'other'
    if (this.rules.excludes(rel, kind === 'dir') && !(kind === 'dir' && this.rules.mayReincludeBelow(rel))) {
      return undefined
    }
    if (!isInside(target, this.realWorkspace)) {
      throw new UserError(
        `Symlink '${this.display(abs)}' points to ${target}, outside the workspace ${this.realWorkspace}; it is not packed. Copy the file into the project, or exclude the link in .hyperframesignore`
      )
    }
    if (relative(this.realWorkspace, target).split(sep).some(isAlwaysExcluded)) {
      throw new UserError(`Symlink '${this.display(abs)}' points into ${target}; .git and .env files are never packed`)
    }
    return { kind, source: target }
  }

  /** Paths in messages are relative to the workspace: that is how they appear in the repository. */
  private display(abs: string): string {
    const rel = relative(this.realWorkspace, abs)
    return rel === '' ? '.' : rel.split(sep).join('/')
  }
}

export function isInside(child: string, parent: string): boolean {
  const rel = relative(parent, child)
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel))
}
