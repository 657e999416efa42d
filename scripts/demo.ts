// The quickstart's main job: runs the bundled action (dist/index.js) the way a GitHub runner
// does, against the local HeyGen emulator, on examples/hello-world with a three-entry matrix.
import { spawn, execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { selectEngine, startEmulator } from '../emulator/index.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const out = path.join(root, 'demo-out')
rmSync(out, { recursive: true, force: true })
mkdirSync(path.join(out, 'tmp'), { recursive: true })
const files = { output: path.join(out, 'outputs.txt'), summary: path.join(out, 'summary.md'), event: path.join(out, 'event.json') }
writeFileSync(files.output, '')
writeFileSync(files.summary, '')
writeFileSync(files.event, '{}')

let sha = '0'.repeat(40)
try {
  sha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim()
} catch {
  // Not a git checkout: any fixed SHA keeps the idempotency keys stable.
}

const apiKey = 'demo-key'
// The real HyperFrames renderer when Chrome, ffmpeg and Node >= 22 are installed, else the fast engine.
const { engine, notice } = await selectEngine('auto', { log: (line) => console.log(`  [emulator] ${line}`) })
if (notice) console.log(notice)
const emulator = await startEmulator({ apiKeys: [apiKey], renderMs: 800, renderJitterMs: 300, engine })
console.log(`HeyGen emulator on ${emulator.url} (engine: ${engine.name})`)

const env: Record<string, string> = {
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '',
  GITHUB_ACTIONS: 'true',
  GITHUB_WORKSPACE: root,
  GITHUB_SHA: sha,
  GITHUB_REPOSITORY: 'example/hyperframes-demo',
  GITHUB_RUN_ID: String(Date.now()),
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_EVENT_NAME: 'workflow_dispatch',
  GITHUB_EVENT_PATH: files.event,
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_OUTPUT: files.output,
  GITHUB_STEP_SUMMARY: files.summary,
  RUNNER_TEMP: path.join(out, 'tmp'),
  'INPUT_API-KEY': apiKey,
  'INPUT_API-URL': emulator.url,
  INPUT_PATH: 'examples/hello-world',
  'INPUT_MATRIX-FILE': 'examples/hello-world/matrix.yml',
  INPUT_NAME: 'hello-{locale}',
  INPUT_QUALITY: 'draft',
  'INPUT_OUTPUT-DIR': 'demo-out/renders'
}

const started = Date.now()
const code = await new Promise<number | null>((resolve) => {
  const child = spawn(process.execPath, [path.join(root, 'dist', 'index.js')], { cwd: root, env, stdio: 'inherit' })
  child.on('close', resolve)
})
const seconds = (Date.now() - started) / 1000
await emulator.close()

console.log('\n── results ──')
console.log(`engine:   ${engine.name === 'hyperframes' ? 'hyperframes (the real renderer: Chrome + ffmpeg)' : 'fast (flat-colour test videos)'}; the action's step took ${seconds.toFixed(1)} s`)
console.log(`videos:   ${path.relative(process.cwd(), path.join(out, 'renders'))}/`)
console.log(`summary:  ${path.relative(process.cwd(), files.summary)}`)
console.log(`outputs:  ${path.relative(process.cwd(), files.output)}`)
const results = readFileSync(files.output, 'utf8')
const match = /results<<(.+)\n([\s\S]*?)\n\1/.exec(results)
if (match) {
  for (const r of JSON.parse(match[2]) as Array<{ name: string; status: string; video_path: string | null }>) {
    console.log(`  ${r.name}: ${r.status}${r.video_path ? ` → ${r.video_path}` : ''}`)
  }
}
process.exit(code ?? 1)
