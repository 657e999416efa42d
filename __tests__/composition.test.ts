import { InputError } from '../src/inputs/input-error.js'
import type { RequestedSettings } from '../src/inputs/read-inputs.js'
import { parseComposition, type CompositionInfo } from '../src/project/composition.js'
import { scanHtml } from '../src/project/html-scan.js'
import type { ProjectLog } from '../src/project/project-log.js'
import { aspectRatioOf, resolveSettings } from '../src/project/render-settings.js'
import { UserError } from '../src/user-error.js'

function page(root: string, htmlAttrs = ''): string {
  return `<!doctype html>\n<html lang="en"${htmlAttrs}>\n<body>\n  ${root}\n</body>\n</html>\n`
}

function recorder(): ProjectLog & { lines: string[]; warnings: string[] } {
  const lines: string[] = []
  const warnings: string[] = []
  return { lines, warnings, info: (l) => lines.push(l), warning: (m) => warnings.push(m), error: (m) => warnings.push(m) }
}

function settings(over: Partial<RequestedSettings> = {}): RequestedSettings {
  return { quality: 'standard', format: 'mp4', resolution: '1080p', aspectRatio: 'auto', ...over }
}

function thrown(fn: () => unknown): Error {
  try {
    fn()
  } catch (error) {
    return error as Error
  }
  throw new Error('expected an error')
}

describe('scanHtml', () => {
  it('gives decoded values and the exact offsets of the raw text, for every quoting style', () => {
    const html = `<img src="a&amp;b.png" alt='x' data-x=plain hidden>`
    const [tag] = scanHtml(html).tags
    const byName = Object.fromEntries((tag?.attributes ?? []).map((a) => [a.name, a]))
    expect(byName.src?.value).toBe('a&b.png')
    expect(html.slice(byName.src?.valueStart, byName.src?.valueEnd)).toBe('a&amp;b.png')
    expect(html.slice(byName.alt?.valueStart, byName.alt?.valueEnd)).toBe('x')
    expect(byName.alt?.quote).toBe("'")
    expect(html.slice(byName['data-x']?.valueStart, byName['data-x']?.valueEnd)).toBe('plain')
    expect(byName['data-x']?.quote).toBe('')
    expect(byName.hidden?.quote).toBeUndefined()
  })

  it('reads <style> bodies, and nothing inside scripts or comments as tags', () => {
    const html = `<style>a{b:url(x.png)}</style><script>const s = "<img src='no.png'>"</script><!-- <img src="c.png"> --><p>`
    const scan = scanHtml(html)
    expect(scan.tags.map((t) => t.name)).toEqual(['style', 'script', 'p'])
    expect(scan.styles.map((s) => html.slice(s.start, s.end))).toEqual(['a{b:url(x.png)}'])
  })
})

