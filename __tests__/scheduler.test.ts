import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { RenderBackend, RenderDetail } from '../src/render/backend.js'
import { DeadlineError } from '../src/deadline.js'
import { BackendError } from '../src/render/failure-kind.js'
import type { RenderJob } from '../src/render/job.js'
import type { RenderOutcome } from '../src/render/outcome.js'
import { runRenders, type SchedulerOptions } from '../src/render/scheduler.js'

// The scheduler against a backend made of maps, on a clock that moves only when something waits:
// each test takes milliseconds, and nothing depends on how fast the machine is.

interface Plan {
  /** Clock ms from submission to the end. */
  takes: number
  ends: 'completed' | 'failed'
}

class FakeBackend implements RenderBackend {
  readonly submits: Array<{ name: string; key: string }> = []
  readonly downloads: string[] = []
  private readonly renders = new Map<string, { at: number; plan: Plan }>()
  /** The most renders ever in flight at once. */
  peak = 0
  submitError: (job: RenderJob) => Error | undefined = () => undefined
  /** Status calls so far; `statusError` may refuse the n-th. */
  statusCalls = 0
  statusError: (call: number) => Error | undefined = () => undefined

  constructor(
    private readonly clock: { t: number },
    private readonly plans: Record<string, Plan>
  ) {}

  async submit(job: RenderJob, key: string): Promise<string> {
    this.submits.push({ name: job.name, key })
    const error = this.submitError(job)
    if (error) throw error
    const id = `r-${job.name}`
    if (!this.renders.has(id)) this.renders.set(id, { at: this.clock.t, plan: this.plans[job.name] })
    this.peak = Math.max(this.peak, this.inFlight())
    return id
  }

  async status(renderId: string): Promise<RenderDetail> {
    const error = this.statusError(++this.statusCalls)
    if (error) throw error
    const r = this.renders.get(renderId)
    if (!r) throw new BackendError(`no render ${renderId}`, 'final', 'not_found')
    const done = this.clock.t - r.at >= r.plan.takes
    const status = done ? r.plan.ends : 'rendering'
    return { renderId, status, ...(done && r.plan.ends === 'failed' ? { failureMessage: 'boom' } : {}), ...(done ? { videoUrl: `x:${renderId}` } : {}) }
  }

  async fetchVideo(detail: RenderDetail, _job: RenderJob, dest: string): Promise<number> {
    this.downloads.push(detail.renderId)
    await writeFile(dest, 'video')
    return 5
  }

  private inFlight(): number {
    let n = 0
    for (const r of this.renders.values()) if (this.clock.t - r.at < r.plan.takes) n++
    return n
  }
}

const job = (index: number, name: string): RenderJob => ({
  index,
  name,
  variables: {},
  settings: { composition: 'index.html', quality: 'standard', format: 'mp4', resolution: '1080p', aspectRatio: '16:9', title: name }
})

let outputDir: string
beforeAll(async () => {
  outputDir = await mkdtemp(path.join(os.tmpdir(), 'scheduler-test-'))
})
afterAll(async () => {
  await rm(outputDir, { recursive: true, force: true })
})

function setup(plans: Record<string, Plan>, options: Partial<SchedulerOptions> = {}) {
  const clock = { t: 1_000_000 }
  const backend = new FakeBackend(clock, plans)
  const outcomes: RenderOutcome[] = Object.keys(plans).map((name, i) => ({ job: job(i + 1, name), key: `k-${name}`, status: 'pending' }))
  const log: string[] = []
  const opts: SchedulerOptions = {
    concurrency: 2,
    wait: true,
    deadline: clock.t + 600_000,
    outputDir,
    now: () => clock.t,
    sleep: async (ms) => {
      clock.t += ms
    },
    log: { info: (line) => log.push(line), group: (title, lines) => log.push(title, ...lines) },
    ...options
  }
  return { clock, backend, outcomes, log, run: () => runRenders(outcomes, backend, opts) }
}

