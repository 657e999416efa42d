// Puts the table of a results file into the README, between the bench markers:
//   npx tsx bench/readme.ts [bench/results/latest.json]    (npm run bench -- --readme does it too)
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { REPO_ROOT } from './paths.js'
import { renderReport, type BenchReport } from './report.js'

const START = '<!-- bench:start -->'
const END = '<!-- bench:end -->'

export function updateReadme(report: BenchReport, readme = path.join(REPO_ROOT, 'README.md')): void {
  const text = readFileSync(readme, 'utf8')
  const from = text.indexOf(START)
  const to = text.indexOf(END)
  if (from < 0 || to < from) throw new Error(`${readme} has no ${START} … ${END} section`)
  writeFileSync(readme, `${text.slice(0, from + START.length)}\n${renderReport(report)}\n${text.slice(to)}`)
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = process.argv[2] ?? path.join(REPO_ROOT, 'bench', 'results', 'latest.json')
  updateReadme(JSON.parse(readFileSync(file, 'utf8')) as BenchReport)
  process.stderr.write(`README.md now shows ${path.relative(process.cwd(), file)}\n`)
}
