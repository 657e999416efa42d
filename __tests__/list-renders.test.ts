import { startEmulator, type Emulator } from '../emulator/index.js'
import { HeygenClient } from '../src/heygen/client.js'
import { listRenders, type RenderDetail } from '../src/heygen/renders.js'
import { HeygenBackend } from '../src/heygen/backend.js'
import { TEST_KEY } from './support/with-emulator.js'

// Paging the render list over real HTTP, on an account whose list holds 350 older renders.

const LIST = 'GET /v3/hyperframes/renders'

describe('listing renders', () => {
  let emulator: Emulator
  let client: HeygenClient
  let all: RenderDetail[]
  beforeAll(async () => {
    emulator = await startEmulator({ apiKeys: [TEST_KEY], otherClients: { olderRenders: 350 } })
    client = new HeygenClient({ apiUrl: new URL(emulator.url), apiKey: TEST_KEY, retry: { maxAttempts: 3, baseMs: 1, maxMs: 2, retryAfterCapMs: 2 } })
    all = []
    let token: string | undefined
    do {
      const page = await listRenders(client, { limit: 100, token })
      all.push(...page.renders)
      token = page.nextToken
    } while (token)
  })
  afterAll(async () => {
    await client.close()
    await emulator.close()
  })
  beforeEach(() => {
    emulator.setFaults([])
    emulator.resetStats()
  })

  it('reads every render, newest first', () => {
    expect(all).toHaveLength(350)
    for (let i = 1; i < all.length; i++) expect(all[i - 1].createdAt as number).toBeGreaterThanOrEqual(all[i].createdAt as number)
  })

  it('refuses a page that says has_more but gives no next_token, instead of ending there', async () => {
    const rawBody = JSON.stringify({ data: [], has_more: true, next_token: null })
    emulator.setFaults([{ route: LIST, status: 200, rawBody, contentType: 'application/json' }])
    await expect(listRenders(client, { limit: 100 })).rejects.toThrow(/List renders failed: HTTP 200 unexpected_response: has_more is true but next_token is null/)
  })

  it('makes one attempt when asked to, where the client would retry a 500', async () => {
    emulator.setFaults([{ route: LIST, status: 500 }])
    await expect(listRenders(client, { limit: 100, attempts: 1 })).rejects.toThrow(/HTTP 500/)
    expect(emulator.stats.byRoute[LIST]).toBe(1)
    await expect(listRenders(client, { limit: 100 })).rejects.toThrow(/HTTP 500/)
    expect(emulator.stats.byRoute[LIST]).toBe(1 + 3)
  })

  it('pages 100 at a time down to a render created before the newest pages', async () => {
    const backend = new HeygenBackend(client, 'unused')
    const deep = all[250]
    const found = await backend.statusMany(new Set([deep.renderId]), { createdSince: deep.createdAt })
    expect(found.get(deep.renderId)?.status).toBe('completed')
    expect(emulator.stats.byRoute[LIST]).toBe(3)
  })

  it('stops at the first page that reaches renders created before the oldest one sought', async () => {
    const backend = new HeygenBackend(client, 'unused')
    const found = await backend.statusMany(new Set([all[0].renderId, 'not-on-this-account']), { createdSince: all[150].createdAt })
    expect([...found.keys()]).toEqual([all[0].renderId])
    // Page 2 (renders 100 to 199) reaches below render 150's creation time: no third page.
    expect(emulator.stats.byRoute[LIST]).toBe(2)
  })

  it('reads only the newest page when no creation time is known', async () => {
    const backend = new HeygenBackend(client, 'unused')
    const found = await backend.statusMany(new Set([all[250].renderId, all[5].renderId]))
    expect([...found.keys()]).toEqual([all[5].renderId])
    expect(emulator.stats.byRoute[LIST]).toBe(1)
  })
})
