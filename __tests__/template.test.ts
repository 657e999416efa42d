import { inputError } from './support/input-error.js'
import { renderNames, renderTemplate, safeName, type TemplateContext } from '../src/inputs/template.js'

const SHA = '0123456789abcdef0123456789abcdef01234567'

function ctx(index: number, variables: TemplateContext['variables'] = {}): TemplateContext {
  return { index, sha: SHA, variables }
}

describe('renderTemplate', () => {
  it('fills index, the short and full sha, and variables of every type', () => {
    const out = renderTemplate('{index}-{sha}-{title}-{n}-{dark}|{sha_full}', ctx(3, { title: 'Intro', n: 1.5, dark: false }), 'name')
    expect(out).toBe(`3-0123456-Intro-1.5-false|${SHA}`)
  })

  it('writes object, array and null values as their JSON', () => {
    const vars = { theme: { dark: true }, tags: ['a', 'b'], none: null }
    expect(renderTemplate('{theme}|{tags}|{none}', ctx(1, vars), 'name')).toBe('{"dark":true}|["a","b"]|null')
  })

  it('turns {{ and }} into literal braces', () => {
    expect(renderTemplate('{{index}} is {index}, }}{{', ctx(2), 'name')).toBe('{index} is 2, }{')
  })

  it('tolerates spaces inside a placeholder', () => {
    expect(renderTemplate('{ index }', ctx(4), 'name')).toBe('4')
  })

  it('lets the built-in placeholders win over a variable of the same name', () => {
    expect(renderTemplate('{index}', ctx(1, { index: 'mine' }), 'name')).toBe('1')
  })

  it('names an unknown placeholder, the entry, and lists what is available', () => {
    const error = inputError(() => renderTemplate('{colour}', ctx(5, { color: 'red', size: 2 }), 'name'))
    expect(error.input).toBe('name')
    expect(error.message).toBe("Input 'name': unknown placeholder '{colour}' (entry 5); available: {index}, {sha}, {sha_full}, {color}, {size}")
  })

  it('refuses an unclosed or stray brace, pointing at the escape', () => {
    expect(inputError(() => renderTemplate('video-{index', ctx(1), 'name')).message).toContain("unclosed '{' at character 7")
    expect(inputError(() => renderTemplate('a{b{index}', ctx(1), 'name')).message).toContain("unclosed '{' at character 2")
    expect(inputError(() => renderTemplate('a}b', ctx(1), 'name')).message).toContain("stray '}' at character 2 of \"a}b\"; write '}}'")
  })
})

describe('safeName', () => {
  it('keeps letters, digits, dot, underscore and dash', () => {
    expect(safeName('Intro_v1.2-final')).toBe('Intro_v1.2-final')
  })

  it('maps everything else to single dashes and trims dashes and dots at the ends', () => {
    expect(safeName('  My Video: part 1/2  ')).toBe('My-Video-part-1-2')
    expect(safeName('..hidden..')).toBe('hidden')
    expect(safeName('-a  --  b-')).toBe('a-b')
    expect(safeName('x\ty\nz')).toBe('x-y-z')
  })

  it('drops accents instead of replacing the letter', () => {
    expect(safeName('Café Crème')).toBe('Cafe-Creme')
  })

  it('caps the length at 100 and does not end on a dash after cutting', () => {
    const cut = safeName(`${'a'.repeat(99)} b`)
    expect(cut).toBe('a'.repeat(99))
    expect(safeName('b'.repeat(250))).toHaveLength(100)
  })

  it('returns an empty string when nothing usable is left', () => {
    expect(safeName('🎬 / ...')).toBe('')
  })
})

describe('renderNames', () => {
  it('renders and sanitises one name per context', () => {
    const names = renderNames('{title} {index}', [ctx(1, { title: 'Hello World' }), ctx(2, { title: 'Bye!' })], 'name')
    expect(names).toEqual(['Hello-World-1', 'Bye-2'])
  })

  it('refuses a name that comes out empty', () => {
    const error = inputError(() => renderNames('{emoji}', [ctx(1, { emoji: 'ok' }), ctx(2, { emoji: '🎉' })], 'name'))
    expect(error.message).toContain('gives an empty name for entry 2 (rendered as "🎉")')
  })

  it('refuses collisions, naming the entries and the variable that differs', () => {
    const contexts = [ctx(1, { lang: 'en', size: 's' }), ctx(2, { lang: 'en', size: 'l' }), ctx(3, { lang: 'de', size: 's' })]
    const error = inputError(() => renderNames('video-{lang}', contexts, 'name'))
    expect(error.input).toBe('name')
    expect(error.message).toContain("entries 1 and 2 both give 'video-en' — add {index} or a variable that differs between them: {size}")
  })

  it('treats names differing only in case as a collision, like artifact names do', () => {
    const error = inputError(() => renderNames('{t}', [ctx(1, { t: 'Intro' }), ctx(2, { t: 'intro' }), ctx(3, { t: 'INTRO' })], 'name'))
    expect(error.message).toContain("entries 1, 2 and 3 all give 'Intro'")
  })

  it('suggests {index} when the colliding entries have identical variables', () => {
    const error = inputError(() => renderNames('same', [ctx(1, { a: 1 }), ctx(2, { a: 1 })], 'name'))
    expect(error.message).toContain('their variables are identical, so add {index}')
  })

  it('counts collisions after sanitising, not before', () => {
    expect(() => renderNames('{t}', [ctx(1, { t: 'a b' }), ctx(2, { t: 'a/b' })], 'name')).toThrow(/both give 'a-b'/)
  })
})
