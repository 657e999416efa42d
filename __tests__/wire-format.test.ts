import { routeUrl } from '../src/heygen/client.js'
import { parseRenderDetail } from '../src/heygen/renders.js'
import { TERMINAL_STATUSES } from '../src/render/backend.js'
import { uploadFilename, uploadHeaderValues } from '../src/heygen/upload.js'
import { wireComposition } from '../src/heygen/renders.js'

// What goes on the wire where the contract leaves room, done as HeyGen's own CLI does it.

describe('routeUrl', () => {
  it('keeps a gateway path prefix in front of the route, with or without a trailing slash', () => {
    expect(routeUrl(new URL('https://gateway.example.com/heygen'), '/v3/hyperframes/renders').href).toBe('https://gateway.example.com/heygen/v3/hyperframes/renders')
    expect(routeUrl(new URL('https://gateway.example.com/heygen/'), '/v3/assets/a1/complete').href).toBe('https://gateway.example.com/heygen/v3/assets/a1/complete')
    expect(routeUrl(new URL('https://api.heygen.com'), '/v3/hyperframes/renders').href).toBe('https://api.heygen.com/v3/hyperframes/renders')
  })
})

describe('uploadHeaderValues', () => {
  it('sends numbers and booleans as their text, and leaves out what has no text form', () => {
    expect(uploadHeaderValues({ 'x-a': 'v', 'x-size': 1234, 'x-private': true, 'x-off': false, 'x-zero': 0 })).toEqual({
      'x-a': 'v',
      'x-size': '1234',
      'x-private': 'true',
      'x-off': 'false',
      'x-zero': '0'
    })
    expect(uploadHeaderValues({ 'x-obj': { a: 1 }, 'x-null': null, 'x-nan': Number.NaN })).toEqual({})
    expect(uploadHeaderValues(undefined)).toEqual({})
    expect(uploadHeaderValues(['x'])).toEqual({})
  })
})

describe('uploadFilename', () => {
  it('is the project folder name with .zip', () => {
    expect(uploadFilename('/home/runner/work/repo/repo/videos/promo')).toBe('promo.zip')
    expect(uploadFilename('/home/runner/work/repo/repo/videos/promo/')).toBe('promo.zip')
    expect(uploadFilename('/')).toBe('project.zip')
  })
})

describe('wireComposition', () => {
  it('sends the entry as the zip names it, and leaves out the default', () => {
    expect(wireComposition('./index.html')).toBeUndefined()
    expect(wireComposition('index.html')).toBeUndefined()
    expect(wireComposition('./compositions/./intro.html')).toBe('compositions/intro.html')
    expect(wireComposition('compositions\\intro.html')).toBe('compositions/intro.html')
  })
})

describe('parseRenderDetail', () => {
  it('keeps a status the contract does not list, and it is not terminal', () => {
    const detail = parseRenderDetail({ render_id: 'r1', status: 'processing' }, 'Get render', 200)
    expect(detail.status).toBe('processing')
    expect(TERMINAL_STATUSES.has(detail.status)).toBe(false)
  })

  it('still refuses a detail without a status', () => {
    expect(() => parseRenderDetail({ render_id: 'r1' }, 'Get render', 200)).toThrow(/not a status/)
    expect(() => parseRenderDetail({ render_id: 'r1', status: 7 }, 'Get render', 200)).toThrow(/not a status/)
  })
})
