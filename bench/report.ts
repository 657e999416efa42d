// The benchmark's results: the JSON shape written to bench/results/latest.json, and the one
// Markdown table printed (and pasted into the README).
import { renderBusy, type BusyRow } from './busy.js'
import type { Calls } from './measure.js'

export interface ActionRow {
  n: number
  wallMs: number
  /** ceil(N / concurrency) × (render + queue time) + transferMs. */
  idealMs: number
  transferMs: number
  calls: Calls
  /** From the action's "Status checks" log line. */
  watcher?: { ticks: number; listed: number; renderTicks: number }
  peakRssMb?: number
  cpuMs?: number
  firstRequestMs?: number
}

export interface Timing {
  wallMs: number
  /** false: extrapolated, see note. */
  measured: boolean
  processes?: number
  note?: string
  /** Calls that failed (the CLI retries no upload and no poll), with what one of them printed. */
  failed?: number
  failure?: string
}

export interface CliRow {
  n: number
  sequential?: Timing
  parallel?: Timing
  /** Of the first measured run at this N. */
  calls?: Calls
  /** Peak RSS of each CLI process measured at this N (MB). */
  callRssMb?: number[]
  /** CPU time of all calls of one measured run. */
  cpuMs?: number
}

export interface Target {
  name: string
  target: string
  value: string
  met: boolean
}

export interface BenchReport {
  generatedAt: string
  durationS: number
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string; loadAverage: { start: number[]; end: number[] } }
  settings: { renderMs: number; jitterMs: number; queueMs: number; concurrency: number; accountConcurrency: number; cliVersion: string; cliPollSeconds: number; project: string }
  action: ActionRow[]
  startup: { samplesMs: number[]; medianMs: number; minMs: number }
  heavy?: { projectBytes: number; files: number; zipBytes: number; zipMs: number; wallMs: number; peakRssMb: number }
  cli: CliRow[]
  /** The status watcher among other clients' renders (bench/busy.ts). */
  busy?: BusyRow[]
  targets: Target[]
}

export function seconds(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  const s = Math.round(ms / 1000)
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`
}

function bytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1048576) return `${(n / 1024).toFixed(1)} KB`
  return `${(n / 1048576).toFixed(1)} MB`
}

/** "6.02 = 0.02 up + 1 create + 1.0 status + 0.3 list" per render. */
function perRender(calls: Calls | undefined, n: number): string {
  if (!calls) return '–'
  const f = (x: number): string => {
    const v = x / n
    return Number.isInteger(v) ? String(v) : v < 0.1 ? v.toFixed(3) : v.toFixed(2)
  }
  return `${f(calls.api)} (${f(calls.uploads)} · ${f(calls.creates)} · ${f(calls.status)} · ${f(calls.list)})`
}

function timing(t: Timing | undefined, ideal: number | undefined): string {
  if (!t) return '–'
  const ratio = ideal ? ` (×${(t.wallMs / ideal).toFixed(1)})` : ''
  const failed = t.failed ? `, ${t.failed} failed †` : ''
  return t.measured ? `${seconds(t.wallMs)}${ratio}${t.processes && t.note ? ` ‡` : ''}${failed}` : `~${seconds(t.wallMs)}${ratio} est.`
}

function rssSpread(values: number[] | undefined): string {
  if (!values || values.length === 0) return '–'
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted[Math.floor(sorted.length / 2)]
  const max = sorted[sorted.length - 1]
  return max > mid * 1.1 ? `${mid} MB (max ${max})` : `${mid} MB`
}

export function renderReport(r: BenchReport): string {
  const s = r.settings
  const lines: string[] = []
  lines.push(
    `Emulator: render ${seconds(s.renderMs)} ± ${seconds(s.jitterMs)} (+${s.queueMs} ms queued), ${s.accountConcurrency} renders at once per account; action concurrency ${s.concurrency}; ` +
      `project ${s.project}; ${r.machine.cpus} CPUs (${r.machine.cpuModel.trim()}), load ${r.machine.loadAverage.start[0]} → ${r.machine.loadAverage.end[0]}; ${r.generatedAt.slice(0, 16).replace('T', ' ')} UTC.`
  )
  lines.push('')
  lines.push(
    '| renders | ideal | action wall (×ideal) | action API calls / render (upload · create · status · list) | action bytes uploaded | action peak RSS | CLI one call after another | CLI calls in parallel | CLI API calls / render | CLI bytes uploaded | CLI peak RSS per call (median, max) |'
  )
  lines.push('|---:|---:|---:|---|---:|---:|---:|---:|---|---:|---:|')
  const ns = [...new Set([...r.action.map((a) => a.n), ...r.cli.map((c) => c.n)])].sort((a, b) => a - b)
  for (const n of ns) {
    const a = r.action.find((x) => x.n === n)
    const c = r.cli.find((x) => x.n === n)
    lines.push(
      `| ${n} | ${a ? seconds(a.idealMs) : '–'} | ${a ? `${seconds(a.wallMs)} (×${(a.wallMs / a.idealMs).toFixed(2)})` : '–'} | ${perRender(a?.calls, n)} | ${a ? bytes(a.calls.bytesUploaded) : '–'} | ${a?.peakRssMb ? `${a.peakRssMb.toFixed(0)} MB` : '–'} | ` +
        `${timing(c?.sequential, a?.idealMs)} | ${timing(c?.parallel, a?.idealMs)} | ${perRender(c?.calls, n)} | ${c?.calls ? bytes(c.calls.bytesUploaded) : '–'} | ${rssSpread(c?.callRssMb)} |`
    )
  }
  lines.push('')
  lines.push(`Start-up, spawn → first API request: median ${r.startup.medianMs} ms, fastest ${r.startup.minMs} ms (${r.startup.samplesMs.length} runs).`)
  if (r.heavy) {
    const h = r.heavy
    lines.push(
      `Heavy project, ${bytes(h.projectBytes)} in ${h.files} files: zipped in ${seconds(h.zipMs)} to ${bytes(h.zipBytes)}, whole run ${seconds(h.wallMs)}, action peak RSS ${h.peakRssMb.toFixed(0)} MB.`
    )
  }
  const notes = r.cli.flatMap((c) => [c.sequential, c.parallel]).filter((t): t is Timing => Boolean(t?.note))
  for (const note of new Set(notes.map((t) => `${t.measured ? '‡' : 'est.'} ${t.note}`))) lines.push(`${note}.`)
  for (const c of r.cli) {
    for (const t of [c.sequential, c.parallel]) if (t?.failed) lines.push(`† ${t.failed} of ${c.n} CLI calls failed and were not retried by the CLI; one printed: "${t.failure?.trim()}".`)
  }
  if (r.busy) {
    lines.push('')
    lines.push(renderBusy(r.busy))
  }
  lines.push('')
  lines.push('| target | goal | measured | met |')
  lines.push('|---|---|---|:-:|')
  for (const t of r.targets) lines.push(`| ${t.name} | ${t.target} | ${t.value} | ${t.met ? 'yes' : '**no**'} |`)
  return lines.join('\n')
}
