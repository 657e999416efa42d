// The status watcher on a shared account: ten renders in flight while other clients' renders fill
// the newest-first list around them. Counts GETs per render and list calls, and how long after each
// render ended its first GET came, both read off the emulator's own request log.
import { rmSync } from 'node:fs'
import { startEmulator, type EmulatorOptions, type OtherClients } from '../emulator/index.js'
import { runActionOnce } from './action-run.js'
import { ROUTES } from './measure.js'
import { exampleWorkspace, matrixEntries } from './projects.js'

export interface BusyRow {
  scenario: string
  renders: number
  /** GET /v3/hyperframes/renders/:id per render of ours: the most any render took, and the mean. */
  getsMax: number
  getsMean: number
  lists: number
  /** Render ended → its first GET, the slowest of the renders (ms, the emulator's clock). */
  noticedMaxMs: number
}

export const BUSY_SCENARIOS: Array<{ scenario: string; otherClients: OtherClients }> = [
  { scenario: '2,000 older renders', otherClients: { olderRenders: 2000 } },
  { scenario: 'another client creating 15 renders/s', otherClients: { rendersPerSecond: 15 } },
  { scenario: 'a burst of 25 renders by another job just after ours', otherClients: { burst: { creates: 10, count: 25 } } }
]

export async function runBusyAccounts(opts: { apiKey: string; baseOptions: EmulatorOptions; sha: (label: string) => string; log: (line: string) => void }): Promise<BusyRow[]> {
  const n = 10
  const rows: BusyRow[] = []
  for (const { scenario, otherClients } of BUSY_SCENARIOS) {
    opts.log(`busy account: ${scenario}`)
    const emulator = await startEmulator({ ...opts.baseOptions, maxConcurrentRenders: n, otherClients })
    const workspace = exampleWorkspace()
    try {
      const matrix = JSON.stringify(matrixEntries(n))
      const run = await runActionOnce({ emulator, apiKey: opts.apiKey, workspace, sha: opts.sha(`busy-${scenario}`), inputs: { matrix, name: 'entry-{index}', concurrency: String(n) }, probe: false })
      const done = run.results.filter((r) => r.status === 'completed')
      if (run.code !== 0 || done.length !== n) throw new Error(`busy account (${scenario}): the action exited ${run.code} with ${done.length}/${n} renders completed.\n${run.stdout.slice(-3000)}`)
      const requests = emulator.stats.requests
      const ended = new Map(emulator.renders().map((r) => [r.render_id, r.completedAtMs]))
      const gets: number[] = []
      let noticedMaxMs = 0
      for (const r of done) {
        const id = r.render_id as string
        const mine = requests.filter((q) => q.route === ROUTES.status && q.path.endsWith(`/${id}`))
        gets.push(mine.length)
        const endedAt = ended.get(id)
        const noticed = endedAt === undefined ? undefined : mine.find((q) => q.receivedAt >= endedAt)
        noticedMaxMs = Math.max(noticedMaxMs, noticed && endedAt !== undefined ? noticed.receivedAt - endedAt : Number.POSITIVE_INFINITY)
      }
      const row = {
        scenario,
        renders: n,
        getsMax: Math.max(...gets),
        getsMean: gets.reduce((a, b) => a + b, 0) / n,
        lists: requests.filter((q) => q.route === ROUTES.list).length,
        noticedMaxMs: Math.round(noticedMaxMs)
      }
      opts.log(`  GETs per render: at most ${row.getsMax} (mean ${row.getsMean.toFixed(1)}), ${row.lists} list calls, completions noticed within ${row.noticedMaxMs} ms`)
      rows.push(row)
    } finally {
      rmSync(workspace, { recursive: true, force: true })
      await emulator.close()
    }
  }
  return rows
}

export function renderBusy(rows: BusyRow[]): string {
  const lines = ['| busy account, 10 renders in flight | GETs per render (most · mean) | list calls | completion noticed within |', '|---|---:|---:|---:|']
  for (const b of rows) lines.push(`| ${b.scenario} | ${b.getsMax} · ${b.getsMean.toFixed(1)} | ${b.lists} | ${(b.noticedMaxMs / 1000).toFixed(1)} s |`)
  return lines.join('\n')
}
