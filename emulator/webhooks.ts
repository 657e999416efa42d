import { isLoopbackHost } from './validate.js'

export interface WebhookPayload {
  event_type: 'hyperframes_video.success' | 'hyperframes_video.fail'
  event_data: { render_id: string; callback_id: string | null; video_url?: string; failure_message?: string }
}

/**
 * Best-effort callback_url deliveries, like the real service's per-request webhooks (unsigned,
 * fire-and-forget). Only loopback targets are contacted: an emulator must never call out to the
 * internet on a test's behalf.
 */
export class Webhooks {
  private readonly inFlight = new Set<AbortController>()

  constructor(private readonly log: (line: string) => void) {}

  send(url: string, payload: WebhookPayload): void {
    let target: URL
    try {
      target = new URL(url)
    } catch {
      return
    }
    if (!isLoopbackHost(target.hostname)) {
      this.log(`webhook to ${target.host} skipped: the emulator only delivers to loopback addresses`)
      return
    }
    const controller = new AbortController()
    this.inFlight.add(controller)
    const timeout = setTimeout(() => controller.abort(), 5000)
    fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
      signal: controller.signal
    })
      .then(async (response) => {
        await response.arrayBuffer()
        this.log(`webhook ${payload.event_type} → ${url}: HTTP ${response.status}`)
      })
      .catch((err: unknown) => this.log(`webhook ${payload.event_type} → ${url} failed: ${(err as Error).message}`))
      .finally(() => {
        clearTimeout(timeout)
        this.inFlight.delete(controller)
      })
  }

  close(): void {
    for (const controller of this.inFlight) controller.abort()
    this.inFlight.clear()
  }
}