describe('runRenders', () => {
  it('keeps at most `concurrency` renders in flight and downloads every finished one', async () => {
    const { backend, outcomes, run } = setup({
      a: { takes: 4000, ends: 'completed' },
      b: { takes: 1000, ends: 'completed' },
      c: { takes: 2000, ends: 'completed' },
      d: { takes: 3000, ends: 'completed' }
    })
    const result = await run()
    expect(result.fatal).toBeUndefined()
    expect(backend.peak).toBeLessThanOrEqual(2)
    expect(outcomes.map((o) => o.status)).toEqual(['completed', 'completed', 'completed', 'completed'])
    expect(backend.downloads.sort()).toEqual(['r-a', 'r-b', 'r-c', 'r-d'])
    expect(outcomes.every((o) => o.videoPath === path.join(outputDir, `${o.job.name}.mp4`) && o.videoBytes === 5)).toBe(true)
  })

  it('submits with the planned key and reports a failed render with its message', async () => {
    const { backend, outcomes, run } = setup({ a: { takes: 1000, ends: 'failed' } })
    await run()
    expect(backend.submits).toEqual([{ name: 'a', key: 'k-a' }])
    expect(outcomes[0]).toMatchObject({ status: 'failed', failureMessage: 'boom', renderId: 'r-a' })
    expect(backend.downloads).toEqual([])
  })

  it('stops everything on a fatal backend error and says why the rest were not submitted', async () => {
    const { backend, outcomes, run } = setup({ a: { takes: 1000, ends: 'completed' }, b: { takes: 1000, ends: 'completed' }, c: { takes: 1000, ends: 'completed' } }, { concurrency: 1 })
    backend.submitError = () => new BackendError('the key was refused', 'fatal', 'authentication_failed')
    const result = await run()
    expect(result.fatal?.message).toBe('the key was refused')
    expect(backend.submits).toHaveLength(1)
    expect(outcomes.map((o) => o.status)).toEqual(['error', 'pending', 'pending'])
    expect(outcomes[0].errorCode).toBe('authentication_failed')
    expect(outcomes[1].failureMessage).toBe('not submitted: the key was refused')
  })

  it('reports a status call the deadline cut off as the render still running, with its last status', async () => {
    // The client refuses a call once timeout-minutes has passed by its own reading of the clock,
    // which can come a moment before the watcher's: the render is just as timed out.
    const { backend, outcomes, run } = setup({ a: { takes: 3_600_000, ends: 'completed' } }, { deadline: 1_000_000 + 60_000 })
    backend.statusError = (call) => (call >= 2 ? new DeadlineError("Get render 'a' (r-a)", 'before the call was made', true) : undefined)
    const result = await run()
    expect(result.fatal).toBeUndefined()
    expect(outcomes[0]).toMatchObject({ status: 'timed_out', renderId: 'r-a', failureMessage: 'still rendering when timeout-minutes ran out (render id r-a)' })
  })

  it('ends one render on a final error and goes on with the others', async () => {
    const { backend, outcomes, run } = setup({ a: { takes: 1000, ends: 'completed' }, b: { takes: 1000, ends: 'completed' } }, { concurrency: 1 })
    backend.submitError = (j) => (j.name === 'a' ? new BackendError('refused: bad title', 'final', 'invalid_parameter') : undefined)
    const result = await run()
    expect(result.fatal).toBeUndefined()
    expect(outcomes.map((o) => o.status)).toEqual(['error', 'completed'])
  })

  it('marks a render still running at the deadline timed out, with its render id', async () => {
    const { outcomes, run } = setup({ a: { takes: 120_000, ends: 'completed' } }, { deadline: 1_000_000 + 30_000 })
    await run()
    expect(outcomes[0].status).toBe('timed_out')
    expect(outcomes[0].failureMessage).toMatch(/^still rendering when timeout-minutes ran out \(render id r-a\)$/)
  })

  it('with wait: false, submits and returns without a status call or a download', async () => {
    const { backend, outcomes, run } = setup({ a: { takes: 1000, ends: 'completed' }, b: { takes: 1000, ends: 'completed' } }, { wait: false })
    await run()
    expect(outcomes.map((o) => o.status)).toEqual(['submitted', 'submitted'])
    expect(backend.downloads).toEqual([])
  })
})
