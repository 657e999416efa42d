import type { CompositionInfo, DeclaredVariable } from '../src/project/composition.js'
import { isCssColor } from '../src/project/css-color.js'
import type { ProjectLog } from '../src/project/project-log.js'
import { checkAllVariables, checkValues, declaredDefaults, enforceVariables, isLoadableMediaUrl } from '../src/project/variables-check.js'
import { UserError } from '../src/user-error.js'

const DECLARED: DeclaredVariable[] = [
  { id: 'title', type: 'string', label: 'Title', default: 'Hello', maxLength: 12 },
  { id: 'count', type: 'number', label: 'Count', default: 3, min: 1, max: 10 },
  { id: 'accent', type: 'color', label: 'Accent', default: '#7c3aed' },
  { id: 'dark', type: 'boolean', label: 'Dark', default: false },
  { id: 'locale', type: 'enum', label: 'Locale', default: 'en', options: ['en', 'fr'] },
  { id: 'font', type: 'font', label: 'Font', default: 'Inter' },
  { id: 'logo', type: 'image', label: 'Logo', default: 'assets/logo.png' }
]

function composition(variables: DeclaredVariable[] | 'none' = DECLARED, ignored: string[] = []): CompositionInfo {
  if (variables === 'none') return { file: 'video/index.html', rootLine: 12, ignored }
  return { file: 'video/index.html', rootLine: 12, declaredAt: { tag: 'html', line: 2 }, variables, ignored }
}

function recorder(): ProjectLog & { warnings: Array<{ message: string; file?: string; line?: number }> } {
  const warnings: Array<{ message: string; file?: string; line?: number }> = []
  return { warnings, info: () => {}, warning: (message, at) => warnings.push({ message, file: at?.file, line: at?.startLine }), error: () => {} }
}

describe('checkValues', () => {
  it('accepts a value of every type that fits its declaration', () => {
    expect(checkValues({ title: 'Hi', count: 10, accent: 'rgb(1 2 3 / 50%)', dark: true, locale: 'fr', font: 'Roboto', logo: 'https://cdn.example.com/l.png' }, DECLARED, 'variables')).toEqual([])
  })

  it('names each wrong type with what was expected and what came', () => {
    const issues = checkValues({ title: 5, count: '3', accent: 7, dark: 'yes', font: false, logo: 1 }, DECLARED, 'matrix entry 2')
    expect(issues.map((i) => i.problem)).toEqual([
      "'title' is declared as string; expected a string, got a number 5.",
      '\'count\' is declared as number; expected a number, got a string "3".',
      "'accent' is declared as color; expected a CSS colour string, got a number 7.",
      '\'dark\' is declared as boolean; expected true or false, got a string "yes".',
      "'font' is declared as font; expected a font family name, got a boolean false.",
      "'logo' is declared as image; expected an image URL or project path, got a number 1."
    ])
    expect(issues.every((i) => i.where === 'matrix entry 2')).toBe(true)
  })

  it('checks enum options, colours, ranges, lengths and image URLs', () => {
    const problems = checkValues({ locale: 'de', accent: '#12345', count: 0, title: 'A title that is too long', logo: 'javascript:alert(1)', font: ' ' }, DECLARED, 'variables').map((i) => i.problem)
    expect(problems).toEqual([
      '\'locale\' must be one of "en", "fr"; got "de".',
      '\'accent\' is a color; "#12345" is not a CSS colour (use #rgb, #rrggbb, rgb(), hsl() or a colour name).',
      "'count' must be at least 1; got 0.",
      "'title' takes at most 12 characters; got 24.",
      '\'logo\' is an image; the runtime refuses to load "javascript:alert(1)" (use a path inside the project, an http(s) URL or a data:image/ URI).',
      "'font' is a font; expected a font family name, got an empty string."
    ])
    expect(checkValues({ count: 11 }, DECLARED, 'v')[0]?.problem).toBe("'count' must be at most 10; got 11.")
  })

  it('names an undeclared id, with the declared ones and a likely intended one', () => {
    const [colour, other] = checkValues({ colour: '#fff', subtitle: 'x' }, DECLARED.slice(0, 3), 'variables')
    expect(colour?.problem).toBe("'colour' is not declared in data-composition-variables (declared: title, count, accent).")
    expect(checkValues({ Title: 'x' }, DECLARED, 'v')[0]?.problem).toContain("Did you mean 'title'?")
    expect(checkValues({ acent: 'red' }, DECLARED, 'v')[0]?.problem).toContain("Did you mean 'accent'?")
    expect(other?.problem).not.toContain('Did you mean')
  })

  it('compares enum values strictly, also for non-string options', () => {
    const numeric: DeclaredVariable[] = [{ id: 'n', type: 'enum', label: 'N', default: '1', options: [1, 2] }]
    expect(checkValues({ n: 1 }, numeric, 'v')).toEqual([])
    expect(checkValues({ n: '1' }, numeric, 'v')[0]?.problem).toBe('\'n\' must be one of 1, 2; got "1".')
  })
})

