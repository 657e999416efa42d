import { openHeygenBackend } from './heygen/open.js'
import { openLocalBackend } from './local/open.js'
import type { OpenBackend } from './render/open-backend.js'

/**
 * Every backend the `backend` input accepts, by name. A new backend is a folder of its own (its
 * RenderBackend and an OpenBackend) plus one line here. The only file outside a backend's folder
 * that imports it.
 */
export const BACKEND_REGISTRY = {
  heygen: openHeygenBackend,
  local: openLocalBackend
} satisfies Record<string, OpenBackend>
