import { closingLine, describeCost, dryRunCost, runCost } from '../src/publish/run-cost.js'
import type { RenderOutcome } from '../src/render/outcome.js'

const outcome = (index: number, status: RenderOutcome['status'], duration?: number, replayed = false): RenderOutcome => ({
  job: { index, name: `r-${index}` } as RenderOutcome['job'],
  key: `k${index}`,
  status,
  duration,
  replayed
})

describe('what the run cost', () => {
  const outcomes = [outcome(1, 'completed', 10), outcome(2, 'completed', 20), outcome(3, 'completed', 8, true), outcome(4, 'failed', 10), outcome(5, 'pending')]

  it('bills the new renders and counts the replays apart, 4k at 1.5×', () => {
    expect(runCost(outcomes, '1080p')).toEqual({ newCount: 2, replayedCount: 1, billedSeconds: 30, replayedSeconds: 8, multiplier: 1 })
    expect(runCost(outcomes, '4k')).toMatchObject({ billedSeconds: 45, replayedSeconds: 12, multiplier: 1.5 })
    expect(describeCost(runCost(outcomes, '4k'), false)).toBe('45s of video billed, 12s replayed free (4k at 1.5×)')
    expect(describeCost(runCost(outcomes, '1080p'), true)).toBe('rendered on the runner, nothing billed')
  })

  it('ends the run with one result line', () => {
    expect(closingLine(outcomes, 252_000, runCost(outcomes, '1080p'), false)).toBe('3 videos rendered (2 new, 1 replayed) in 4m12s · 2 failed · 30s of video billed, 8s replayed free')
    const many = Array.from({ length: 20 }, (_, i) => outcome(i, 'completed', 6, i < 2))
    expect(closingLine(many, 252_000, runCost(many, '1080p'), false)).toBe('20 videos rendered (18 new, 2 replayed) in 4m12s · 0 failed · 1m48s of video billed, 12s replayed free')
  })

  it('says what a dry run would bill', () => {
    expect(dryRunCost(4, 12, '4k')).toBe('would bill about 1m12s of video: 4 × 12 s × 1.5 (4k), less any render replayed for free')
    expect(dryRunCost(3, undefined, '1080p')).toMatch(/declares no data-duration/)
  })
})
