/**
 * A tiny seeded PRNG (mulberry32). Faults with `probability` and render jitter draw from it so a
 * run with the same `seed` and the same request order fails in the same places.
 */
export type Random = () => number

export function createRandom(seed: number = Date.now()): Random {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
