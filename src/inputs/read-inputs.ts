import * as core from '@actions/core'
import { existsSync, lstatSync, readFileSync, realpathSync, statSync } from 'node:fs'
import path from 'node:path'
import { input } from './action-input.js'
import { parseApiUrl } from './api-url.js'
import { BACKENDS, type BackendName } from './backend-choice.js'
import { ARTIFACT_MODES, ASPECT_RATIO_INPUTS, FAIL_ON, FORMATS, LINT_MODES, MODES, QUALITIES, RESOLUTIONS } from './choices.js'
import type { ArtifactMode, AspectRatio, AspectRatioInput, FailOn, Format, LintMode, Mode, Quality, Resolution } from './choices.js'
import { readGitHubInputs, readGitHubToken, type GitHubInputs } from './github-inputs.js'
import { InputError } from './input-error.js'
import { MAX_MATRIX_ENTRIES, expandMatrix, parseVariablesObject, type Variables } from './matrix.js'
import { ON_MISSING_KEY, type OnMissingKey } from './missing-key.js'
import { readPreviewInputs, type PreviewInputs } from './preview-inputs.js'
import { readProgressInterval } from './progress-interval.js'
import type { RunContext } from './run-context.js'
import { parseStructured } from './structured.js'
import { parseShard, type ShardSpec } from '../shard/shard-spec.js'
import { registerSecret } from '../untrusted-text.js'
import { parseBoolean, parseEnum, parseInteger, parseNumber } from './values.js'

// The fixed choices live in a file without this reader's dependencies (collect needs fail-on's).
export * from './choices.js'

/** The request settings shared by every render of the step. */
export interface RenderSettings {
  fps?: number
  quality: Quality
  format: Format
  resolution: Resolution
  aspectRatio: AspectRatio
}

/** The settings as the inputs give them: `auto` and an empty fps still to be read from the composition. */
export interface RequestedSettings extends Omit<RenderSettings, 'aspectRatio'> {
  aspectRatio: AspectRatioInput
}

export interface ActionInputs {
  /** Who renders: HeyGen's API, or the open-source renderer on this machine. */
  backend: BackendName
  /** Empty when the secret is missing; `onMissingKey` decides what that means. */
  apiKey: string
  onMissingKey: OnMissingKey
  apiUrl: URL
  workspace: string
  /** Absolute path of the composition project folder. */
  projectDir: string
  composition: string
  baseVariables: Variables
  /** One entry per render, before the base variables are merged in. */
  matrix: Variables[]
  nameTemplate: string
  titleTemplate?: string
  callbackIdTemplate?: string
  callbackUrl?: string
  settings: RenderSettings
  wait: boolean
  timeoutMinutes: number
  /** How long one request may stay silent before it counts as a network fault and is retried. */
  requestTimeoutSeconds: number
  concurrency: number
  outputDir: string
  artifact: ArtifactMode
  retentionDays?: number
  failOn: FailOn
  rerender: boolean
  /** Undeclared or ill-typed variables fail the step (true) or only warn (false). */
  strictVariables: boolean
  /** Check and pack everything, submit nothing. */
  dryRun: boolean
  /** What HyperFrames lint findings do: annotate (warn), stop the run on errors (strict), or nothing (off). */
  lint: LintMode
  /** The PR comment and release assets. */
  github: GitHubInputs
  /** This job's slice of the matrix; undefined renders the whole matrix. */
  shard?: ShardSpec
  mode: Mode
  /** With `mode: plan`: the most entries one shard renders. */
  entriesPerShard: number
  preview: PreviewInputs
  /** Keep the local renderer between jobs in the Actions cache. */
  cacheRenderer: boolean
  /** Milliseconds between progress lines; undefined keeps the default. */
  heartbeatMs?: number
}

/** What readInputs returns: every input parsed, with the settings not yet resolved against the composition. */
export interface RequestedInputs extends Omit<ActionInputs, 'settings'> {
  settings: RequestedSettings
}

