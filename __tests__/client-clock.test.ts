import { startEmulator, type Emulator } from '../emulator/index.js'
import { DeadlineError } from '../src/deadline.js'
import { ApiError } from '../src/heygen/api-error.js'
import { HeygenClient } from '../src/heygen/client.js'
import { getRender } from '../src/heygen/renders.js'
import { TEST_KEY } from './support/with-emulator.js'

// The client's retries over real HTTP, on a clock that moves only when the client waits: the
// waits the policy asks for are counted, never slept.

const STATUS = 'GET /v3/hyperframes/renders/:id'

describe('HeygenClient on an injected clock', () => {
  let emulator: Emulator
  beforeAll(async () => {
    emulator = await startEmulator({ apiKeys: [TEST_KEY] })
  })
  afterAll(async () => {
    await emulator.close()
  })
  beforeEach(() => {
    emulator.setFaults([])
    emulator.resetStats()
  })

  function client(): { c: HeygenClient; clock: { t: number }; waits: number[] } {
    const clock = { t: 5_000_000 }
    const waits: number[] = []
    const c = new HeygenClient({
      apiUrl: new URL(emulator.url),
      apiKey: TEST_KEY,
      now: () => clock.t,
      sleep: async (ms) => {
        waits.push(ms)
        clock.t += ms
      }
    })
    return { c, clock, waits }
  }

  it('waits between retries on its own timer and gives up after the policy allows', async () => {
    emulator.setFaults([{ route: STATUS, status: 503, code: 'service_unavailable', message: 'down' }])
    const { c, waits } = client()
    try {
      await expect(getRender(c, 'r1', 'a')).rejects.toBeInstanceOf(ApiError)
      // Seven attempts, six waits, each within the exponential backoff's band (half to full step).
      expect(emulator.stats.byRoute[STATUS]).toBe(7)
      expect(waits).toHaveLength(6)
      waits.forEach((ms, i) => {
        const step = Math.min(30_000, 500 * 2 ** i)
        expect(ms).toBeGreaterThanOrEqual(step / 2)
        expect(ms).toBeLessThanOrEqual(step)
      })
    } finally {
      await c.close()
    }
  })

  it('ends at the deadline on its own clock, with a DeadlineError, instead of waiting past it', async () => {
    emulator.setFaults([{ route: STATUS, status: 503, code: 'service_unavailable', message: 'down' }])
    const { c, clock, waits } = client()
    c.setDeadline(clock.t + 1000)
    try {
      await expect(getRender(c, 'r1', 'a')).rejects.toBeInstanceOf(DeadlineError)
      // 0.25-0.5 s, then 0.5-1 s: the second wait reaches the deadline and is cut there.
      expect(emulator.stats.byRoute[STATUS]).toBeGreaterThanOrEqual(2)
      expect(emulator.stats.byRoute[STATUS]).toBeLessThanOrEqual(3)
      expect(clock.t).toBeLessThanOrEqual(5_000_000 + 1000)
      expect(waits.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1000)
    } finally {
      await c.close()
    }
  })
})
