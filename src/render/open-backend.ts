import type { ProjectZip } from '../project/zip.js'
import type { RenderBackend } from './backend.js'
import type { PollPolicy, RenderLog } from './scheduler.js'

/** A backend ready to take jobs, plus what the pipeline reports about it. */
export interface OpenedBackend {
  backend: RenderBackend
  /** The uploaded project's id, for backends that upload it. */
  assetId?: string
  poll?: PollPolicy
  /** Shown in the summary's settings line. */
  label: string
  /** A line for the log once the renders are done. */
  stats(): string | undefined
  /** Releases connections, stops anything still running and removes what the backend made. */
  close(): Promise<void>
}

/** What any backend may need to get ready. The zip stays the package stage's: read it, never remove it. */
export interface BackendSetup {
  zip: ProjectZip
  /** The project folder the zip was made from. */
  projectDir: string
  concurrency: number
  jobCount: number
  /** Set when the inputs ask for webhooks. */
  callbacks: boolean
  /** The render service's address and key; only a backend that calls a service reads them. */
  service: { url: URL; apiKey: string; requestTimeoutMs: number }
  /** A backend that installs tools may keep them between jobs (the Actions cache on a runner). */
  cacheTools: boolean
}

export interface OpenContext {
  signal: AbortSignal
  log: RenderLog
  warning: (line: string) => void
  /** The clock and the timer of every retry and wait inside the backend: tests pass their own. */
  now?: () => number
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
}

/** How a backend is opened; one per entry in src/backends.ts. */
export type OpenBackend = (setup: BackendSetup, ctx: OpenContext) => Promise<OpenedBackend>

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`
}
