import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import AdmZip from 'adm-zip'
import { InputError } from '../src/inputs/input-error.js'
import { IgnoreRules } from '../src/project/ignore-rules.js'
import { buildProjectZip, listProjectFiles } from '../src/project/zip.js'
import { UserError } from '../src/user-error.js'

let base: string
let workspace: string
let outside: string

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'hf-zip-'))
  workspace = join(base, 'ws')
  outside = join(base, 'outside')
  await mkdir(workspace)
  await mkdir(outside)
})

afterEach(async () => {
  await rm(base, { recursive: true, force: true })
})

async function write(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true })
    await writeFile(join(root, path), content)
  }
}

async function paths(projectDir = 'proj'): Promise<string[]> {
  return (await listProjectFiles(projectDir, workspace)).map((f) => f.path)
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(Error)
    return error as Error
  }
  throw new Error('expected a rejection, got none')
}

describe('exclusions', () => {
  it("applies every default exclusion of HeyGen's CLI", async () => {
    await write(join(workspace, 'proj'), {
      'index.html': '<html></html>',
      'assets/a.png': 'png',
      '.git/config': 'git',
      'node_modules/pkg/index.js': 'dep',
      'sub/node_modules/pkg.js': 'dep',
      'dist/app.js': 'built',
      'sub/dist/app.js': 'built',
      '.next/cache': 'next',
      'coverage/lcov.info': 'cov',
      'sub/coverage/x': 'cov',
      '.DS_Store': 'mac',
      'assets/.DS_Store': 'mac',
      'Thumbs.db': 'win',
      'assets/Thumbs.db': 'win',
      '.env': 'SECRET=1',
      '.github/workflows/ci.yml': 'ci',
      'assets/.hidden': 'dot',
      'renders/out.mp4': 'video',
      'snapshots/s.png': 'snap',
      'sub/renders/kept.txt': 'only the root renders/ is excluded',
      'sub/snapshots/kept.txt': 'only the root snapshots/ is excluded',
      '.hyperframesignore': ''
    })
    expect(await paths()).toEqual(['assets/a.png', 'index.html', 'sub/renders/kept.txt', 'sub/snapshots/kept.txt'])
  })

  it('applies .hyperframesignore rules, with negations that re-include inside excluded folders', async () => {
    await write(join(workspace, 'proj'), {
      'index.html': 'x',
      'art/cover.psd': 'psd',
      'art/cover.png': 'png',
      'dist/keep.js': 'keep',
      'dist/drop.js': 'drop',
      'coverage/report.html': 'report',
      'drafts/wip.html': 'wip',
      'drafts/final.html': 'final',
      '.well-known/info.json': '{}',
      '.env.local': 'SECRET=1',
      '.git/HEAD': 'ref',
      '.hyperframesignore': [
        '# comments and blank lines are not rules',
        '',
        '*.psd',
        '!dist/keep.js',
        '!coverage/',
        'drafts/',
        '!drafts/final.html',
        '!.well-known/',
        '!.env*',
        '!.git/',
        '!.git/HEAD'
      ].join('\n')
    })
    expect(await paths()).toEqual(['.well-known/info.json', 'art/cover.png', 'coverage/report.html', 'dist/keep.js', 'drafts/final.html', 'index.html'])
  })

  it('re-includes a whole default folder with `!dist/`', async () => {
    await write(join(workspace, 'proj'), {
      'index.html': 'x',
      'dist/a.js': 'a',
      'dist/sub/b.js': 'b',
      '.hyperframesignore': '!dist/\n'
    })
    expect(await paths()).toEqual(['dist/a.js', 'dist/sub/b.js', 'index.html'])
  })

  it('keeps gitignore precedence otherwise: re-including a folder does not undo a rule matching the file', () => {
    const rules = new IgnoreRules('*.psd\n!keep/\n')
    expect(rules.excludes('keep/a.psd', false)).toBe(true)
    expect(rules.excludes('keep/a.png', false)).toBe(false)
    // Later rules win at the same level.
    expect(new IgnoreRules('!a.txt\na.txt').excludes('a.txt', false)).toBe(true)
    expect(new IgnoreRules('a.txt\n!a.txt').excludes('a.txt', false)).toBe(false)
  })

  it('prunes excluded folders unless a negation could reach inside them', () => {
    const rules = new IgnoreRules('!dist/keep.js\n')
    expect(rules.mayReincludeBelow('dist')).toBe(true)
    expect(rules.mayReincludeBelow('node_modules')).toBe(false)
    expect(new IgnoreRules('!*.keep').mayReincludeBelow('node_modules')).toBe(true)
    expect(new IgnoreRules().mayReincludeBelow('dist')).toBe(false)
  })

  it('fails when nothing is left to pack', async () => {
    await write(join(workspace, 'proj'), { '.env': 'x', 'dist/a.js': 'a' })
    const error = await rejection(listProjectFiles('proj', workspace))
    expect(error).toBeInstanceOf(InputError)
    expect(error.message).toContain("Input 'path': folder 'proj' has no files left to pack")
  })
})

