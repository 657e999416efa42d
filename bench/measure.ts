// What the benchmark reads off a run: the emulator's request log (counts, bytes, timings) and the
// RSS probe's file.
import { existsSync, readFileSync, rmSync } from 'node:fs'
import type { EmulatorStats } from '../emulator/index.js'

export const ROUTES = {
  uploadCreate: 'POST /v3/assets/direct-uploads',
  uploadPut: 'PUT upload',
  uploadComplete: 'POST /v3/assets/:id/complete',
  create: 'POST /v3/hyperframes/renders',
  status: 'GET /v3/hyperframes/renders/:id',
  list: 'GET /v3/hyperframes/renders',
  video: 'GET video'
} as const

export interface Calls {
  /** The three upload calls (create, PUT, complete), retries included. */
  uploads: number
  creates: number
  status: number
  list: number
  /** API calls: uploads + creates + status + list (video downloads go to storage, not the API). */
  api: number
  downloads: number
  bytesUploaded: number
}

export function callsOf(stats: EmulatorStats): Calls {
  const n = (route: string): number => stats.byRoute[route] ?? 0
  const uploads = n(ROUTES.uploadCreate) + n(ROUTES.uploadPut) + n(ROUTES.uploadComplete)
  const creates = n(ROUTES.create)
  const status = n(ROUTES.status)
  const list = n(ROUTES.list)
  return { uploads, creates, status, list, api: uploads + creates + status + list, downloads: n(ROUTES.video), bytesUploaded: stats.bytesUploaded }
}

/**
 * Time spent moving bytes that no client can avoid: the zip's upload (create → complete) and one
 * video download (the last one cannot overlap a render). Median download, from the request log.
 */
export function transferMs(stats: EmulatorStats): number {
  const records = stats.requests
  const firstCreate = records.find((r) => r.route === ROUTES.uploadCreate)
  const completes = records.filter((r) => r.route === ROUTES.uploadComplete && r.answeredAt !== undefined)
  const upload = firstCreate && completes.length > 0 ? (completes[completes.length - 1].answeredAt as number) - firstCreate.receivedAt : 0
  const downloads = records
    .filter((r) => r.route === ROUTES.video && r.answeredAt !== undefined)
    .map((r) => (r.answeredAt as number) - r.receivedAt)
    .sort((a, b) => a - b)
  return upload + (downloads.length > 0 ? downloads[Math.floor(downloads.length / 2)] : 0)
}

export function firstRequestAt(stats: EmulatorStats): number | undefined {
  return stats.requests.length > 0 ? Math.min(...stats.requests.map((r) => r.receivedAt)) : undefined
}

export interface ProbeReading {
  peakRssMb: number
  cpuMs: number
}

/** Reads (and removes) what bench/rss-probe.mjs wrote when the process exited. */
export function readProbe(file: string): ProbeReading | undefined {
  if (!existsSync(file)) return undefined
  const raw = JSON.parse(readFileSync(file, 'utf8')) as { maxRssKb: number; cpuUs: number }
  rmSync(file, { force: true })
  return { peakRssMb: raw.maxRssKb / 1024, cpuMs: raw.cpuUs / 1000 }
}

/** Epoch milliseconds on the same clock as the emulator's request log. */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now()
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}
