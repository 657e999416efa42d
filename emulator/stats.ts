/** Counters the tests and the benchmark assert on instead of timings. */
export interface RequestRecord {
  method: string
  /** Route label, the same labels FaultRule.route uses ('unknown' for unmatched paths). */
  route: string
  path: string
  /** 0 until answered; stays 0 for resets and hangs. */
  status: number
  idempotencyKey?: string
  hadApiKey: boolean
  /** Epoch ms (sub-millisecond) when the request arrived, and when its answer finished: the benchmark's clock. */
  receivedAt: number
  answeredAt?: number
}

export interface EmulatorStats {
  requests: RequestRecord[]
  byRoute: Record<string, number>
  /** New direct uploads (idempotent replays excluded). */
  assetsCreated: number
  /** Body bytes received on PUT upload. */
  bytesUploaded: number
  /** New renders (idempotent replays excluded). */
  rendersCreated: number
  /** Idempotent replays served. */
  replays: number
  /** Video/thumbnail GETs answered 2xx in full. */
  downloads: number
  /** Video/thumbnail body bytes written, including cut-off (truncated) bodies. */
  downloadBytes: number
}

export function createStats(): EmulatorStats {
  return { requests: [], byRoute: {}, assetsCreated: 0, bytesUploaded: 0, rendersCreated: 0, replays: 0, downloads: 0, downloadBytes: 0 }
}

/** Clears in place, so a reference held by a test stays live. */
export function resetStats(stats: EmulatorStats): void {
  Object.assign(stats, createStats())
}
