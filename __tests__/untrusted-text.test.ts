import { ApiError } from '../src/heygen/api-error.js'
import { breakCommands, capText, forgetSecrets, registerSecret, safeLogLine, untrustedText } from '../src/untrusted-text.js'

afterEach(() => forgetSecrets())

describe('untrustedText', () => {
  it('redacts a registered secret as sent, URL-encoded, JSON-escaped and base64', () => {
    const key = 'sk-a/b"c+d'
    registerSecret(key)
    const echoed = [key, encodeURIComponent(key), JSON.stringify(key).slice(1, -1), Buffer.from(key).toString('base64')]
    for (const form of echoed) expect(untrustedText(`key ${form} refused`)).toBe('key *** refused')
  })

  it('leaves text alone when no secret is registered or it holds none', () => {
    expect(untrustedText('quota exceeded for this month')).toBe('quota exceeded for this month')
    registerSecret('sk-123456')
    expect(untrustedText('quota exceeded for this month')).toBe('quota exceeded for this month')
  })

  it('keeps server text on one line with every workflow command broken', () => {
    const text = untrustedText('oops\n::warning::forged\r\n  ::set-output name=videos::x ::stop-commands::t ##[error]y :::z')
    expect(text).not.toMatch(/[\r\n]/)
    expect(text).not.toContain('::')
    expect(text).not.toContain('##[')
    expect(text).toContain('warning:\u200b:forged')
  })

  it('caps the length and says how much was cut', () => {
    expect(untrustedText('x'.repeat(5000), 4000)).toBe(`${'x'.repeat(4000)}… (1000 more characters)`)
    expect(capText('short', 10)).toBe('short')
  })

  it('redacts before it cuts, so no part of a secret survives at the cut', () => {
    registerSecret('sk-0123456789')
    // Cut first, the text would end in 'sk-0': a prefix of the key.
    expect(untrustedText(`${'a'.repeat(8)}sk-0123456789${'b'.repeat(10)}`, 12)).toBe(`${'a'.repeat(8)}***b… (9 more characters)`)
  })
})

describe('safeLogLine and breakCommands', () => {
  it('keep line breaks but no line can start a command', () => {
    registerSecret('tok-abcdef')
    const line = safeLogLine('first tok-abcdef\n::error::forged\n\t::add-mask::x')
    expect(line.split('\n')).toHaveLength(3)
    expect(line.split('\n').some((l) => l.trimStart().startsWith('::'))).toBe(false)
    expect(line).toContain('first ***')
    expect(breakCommands('plain text: fine')).toBe('plain text: fine')
  })
})

describe('ApiError', () => {
  it('carries only made-safe server text in its message and fields', () => {
    registerSecret('sk-canary-1')
    const error = new ApiError("Create render 'a'", 400, 'invalid_parameter', 'key sk-canary-1 refused\n::warning::x', 'api::key')
    expect(error.message).not.toContain('sk-canary-1')
    expect(error.message).not.toMatch(/\n/)
    expect(error.message).not.toContain('::')
    expect(error.apiMessage).toContain('key *** refused')
    expect(error.param).toBe('api:\u200b:key')
  })
})
