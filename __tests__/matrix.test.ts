import { inputError } from './support/input-error.js'
import { expandMatrix, MAX_MATRIX_ENTRIES, mergeVariables, parseVariablesObject } from '../src/inputs/matrix.js'
import { parseStructured } from '../src/inputs/structured.js'

const fromYaml = (text: string): ReturnType<typeof expandMatrix> => expandMatrix(parseStructured(text, 'matrix'), 'matrix')

describe('parseStructured', () => {
  it('treats empty and whitespace-only text as not given', () => {
    expect(parseStructured('', 'matrix')).toBeUndefined()
    expect(parseStructured('  \n\t ', 'matrix')).toBeUndefined()
  })

  it('parses JSON', () => {
    expect(parseStructured('{"a": [1, "x", true]}', 'matrix')).toEqual({ a: [1, 'x', true] })
    expect(parseStructured('  [{"a": 1}]', 'matrix')).toEqual([{ a: 1 }])
  })

  it('parses YAML, including flow mappings that look like JSON', () => {
    expect(parseStructured('fruit: [apple, pear]\ncount: 2\n', 'matrix')).toEqual({ fruit: ['apple', 'pear'], count: 2 })
    expect(parseStructured('{fruit: [apple, pear]}', 'matrix')).toEqual({ fruit: ['apple', 'pear'] })
    expect(parseStructured('- title: A\n- title: B\n', 'matrix')).toEqual([{ title: 'A' }, { title: 'B' }])
  })

  it('reports a JSON syntax error with the input name, line and column', () => {
    const error = inputError(() => parseStructured('{\n  "a": 1\n  "b": 2\n}', 'matrix'))
    expect(error.input).toBe('matrix')
    expect(error.message).toMatch(/^Input 'matrix': is not valid JSON: Expected ',' or '}'.* \(line 3, column 3\)$/)
  })

  it('accepts a JSON trailing comma through the YAML fallback, meaning the same thing', () => {
    expect(parseStructured('{"a": [1, 2,],}', 'matrix')).toEqual({ a: [1, 2] })
  })

  it('reports a YAML syntax error with the input name, line and column', () => {
    const error = inputError(() => parseStructured('title: ok\ntitle: again\n', 'variables'))
    expect(error.message).toMatch(/^Input 'variables': is not valid YAML or JSON: .*unique.*\(line 2, column 1\)$/)
    expect(error.message).not.toContain('\n')
  })
})

