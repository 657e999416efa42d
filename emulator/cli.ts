/**
 * `npx tsx emulator/cli.ts --port 4010` — runs the emulator in the foreground for demos and
 * manual testing against a real client.
 */
import { parseArgs } from 'node:util'
import { ENGINE_CHOICES, selectEngine, type EngineChoice } from './engine-select.js'
import { startEmulator } from './server.js'

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4010' },
    host: { type: 'string', default: '127.0.0.1' },
    'api-key': { type: 'string', multiple: true },
    'render-ms': { type: 'string' },
    'jitter-ms': { type: 'string' },
    'url-ttl': { type: 'string' },
    'latency-ms': { type: 'string' },
    'max-concurrent': { type: 'string' },
    'fail-title': { type: 'string' },
    seed: { type: 'string' },
    engine: { type: 'string', default: 'auto' },
    verbose: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false }
  },
  strict: true
})

if (values.help) {
  process.stdout.write(`Usage: tsx emulator/cli.ts [options]
  --port <n>             listen port (default 4010; 0 = ephemeral)
  --host <addr>          listen address (default 127.0.0.1)
  --api-key <key>        accepted API key, repeatable (default: emulator-key)
  --render-ms <ms>       time spent rendering (default 300)
  --jitter-ms <ms>       +/- jitter on render time (default 0)
  --url-ttl <s>          presigned URL lifetime (default 300)
  --latency-ms <ms>      added to every API response (default 0)
  --max-concurrent <n>   account render concurrency (default 10, as on pay-as-you-go plans)
  --fail-title <regex>   renders whose title matches end 'failed'
  --seed <n>             PRNG seed for jitter and probabilistic faults
  --engine <name>        auto (default): the real HyperFrames renderer when Chrome, ffmpeg and
                         Node >= 22 are installed, else fast; hyperframes; fast (flat-colour test videos)
  --verbose              one line per request
`)
  process.exit(0)
}

function num(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined
  const value = Number(raw)
  if (!Number.isFinite(value)) {
    process.stderr.write(`--${flag} must be a number, got '${raw}'\n`)
    process.exit(2)
  }
  return value
}

let failTitle: RegExp | undefined
try {
  failTitle = values['fail-title'] === undefined ? undefined : new RegExp(values['fail-title'])
} catch (err) {
  process.stderr.write(`--fail-title is not a valid regular expression: ${(err as Error).message}\n`)
  process.exit(2)
}

const engineChoice = (values.engine ?? 'auto') as EngineChoice
if (!ENGINE_CHOICES.includes(engineChoice)) {
  process.stderr.write(`--engine must be one of ${ENGINE_CHOICES.join(', ')}, got '${values.engine}'\n`)
  process.exit(2)
}
const verboseLog = values.verbose ? (line: string) => process.stdout.write(`${line}\n`) : undefined
const selected = await selectEngine(engineChoice, { log: verboseLog })
if (selected.notice) process.stdout.write(`${selected.notice}\n`)

const optional = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> => (value === undefined ? {} : ({ [key]: value } as Record<K, V>))

const emulator = await startEmulator({
  port: num('port', values.port) ?? 4010,
  host: values.host ?? '127.0.0.1',
  ...optional('apiKeys', values['api-key']),
  ...optional('renderMs', num('render-ms', values['render-ms'])),
  ...optional('renderJitterMs', num('jitter-ms', values['jitter-ms'])),
  ...optional('urlTtlSeconds', num('url-ttl', values['url-ttl'])),
  ...optional('latencyMs', num('latency-ms', values['latency-ms'])),
  ...optional('maxConcurrentRenders', num('max-concurrent', values['max-concurrent'])),
  ...optional('seed', num('seed', values.seed)),
  ...(failTitle ? { failRender: (body) => (failTitle.test(body.title ?? '') ? `Render failed: title matched --fail-title ${failTitle.source}` : undefined) } : {}),
  engine: selected.engine,
  ...(verboseLog ? { log: verboseLog } : {})
})

process.stdout.write(`HeyGen emulator listening on ${emulator.url} (engine: ${selected.engine.name})\n`)

let stopping = false
const stop = (signal: string): void => {
  if (stopping) return
  stopping = true
  if (values.verbose) process.stdout.write(`${signal}: stopping\n`)
  emulator.close().then(
    () => process.exit(0),
    () => process.exit(1)
  )
}
process.on('SIGINT', () => stop('SIGINT'))
process.on('SIGTERM', () => stop('SIGTERM'))
