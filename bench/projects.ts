// The workspaces the benchmark renders: the README's example composition, and the same composition
// weighed down with ~150 MB of media, generated at bench time (never committed).
import { randomBytes } from 'node:crypto'
import { cpSync, mkdirSync, mkdtempSync, openSync, writeSync, closeSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { EXAMPLE } from './paths.js'

/** A fresh workspace holding examples/hello-world under `project/`. */
export function exampleWorkspace(): string {
  const ws = mkdtempSync(path.join(os.tmpdir(), 'hf-bench-'))
  cpSync(EXAMPLE, path.join(ws, 'project'), { recursive: true })
  return ws
}

/** N matrix entries of the example's own variables. */
export function matrixEntries(n: number): Array<Record<string, string>> {
  return Array.from({ length: n }, (_, i) => ({
    headline: `Entry ${i + 1}`,
    accent: `#${((i * 2654435761) >>> 8).toString(16).padStart(6, '0').slice(-6)}`
  }))
}

/**
 * The example plus `totalMb` of random (incompressible) media: clips, images and opaque data
 * files, the mix a real composition carries. Written in 1 MiB chunks, so the benchmark itself
 * stays small.
 */
export function heavyWorkspace(totalMb: number): { workspace: string; bytes: number } {
  const workspace = exampleWorkspace()
  const media = path.join(workspace, 'project', 'assets', 'media')
  mkdirSync(media, { recursive: true })
  const mib = 1024 * 1024
  // 70% video clips, 15% images, 15% data that the zip deflates (and gains nothing from).
  const clips = Math.round((totalMb * 0.7) / 10)
  const plan: Array<[string, number]> = [
    ...Array.from({ length: clips }, (_, i): [string, number] => [`clip-${i + 1}.mp4`, 10 * mib]),
    ...Array.from({ length: Math.round((totalMb * 0.15 * mib) / (256 * 1024)) }, (_, i): [string, number] => [`frame-${String(i + 1).padStart(3, '0')}.png`, 256 * 1024]),
    ...Array.from({ length: Math.round((totalMb * 0.15) / 2) }, (_, i): [string, number] => [`lut-${i + 1}.bin`, 2 * mib])
  ]
  let bytes = 0
  for (const [name, size] of plan) {
    const fd = openSync(path.join(media, name), 'w')
    for (let left = size; left > 0; left -= mib) writeSync(fd, randomBytes(Math.min(mib, left)))
    closeSync(fd)
    bytes += size
  }
  return { workspace, bytes }
}
