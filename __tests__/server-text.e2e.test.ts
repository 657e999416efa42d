import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import path from 'node:path'
import type { Emulator } from '../emulator/index.js'
import { SHA_A, makeWorkspace, runAction, type ActionRun } from './support/action-runner.js'
import { startGitHubServer, type GitHubServer } from './support/github-server.js'
import { distinctEngine } from './support/video-engines.js'
import { startTestEmulator } from './support/with-emulator.js'

// A hostile (or careless) server: it quotes the API key back in an error, and a render's
// failure_message quotes it too, along with workflow commands. dist/index.js runs on a pull
// request with a PR comment, and every byte it wrote or sent is searched for the secrets.

const CANARY_KEY = 'sk-canary-7f3a9c2e41b8d6e0'
const CANARY_TOKEN = 'ghs_canary_5d1e0b7a93c4'
const FORGED = ['\n::warning::forged', '\n::set-output name=videos::["/etc/passwd"]', '\n  ::stop-commands::x', '\n##[set-output name=failed;]0']

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((rel) => path.join(dir, rel))
    .filter((file) => statSync(file).isFile())
}

describe('text a server supplies', () => {
  let emulator: Emulator
  let github: GitHubServer
  let workspace: string
  let run: ActionRun

  beforeAll(async () => {
    emulator = await startTestEmulator({
      apiKeys: [CANARY_KEY],
      renderMs: 60,
      queueMs: 10,
      engine: distinctEngine,
      // The first create (entry One, with concurrency 1) is refused with the key in the message.
      faults: [{ route: 'POST /v3/hyperframes/renders', status: 400, code: 'invalid_parameter', message: `API key ${CANARY_KEY} may not render this project`, times: 1 }],
      failRender: (req) => (req.variables?.title === 'Two' ? `renderer crashed for key ${CANARY_KEY} (token ${CANARY_TOKEN})${FORGED.join('')}` : undefined)
    })
    github = await startGitHubServer({ token: CANARY_TOKEN })
    workspace = makeWorkspace()
    run = await runAction({
      workspace,
      sha: 'd'.repeat(40),
      eventName: 'pull_request',
      event: {
        number: 7,
        pull_request: {
          number: 7,
          state: 'open',
          head: { sha: SHA_A, ref: 'feature', repo: { full_name: 'octo/videos', fork: false } },
          base: { sha: 'f'.repeat(40), ref: 'main', repo: { full_name: 'octo/videos' } }
        },
        repository: { full_name: 'octo/videos', name: 'videos', owner: { login: 'octo' } }
      },
      github: { apiUrl: github.url, token: CANARY_TOKEN },
      inputs: {
        'api-key': CANARY_KEY,
        'api-url': emulator.url,
        path: 'project',
        matrix: JSON.stringify([{ title: 'One' }, { title: 'Two' }, { title: 'Three' }]),
        name: '{title}',
        concurrency: '1',
        comment: 'true',
        artifact: 'none'
      }
    })
  }, 60_000)
  afterAll(async () => {
    await emulator.close()
    await github.close()
    rmSync(workspace, { recursive: true, force: true })
    if (run) rmSync(run.stateDir, { recursive: true, force: true })
  })

  it('ran the scenario: a refused create, a failed render, a finished one, and a PR comment', () => {
    expect(run.results.map((r) => r.status)).toEqual(['error', 'failed', 'completed'])
    expect(run.results[0].failure_message).toContain('may not render this project')
    expect(run.results[1].failure_message).toContain('renderer crashed for key ***')
    expect(github.comments(7)).toHaveLength(1)
    expect(run.code).toBe(1)
  })

  it('publishes neither the api-key nor the github-token anywhere', () => {
    const places: Array<[string, string]> = [
      // The runner masks what follows ::add-mask::, so that one line must carry the secret.
      [
        'stdout',
        run.stdout
          .split('\n')
          .filter((line) => !line.startsWith('::add-mask::'))
          .join('\n')
      ],
      ['stderr', run.stderr],
      [
        'comment',
        github
          .comments(7)
          .map((c) => c.body)
          .join('\n')
      ],
      ...github.requests.map((r): [string, string] => [`GitHub request ${r.method} ${r.path}`, r.body.toString('latin1')]),
      ...[...filesUnder(workspace), ...filesUnder(run.stateDir)].map((file): [string, string] => [file, readFileSync(file).toString('latin1')])
    ]
    // The search covers the outputs, the summary and the comment's request body.
    expect(places.map(([where]) => where)).toEqual(expect.arrayContaining([path.join(run.stateDir, 'output'), path.join(run.stateDir, 'summary')]))
    expect(github.requests.some((r) => r.method === 'POST' && r.body.length > 0)).toBe(true)
    const leaks = places.filter(([, text]) => text.includes(CANARY_KEY) || text.includes(CANARY_TOKEN)).map(([where]) => where)
    expect(leaks).toEqual([])
    expect(run.stdout).toContain(`::add-mask::${CANARY_KEY}`)
  })

  it('lets no server text act as a workflow command', () => {
    const commands = run.stdout.split('\n').map((line) => line.trimStart())
    const forged = commands.filter((line) => /^::(warning::forged|set-output|stop-commands)/.test(line) || line.startsWith('##['))
    expect(forged).toEqual([])
    // The message is still shown, with its commands broken rather than dropped.
    expect(run.stdout).toContain('warning:\u200b:forged')
    expect(JSON.parse(run.outputs.videos)).toEqual(['renders/Three.mp4'])
  })
})
