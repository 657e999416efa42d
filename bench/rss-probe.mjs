// Preloaded with `node --import <this file> …` by the benchmark: when the process exits, it
// writes its peak resident set size and CPU time to $BENCH_PROBE_OUT. Nothing else changes.
import { writeFileSync } from 'node:fs'

const out = process.env.BENCH_PROBE_OUT
if (out) {
  process.on('exit', () => {
    const usage = process.resourceUsage()
    writeFileSync(out, JSON.stringify({ maxRssKb: usage.maxRSS, cpuUs: usage.userCPUTime + usage.systemCPUTime }))
  })
}
