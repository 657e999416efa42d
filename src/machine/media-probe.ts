import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

const run = promisify(execFile)

export interface VideoInfo {
  /** Seconds, from the container. */
  duration: number
  width: number
  height: number
  codec: string
}

/** Reads a finished video's duration and first video stream with ffprobe. */
export async function probeVideo(ffprobe: string, file: string): Promise<VideoInfo> {
  const { stdout } = await run(ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'format=duration:stream=width,height,codec_name', '-of', 'json', file], { timeout: 60_000 })
  const parsed = JSON.parse(stdout) as { format?: { duration?: string }; streams?: Array<{ width?: number; height?: number; codec_name?: string }> }
  const stream = parsed.streams?.[0]
  const duration = Number(parsed.format?.duration)
  if (!stream || !Number.isFinite(duration)) throw new Error(`ffprobe found no video stream in ${file}`)
  return { duration, width: stream.width ?? 0, height: stream.height ?? 0, codec: stream.codec_name ?? '' }
}

/** Writes the frame at `seconds` as a PNG (used for thumbnails). */
export async function extractFrame(ffmpeg: string, video: string, dest: string, seconds = 0): Promise<void> {
  await run(ffmpeg, ['-v', 'error', '-y', '-ss', String(seconds), '-i', video, '-frames:v', '1', '-f', 'image2', '-c:v', 'png', dest], { timeout: 60_000 })
}