/** Resolves a workspace-relative path and refuses anything that escapes the workspace. */
export function insideWorkspace(workspace: string, relative: string, inputName: string): string {
  const resolved = path.resolve(workspace, relative)
  const rel = path.relative(workspace, resolved)
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new InputError(inputName, `'${relative}' points outside the workspace (${workspace}); expected a path inside the repository.`)
  }
  return resolved
}

/**
 * `insideWorkspace` on the real path: a symlink (or a symlinked folder on the way) that leads out of
 * the workspace is refused too. A path not created yet is judged by its nearest existing folder.
 */
export function reallyInsideWorkspace(workspace: string, relative: string, inputName: string): string {
  const resolved = insideWorkspace(workspace, relative, inputName)
  let existing = resolved
  while (!pathExists(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing)
  const realWorkspace = realpathSync(workspace)
  let real: string
  try {
    real = realpathSync(existing)
  } catch {
    throw new InputError(inputName, `'${relative}' is a symbolic link to a path that does not exist; expected a path inside the repository.`)
  }
  const rel = path.relative(realWorkspace, real)
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new InputError(inputName, `'${relative}' leads outside the workspace through a symbolic link (to ${real}); expected a path inside the repository.`)
  }
  return resolved
}

/** Like existsSync, but true for a dangling symlink too (lstat, not stat). */
function pathExists(file: string): boolean {
  try {
    lstatSync(file)
    return true
  } catch {
    return false
  }
}

/** The output folder: inside the workspace for real, and a folder (or nothing yet), never a file. */
function readOutputDir(workspace: string): string {
  const relative = input('output-dir', 'renders')
  const dir = reallyInsideWorkspace(workspace, relative, 'output-dir')
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new InputError('output-dir', `'${relative}' is an existing file; expected a folder for the videos (it is created when missing).`)
  }
  return dir
}

function readMatrix(workspace: string): Variables[] {
  // GitHub caps a job matrix at 256; so do we unless the user knowingly raises it.
  const limit = parseInteger(input('max-renders', String(MAX_MATRIX_ENTRIES)), 'max-renders', 1, 10_000)
  const inline = input('matrix')
  const file = input('matrix-file')
  if (inline.trim() && file.trim()) {
    throw new InputError('matrix-file', 'cannot be combined with matrix; set one of them.')
  }
  if (file.trim()) {
    const filePath = reallyInsideWorkspace(workspace, file.trim(), 'matrix-file')
    if (!existsSync(filePath) || !statSync(filePath).isFile()) {
      throw new InputError('matrix-file', `'${file.trim()}' does not exist; expected a JSON or YAML file in the repository.`)
    }
    return expandMatrix(parseStructured(readFileSync(filePath, 'utf8'), 'matrix-file'), 'matrix-file', limit)
  }
  return expandMatrix(parseStructured(inline, 'matrix'), 'matrix', limit)
}

function readSettings(): RequestedSettings {
  const fps = input('fps').trim()
  const settings: RequestedSettings = {
    fps: fps === '' ? undefined : parseInteger(fps, 'fps', 1, 240),
    quality: parseEnum(input('quality', 'standard'), 'quality', QUALITIES),
    format: parseEnum(input('format', 'mp4'), 'format', FORMATS),
    resolution: parseEnum(input('resolution', '1080p'), 'resolution', RESOLUTIONS),
    aspectRatio: parseEnum(input('aspect-ratio', 'auto'), 'aspect-ratio', ASPECT_RATIO_INPUTS)
  }
  if (settings.resolution === '4k' && settings.format !== 'mp4') {
    throw new InputError('resolution', `4k renders only as mp4, but format is ${settings.format}; use 1080p or format: mp4.`)
  }
  return settings
}

function readCallbackUrl(): string | undefined {
  const raw = input('callback-url').trim()
  if (!raw) return undefined
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new InputError('callback-url', `'${raw}' is not a URL; expected an https:// webhook URL.`)
  }
  if (url.protocol !== 'https:') throw new InputError('callback-url', `must be https (HeyGen only calls https webhooks); got ${url.protocol}//.`)
  // Sent exactly as written: URL.toString() would add a trailing '/' the user did not write.
  return raw
}

