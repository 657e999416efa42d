import type { FailOn } from '../inputs/read-inputs.js'
import { isSuccessStatus, type RenderOutcome } from '../render/outcome.js'

export interface FailOnVerdict {
  /** The step's failure message, when fail-on says the failed renders fail the step. */
  failure?: string
  /** One annotation per failed render that fail-on lets through, so a green step still shows them. */
  warnings: string[]
}

const LISTED = 10

/** What fail-on makes of the renders that did not complete. */
export function judgeFailures(outcomes: readonly RenderOutcome[], failOn: FailOn): FailOnVerdict {
  const bad = outcomes.filter((o) => !isSuccessStatus(o.status))
  if (bad.length === 0) return { warnings: [] }
  const fails = failOn === 'any' || (failOn === 'all' && bad.length === outcomes.length)
  if (!fails) {
    return {
      warnings: bad.map((o) => `Render '${o.job.name}' did not complete (${describe(o)}); the step stays green because fail-on is ${failOn}.`)
    }
  }
  const list = bad
    .slice(0, LISTED)
    .map((o) => `${o.job.name} (${describe(o)})`)
    .join('; ')
  return { failure: `${failureHeadline(outcomes, failOn)}: ${list}${bad.length > LISTED ? '; …' : ''}`, warnings: [] }
}

/** The failure's first words: what the reports show above the rows that list each failed render. */
export function failureHeadline(outcomes: readonly RenderOutcome[], failOn: FailOn): string {
  const bad = outcomes.filter((o) => !isSuccessStatus(o.status)).length
  return `${bad} of ${outcomes.length} renders did not complete (fail-on: ${failOn})`
}

function describe(o: RenderOutcome): string {
  return `${o.status}${o.failureMessage ? `: ${o.failureMessage}` : ''}`
}