describe('parseComposition', () => {
  it('reads the root element: size, fps and its line', () => {
    const info = parseComposition(page('<div id="root" data-composition-id="a" data-width="1080" data-height="1920" data-fps="60"></div>'), 'v/index.html')
    expect(info).toMatchObject({ file: 'v/index.html', rootLine: 4, width: { raw: '1080', value: 1080 }, height: { value: 1920 }, fps: { value: 60 } })
    expect(info.variables).toBeUndefined()
  })

  it('keeps a malformed size raw, without a value', () => {
    const info = parseComposition(page('<div data-composition-id="a" data-width="wide" data-height="-5"></div>'), 'i.html')
    expect(info.width).toEqual({ raw: 'wide' })
    expect(info.height).toEqual({ raw: '-5' })
  })

  it('reads variables declared on <html>, with plain or {value, label} enum options, and where they are', () => {
    const decl = JSON.stringify([
      { id: 'title', type: 'string', label: 'Title', default: 'Hi', maxLength: 20 },
      { id: 'size', type: 'number', label: 'Size', default: 2, min: 1, max: 5 },
      { id: 'lang', type: 'enum', label: 'Lang', default: 'en', options: ['en', { value: 'fr', label: 'French' }] }
    ]).replace(/'/g, '&#39;')
    const info = parseComposition(page('<div data-composition-id="a"></div>', ` data-composition-variables='${decl}'`), 'index.html')
    expect(info.declaredAt).toEqual({ tag: 'html', line: 2 })
    expect(info.variables).toEqual([
      { id: 'title', type: 'string', label: 'Title', default: 'Hi', maxLength: 20 },
      { id: 'size', type: 'number', label: 'Size', default: 2, min: 1, max: 5 },
      { id: 'lang', type: 'enum', label: 'Lang', default: 'en', options: ['en', 'fr'] }
    ])
  })

  it('falls back to the root element of a template composition, and decodes entities in the JSON', () => {
    const root = `<div data-composition-id="a" data-composition-variables="[{&quot;id&quot;:&quot;c&quot;,&quot;type&quot;:&quot;color&quot;,&quot;label&quot;:&quot;C&quot;,&quot;default&quot;:&quot;#fff&quot;}]"></div>`
    const info = parseComposition(page(root), 'index.html')
    expect(info.declaredAt?.tag).toBe('div')
    expect(info.variables?.map((v) => v.id)).toEqual(['c'])
  })

  it('skips declarations the runtime would skip, saying why', () => {
    const decl = JSON.stringify([
      { id: 'ok', type: 'boolean', label: 'Ok', default: true },
      { id: 'n', type: 'number', label: 'N', default: '3' },
      { id: 'e', type: 'enum', label: 'E', default: 'a' },
      { id: 'x', type: 'video', label: 'X', default: '' },
      { type: 'string', label: 'no id', default: '' }
    ])
    const info = parseComposition(page('<div data-composition-id="a"></div>', ` data-composition-variables='${decl}'`), 'index.html')
    expect(info.variables?.map((v) => v.id)).toEqual(['ok'])
    expect(info.ignored).toEqual([
      'entry 2 (\'n\'): "default" must be a number for a number variable',
      'entry 3 (\'e\'): an enum needs an "options" array',
      'entry 4 (\'x\'): "type" "video" is not one of string, number, color, boolean, enum, font, image',
      'entry 5: no string "id"'
    ])
  })

  it('refuses a declaration that is not a JSON array, naming the file and line', () => {
    const broken = thrown(() => parseComposition(page('<div data-composition-id="a"></div>', ` data-composition-variables='[{"id": }]'`), 'p/index.html'))
    expect(broken).toBeInstanceOf(UserError)
    expect(broken.message).toMatch(/^p\/index\.html:2: data-composition-variables is not valid JSON/)
    const object = thrown(() => parseComposition(page('<div data-composition-id="a"></div>', ` data-composition-variables='{"id": "a"}'`), 'index.html'))
    expect(object.message).toContain('must be a JSON array')
  })
})

describe('aspect ratio and fps from the composition', () => {
  const comp = (w?: number, h?: number, fps?: string): CompositionInfo => ({
    file: 'p/index.html',
    rootLine: 9,
    ignored: [],
    ...(w !== undefined ? { width: { raw: String(w), value: w } } : {}),
    ...(h !== undefined ? { height: { raw: String(h), value: h } } : {}),
    ...(fps !== undefined ? { fps: { raw: fps, ...(Number(fps) > 0 ? { value: Number(fps) } : {}) } } : {})
  })

  it('maps sizes to the API ratios, with a 1% tolerance for 1366×768 and the like', () => {
    expect(aspectRatioOf(1920, 1080)).toBe('16:9')
    expect(aspectRatioOf(1366, 768)).toBe('16:9')
    expect(aspectRatioOf(1080, 1920)).toBe('9:16')
    expect(aspectRatioOf(720, 720)).toBe('1:1')
    expect(aspectRatioOf(1440, 1080)).toBeUndefined()
    expect(aspectRatioOf(1920, 1200)).toBeUndefined()
  })

  it('auto sends what the composition is', () => {
    expect(resolveSettings(settings(), comp(1080, 1920), recorder()).aspectRatio).toBe('9:16')
    expect(resolveSettings(settings(), comp(1080, 1080), recorder()).aspectRatio).toBe('1:1')
    expect(resolveSettings(settings(), comp(3840, 2160), recorder()).aspectRatio).toBe('16:9')
  })

  it('refuses a size the API cannot render, naming it', () => {
    const error = thrown(() => resolveSettings(settings(), comp(1440, 1080), recorder()))
    expect(error).toBeInstanceOf(UserError)
    expect(error.message).toContain('The composition p/index.html is 1440×1080 (line 9), a 4:3 frame; the render API only renders 16:9, 9:16 and 1:1')
    // An explicit ratio does not make it renderable.
    expect(thrown(() => resolveSettings(settings({ aspectRatio: '16:9' }), comp(1440, 1080), recorder())).message).toContain('4:3')
  })

  it('refuses an explicit ratio that contradicts the composition, naming both', () => {
    const error = thrown(() => resolveSettings(settings({ aspectRatio: '16:9' }), comp(1080, 1920), recorder()))
    expect(error).toBeInstanceOf(InputError)
    expect(error.message).toBe(
      "Input 'aspect-ratio': is 16:9, but the composition p/index.html is 1080×1920 (line 9), which is 9:16; the video would come out distorted or cropped. Use aspect-ratio: auto (or 9:16), or change the composition's data-width/data-height."
    )
    expect(resolveSettings(settings({ aspectRatio: '9:16' }), comp(1080, 1920), recorder()).aspectRatio).toBe('9:16')
  })

  it('auto needs a declared size; an explicit ratio does not', () => {
    const error = thrown(() => resolveSettings(settings(), comp(), recorder()))
    expect(error.message).toBe(
      'Input \'aspect-ratio\': is auto, but the root element of p/index.html (line 9) declares no data-width/data-height; add data-width and data-height (e.g. data-width="1080" data-height="1920"), or set aspect-ratio to 16:9, 9:16 or 1:1.'
    )
    const noRoot = thrown(() => resolveSettings(settings(), { file: 'x.html', ignored: [] }, recorder()))
    expect(noRoot.message).toContain('x.html has no root element with data-composition-id')
    expect(resolveSettings(settings({ aspectRatio: '1:1' }), comp(), recorder()).aspectRatio).toBe('1:1')
  })

  it('an empty fps takes data-fps, leaving out 30 (the API default) so the request stays as before', () => {
    expect(resolveSettings(settings(), comp(1920, 1080, '60'), recorder()).fps).toBe(60)
    expect(resolveSettings(settings(), comp(1920, 1080, '30'), recorder()).fps).toBeUndefined()
    expect(resolveSettings(settings(), comp(1920, 1080), recorder()).fps).toBeUndefined()
    const log = recorder()
    expect(resolveSettings(settings({ fps: 24 }), comp(1920, 1080, '60'), log).fps).toBe(24)
    expect(log.lines).toContain('fps 24 overrides data-fps="60" of p/index.html.')
  })

  it('refuses a data-fps the API cannot take when fps is empty', () => {
    for (const bad of ['29.97', '300', 'fast']) {
      const error = thrown(() => resolveSettings(settings(), comp(1920, 1080, bad), recorder()))
      expect(error).toBeInstanceOf(InputError)
      expect(error.message).toContain(`Input 'fps': is empty, and p/index.html declares data-fps="${bad}" (line 9), which the API cannot take`)
    }
    expect(resolveSettings(settings({ fps: 25 }), comp(1920, 1080, '29.97'), recorder()).fps).toBe(25)
  })

  it('logs what it resolved', () => {
    const log = recorder()
    resolveSettings(settings(), comp(1080, 1920, '60'), log)
    expect(log.lines).toEqual(['Composition p/index.html: 1080×1920 → aspect ratio 9:16 (auto), 60 fps (data-fps).'])
  })
})
