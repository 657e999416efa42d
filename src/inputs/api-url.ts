import { InputError } from './input-error.js'

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]', '::1'])

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127(\.\d{1,3}){3}$/.test(hostname)
}

/**
 * The API key travels to this origin, so it must be https. Plain http is allowed only on loopback,
 * where the bundled emulator runs.
 */
export function parseApiUrl(raw: string): URL {
  let url: URL
  try {
    url = new URL(raw.trim())
  } catch {
    throw new InputError('api-url', `'${raw.trim()}' is not a URL; expected e.g. https://api.heygen.com.`)
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new InputError('api-url', `${url.origin} is not https; the API key may only be sent over https (plain http is allowed on loopback only).`)
  }
  if (url.username || url.password) throw new InputError('api-url', 'must not contain credentials; pass the key through api-key.')
  if (url.search || url.hash) throw new InputError('api-url', 'must be a base URL without query or fragment.')
  return url
}
