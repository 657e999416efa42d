import { judgeFailures } from '../src/publish/fail-on.js'
import type { RenderOutcome, OutcomeStatus } from '../src/render/outcome.js'
import type { RenderJob } from '../src/render/job.js'

function outcome(name: string, status: OutcomeStatus, failureMessage?: string): RenderOutcome {
  return { job: { name } as RenderJob, key: `k-${name}`, status, failureMessage }
}

const mixed = [outcome('a', 'completed'), outcome('b', 'failed', 'font missing'), outcome('c', 'timed_out')]

describe('judgeFailures', () => {
  it('fail-on: any fails the step and lists the failures', () => {
    const verdict = judgeFailures(mixed, 'any')
    expect(verdict.failure).toBe('2 of 3 renders did not complete (fail-on: any): b (failed: font missing); c (timed_out)')
    expect(verdict.warnings).toEqual([])
  })

  it('fail-on: never keeps the step green with a warning per failed render', () => {
    const verdict = judgeFailures(mixed, 'never')
    expect(verdict.failure).toBeUndefined()
    expect(verdict.warnings).toEqual([
      "Render 'b' did not complete (failed: font missing); the step stays green because fail-on is never.",
      "Render 'c' did not complete (timed_out); the step stays green because fail-on is never."
    ])
  })

  it('fail-on: all warns while some succeeded, and fails once all did not', () => {
    expect(judgeFailures(mixed, 'all').warnings).toHaveLength(2)
    expect(judgeFailures(mixed, 'all').failure).toBeUndefined()
    const allBad = judgeFailures([outcome('b', 'failed'), outcome('c', 'error', 'HTTP 500')], 'all')
    expect(allBad.failure).toContain('2 of 2 renders did not complete (fail-on: all)')
    expect(allBad.warnings).toEqual([])
  })

  it('fail-on: all passes when only some failed, with the annotation a failed render gets', () => {
    const fontError = 'Font "Nope" could not be loaded'
    const verdict = judgeFailures([outcome('Fine', 'completed'), outcome('Broken', 'failed', fontError)], 'all')
    expect(verdict.failure).toBeUndefined()
    expect(verdict.warnings).toEqual([`Render 'Broken' did not complete (failed: ${fontError}); the step stays green because fail-on is all.`])
  })

  it('fail-on: all fails the step when every render failed', () => {
    const verdict = judgeFailures([outcome('Broken', 'failed', 'Font "Nope" could not be loaded')], 'all')
    expect(verdict.failure).toBe('1 of 1 renders did not complete (fail-on: all): Broken (failed: Font "Nope" could not be loaded)')
    expect(verdict.warnings).toEqual([])
  })

  it('says nothing when every render succeeded', () => {
    expect(judgeFailures([outcome('a', 'completed'), outcome('b', 'submitted')], 'never')).toEqual({ warnings: [] })
  })
})