describe('isCssColor', () => {
  it.each([
    '#fff',
    '#FFFA',
    '#7c3aed',
    '#7c3aed80',
    'rebeccapurple',
    'Transparent',
    'currentColor',
    'rgb(255, 0, 0)',
    'rgba(0,0,0,.5)',
    'rgb(1 2 3 / 50%)',
    'hsl(120deg 50% 50%)',
    'oklch(70% 0.1 200)',
    'color(display-p3 1 0 0)',
    'hwb(none 10% 20%)'
  ])('accepts %s', (value) => expect(isCssColor(value)).toBe(true))
  it.each(['', '#12345', '#ggg', 'red-ish', 'rgb(1, 2)', 'rgb(1 2 3 4 5)', 'rgb(var(--x))', 'url(x.png)', 'color(1 0 0)', '7c3aed', 'blue;background:red'])('refuses %s', (value) =>
    expect(isCssColor(value)).toBe(false)
  )
})

describe('isLoadableMediaUrl', () => {
  it('follows the runtime: relative, http(s), blob and data:image only', () => {
    for (const ok of ['assets/a.png', '../x.png', 'https://a.b/c.png', 'http://a/b', 'blob:https://a/1', 'data:image/png;base64,AA==']) expect(isLoadableMediaUrl(ok)).toBe(true)
    for (const bad of ['file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,x', ' java\tscript:x']) expect(isLoadableMediaUrl(bad)).toBe(false)
  })
})

describe('checkAllVariables', () => {
  it('reports the shared variables once and each matrix entry by its number, every problem at once', () => {
    const issues = checkAllVariables({ accent: 'nope' }, [{ locale: 'en' }, { locale: 'xx', extra: 1 }, { count: 2 }], DECLARED)
    expect(issues.map((i) => `${i.where}/${i.id}`)).toEqual(['variables/accent', 'matrix entry 2/locale', 'matrix entry 2/extra'])
  })
})

describe('enforceVariables', () => {
  it('strict: one error listing every bad value, with what to do', () => {
    let error: unknown
    try {
      enforceVariables(composition(), { accent: 'nope' }, [{ locale: 'xx' }, { count: 'many' }], true, recorder())
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(UserError)
    expect((error as Error).message).toBe(
      [
        '3 variable values do not match the declarations in video/index.html:',
        '  - variables: \'accent\' is a color; "nope" is not a CSS colour (use #rgb, #rrggbb, rgb(), hsl() or a colour name).',
        '  - matrix entry 1: \'locale\' must be one of "en", "fr"; got "xx".',
        '  - matrix entry 2: \'count\' is declared as number; expected a number, got a string "many".',
        'Fix the values, declare the variables in data-composition-variables, or set strict-variables: false to send them anyway.'
      ].join('\n')
    )
  })

  it('not strict: one warning on the declaration, and no error', () => {
    const log = recorder()
    enforceVariables(composition(), {}, [{ locale: 'xx' }], false, log)
    expect(log.warnings).toHaveLength(1)
    expect(log.warnings[0]).toMatchObject({ file: 'video/index.html', line: 2 })
    expect(log.warnings[0]?.message).toContain("matrix entry 1: 'locale' must be one of")
    expect(log.warnings[0]?.message).toContain('Sent anyway (strict-variables: false).')
  })

  it('without declarations it cannot check: it warns that the values go unchecked, even when strict', () => {
    const log = recorder()
    enforceVariables(composition('none'), { a: 1 }, [{ b: 'x' }, { a: 2 }], true, log)
    expect(log.warnings.map((w) => w.message)).toEqual(["video/index.html declares no data-composition-variables, so 'a', 'b' cannot be checked and are sent as given."])
    const quiet = recorder()
    enforceVariables(composition('none'), {}, [{}], true, quiet)
    expect(quiet.warnings).toEqual([])
  })

  it('warns about declarations the runtime ignores', () => {
    const log = recorder()
    enforceVariables(composition(DECLARED, ['entry 8 (\'x\'): no string "label"']), {}, [{}], true, log)
    expect(log.warnings[0]?.message).toBe('video/index.html: the runtime ignores this declaration in data-composition-variables: entry 8 (\'x\'): no string "label".')
  })
})

describe('declaredDefaults', () => {
  it('maps every declared id to its default', () => {
    expect(declaredDefaults(composition())).toEqual({ title: 'Hello', count: 3, accent: '#7c3aed', dark: false, locale: 'en', font: 'Inter', logo: 'assets/logo.png' })
    expect(declaredDefaults(composition('none'))).toEqual({})
  })
})
