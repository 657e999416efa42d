import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { actionsCacheStore, asDebugLines, rendererCacheKey, rendererInstallCache, type RendererCacheStore } from '../src/local/renderer-cache.js'
import { ensureHyperframesCli } from '../src/local/hyperframes-cli.js'
import { startCacheServer, type CacheServer } from './support/cache-server.js'

// The renderer cache through its store interface: a folder-backed store stands in for the Actions
// cache (the same calls, restore before installing and save after), and failing stores show that
// the cache can only ever save time. npm is a stand-in script on PATH that counts installs and
// lays out node_modules/hyperframes as the real package does, so no 116 MB download runs here.

const VERSION = '0.8.170'

let root: string
let npmLog: string
let savedPath: string | undefined

beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'hf-renderer-cache-'))
  const bin = path.join(root, 'bin')
  mkdirSync(bin)
  npmLog = path.join(root, 'npm.log')
  writeFileSync(npmLog, '')
  const npm = path.join(bin, 'npm')
  writeFileSync(
    npm,
    [
      '#!/bin/sh',
      `echo "$*" >> '${npmLog}'`,
      'for arg in "$@"; do case "$arg" in hyperframes@*) version="${arg#hyperframes@}";; esac; done',
      'mkdir -p node_modules/hyperframes/bin',
      'printf \'{"name":"hyperframes","version":"%s"}\' "$version" > node_modules/hyperframes/package.json',
      "echo 'console.log(1)' > node_modules/hyperframes/bin/hyperframes.mjs",
      ''
    ].join('\n')
  )
  chmodSync(npm, 0o755)
  savedPath = process.env.PATH
  process.env.PATH = `${bin}${path.delimiter}${process.env.PATH ?? ''}`
})

afterAll(() => {
  process.env.PATH = savedPath
  rmSync(root, { recursive: true, force: true })
})

const installs = (): number => readFileSync(npmLog, 'utf8').split('\n').filter(Boolean).length

/** A cache in a folder: one copy of the installed folder per key. */
function folderStore(dir: string): RendererCacheStore & { restores: number; saves: string[] } {
  const store = {
    restores: 0,
    saves: [] as string[],
    unavailable: () => undefined,
    async restore(target: string, key: string) {
      store.restores++
      const src = path.join(dir, key)
      if (!existsSync(src)) return false
      cpSync(src, target, { recursive: true })
      return true
    },
    async save(source: string, key: string) {
      store.saves.push(key)
      cpSync(source, path.join(dir, key), { recursive: true })
    }
  }
  return store
}

function recorder(): { lines: string[]; debug: string[]; log: { info(l: string): void; debug(l: string): void } } {
  const lines: string[] = []
  const debug: string[] = []
  return { lines, debug, log: { info: (l) => lines.push(l), debug: (l) => debug.push(l) } }
}

const freshToolCache = (): string => mkdtempSync(path.join(root, 'tool-cache-'))