describe('project folder', () => {
  it('refuses a folder that does not exist', async () => {
    const error = await rejection(listProjectFiles('missing', workspace))
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).input).toBe('path')
    expect(error.message).toContain("folder 'missing' does not exist")
  })

  it('refuses a folder outside the workspace, also when reached through a symlink', async () => {
    await write(outside, { 'index.html': 'x' })
    const direct = await rejection(listProjectFiles(outside, workspace))
    expect(direct).toBeInstanceOf(InputError)
    expect(direct.message).toContain('outside the workspace')
    await symlink(outside, join(workspace, 'escape'))
    const viaLink = await rejection(listProjectFiles('escape', workspace))
    expect(viaLink.message).toContain("folder 'escape' resolves to")
  })

  it('refuses a file given as the folder', async () => {
    await write(workspace, { 'index.html': 'x' })
    expect((await rejection(listProjectFiles('index.html', workspace))).message).toContain("'index.html' is a file")
  })

  it('accepts the workspace itself', async () => {
    await write(workspace, { 'index.html': 'x', 'README.md': 'y' })
    expect(await paths('.')).toEqual(['README.md', 'index.html'])
  })
})

describe('symlinks', () => {
  it('follows links that stay inside the workspace and packs the target under the link path', async () => {
    await write(join(workspace, 'shared'), { 'logo.png': 'shared logo', 'lib/util.js': 'util' })
    await write(join(workspace, 'proj'), { 'index.html': 'x' })
    await mkdir(join(workspace, 'proj/assets'))
    await symlink('../../shared/logo.png', join(workspace, 'proj/assets/logo.png'))
    await symlink('../shared/lib', join(workspace, 'proj/lib'))

    const out = join(base, 'out.zip')
    const result = await buildProjectZip('proj', workspace, out)
    expect(result.files).toEqual([
      { path: 'assets/logo.png', size: 11 },
      { path: 'index.html', size: 1 },
      { path: 'lib/util.js', size: 4 }
    ])
    const zip = new AdmZip(out)
    expect(zip.readAsText('assets/logo.png')).toBe('shared logo')
    expect(zip.readAsText('lib/util.js')).toBe('util')
  })

  it('refuses a link that resolves outside the workspace, naming the link and its target', async () => {
    await write(outside, { 'secret.txt': 'runner secret' })
    await write(join(workspace, 'proj'), { 'index.html': 'x' })
    await mkdir(join(workspace, 'proj/assets'))
    await symlink(join(outside, 'secret.txt'), join(workspace, 'proj/assets/secret.txt'))

    const error = await rejection(buildProjectZip('proj', workspace, join(base, 'out.zip')))
    expect(error).toBeInstanceOf(UserError)
    expect(error.message).toContain("Symlink 'proj/assets/secret.txt' points to")
    expect(error.message).toContain(join(outside, 'secret.txt'))
    expect(error.message).toContain('outside the workspace')
    await expect(stat(join(base, 'out.zip'))).rejects.toThrow()
  })

  it('refuses a folder link leaving the workspace, but not one that is excluded anyway', async () => {
    await write(outside, { 'a.js': 'a' })
    await write(join(workspace, 'proj'), { 'index.html': 'x' })
    await mkdir(join(workspace, 'proj/node_modules'))
    await symlink(outside, join(workspace, 'proj/node_modules/linked'))
    expect(await paths()).toEqual(['index.html'])

    await symlink(outside, join(workspace, 'proj/vendor'))
    expect((await rejection(listProjectFiles('proj', workspace))).message).toContain("Symlink 'proj/vendor' points to")
  })

  it('reports a dangling link and a link loop', async () => {
    await write(join(workspace, 'proj'), { 'index.html': 'x' })
    await symlink('nowhere.png', join(workspace, 'proj/broken.png'))
    expect((await rejection(listProjectFiles('proj', workspace))).message).toContain("Symlink 'proj/broken.png' points to 'nowhere.png', which does not exist")
    await rm(join(workspace, 'proj/broken.png'))
    await mkdir(join(workspace, 'proj/a'))
    await symlink('..', join(workspace, 'proj/a/up'))
    expect((await rejection(listProjectFiles('proj', workspace))).message).toContain('symlink loop')
  })

  it('never packs .git or .env content reached through a link', async () => {
    await write(workspace, { '.env': 'SECRET=1' })
    await write(join(workspace, 'proj'), { 'index.html': 'x' })
    await symlink('../.env', join(workspace, 'proj/config.txt'))
    expect((await rejection(listProjectFiles('proj', workspace))).message).toContain('.git and .env files are never packed')
  })
})

