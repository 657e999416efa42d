import type { ActionInputs } from '../src/inputs/read-inputs.js'
import { createBody } from '../src/heygen/renders.js'
import { keyedRequest, renderKey } from '../src/render/idempotency.js'
import { planJobs } from '../src/render/job.js'

// The keys below were computed by the code before the render stage had its own job type. A run
// after an upgrade must make the same keys, or it pays again for renders it already has.
const SHA = '0123456789abcdef0123456789abcdef01234567'
const ZIP = 'f'.repeat(64)

const inputs = (over: Partial<ActionInputs>): ActionInputs =>
  ({
    matrix: [{ title: 'Hi', n: 1 }, {}],
    baseVariables: { theme: { dark: true, palette: ['#f00'] } },
    nameTemplate: 'clip-{index}',
    composition: 'index.html',
    settings: { quality: 'standard', format: 'mp4', resolution: '1080p', aspectRatio: '16:9' },
    ...over
  }) as ActionInputs

const keys = (i: ActionInputs): string[] => planJobs(i, SHA).map((job) => renderKey({ sha: SHA, zipSha256: ZIP, request: keyedRequest(job) }))

describe('the key recipe', () => {
  it('gives the keys earlier versions gave for default settings', () => {
    expect(keys(inputs({}))).toEqual([`hf-${SHA}-46aa089a20c4be590365cac81fb66f5d`, `hf-${SHA}-f65f17c1fd832569d39859c7809283ba`])
  })

  it('gives the keys earlier versions gave with every setting, a nested entry and callbacks', () => {
    const all = inputs({
      baseVariables: {},
      composition: './scenes\\intro.html',
      titleTemplate: 'T {index}',
      callbackIdTemplate: 'cb-{index}',
      callbackUrl: 'https://example.com/hook',
      settings: { fps: 24, quality: 'high', format: 'webm', resolution: '4k', aspectRatio: '9:16' }
    })
    expect(keys(all)).toEqual([`hf-${SHA}-5ff238ce628c4ef5b31ea396d23a8a84`, `hf-${SHA}-7a261cc5450419ce73f5f2aec62cb8fe`])
    const [job] = planJobs(all, SHA)
    expect(renderKey({ sha: SHA, zipSha256: ZIP, request: keyedRequest(job), rerun: { runId: 7, attempt: 2 } })).toBe(`hf-${SHA}-5ff238ce628c4ef5b31ea396d23a8a84-run7.2`)
  })

  it('digests exactly what HeyGen is sent, but the asset', () => {
    // The API replays a key even for another body: the digest must cover every field sent.
    for (const over of [
      {},
      { composition: 'scenes/intro.html', callbackUrl: 'https://example.com/hook', settings: { fps: 24, quality: 'high', format: 'mov', resolution: '4k', aspectRatio: '1:1' } }
    ] as Array<Partial<ActionInputs>>) {
      for (const job of planJobs(inputs(over), SHA)) {
        const { project: _project, ...sent } = createBody(job, 'asset-1')
        expect(JSON.parse(JSON.stringify(keyedRequest(job)))).toEqual(sent)
      }
    }
  })
})