describe('renderer cache', () => {
  it('keys on the renderer version, OS and architecture', () => {
    expect(rendererCacheKey('1.2.3', 'linux', 'x64')).toBe('hyperframes-render-action-renderer-1.2.3-linux-x64')
    expect(rendererCacheKey('1.2.3', 'linux', 'arm64')).not.toBe(rendererCacheKey('1.2.3', 'linux', 'x64'))
    expect(rendererCacheKey('1.2.4', 'linux', 'x64')).not.toBe(rendererCacheKey('1.2.3', 'linux', 'x64'))
    expect(rendererCacheKey(VERSION)).toBe(`hyperframes-render-action-renderer-${VERSION}-${process.platform}-${process.arch}`)
  })

  it('a first job installs and saves; a second job on a fresh tool cache restores instead of installing', async () => {
    const store = folderStore(path.join(root, 'store'))
    const hits: boolean[] = []
    const before = installs()

    const first = recorder()
    const cli1 = await ensureHyperframesCli({ cacheRoot: freshToolCache(), log: first.log.info, cache: rendererInstallCache(store, first.log, (h) => hits.push(h)) })
    expect(installs()).toBe(before + 1)
    expect(store.saves).toEqual([rendererCacheKey(VERSION)])
    expect(existsSync(cli1.entry)).toBe(true)

    const second = recorder()
    const cli2 = await ensureHyperframesCli({ cacheRoot: freshToolCache(), log: second.log.info, cache: rendererInstallCache(store, second.log, (h) => hits.push(h)) })
    expect(installs()).toBe(before + 1)
    expect(existsSync(cli2.entry)).toBe(true)
    expect(cli2.entry).not.toBe(cli1.entry)
    expect(second.lines).toEqual([`Restored the HyperFrames renderer (hyperframes@${VERSION}) from the Actions cache.`])
    expect(store.saves).toHaveLength(1)
    expect(hits).toEqual([false, true])
  })

  it('a tool cache that already holds the renderer asks the cache nothing', async () => {
    const store = folderStore(path.join(root, 'store-warm'))
    const toolCache = freshToolCache()
    await ensureHyperframesCli({ cacheRoot: toolCache, log: () => undefined })
    const before = installs()
    await ensureHyperframesCli({ cacheRoot: toolCache, log: () => undefined, cache: rendererInstallCache(store, recorder().log, () => undefined) })
    expect(installs()).toBe(before)
    expect([store.restores, store.saves.length]).toEqual([0, 0])
  })

  it('an unavailable cache service is a debug line, and the renderer is installed', async () => {
    const rec = recorder()
    const hits: boolean[] = []
    const before = installs()
    const store: RendererCacheStore = {
      unavailable: () => 'the Actions cache service is not available here',
      restore: () => Promise.reject(new Error('must not be called')),
      save: () => Promise.reject(new Error('must not be called'))
    }
    const cli = await ensureHyperframesCli({ cacheRoot: freshToolCache(), log: rec.log.info, cache: rendererInstallCache(store, rec.log, (h) => hits.push(h)) })
    expect(existsSync(cli.entry)).toBe(true)
    expect(installs()).toBe(before + 1)
    expect(rec.debug).toEqual(['Renderer cache not used: the Actions cache service is not available here.'])
    expect(rec.lines.filter((l) => /Actions cache/.test(l))).toEqual([])
    expect(hits).toEqual([false])
  })

  it('a failing cache service is a debug line on restore and on save, never a failed install', async () => {
    const rec = recorder()
    const before = installs()
    const store: RendererCacheStore = {
      unavailable: () => undefined,
      restore: () => Promise.reject(new Error('Cache service responded with 503')),
      save: () => Promise.reject(new Error('Unable to reserve cache: 409'))
    }
    const cli = await ensureHyperframesCli({ cacheRoot: freshToolCache(), log: rec.log.info, cache: rendererInstallCache(store, rec.log, () => undefined) })
    expect(existsSync(cli.entry)).toBe(true)
    expect(installs()).toBe(before + 1)
    expect(rec.debug).toEqual(['Renderer cache restore failed, installing instead: Cache service responded with 503', 'Renderer cache not saved: Unable to reserve cache: 409'])
  })

  it('a restore that leaves no complete install falls back to installing', async () => {
    const rec = recorder()
    const before = installs()
    const store: RendererCacheStore = {
      unavailable: () => undefined,
      async restore(dir) {
        mkdirSync(dir, { recursive: true }) // a half-extracted archive: no completion marker
        return true
      },
      save: async () => undefined
    }
    const cli = await ensureHyperframesCli({ cacheRoot: freshToolCache(), log: rec.log.info, cache: rendererInstallCache(store, rec.log, () => undefined) })
    expect(installs()).toBe(before + 1)
    expect(existsSync(cli.entry)).toBe(true)
  })
})