describe('buildProjectZip', () => {
  const files: Record<string, string> = {
    'index.html': '<html><body>hello</body></html>',
    'compositions/b.html': 'b'.repeat(5000),
    'compositions/a.html': 'a',
    'assets/Logo.svg': '<svg/>',
    'assets/logo.svg': '<svg></svg>',
    'assets/empty.txt': '',
    'Zeta.txt': 'upper case sorts before lower case in byte order'
  }

  it('writes the same bytes for the same files, whatever their times and creation order', async () => {
    const first = join(workspace, 'one')
    const second = join(workspace, 'two')
    await write(first, files)
    await write(second, Object.fromEntries(Object.entries(files).reverse()))
    for (const [i, path] of Object.keys(files).entries()) {
      await utimes(join(first, path), new Date(2001, 1, 1), new Date(2001, 1, 1 + i))
      await utimes(join(second, path), new Date(), new Date(Date.now() - i * 86_400_000))
    }

    const a = await buildProjectZip('one', workspace, join(base, 'a.zip'))
    const b = await buildProjectZip('two', workspace, join(base, 'b', 'nested', 'b.zip'))
    const bytesA = await readFile(a.zipPath)
    const bytesB = await readFile(b.zipPath)
    expect(bytesA.equals(bytesB)).toBe(true)
    expect(a.sha256).toBe(b.sha256)

    const changed = join(workspace, 'three')
    await write(changed, { ...files, 'compositions/a.html': 'A' })
    const c = await buildProjectZip('three', workspace, join(base, 'c.zip'))
    expect(c.sha256).not.toBe(a.sha256)
  })

  it('sorts entries by byte order and pins times, attributes and host', async () => {
    await write(join(workspace, 'proj'), files)
    const result = await buildProjectZip('proj', workspace, join(base, 'out.zip'))
    const expectedOrder = ['Zeta.txt', 'assets/Logo.svg', 'assets/empty.txt', 'assets/logo.svg', 'compositions/a.html', 'compositions/b.html', 'index.html']
    expect(result.files.map((f) => f.path)).toEqual(expectedOrder)

    const zip = new AdmZip(result.zipPath)
    const entries = zip.getEntries()
    expect(entries.map((e) => e.entryName)).toEqual(expectedOrder)
    for (const entry of entries) {
      const time = entry.header.time
      expect([time.getFullYear(), time.getMonth(), time.getDate(), time.getHours(), time.getMinutes()]).toEqual([1980, 0, 1, 0, 0])
      expect(entry.header.attr >>> 16).toBe(0o100644)
      // "Made by" Unix (high byte 3), whatever the host that packed it.
      expect(entry.header.made >> 8).toBe(3)
      expect(entry.isDirectory).toBe(false)
    }
    expect(zip.getEntry('compositions/b.html')?.header.method).toBe(8)
    expect(zip.readAsText('compositions/b.html')).toBe(files['compositions/b.html'])
  })

  it('returns the sha256 and size of the file it wrote, and each file size', async () => {
    await write(join(workspace, 'proj'), files)
    const result = await buildProjectZip('proj', workspace, join(base, 'deep', 'dir', 'out.zip'))
    const bytes = await readFile(join(base, 'deep', 'dir', 'out.zip'))
    expect(result.zipPath).toBe(join(base, 'deep', 'dir', 'out.zip'))
    expect(result.size).toBe(bytes.length)
    expect(result.size).toBe((await stat(result.zipPath)).size)
    expect(result.sha256).toBe(createHash('sha256').update(bytes).digest('hex'))
    expect(result.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(result.files.find((f) => f.path === 'compositions/b.html')?.size).toBe(5000)
    expect(result.files.find((f) => f.path === 'assets/empty.txt')?.size).toBe(0)
    expect(await listProjectFiles('proj', workspace)).toEqual(result.files)
  })
})