describe('expandMatrix: GitHub strategy.matrix semantics', () => {
  it('produces the documented "Expanding configurations" example exactly', () => {
    const result = fromYaml(`
fruit: [apple, pear]
animal: [cat, dog]
include:
  - color: green
  - color: pink
    animal: cat
  - fruit: apple
    shape: circle
  - fruit: banana
  - fruit: banana
    animal: cat
`)
    expect(result).toEqual([
      { fruit: 'apple', animal: 'cat', color: 'pink', shape: 'circle' },
      { fruit: 'apple', animal: 'dog', color: 'green', shape: 'circle' },
      { fruit: 'pear', animal: 'cat', color: 'pink' },
      { fruit: 'pear', animal: 'dog', color: 'green' },
      { fruit: 'banana' },
      { fruit: 'banana', animal: 'cat' }
    ])
  })

  it('orders the cross product with the first key outermost', () => {
    expect(expandMatrix({ a: [1, 2], b: ['x', 'y', 'z'] }, 'matrix')).toEqual([
      { a: 1, b: 'x' },
      { a: 1, b: 'y' },
      { a: 1, b: 'z' },
      { a: 2, b: 'x' },
      { a: 2, b: 'y' },
      { a: 2, b: 'z' }
    ])
  })

  it('gives one entry per include when there are no other keys', () => {
    expect(expandMatrix({ include: [{ title: 'A', n: 1 }, { title: 'B' }] }, 'matrix')).toEqual([{ title: 'A', n: 1 }, { title: 'B' }])
  })

  it('removes combinations that match every key of an exclude entry', () => {
    const result = fromYaml(`
os: [linux, windows]
arch: [x64, arm64]
exclude:
  - os: windows
    arch: arm64
`)
    expect(result).toEqual([
      { os: 'linux', arch: 'x64' },
      { os: 'linux', arch: 'arm64' },
      { os: 'windows', arch: 'x64' }
    ])
  })

  it('applies includes after excludes, so an include can add back an excluded combination', () => {
    const result = expandMatrix({ a: [1, 2], exclude: [{ a: 2 }], include: [{ a: 2, extra: 'back' }] }, 'matrix')
    expect(result).toEqual([{ a: 1 }, { a: 2, extra: 'back' }])
  })

  it('lets a later include overwrite a value added by an earlier include, never an original one', () => {
    const result = expandMatrix({ size: ['s', 'l'], include: [{ color: 'red' }, { size: 'l', color: 'blue' }, { size: 'xl', color: 'green' }] }, 'matrix')
    expect(result).toEqual([
      { size: 's', color: 'red' },
      { size: 'l', color: 'blue' },
      { size: 'xl', color: 'green' }
    ])
  })

  it('compares include/exclude values like GitHub expressions: case-insensitive strings, loose numbers', () => {
    const result = expandMatrix({ lang: ['EN', 'de'], n: [1, 2], exclude: [{ lang: 'en', n: '1' }], include: [{ lang: 'DE', flag: true }] }, 'matrix')
    expect(result).toEqual([
      { lang: 'EN', n: 2 },
      { lang: 'de', n: 1, flag: true },
      { lang: 'de', n: 2, flag: true }
    ])
  })

  it('refuses a matrix key that is not a list, naming it', () => {
    const error = inputError(() => expandMatrix({ fruit: 'apple' }, 'matrix'))
    expect(error.message).toBe("Input 'matrix': matrix key 'fruit' is a string; expected a list of values, e.g. fruit: [a, b]")
  })

  it('refuses an empty list', () => {
    expect(inputError(() => expandMatrix({ fruit: [] }, 'matrix')).message).toContain("matrix key 'fruit' is an empty list")
  })

  it('refuses an exclude key that is not in the matrix, as GitHub does', () => {
    const error = inputError(() => expandMatrix({ fruit: ['apple'], exclude: [{ colour: 'red' }] }, 'matrix'))
    expect(error.message).toContain("exclude entry 1 names 'colour', which is not a key of the matrix ('fruit')")
  })

  it('refuses include/exclude that are not lists of objects', () => {
    expect(inputError(() => expandMatrix({ a: [1], include: { b: 2 } }, 'matrix')).message).toContain("'include' is an object; expected a list of objects")
    expect(inputError(() => expandMatrix({ a: [1], exclude: ['a'] }, 'matrix')).message).toContain('exclude entry 1 is a string; expected an object of variables')
    expect(inputError(() => expandMatrix({ a: [1], include: [{}] }, 'matrix')).message).toContain('include entry 1 is empty')
  })

  it('fails when exclude removes everything', () => {
    const error = inputError(() => expandMatrix({ a: [1, 2], exclude: [{ a: 1 }, { a: 2 }] }, 'matrix'))
    expect(error.message).toBe("Input 'matrix': exclude removes all 2 combinations, leaving nothing to render")
  })

  it('fails on an object with no keys at all', () => {
    expect(inputError(() => expandMatrix({}, 'matrix')).message).toContain('yields no renders')
  })

  it('takes object, array and null values, as the API schema allows any JSON', () => {
    expect(expandMatrix({ v: [{ deep: 1 }, [1, 2], null] }, 'matrix')).toEqual([{ v: { deep: 1 } }, { v: [1, 2] }, { v: null }])
    expect(expandMatrix({ a: [1], include: [{ v: [1] }] }, 'matrix')).toEqual([{ a: 1, v: [1] }])
  })

  it('matches include and exclude objects by content, whatever their key order', () => {
    const matrix = {
      style: [
        { bg: 'red', size: 2 },
        { bg: 'blue', size: 2 }
      ],
      exclude: [{ style: { size: 2, bg: 'blue' } }],
      include: [{ style: { size: 2, bg: 'red' }, tag: 'warm' }]
    }
    expect(expandMatrix(matrix, 'matrix')).toEqual([{ style: { bg: 'red', size: 2 }, tag: 'warm' }])
  })

  it('caps the number of renders like GitHub', () => {
    const values = Array.from({ length: MAX_MATRIX_ENTRIES + 1 }, (_, i) => i)
    expect(inputError(() => expandMatrix({ n: values }, 'matrix')).message).toContain(`expands to ${MAX_MATRIX_ENTRIES + 1} renders; the limit is ${MAX_MATRIX_ENTRIES}`)
    const huge = Array.from({ length: 1000 }, (_, i) => i)
    expect(inputError(() => expandMatrix({ a: huge, b: huge }, 'matrix')).message).toContain('1000000 combinations')
  })
})

