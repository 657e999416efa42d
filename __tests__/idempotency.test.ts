import { canonicalJson, renderKey, uploadKey } from '../src/render/idempotency.js'

const SHA = '0123456789abcdef0123456789abcdef01234567'
const ZIP = 'f'.repeat(64)
const request = { quality: 'standard', format: 'mp4', variables: { title: 'Hi', n: 1 }, title: 'hi' }

describe('idempotency keys', () => {
  it('orders object keys so equal requests give equal JSON', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}')
    expect(canonicalJson({ a: undefined, b: 2 })).toBe('{"b":2}')
  })

  it('digests object and array variable values deterministically, whatever their key order', () => {
    const a = { ...request, variables: { theme: { palette: ['#f00', { at: 1, name: 'x' }], dark: true } } }
    const b = { ...request, variables: { theme: { dark: true, palette: ['#f00', { name: 'x', at: 1 }] } } }
    expect(renderKey({ sha: SHA, zipSha256: ZIP, request: a })).toBe(renderKey({ sha: SHA, zipSha256: ZIP, request: b }))
    // Array order is meaning, not notation: it changes the key.
    const c = { ...request, variables: { theme: { dark: true, palette: [{ name: 'x', at: 1 }, '#f00'] } } }
    expect(renderKey({ sha: SHA, zipSha256: ZIP, request: c })).not.toBe(renderKey({ sha: SHA, zipSha256: ZIP, request: a }))
  })

  it('carries the commit SHA and only characters the API accepts', () => {
    const key = renderKey({ sha: SHA, zipSha256: ZIP, request })
    expect(key).toContain(SHA)
    expect(key).toMatch(/^[A-Za-z0-9_:.-]{1,255}$/)
  })

  it('is stable for the same request, whatever the key order', () => {
    const reordered = { title: 'hi', variables: { n: 1, title: 'Hi' }, format: 'mp4', quality: 'standard' }
    expect(renderKey({ sha: SHA, zipSha256: ZIP, request })).toBe(renderKey({ sha: SHA, zipSha256: ZIP, request: reordered }))
  })

  it('changes with the zip, any field, any variable, or the commit', () => {
    const base = renderKey({ sha: SHA, zipSha256: ZIP, request })
    const variants = [
      renderKey({ sha: SHA, zipSha256: 'e'.repeat(64), request }),
      renderKey({ sha: SHA, zipSha256: ZIP, request: { ...request, quality: 'high' } }),
      renderKey({ sha: SHA, zipSha256: ZIP, request: { ...request, variables: { title: 'Hi', n: 2 } } }),
      renderKey({ sha: 'b'.repeat(40), zipSha256: ZIP, request })
    ]
    expect(new Set([base, ...variants]).size).toBe(5)
  })

  it('adds the run id and attempt when asked to render again', () => {
    const key = renderKey({ sha: SHA, zipSha256: ZIP, request, rerun: { runId: 42, attempt: 3 } })
    expect(key).toBe(`${renderKey({ sha: SHA, zipSha256: ZIP, request })}-run42.3`)
    expect(key.length).toBeLessThanOrEqual(255)
  })

  it('keys the upload by content alone', () => {
    expect(uploadKey(ZIP)).toBe(`hf-asset-${ZIP}`)
    expect(uploadKey(ZIP)).toMatch(/^[A-Za-z0-9_:.-]{1,255}$/)
  })
})

describe('retry keys after an earlier failure', () => {
  it('name the failed render, stay within the API alphabet and do not grow with the chain', async () => {
    const { retryKey } = await import('../src/render/idempotency.js')
    const base = renderKey({ sha: SHA, zipSha256: ZIP, request })
    expect(retryKey(base, 'abc123')).toBe(`${base}-after-abc123`)
    expect(retryKey(base, 'r/1 x')).toBe(`${base}-after-r_1_x`)
    expect(retryKey(base, 'x'.repeat(400))).toHaveLength(255)
    expect(retryKey(base, 'second')).not.toBe(retryKey(base, 'first'))
  })
})
