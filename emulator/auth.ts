import type { IncomingMessage } from 'node:http'
import { ApiError, header } from './http-io.js'

/** The credential a request carries, from `x-api-key` or `Authorization: Bearer <key>`. */
export function credentialOf(req: IncomingMessage): string | undefined {
  const apiKey = header(req, 'x-api-key')
  if (apiKey !== undefined && apiKey !== '') return apiKey
  const authorization = header(req, 'authorization')
  const match = authorization === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(authorization)
  return match?.[1]
}

export function hasCredentialHeader(req: IncomingMessage): boolean {
  return req.headers['x-api-key'] !== undefined || req.headers.authorization !== undefined
}

export function requireApiKey(req: IncomingMessage, accepted: ReadonlySet<string>): void {
  const key = credentialOf(req)
  if (key === undefined || !accepted.has(key)) {
    throw new ApiError(401, 'authentication_failed', 'Invalid or expired API key. Verify your x-api-key header.')
  }
}