describe('expandMatrix: other shapes', () => {
  it('gives one render with no variables when unset', () => {
    expect(expandMatrix(undefined, 'matrix')).toEqual([{}])
    expect(expandMatrix(null, 'matrix')).toEqual([{}])
  })

  it('takes a list of variable objects as given, from YAML or JSON', () => {
    const expected = [
      { title: 'A', n: 1 },
      { title: 'B', dark: false }
    ]
    expect(fromYaml('- {title: A, n: 1}\n- {title: B, dark: false}')).toEqual(expected)
    expect(fromYaml(JSON.stringify(expected))).toEqual(expected)
  })

  it('names the entry (1-based) that is not an object', () => {
    const error = inputError(() => expandMatrix([{ a: 1 }, { a: 2 }, 'oops'], 'matrix'))
    expect(error.message).toBe("Input 'matrix': entry 3 is a string; expected an object of variables")
  })

  it('names the variable, entry and place of a value JSON cannot carry', () => {
    expect(expandMatrix([{ a: 1 }, { x: { y: [1, { z: 'deep' }] } }], 'matrix')).toEqual([{ a: 1 }, { x: { y: [1, { z: 'deep' }] } }])
    expect(inputError(() => expandMatrix([{ x: Number.NaN }], 'matrix')).message).toBe("Input 'matrix': variable 'x' in entry 1 holds a non-finite number (NaN); the API takes JSON values")
    expect(inputError(() => expandMatrix([{ a: 1 }, { x: { y: [1, Infinity] } }], 'matrix')).message).toBe(
      "Input 'matrix': variable 'x' in entry 2 holds a non-finite number (Infinity) at .y[1]; the API takes JSON values"
    )
  })

  it('refuses an empty list and a scalar', () => {
    expect(inputError(() => expandMatrix([], 'matrix')).message).toContain('is an empty list')
    expect(inputError(() => expandMatrix('fruit', 'matrix')).message).toContain('is a string; expected a list of variable objects')
  })
})

describe('parseVariablesObject and mergeVariables', () => {
  it('reads an object of scalars, unset meaning none', () => {
    expect(parseVariablesObject(undefined, 'variables')).toEqual({})
    expect(parseVariablesObject(parseStructured('title: Hi\nscale: 1.5\ndark: true', 'variables'), 'variables')).toEqual({
      title: 'Hi',
      scale: 1.5,
      dark: true
    })
  })

  it('refuses a non-object, naming the input, and takes nested values', () => {
    const list = inputError(() => parseVariablesObject(['a'], 'variables'))
    expect(list.input).toBe('variables')
    expect(list.message).toContain('is an array; expected an object of variables')
    expect(parseVariablesObject(parseStructured('colors: [red, blue]\nlayout: {cols: 2}', 'variables'), 'variables')).toEqual({
      colors: ['red', 'blue'],
      layout: { cols: 2 }
    })
    // YAML can write what JSON cannot carry.
    expect(inputError(() => parseVariablesObject(parseStructured('scale: {x: .inf}\n', 'variables'), 'variables')).message).toBe(
      "Input 'variables': variable 'scale' holds a non-finite number (Infinity) at .x; the API takes JSON values"
    )
  })

  it('lets the matrix entry win over the shared variables', () => {
    expect(mergeVariables({ title: 'base', theme: 'dark' }, { title: 'entry', n: 2 })).toEqual({
      title: 'entry',
      theme: 'dark',
      n: 2
    })
  })
})

describe('max-renders', () => {
  it('lets a user raise the 256 cap knowingly, and names the input when it is hit', async () => {
    const { expandMatrix } = await import('../src/inputs/matrix.js')
    const big = { n: Array.from({ length: 300 }, (_, i) => i) }
    expect(expandMatrix(big, 'matrix', 300)).toHaveLength(300)
    expect(() => expandMatrix(big, 'matrix', 299)).toThrow('expands to 300 renders; the limit is 299 (max-renders)')
  })
})
