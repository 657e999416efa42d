import { parseApiUrl, isLoopbackHost } from '../src/inputs/api-url.js'
import { parseBoolean, parseEnum, parseInteger } from '../src/inputs/values.js'

describe('scalar inputs', () => {
  it('names the input and the allowed values', () => {
    expect(() => parseEnum('ultra', 'quality', ['draft', 'standard', 'high'])).toThrow("Input 'quality': 'ultra' is not one of draft, standard, high.")
    expect(parseEnum(' high ', 'quality', ['draft', 'standard', 'high'])).toBe('high')
  })

  it('parses integers within a range', () => {
    expect(parseInteger('24', 'fps', 1, 240)).toBe(24)
    expect(() => parseInteger('0', 'fps', 1, 240)).toThrow("Input 'fps': 0 is out of range")
    expect(() => parseInteger('29.97', 'fps', 1, 240)).toThrow("Input 'fps': '29.97' is not a whole number")
  })

  it('parses booleans like a workflow author writes them', () => {
    expect(parseBoolean('TRUE', 'wait')).toBe(true)
    expect(parseBoolean('no', 'wait')).toBe(false)
    expect(() => parseBoolean('maybe', 'wait')).toThrow("Input 'wait': 'maybe' is not a boolean")
  })
})

describe('api-url', () => {
  it('requires https except on loopback', () => {
    expect(parseApiUrl('https://api.heygen.com').origin).toBe('https://api.heygen.com')
    expect(parseApiUrl('http://127.0.0.1:4010').origin).toBe('http://127.0.0.1:4010')
    expect(parseApiUrl('http://localhost:4010').hostname).toBe('localhost')
    expect(() => parseApiUrl('http://10.0.0.5')).toThrow("Input 'api-url': http://10.0.0.5 is not https")
    expect(() => parseApiUrl('not a url')).toThrow("Input 'api-url': 'not a url' is not a URL")
    expect(() => parseApiUrl('https://user:pw@api.heygen.com')).toThrow('must not contain credentials')
  })

  it('knows the loopback hosts', () => {
    expect(isLoopbackHost('127.1.2.3')).toBe(true)
    expect(isLoopbackHost('[::1]')).toBe(true)
    expect(isLoopbackHost('127.example.com')).toBe(false)
  })
})
