import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { applyEdits, encodePath, findReferences, localizeExternalRefs, relativePath } from '../src/project/external-refs.js'
import { collectProjectFiles, type PackFile } from '../src/project/zip.js'
import { UserError } from '../src/user-error.js'

describe('findReferences', () => {
  it('finds src and href of any element, url() in <style> and style attributes, with exact offsets and lines', () => {
    const html = [
      '<link rel="stylesheet" href="../brand/a.css">',
      "<img src='../brand/logo.svg' alt=\"x\">",
      '<div style="background: url(../bg.png)"></div>',
      '<style>',
      '  /* url(../commented.png) */',
      "  .x { background: url( '../brand/q.png' ) }",
      '</style>',
      '<!-- <img src="../hidden.png"> -->',
      '<script>const s = "<img src=\'../in-script.png\'>"</script>',
      '<a href=#top>top</a>'
    ].join('\n')
    const refs = findReferences(html, 'html')
    expect(refs.map((r) => [r.value, r.line])).toEqual([
      ['../brand/a.css', 1],
      ['../brand/logo.svg', 2],
      ['../bg.png', 3],
      ['../brand/q.png', 6],
      ['#top', 10]
    ])
    for (const r of refs) expect(html.slice(r.start, r.end)).toBe(r.value)
  })

  it('finds url() and @import in CSS files, skipping comments', () => {
    const css = `@import "../shared/base.css";\n/* url(nope.png) */\n@font-face { src: url(fonts/a.woff2) format('woff2'), url("fonts/b.woff") }`
    expect(findReferences(css, 'css').map((r) => r.value)).toEqual(['fonts/a.woff2', 'fonts/b.woff', '../shared/base.css'])
  })
})

describe('relativePath', () => {
  it('leaves alone what is not a relative file path, as the CLI does', () => {
    for (const v of ['', '#x', '/abs.png', '//cdn/x.png', 'https://a/b.png', 'data:image/png;base64,AA', 'mailto:a@b', 'blob:x', '?q=1']) expect(relativePath(v)).toBeUndefined()
  })

  it('splits off query and fragment and decodes percent escapes', () => {
    expect(relativePath('../brand/my%20logo.svg?v=2#frag')).toEqual({ file: '../brand/my logo.svg', suffix: '?v=2#frag' })
    expect(relativePath('assets/100%.png')).toEqual({ file: 'assets/100%.png', suffix: '' })
  })
})

describe('encodePath and applyEdits', () => {
  it('percent-encodes every segment so the path is safe quoted or not', () => {
    expect(encodePath('../_ext/brand/my logo (1).svg')).toBe('../_ext/brand/my%20logo%20%281%29.svg')
    expect(encodePath('_ext/a/b.png')).toBe('_ext/a/b.png')
  })

  it('replaces ranges in any order', () => {
    expect(applyEdits('0123456789', [{ start: 7, end: 9, value: 'X' }, { start: 1, end: 3, value: 'YY' }])).toBe('0YY3456X9')
  })
})