/**
 * Reads and validates every input, the one place that does. Throws InputError before any network
 * call. An empty api-key is left to missingKeyDecision. `event` gives the release a `release`
 * event is about.
 */
export function readInputs(workspace: string, event: Pick<RunContext, 'release'> = {}): RequestedInputs {
  // The secrets first, so each is masked even when a later input is refused.
  const githubToken = readGitHubToken()
  const apiKey = core.getInput('api-key').trim()
  if (apiKey) {
    core.setSecret(apiKey)
    registerSecret(apiKey)
  }
  // undici refuses such a header only at the first request, as an unexplained crash.
  if (/[\u0000-\u0008\u000a-\u001f\u007f]|[^\u0000-\u00ff]/.test(apiKey)) {
    throw new InputError('api-key', 'holds a line break or another character an HTTP header cannot carry; check the secret for a stray newline or paste.')
  }

  const apiUrl = parseApiUrl(input('api-url', 'https://api.heygen.com'))
  const projectDir = insideWorkspace(workspace, input('path', '.'), 'path')
  const written = input('composition', 'index.html').trim()
  if (path.isAbsolute(written) || written.split(/[\\/]/).includes('..')) {
    throw new InputError('composition', `'${written}' must be a path inside the project folder, like index.html or compositions/intro.html.`)
  }
  // `./index.html` and `scenes//a.html` name the same file as the zip does: `index.html`, `scenes/a.html`.
  const composition = path.posix.normalize(written.replace(/\\/g, '/'))
  const retention = input('retention-days').trim()

  const inputs: RequestedInputs = {
    backend: parseEnum(input('backend', 'heygen'), 'backend', BACKENDS),
    apiKey,
    onMissingKey: parseEnum(input('on-missing-key', 'skip'), 'on-missing-key', ON_MISSING_KEY),
    apiUrl,
    workspace,
    projectDir,
    composition,
    baseVariables: parseVariablesObject(parseStructured(input('variables'), 'variables'), 'variables'),
    matrix: readMatrix(workspace),
    nameTemplate: input('name', 'render-{index}'),
    titleTemplate: input('title') || undefined,
    callbackIdTemplate: input('callback-id') || undefined,
    callbackUrl: readCallbackUrl(),
    settings: readSettings(),
    wait: parseBoolean(input('wait', 'true'), 'wait'),
    timeoutMinutes: parseNumber(input('timeout-minutes', '60'), 'timeout-minutes', 0.05, 24 * 60),
    requestTimeoutSeconds: parseNumber(input('request-timeout-seconds', '60'), 'request-timeout-seconds', 1, 3600),
    concurrency: parseInteger(input('concurrency', '10'), 'concurrency', 1, 100),
    outputDir: readOutputDir(workspace),
    artifact: parseEnum(input('artifact', 'per-video'), 'artifact', ARTIFACT_MODES),
    retentionDays: retention === '' ? undefined : parseInteger(retention, 'retention-days', 1, 90),
    failOn: parseEnum(input('fail-on', 'any'), 'fail-on', FAIL_ON),
    rerender: parseBoolean(input('rerender', 'false'), 'rerender'),
    strictVariables: parseBoolean(input('strict-variables', 'true'), 'strict-variables'),
    dryRun: parseBoolean(input('dry-run', 'false'), 'dry-run'),
    lint: parseEnum(input('lint', 'warn'), 'lint', LINT_MODES),
    github: readGitHubInputs({ workspace, release: event.release }, githubToken, { projectDir, composition }),
    shard: parseShard(input('shard')),
    mode: parseEnum(input('mode', 'render'), 'mode', MODES),
    entriesPerShard: parseInteger(input('entries-per-shard', '10'), 'entries-per-shard', 1, 10_000),
    preview: readPreviewInputs(),
    cacheRenderer: parseBoolean(input('cache-renderer', 'true'), 'cache-renderer'),
    heartbeatMs: readProgressInterval()
  }
  return inputs
}
