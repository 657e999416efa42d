import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const DIST = path.join(REPO_ROOT, 'dist', 'index.js')
export const PROBE = path.join(REPO_ROOT, 'bench', 'rss-probe.mjs')
/** The composition every matrix renders: the README's own example. */
export const EXAMPLE = path.join(REPO_ROOT, 'examples', 'hello-world')
