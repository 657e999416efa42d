import { execFileSync } from 'node:child_process'

/** Whether a tool that answers `-version` (ffmpeg, ffprobe) runs here: tests that need it skip, saying so, without it. */
export function hasTool(name: string): boolean {
  try {
    execFileSync(name, ['-version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}
