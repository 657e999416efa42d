import { execFile } from 'node:child_process'
import { readFile, rm, stat } from 'node:fs/promises'

/** What the runner's ffmpeg can do, learnt once from `ffmpeg -encoders`. */
export interface FfmpegInfo {
  path: string
  /** libwebp can write animated WebP, a fifth of a GIF's size; without it the animation is a GIF. */
  webp: boolean
}

export const PREVIEW_SECONDS = 3
export const PREVIEW_MAX_BYTES = 1.5 * 1024 * 1024

/** Tried in order until one fits PREVIEW_MAX_BYTES: wide and smooth first, then smaller and choppier. */
const ATTEMPTS = [
  { width: 480, fps: 12, quality: 60 },
  { width: 400, fps: 10, quality: 45 },
  { width: 320, fps: 8, quality: 30 }
]

/** Finds ffmpeg on PATH; undefined when there is none (the preview falls back to a poster). */
export async function findFfmpeg(binary = 'ffmpeg'): Promise<FfmpegInfo | undefined> {
  try {
    const encoders = await run(binary, ['-hide_banner', '-encoders'])
    return { path: binary, webp: /\blibwebp(_anim)?\b/.test(encoders) }
  } catch {
    return undefined
  }
}

/**
 * The first PREVIEW_SECONDS of the video as a looping animation, at most PREVIEW_MAX_BYTES.
 * Returns the bytes, or undefined when even the smallest attempt is too large.
 */
export async function animatedPreview(ff: FfmpegInfo, video: string, dest: string): Promise<Buffer | undefined> {
  for (const a of ATTEMPTS) {
    const scale = `fps=${a.fps},scale=${a.width}:-2:flags=lanczos`
    const args = ff.webp
      ? ['-t', String(PREVIEW_SECONDS), '-i', video, '-vf', scale, '-loop', '0', '-c:v', 'libwebp_anim', '-quality', String(a.quality), '-an', '-f', 'webp', dest]
      : ['-t', String(PREVIEW_SECONDS), '-i', video, '-filter_complex', `${scale},split[a][b];[a]palettegen=max_colors=128[p];[b][p]paletteuse=dither=bayer`, '-loop', '0', '-an', '-f', 'gif', dest]
    await run(ff.path, ['-v', 'error', '-y', ...args])
    if ((await stat(dest)).size <= PREVIEW_MAX_BYTES) return readFile(dest)
  }
  await rm(dest, { force: true })
  return undefined
}

/** One representative frame of the first seconds (ffmpeg's thumbnail filter skips black fade-ins) as a JPEG. */
export async function posterFrame(ff: FfmpegInfo, video: string, dest: string): Promise<Buffer> {
  await run(ff.path, ['-v', 'error', '-y', '-t', String(PREVIEW_SECONDS), '-i', video, '-vf', 'thumbnail=n=30,scale=480:-2', '-frames:v', '1', '-q:v', '4', '-f', 'image2', dest])
  return readFile(dest)
}

function run(binary: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(binary, args, { maxBuffer: 8 * 1024 * 1024, timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${binary} ${args.slice(0, 3).join(' ')} … failed: ${(stderr || error.message).trim().split('\n').slice(-2).join(' ')}`))
      else resolve(stdout)
    })
  })
}
