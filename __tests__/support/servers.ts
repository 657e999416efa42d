import { rmSync } from 'node:fs'
import type { Emulator, EmulatorOptions } from '../../emulator/index.js'
import { makeWorkspace } from './action-runner.js'
import { startArtifactServer, type ArtifactServer, type ArtifactServerOptions } from './artifact-server.js'
import { startGitHubServer, type GitHubServer } from './github-server.js'
import { startTestEmulator } from './with-emulator.js'

/** What a test file asks for: each server is started only when named. */
export interface ServerNeeds {
  /** Options over the test defaults (with-emulator.ts) plus quick renders. */
  emulator?: EmulatorOptions
  github?: { token?: string; repository?: string }
  artifacts?: ArtifactServerOptions
  /** The fixture copied into the workspace, and where (makeWorkspace). */
  fixture?: string
  into?: string
}

/** The servers and the workspace one test file shares; read them inside tests, not at load time. */
export interface Servers {
  readonly emulator: Emulator
  readonly github: GitHubServer
  readonly artifacts: ArtifactServer
  readonly workspace: string
}

/**
 * The shared end-to-end fixture: the emulator, the GitHub stand-in and the artifact service on
 * loopback, and a workspace, started once per test file and stopped after it, whatever the tests
 * did. Before each test the emulator's and GitHub's request logs are emptied, so every test counts
 * only its own requests.
 */
export function useServers(needs: ServerNeeds): Servers {
  const held: { emulator?: Emulator; github?: GitHubServer; artifacts?: ArtifactServer; workspace?: string } = {}
  const need = <T>(value: T | undefined, what: keyof ServerNeeds): T => {
    if (value === undefined) throw new Error(`useServers: this file did not ask for ${what}, or a test read it outside a test.`)
    return value
  }

  beforeAll(async () => {
    const [emulator, github, artifacts] = await Promise.all([
      needs.emulator ? startTestEmulator({ renderMs: 50, queueMs: 10, ...needs.emulator }) : undefined,
      needs.github ? startGitHubServer(needs.github) : undefined,
      needs.artifacts ? startArtifactServer(needs.artifacts) : undefined
    ])
    Object.assign(held, { emulator, github, artifacts, workspace: makeWorkspace(needs.fixture, needs.into) })
  })
  beforeEach(() => {
    held.emulator?.resetStats()
    held.github?.resetRequests()
  })
  afterAll(async () => {
    await Promise.all([held.emulator?.close(), held.github?.close(), held.artifacts?.close()])
    if (held.workspace) rmSync(held.workspace, { recursive: true, force: true })
  })

  return {
    get emulator() {
      return need(held.emulator, 'emulator')
    },
    get github() {
      return need(held.github, 'github')
    },
    get artifacts() {
      return need(held.artifacts, 'artifacts')
    },
    get workspace() {
      return need(held.workspace, 'fixture')
    }
  }
}
