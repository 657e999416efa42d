import type { RenderEngine } from './engine.js'
import type { FaultRule } from './faults.js'
import type { CreateRenderBody } from './validate.js'

export interface EmulatorOptions {
  /** Default 0 (ephemeral). */
  port?: number
  /** Default '127.0.0.1'. */
  host?: string
  /** Accepted x-api-key / Bearer values; default ['emulator-key']. */
  apiKeys?: string[]
  /** Simulated time in 'rendering'; default 300. */
  renderMs?: number
  /** ± random jitter on renderMs (seeded); default 0. */
  renderJitterMs?: number
  /** Time spent 'queued' before a render may take a slot; default 50. */
  queueMs?: number
  /** Account concurrency: renders beyond this stay 'queued' until a slot frees; default 10, as on pay-as-you-go plans. */
  maxConcurrentRenders?: number
  /** Lifetime of presigned upload/video/thumbnail URLs; default 300. 0 issues already-expired URLs. */
  urlTtlSeconds?: number
  /**
   * 0..1 (seeded): how often the first complete after a good PUT answers 409 "uploaded object not
   * found yet", as storage that has not caught up does. Default 0.
   */
  completeRaceProbability?: number
  /** Added to every /v3 API response; default 0. */
  latencyMs?: number
  faults?: FaultRule[]
  /** Return a failure_message to make that render end 'failed'. */
  failRender?: (req: CreateRenderBody) => string | undefined
  /** The render stays 'rendering' forever (and keeps its concurrency slot). */
  neverFinish?: (req: CreateRenderBody) => boolean
  /** Default: the fast H.264 engine. */
  engine?: RenderEngine
  /** Seeds the PRNG behind fault probabilities and render jitter. */
  seed?: number
  /**
   * Seconds the API's clock runs ahead of the client's (negative: behind), applied to created_at
   * and completed_at, as a server with a skewed clock would report them. Default 0.
   */
  clockSkewSeconds?: number
  /** Default: silent. */
  log?: (line: string) => void
  /** Other clients sharing the account: their renders show in the list only. */
  otherClients?: OtherClients
}

/**
 * Renders of other clients on the same account, for a busy account's list. They take no render
 * slot and never finish: what matters is where they sit in the newest-first list.
 */
export interface OtherClients {
  /** Completed renders created before the emulator started (an hour earlier and older). */
  olderRenders?: number
  /** Renders another client creates per second while the emulator runs. */
  rendersPerSecond?: number
  /** Right after `creates` renders were created through the API, another job creates `count` at once. */
  burst?: { creates: number; count: number }
}

export interface ResolvedOptions {
  port: number
  host: string
  apiKeys: ReadonlySet<string>
  renderMs: number
  renderJitterMs: number
  queueMs: number
  maxConcurrentRenders: number
  urlTtlSeconds: number
  completeRaceProbability: number
  latencyMs: number
  failRender: (req: CreateRenderBody) => string | undefined
  neverFinish: (req: CreateRenderBody) => boolean
  clockSkewSeconds: number
  log: (line: string) => void
  otherClients: OtherClients
}

export function resolveOptions(options: EmulatorOptions): ResolvedOptions {
  return {
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    apiKeys: new Set(options.apiKeys ?? ['emulator-key']),
    renderMs: nonNegative(options.renderMs, 300, 'renderMs'),
    renderJitterMs: nonNegative(options.renderJitterMs, 0, 'renderJitterMs'),
    queueMs: nonNegative(options.queueMs, 50, 'queueMs'),
    maxConcurrentRenders: Math.max(1, Math.floor(options.maxConcurrentRenders ?? 10)),
    urlTtlSeconds: nonNegative(options.urlTtlSeconds, 300, 'urlTtlSeconds'),
    completeRaceProbability: probability(options.completeRaceProbability, 'completeRaceProbability'),
    latencyMs: nonNegative(options.latencyMs, 0, 'latencyMs'),
    failRender: options.failRender ?? (() => undefined),
    neverFinish: options.neverFinish ?? (() => false),
    clockSkewSeconds: Number.isFinite(options.clockSkewSeconds) ? Math.round(options.clockSkewSeconds as number) : 0,
    log: options.log ?? (() => undefined),
    otherClients: options.otherClients ?? {}
  }
}

function nonNegative(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`EmulatorOptions.${name} must be a non-negative number, got ${value}`)
  return value
}

function probability(value: number | undefined, name: string): number {
  if (value === undefined) return 0
  if (!Number.isFinite(value) || value < 0 || value > 1) throw new RangeError(`EmulatorOptions.${name} must be from 0 to 1, got ${value}`)
  return value
}
