/**
 * Maps method + path to a route label. Labels are what FaultRule.route and EmulatorStats.byRoute
 * use, so they are part of the emulator's public surface.
 */
export type RouteName =
  | 'POST /v3/assets/direct-uploads'
  | 'POST /v3/assets/:id/complete'
  | 'POST /v3/hyperframes/renders'
  | 'GET /v3/hyperframes/renders'
  | 'GET /v3/hyperframes/renders/:id'
  | 'DELETE /v3/hyperframes/renders/:id'
  | 'PUT upload'
  | 'GET video'
  | 'GET thumbnail'

export type RouteMatch =
  | { kind: 'route'; name: RouteName; id?: string }
  /** A known path with an unsupported method. */
  | { kind: 'method_not_allowed'; allow: string }
  | { kind: 'unknown' }

const PATTERNS: Array<{ path: RegExp; methods: Partial<Record<string, RouteName>> }> = [
  { path: /^\/v3\/assets\/direct-uploads$/, methods: { POST: 'POST /v3/assets/direct-uploads' } },
  { path: /^\/v3\/assets\/([^/]+)\/complete$/, methods: { POST: 'POST /v3/assets/:id/complete' } },
  { path: /^\/v3\/hyperframes\/renders$/, methods: { POST: 'POST /v3/hyperframes/renders', GET: 'GET /v3/hyperframes/renders' } },
  { path: /^\/v3\/hyperframes\/renders\/([^/]+)$/, methods: { GET: 'GET /v3/hyperframes/renders/:id', DELETE: 'DELETE /v3/hyperframes/renders/:id' } },
  { path: /^\/_storage\/uploads\/([0-9a-f]+)$/, methods: { PUT: 'PUT upload' } },
  { path: /^\/_storage\/videos\/([0-9a-f]+\.(?:mp4|webm|mov))$/, methods: { GET: 'GET video' } },
  { path: /^\/_storage\/thumbnails\/([0-9a-f]+\.png)$/, methods: { GET: 'GET thumbnail' } }
]

export function matchRoute(method: string, pathname: string): RouteMatch {
  for (const pattern of PATTERNS) {
    const match = pattern.path.exec(pathname)
    if (!match) continue
    const name = pattern.methods[method]
    if (!name) {
      return { kind: 'method_not_allowed', allow: Object.keys(pattern.methods).join(', ') }
    }
    const id = match[1] === undefined ? undefined : safeDecode(match[1])
    return id === undefined ? { kind: 'route', name } : { kind: 'route', name, id }
  }
  return { kind: 'unknown' }
}

export function isStorageRoute(name: RouteName): boolean {
  return name === 'PUT upload' || name === 'GET video' || name === 'GET thumbnail'
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}
