import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { applyEdits, encodePath, findReferences, localizeExternalRefs, relativePath, srcsetUrls } from '../src/project/external-refs.js'
import type { LeftAloneReference } from '../src/project/external-refs.js'
import { collectProjectFiles, type PackFile } from '../src/project/zip.js'
import { UserError } from '../src/user-error.js'

describe('findReferences', () => {
  it('finds src and href of any element, url() in <style> and style attributes, with exact offsets and lines', () => {
    const html = [
      '<link rel="stylesheet" href="../brand/a.css">',
      '<img src=\'../brand/logo.svg\' alt="x">',
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

describe('srcset and data-composition-src', () => {
  it('splits a srcset into its URLs with offsets, descriptors and trailing commas left out', () => {
    const srcset = ' a.png 1x,b%20c.png  2x ,  d.png, e.png 640w, f(1).png (x)'
    const urls = srcsetUrls(srcset)
    expect(urls.map((u) => u.value)).toEqual(['a.png', 'b%20c.png', 'd.png', 'e.png', 'f(1).png'])
    // As the HTML standard reads it: a comma inside a URL belongs to the URL.
    expect(srcsetUrls('x,y.png 2x').map((u) => u.value)).toEqual(['x,y.png'])
    for (const u of urls) expect(srcset.slice(u.start, u.end)).toBe(u.value)
  })

  it('finds srcset candidates, poster and data-composition-src, marking the sub-composition', () => {
    const html = '<img srcset="../s/a.png 1x, ../s/b.png 2x">\n<video poster="p.jpg"></video>\n<div data-composition-src="compositions/intro.html"></div>'
    const refs = findReferences(html, 'html')
    expect(refs.map((r) => [r.value, r.line, r.role ?? 'load'])).toEqual([
      ['../s/a.png', 1, 'load'],
      ['../s/b.png', 1, 'load'],
      ['p.jpg', 2, 'load'],
      ['compositions/intro.html', 3, 'sub-composition']
    ])
    for (const r of refs) expect(html.slice(r.start, r.end)).toBe(r.value)
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
    expect(
      applyEdits('0123456789', [
        { start: 7, end: 9, value: 'X' },
        { start: 1, end: 3, value: 'YY' }
      ])
    ).toBe('0YY3456X9')
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

  async function localize(
    project = 'video',
    entry = 'index.html'
  ): Promise<{ files: Map<string, PackFile>; text: (p: string) => string; external: Array<{ path: string; from: string }>; leftAlone: LeftAloneReference[] }> {
    const result = await localizeExternalRefs(await collectProjectFiles(project, ws), entry)
    const files = new Map(result.files.map((f) => [f.path, f]))
    return { files, external: result.external, leftAlone: result.leftAlone, text: (p) => files.get(p)?.data?.toString('utf8') ?? '' }
  }

  async function failure(project = 'video', entry = 'index.html'): Promise<Error> {
    try {
      await localizeExternalRefs(await collectProjectFiles(project, ws), entry)
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
      'video/index.html': '<link rel="stylesheet" href="assets/style.css"><link rel="stylesheet" href="../brand/fonts.css"><img src="../brand/logo.svg"><img src="../brand/logo.svg">',
      'video/assets/style.css': '#root { background: url("../../brand/logo.svg") }',
      'video/assets/own.png': 'png'
    })
    const { files, text, external } = await localize()
    expect(text('index.html')).toBe('<link rel="stylesheet" href="assets/style.css"><link rel="stylesheet" href="_ext/brand/fonts.css"><img src="_ext/brand/logo.svg"><img src="_ext/brand/logo.svg">')
    expect(text('assets/style.css')).toBe('#root { background: url("../_ext/brand/logo.svg") }')
    // The shared stylesheet keeps its sibling font path and gets the way back into the project.
    expect(text('_ext/brand/fonts.css')).toBe("@font-face { src: url('fonts/brand.woff2') }\n.logo { background: url(../../assets/own.png) }")
    expect(files.has('_ext/brand/fonts/brand.woff2')).toBe(true)
    // In the order found, following the composition: index.html first, then what it loads.
    expect(external.map((e) => e.path)).toEqual(['_ext/brand/fonts.css', '_ext/brand/logo.svg', '_ext/brand/fonts/brand.woff2'])
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
    await write({ '.env': 'TOKEN=1', 'video/index.html': '<img src="../.env"><iframe src="../brand/"></iframe>', 'brand/x.txt': 'x' })
    expect((await failure()).message).toContain("references '../.env', which lies in .env; .git and .env files are never packed.")
    await write({ 'video/index.html': '<iframe src="../brand/"></iframe>' })
    expect((await localize()).external).toEqual([])
  })

  it('does not follow links: a page the composition only links to is neither read nor packed from', async () => {
    await write({ 'video/index.html': '<a href="demo.html">demo</a><a href="../notes/todo.html">notes</a>', 'video/demo.html': '<script src="../../../x.js"></script>', 'notes/todo.html': 'x' })
    const { external, leftAlone, files } = await localize()
    expect(external).toEqual([])
    expect(files.get('index.html')?.data).toBeUndefined()
    expect(leftAlone.map((r) => r.value)).toEqual(['../../../x.js'])
  })

  it('follows the composition only: a preview page it never loads is packed as it is, its outside references reported, not packed', async () => {
    await write({ 'outside.js': 'leak' }, base)
    await write({
      'packages/player/dist/player.js': 'player',
      'video/index.html': '<div data-composition-src="compositions/scene.html"></div><script src="https://cdn.example.com/gsap.min.js"></script>',
      'video/compositions/scene.html': '<template><img srcset="../../brand/a.png 1x, ../../brand/b.png 2x"></template>',
      'video/demo.html': '<script src="../packages/player/dist/player.js"></script>\n<script src="../../outside.js"></script>',
      'brand/a.png': 'a',
      'brand/b.png': 'b'
    })
    const { files, text, external, leftAlone } = await localize()
    // Reached through the sub-composition, srcset candidates are packed and rewritten.
    expect(text('compositions/scene.html')).toBe('<template><img srcset="../_ext/brand/a.png 1x, ../_ext/brand/b.png 2x"></template>')
    expect(external.map((e) => e.path)).toEqual(['_ext/brand/a.png', '_ext/brand/b.png'])
    // demo.html: packed byte for byte, nothing it references is packed, and both references are told.
    expect(files.get('demo.html')?.data).toBeUndefined()
    expect([...files.keys()].some((p) => p.includes('player') || p.includes('outside'))).toBe(false)
    expect(leftAlone.map((r) => [r.file, r.line, r.value])).toEqual([
      ['video/demo.html', 1, '../packages/player/dist/player.js'],
      ['video/demo.html', 2, '../../outside.js']
    ])
    expect(leftAlone[0]?.reason).toContain('packages/player/dist/player.js, outside the project folder')
    expect(leftAlone[1]?.reason).toContain('outside the workspace')
    expect(leftAlone[0]?.reason).toContain('demo.html is not loaded by the composition index.html')
  })

  it('still refuses an outside-the-workspace reference the composition reaches through a stylesheet', async () => {
    await write({ 'font.woff2': 'f' }, base)
    await write({
      'video/promo.html': '<div data-composition-src="compositions/a.html"></div>',
      'video/compositions/a.html': '<template><link rel="stylesheet" href="../css/a.css"></template>',
      'video/css/a.css': '@font-face { src: url("../../../font.woff2") }'
    })
    const error = await failure('video', 'promo.html')
    expect(error.message).toContain("video/css/a.css:1 references '../../../font.woff2', which resolves to")
  })

  it('packs a sub-composition from outside the project under _ext/ and points data-composition-src at it from the project folder', async () => {
    await write({
      'shared/outro.html': '<template><div data-composition-id="outro" data-width="1920" data-height="1080"><img src="logo.svg"></div></template>',
      'shared/logo.svg': '<svg/>',
      'video/index.html': '<div data-composition-src="../shared/outro.html"></div>',
      'video/compositions/x.html': '<div data-composition-src="../shared/outro.html"></div>'
    })
    const { text, external } = await localize()
    expect(text('index.html')).toBe('<div data-composition-src="_ext/shared/outro.html"></div>')
    expect(external.map((e) => e.path)).toEqual(['_ext/shared/outro.html', '_ext/shared/logo.svg'])
    // Not mounted by the composition: left as written.
    expect(text('compositions/x.html')).toBe('')
  })

  it('refuses a missing, empty or excluded sub-composition, naming each, whatever lint says', async () => {
    await write({
      'video/index.html': [
        '<div data-composition-src="compositions/missing.html"></div>',
        '<div data-composition-src="compositions/empty.html"></div>',
        '<div data-composition-src="compositions/draft.html"></div>'
      ].join('\n'),
      'video/compositions/empty.html': '  \n',
      'video/compositions/draft.html': '<template></template>',
      'video/.hyperframesignore': 'compositions/draft.html\n'
    })
    const error = await failure()
    expect(error).toBeInstanceOf(UserError)
    expect(error.message).toContain('3 references in the project cannot be packed:')
    expect(error.message).toContain(
      "video/index.html:1 mounts the sub-composition 'compositions/missing.html' (data-composition-src), but video/compositions/missing.html does not exist; the render cannot work without it."
    )
    expect(error.message).toContain("video/index.html:2 mounts the sub-composition 'compositions/empty.html' (data-composition-src), but video/compositions/empty.html is empty")
    expect(error.message).toContain('video/compositions/draft.html is excluded from the zip')
  })
})