describe('renderer cache on the Actions cache service (@actions/cache against a local stand-in)', () => {
  let service: CacheServer
  const saved: Record<string, string | undefined> = {}

  beforeAll(async () => {
    service = await startCacheServer()
    const env = { ...service.env, RUNNER_TEMP: mkdtempSync(path.join(root, 'runner-temp-')), GITHUB_SERVER_URL: 'https://github.com', GITHUB_WORKSPACE: root }
    for (const [k, v] of Object.entries(env)) {
      saved[k] = process.env[k]
      process.env[k] = v
    }
  })
  afterAll(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
    await service.close()
  })

  it('a second job on a fresh tool cache restores instead of installing', async () => {
    // Hosted runners put the tool cache at the same path on every machine, and the service keys
    // an entry on its paths too: each job starts with an empty folder at that one path.
    const toolCache = path.join(root, 'hostedtoolcache')
    const before = installs()
    const hits: boolean[] = []
    const first = recorder()
    await ensureHyperframesCli({ cacheRoot: toolCache, log: first.log.info, cache: rendererInstallCache(actionsCacheStore(), first.log, (h) => hits.push(h)) })
    expect(installs()).toBe(before + 1)
    expect(service.entries.map((e) => [e.key, e.finalized])).toEqual([[rendererCacheKey(VERSION), true]])
    expect(first.debug).toEqual([`Renderer cache miss for ${rendererCacheKey(VERSION)}.`])

    rmSync(toolCache, { recursive: true, force: true })
    const second = recorder()
    const cli = await ensureHyperframesCli({ cacheRoot: toolCache, log: second.log.info, cache: rendererInstallCache(actionsCacheStore(), second.log, (h) => hits.push(h)) })
    expect(installs()).toBe(before + 1)
    expect(existsSync(cli.entry)).toBe(true)
    expect(hits).toEqual([false, true])
    expect(service.calls).toEqual(['GetCacheEntryDownloadURL', 'CreateCacheEntry', 'put-blob', 'FinalizeCacheEntryUpload', 'GetCacheEntryDownloadURL', 'get-blob'])
    expect(second.lines).toEqual([`Restored the HyperFrames renderer (hyperframes@${VERSION}) from the Actions cache.`])
  })

  // 403 (a token without cache scopes) is answered at once; a 5xx is the same path after the
  // library's own retries, which take about a minute.
  it('a failing cache service never fails the install, and puts no warning or error on the step', async () => {
    service.failWith(403)
    // What the runner reads: @actions/core's workflow commands on stdout.
    const printed: string[] = []
    const write = process.stdout.write
    process.stdout.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
      printed.push(String(chunk))
      return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest)
    } as typeof process.stdout.write
    try {
      const rec = recorder()
      const before = installs()
      const cli = await ensureHyperframesCli({ cacheRoot: freshToolCache(), log: rec.log.info, cache: rendererInstallCache(actionsCacheStore(), rec.log, () => undefined) })
      expect(existsSync(cli.entry)).toBe(true)
      expect(installs()).toBe(before + 1)
    } finally {
      process.stdout.write = write
      service.failWith(undefined)
    }
    const lines = printed.join('').split('\n')
    expect(service.calls.slice(-2)).toEqual(['GetCacheEntryDownloadURL', 'CreateCacheEntry'])
    expect(lines.filter((l) => /^::(warning|error)/.test(l))).toEqual([])
    expect(lines.filter((l) => l.startsWith('::debug::Failed to restore:'))).toHaveLength(1)
  })
})

describe('asDebugLines', () => {
  it('turns warning and error annotations into debug lines, leaves other output alone, and restores the stream', async () => {
    const seen: string[] = []
    const stream = { write: (chunk: unknown) => seen.push(String(chunk)) > 0 } as unknown as NodeJS.WriteStream
    const original = stream.write
    const value = await asDebugLines(async () => {
      stream.write('::warning::Failed to restore: 503\n')
      stream.write('::error file=a%3Ab,line=1::Failed to save: 500\n')
      stream.write('Received 10 of 10 (100.0%)\n')
      return 7
    }, stream)
    expect(value).toBe(7)
    expect(seen).toEqual(['::debug::Failed to restore: 503\n', '::debug::Failed to save: 500\n', 'Received 10 of 10 (100.0%)\n'])
    expect(stream.write).toBe(original)
    await expect(asDebugLines(() => Promise.reject(new Error('boom')), stream)).rejects.toThrow('boom')
    expect(stream.write).toBe(original)
  })
})
