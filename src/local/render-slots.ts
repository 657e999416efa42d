import os from 'node:os'

/**
 * Roughly what one local render holds: a Chrome with its page (~256 MB per capture worker, per
 * HyperFrames), ffmpeg encoding alongside, and the CLI's own Node process.
 */
const MEMORY_PER_RENDER = 1024 ** 3

/**
 * Cores one render keeps busy: Chrome's renderer and its software GPU thread, plus ffmpeg. Measured
 * on a 2-core machine, two renders side by side took longer than the same two one after the other.
 */
export const CORES_PER_RENDER = 2

/** How many local renders this machine can run side by side, by cores and by memory. */
export function machineSlots(): number {
  return Math.max(1, Math.min(Math.floor(machineCores() / CORES_PER_RENDER), Math.floor(os.totalmem() / MEMORY_PER_RENDER)))
}

export function machineCores(): number {
  return Math.max(1, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length)
}

/** A FIFO counting semaphore: at most `size` holders at once. */
export class RenderSlots {
  private active = 0
  private readonly waiting: Array<() => void> = []

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`RenderSlots size must be a positive integer, got ${size}`)
  }

  /** Resolves with a release function once a slot is free; rejects if `signal` aborts first. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted()
    return new Promise((resolve, reject) => {
      const grant = (): void => {
        signal?.removeEventListener('abort', onAbort)
        this.active += 1
        let released = false
        resolve(() => {
          if (released) return
          released = true
          this.active -= 1
          this.waiting.shift()?.()
        })
      }
      const onAbort = (): void => {
        const at = this.waiting.indexOf(grant)
        if (at >= 0) this.waiting.splice(at, 1)
        reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'))
      }
      if (this.active < this.size) return grant()
      signal?.addEventListener('abort', onAbort, { once: true })
      this.waiting.push(grant)
    })
  }
}