describe('localizeExternalRefs', () => {
  let base: string
  let ws: string
  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'hf-ext-'))
    ws = join(base, 'ws')
    await mkdir(ws)
  })
  afterEach(() => rm(base, { recursive: true, force: true }))

  async function write(files: Record<string, string>, root = ws): Promise<void> {
    for (const [p, content] of Object.entries(files)) {
      await mkdir(dirname(join(root, p)), { recursive: true })
      await writeFile(join(root, p), content)
    }
  }

  async function localize(project = 'video'): Promise<{ files: Map<string, PackFile>; text: (p: string) => string; external: Array<{ path: string; from: string }> }> {
    const result = await localizeExternalRefs(await collectProjectFiles(project, ws))
    const files = new Map(result.files.map((f) => [f.path, f]))
    return { files, external: result.external, text: (p) => files.get(p)?.data?.toString('utf8') ?? '' }
  }

  async function failure(project = 'video'): Promise<Error> {
    try {
      await localizeExternalRefs(await collectProjectFiles(project, ws))
    } catch (error) {
      return error as Error
    }
    throw new Error('expected a failure')
  }

  it('packs a shared file under _ext/ and rewrites the reference, leaving the rest of the file as it was', async () => {
    await write({
      'brand/logo.svg': '<svg/>',
      'video/index.html': '<html>\n<img   src="../brand/logo.svg?v=3"  alt="">\n<img src="assets/own.png">\n</html>\n',
      'video/assets/own.png': 'png'
    })
    const { files, text, external } = await localize()
    expect([...files.keys()]).toEqual(['_ext/brand/logo.svg', 'assets/own.png', 'index.html'])
    expect(text('index.html')).toBe('<html>\n<img   src="_ext/brand/logo.svg?v=3"  alt="">\n<img src="assets/own.png">\n</html>\n')
    expect(files.get('index.html')?.size).toBe(Buffer.byteLength(text('index.html')))
    expect(files.get('_ext/brand/logo.svg')).toMatchObject({ size: 6, source: join(ws, 'brand/logo.svg') })
    expect(external).toEqual([{ path: '_ext/brand/logo.svg', from: 'brand/logo.svg' }])
  })

  it('changes nothing in a project without outside references', async () => {
    await write({ 'video/index.html': '<img src="a.png"><a href="https://x.y/">x</a>', 'video/a.png': 'p' })
    const { files, external } = await localize()
    expect([...files.values()].every((f) => f.data === undefined)).toBe(true)
    expect(external).toEqual([])
  })

  it('writes references relative to the file that holds them, follows a shared stylesheet to its fonts, and packs a file once', async () => {
    await write({
      'brand/fonts.css': "@font-face { src: url('fonts/brand.woff2') }\n.logo { background: url(../video/assets/own.png) }",
      'brand/fonts/brand.woff2': 'font',
      'brand/logo.svg': '<svg/>',
      'video/index.html': '<link rel="stylesheet" href="../brand/fonts.css"><img src="../brand/logo.svg"><img src="../brand/logo.svg">',
      'video/assets/style.css': '#root { background: url("../../brand/logo.svg") }',
      'video/assets/own.png': 'png'
    })
    const { files, text, external } = await localize()
    expect(text('index.html')).toBe('<link rel="stylesheet" href="_ext/brand/fonts.css"><img src="_ext/brand/logo.svg"><img src="_ext/brand/logo.svg">')
    expect(text('assets/style.css')).toBe('#root { background: url("../_ext/brand/logo.svg") }')
    // The shared stylesheet keeps its sibling font path and gets the way back into the project.
    expect(text('_ext/brand/fonts.css')).toBe("@font-face { src: url('fonts/brand.woff2') }\n.logo { background: url(../../assets/own.png) }")
    expect(files.has('_ext/brand/fonts/brand.woff2')).toBe(true)
    // In the order found: assets/style.css comes before index.html.
    expect(external.map((e) => e.path)).toEqual(['_ext/brand/logo.svg', '_ext/brand/fonts.css', '_ext/brand/fonts/brand.woff2'])
  })

  it('gives clashing _ext paths a numbered name, and never overwrites a project file', async () => {
    await write({
      'a/logo.svg': 'one',
      'x/a/logo.svg': 'two',
      'x/video/index.html': '<img src="../../a/logo.svg"><img src="../a/logo.svg">',
      'x/video/_ext/a/logo_2.svg': 'mine'
    })
    const { files, text } = await localize('x/video')
    expect(text('index.html')).toBe('<img src="_ext/a/logo.svg"><img src="_ext/a/logo_3.svg">')
    expect(files.get('_ext/a/logo.svg')?.source).toBe(join(ws, 'a/logo.svg'))
    expect(files.get('_ext/a/logo_3.svg')?.source).toBe(join(ws, 'x/a/logo.svg'))
    expect(files.get('_ext/a/logo_2.svg')?.source).toBe(join(ws, 'x/video/_ext/a/logo_2.svg'))
  })

  it('refuses, all at once, references that leave the workspace, go through a symlink out of it, or do not exist', async () => {
    await write({ 'secret.txt': 'runner secret' }, base)
    await write({
      'video/index.html': ['<img src="../../secret.txt">', '<img src="../brand/leak.svg">', '<img src="../brand/missing.svg">'].join('\n')
    })
    await mkdir(join(ws, 'brand'))
    await symlink(join(base, 'secret.txt'), join(ws, 'brand/leak.svg'))
    const error = await failure()
    expect(error).toBeInstanceOf(UserError)
    expect(error.message).toContain('3 references in the project cannot be packed:')
    expect(error.message).toContain(`video/index.html:1 references '../../secret.txt', which resolves to ${join(base, 'secret.txt')}, outside the workspace ${ws}.`)
    expect(error.message).toContain(`video/index.html:2 references '../brand/leak.svg': brand/leak.svg is a symlink to ${join(base, 'secret.txt')}, outside the workspace ${ws}.`)
    expect(error.message).toContain("video/index.html:3 references '../brand/missing.svg', but brand/missing.svg does not exist.")
  })

  it('never packs .git or .env content, and leaves a folder reference alone', async () => {
    await write({ '.env': 'TOKEN=1', 'video/index.html': '<img src="../.env"><a href="../brand/">brand</a>', 'brand/x.txt': 'x' })
    expect((await failure()).message).toContain("references '../.env', which lies in .env; .git and .env files are never packed.")
    await write({ 'video/index.html': '<a href="../brand/">brand</a>' })
    expect((await localize()).external).toEqual([])
  })
})
