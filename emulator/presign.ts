import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

export type PresignCheck = 'ok' | 'expired' | 'invalid'

/**
 * Presigned storage URLs: `<path>?expires=<unix s>&sig=<hmac>`, HMAC over method, path and
 * expiry with a per-emulator secret. Like S3, the URL alone is the credential, so tampering with
 * any part of it (or replaying it after `expires`) is refused.
 */
export class Presigner {
  private readonly secret = randomBytes(32)

  constructor(
    private readonly baseUrl: string,
    private readonly ttlSeconds: number
  ) {}

  /** A TTL of 0 yields URLs that are already expired — handy for testing the client's refresh path. */
  sign(method: string, path: string): { url: string; expiresAt: number } {
    // Rounded up so a short lifetime is never cut by up to a second; 0 stays already expired.
    const now = Date.now() / 1000
    const expiresAt = (this.ttlSeconds === 0 ? Math.floor(now) : Math.ceil(now)) + this.ttlSeconds
    const sig = this.mac(method, path, expiresAt)
    return { url: `${this.baseUrl}${path}?expires=${expiresAt}&sig=${sig}`, expiresAt }
  }

  check(method: string, path: string, query: URLSearchParams): PresignCheck {
    const expires = Number(query.get('expires'))
    const sig = query.get('sig') ?? ''
    if (!Number.isInteger(expires) || !/^[0-9a-f]{64}$/.test(sig)) return 'invalid'
    const expected = Buffer.from(this.mac(method, path, expires), 'hex')
    if (!timingSafeEqual(expected, Buffer.from(sig, 'hex'))) return 'invalid'
    return Date.now() / 1000 >= expires ? 'expired' : 'ok'
  }

  get ttl(): number {
    return this.ttlSeconds
  }

  private mac(method: string, path: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`${method}\n${path}\n${expires}`).digest('hex')
  }
}
