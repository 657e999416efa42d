import { artifactServiceMissing, artifactUrl, bundleName, listed, planArtifacts } from '../src/publish/artifacts.js'
import type { RunContext } from '../src/inputs/run-context.js'

const videos = [
  { index: 1, path: '/ws/renders/promo-en.mp4' },
  { index: 3, path: '/ws/renders/promo-ja.mp4' }
]
const runner = { ACTIONS_RUNTIME_TOKEN: 'x.y.z', ACTIONS_RESULTS_URL: 'https://results.example/' }

describe('planArtifacts', () => {
  it('per-video: one unarchived artifact per file, named after the file, carrying its matrix index', () => {
    expect(planArtifacts('per-video', '/ws/renders', videos)).toEqual([
      { name: 'promo-en.mp4', files: ['/ws/renders/promo-en.mp4'], root: '/ws/renders', skipArchive: true, indexes: [1] },
      { name: 'promo-ja.mp4', files: ['/ws/renders/promo-ja.mp4'], root: '/ws/renders', skipArchive: true, indexes: [3] }
    ])
  })

  it('bundle: one zip rooted at the output folder, named after it, carrying every index', () => {
    expect(planArtifacts('bundle', '/ws/out/videos', videos)).toEqual([{ name: 'videos', files: videos.map((v) => v.path), root: '/ws/out/videos', skipArchive: false, indexes: [1, 3] }])
  })

  it('none, or no finished video: nothing', () => {
    expect(planArtifacts('none', '/ws/renders', videos)).toEqual([])
    expect(planArtifacts('per-video', '/ws/renders', [])).toEqual([])
    expect(planArtifacts('bundle', '/ws/renders', [])).toEqual([])
  })
})

describe('bundleName', () => {
  it('replaces the characters the artifact service refuses', () => {
    expect(bundleName('/ws/build: "final" <v2>?')).toBe('build- -final- -v2--')
    expect(bundleName('/ws/renders/')).toBe('renders')
  })

  it('falls back to a plain name when nothing is left', () => {
    expect(bundleName('/')).toBe('videos')
  })
})

describe('artifactServiceMissing', () => {
  it('is undefined on a github.com or GHE.com runner', () => {
    expect(artifactServiceMissing(runner, 'https://github.com')).toBeUndefined()
    expect(artifactServiceMissing(runner, 'https://octo.ghe.com')).toBeUndefined()
  })

  it('names the missing runner variables off a runner', () => {
    expect(artifactServiceMissing({}, 'https://github.com')).toMatch(/ACTIONS_RUNTIME_TOKEN \/ ACTIONS_RESULTS_URL are unset/)
    expect(artifactServiceMissing({ ACTIONS_RUNTIME_TOKEN: 'x' }, 'https://github.com')).toMatch(/unset/)
  })

  it('names GitHub Enterprise Server and what to use there instead', () => {
    expect(artifactServiceMissing(runner, 'https://git.corp.example')).toMatch(/GitHub Enterprise Server \(git\.corp\.example\).*actions\/upload-artifact@v3/)
  })
})

describe('artifactUrl', () => {
  it('is the run page link upload-artifact gives as artifact-url', () => {
    const run = { serverUrl: 'https://github.com', repository: 'octo/videos', runId: 42 } as RunContext
    expect(artifactUrl(run, 7)).toBe('https://github.com/octo/videos/actions/runs/42/artifacts/7')
  })
})

describe('listed', () => {
  it('shows every item up to the cap, then a count of the rest', () => {
    expect(listed(['a', 'b'], ', ')).toBe('a, b')
    const many = Array.from({ length: 256 }, (_, i) => `'v${i + 1}.mp4'`)
    expect(listed(many, ', ')).toBe(`${many.slice(0, 10).join(', ')}, … and 246 more`)
  })
})
