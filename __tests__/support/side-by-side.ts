/**
 * Scenarios that run side by side. Most of a fault test is waiting (render times, backoffs,
 * deadlines, a spawned run), so independent scenarios of one file start together in a
 * `beforeAll` and each `it` awaits its own: the file takes about as long as its longest scenario
 * rather than the sum. A scenario's assertions run inside it, so a failure rejects the promise its
 * `it` awaits and fails that test alone. Only for scenarios that share no state (each starts its
 * own emulator, workspace and servers, and closes them).
 *
 *   const scenario = sideBySide()
 *   it('does a thing', scenario(async () => { ... }))
 */
export function sideBySide(): (body: () => Promise<void>) => () => Promise<void> {
  const starts: Array<() => void> = []
  beforeAll(() => {
    for (const start of starts) start()
  })
  return (body) => {
    let running: Promise<void> | undefined
    starts.push(() => {
      running = body()
      // Awaited by its test; until then a rejection is not an unhandled one.
      running.catch(() => undefined)
    })
    return () => running ?? Promise.reject(new Error('scenario not started: sideBySide() must be called before beforeAll runs'))
  }
}
