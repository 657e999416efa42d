import { isCompressedFormat } from '../src/project/compressed-formats.js'
import { checkPredictedSize, checkZipSize, largestFiles, MAX_ZIP_BYTES, minimumZipBytes } from '../src/project/size-limit.js'
import { UserError } from '../src/user-error.js'

const MB = 1024 * 1024

function thrown(fn: () => void): Error {
  try {
    fn()
  } catch (error) {
    return error as Error
  }
  throw new Error('expected an error')
}

describe('the 200 MB upload limit', () => {
  it('is the direct-upload limit of the API', () => {
    expect(MAX_ZIP_BYTES).toBe(200 * MB)
  })

  it('counts only files in compressed formats towards the size known before zipping', () => {
    expect(isCompressedFormat('a/B.MP4')).toBe(true)
    expect(isCompressedFormat('fonts/x.woff2')).toBe(true)
    expect(isCompressedFormat('data.json')).toBe(false)
    expect(isCompressedFormat('noext')).toBe(false)
    expect(
      minimumZipBytes([
        { path: 'v.mp4', size: 150 * MB },
        { path: 'd.json', size: 300 * MB },
        { path: 'i.png', size: 10 }
      ])
    ).toBe(150 * MB + 10)
  })

  it('fails fast on media over the limit, listing the ten largest files and pointing at .hyperframesignore', () => {
    const files = [
      { path: 'raw/take.mov', size: 150 * MB },
      { path: 'music.mp3', size: 51 * MB },
      ...Array.from({ length: 12 }, (_, i) => ({ path: `img/${String(i).padStart(2, '0')}.png`, size: (i + 1) * 1000 }))
    ]
    const error = thrown(() => checkPredictedSize(files, 'video'))
    expect(error).toBeInstanceOf(UserError)
    const lines = error.message.split('\n')
    expect(lines[0]).toBe("The project's video, audio, image and font files alone come to 201.1 MB, so its zip would exceed the API's 200 MB upload limit. Largest included files:")
    expect(lines.slice(1, 11).map((l) => l.trim().split(/\s+/).pop())).toEqual([
      'raw/take.mov',
      'music.mp3',
      'img/11.png',
      'img/10.png',
      'img/09.png',
      'img/08.png',
      'img/07.png',
      'img/06.png',
      'img/05.png',
      'img/04.png'
    ])
    expect(lines[1]).toBe('    150.0 MB  raw/take.mov')
    expect(lines[11]).toContain("Exclude what the composition does not use with a .hyperframesignore file in 'video'")
    expect(lines).toHaveLength(12)
  })

  it('lets a project pass when only compressible files are large; the zip itself is checked after', () => {
    expect(() =>
      checkPredictedSize(
        [
          { path: 'data.json', size: 500 * MB },
          { path: 'v.mp4', size: 199 * MB }
        ],
        '.'
      )
    ).not.toThrow()
    expect(() => checkZipSize(200 * MB, [], '.')).not.toThrow()
    const error = thrown(() => checkZipSize(200 * MB + 1, [{ path: 'data.json', size: 500 * MB }], '.'))
    expect(error.message).toContain("The project zip is 200.0 MB (209715201 bytes), over the API's 200 MB upload limit (209715200 bytes). Largest included files:\n    500.0 MB  data.json\n")
  })

  it('orders equally large files by path, so the list is stable', () => {
    expect(
      largestFiles([
        { path: 'b', size: 1 },
        { path: 'a', size: 1 },
        { path: 'c', size: 2 }
      ]).map((f) => f.path)
    ).toEqual(['c', 'a', 'b'])
  })
})
