/**
 * Every timer and sleep the emulator starts goes through here, so close() can cancel them all and
 * the host process (a jest worker, the CLI) is free to exit.
 */
export class Timers {
  private readonly pending = new Map<NodeJS.Timeout, () => void>()
  private closed = false

  /** Runs `fn` after `ms`, unless the emulator closes first. */
  after(ms: number, fn: () => void): void {
    if (this.closed) return
    const handle = setTimeout(
      () => {
        this.pending.delete(handle)
        fn()
      },
      Math.max(0, ms)
    )
    this.pending.set(handle, () => undefined)
  }

  /** Resolves after `ms`; on close it resolves early so awaiting handlers can unwind. */
  sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.closed) return Promise.resolve()
    return new Promise((resolve) => {
      const handle = setTimeout(() => {
        this.pending.delete(handle)
        resolve()
      }, ms)
      this.pending.set(handle, resolve)
    })
  }

  get isClosed(): boolean {
    return this.closed
  }

  clearAll(): void {
    this.closed = true
    for (const [handle, release] of this.pending) {
      clearTimeout(handle)
      release()
    }
    this.pending.clear()
  }
}
