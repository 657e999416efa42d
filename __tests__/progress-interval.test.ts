import { readProgressInterval } from '../src/inputs/progress-interval.js'

describe('the progress interval testing aid', () => {
  const read = (value: string | undefined): number | undefined => readProgressInterval({ HYPERFRAMES_PROGRESS_INTERVAL_SECONDS: value })

  it('keeps the default when unset or blank', () => {
    expect(read(undefined)).toBeUndefined()
    expect(read('  ')).toBeUndefined()
  })

  it('reads seconds, fractions included, as milliseconds', () => {
    expect(read('1')).toBe(1000)
    expect(read('0.5')).toBe(500)
    expect(read(' 30 ')).toBe(30_000)
  })

  it.each(['0', '0.05', '-1', '1e3', 'soon', '3601', '1s'])('refuses %p, naming the variable', (value) => {
    expect(() => read(value)).toThrow(/^Environment variable HYPERFRAMES_PROGRESS_INTERVAL_SECONDS: expected seconds between 0\.1 and 3600/)
  })
})
