/**
 * Account-level render concurrency: at most `slots` renders run at once; the rest wait in FIFO
 * order, still reported as 'queued'.
 */
export class RenderQueue<T> {
  private active = 0
  private readonly waiting: T[] = []

  constructor(
    private readonly slots: number,
    private readonly start: (item: T) => void,
    private readonly skip: (item: T) => boolean
  ) {}

  enqueue(item: T): void {
    this.waiting.push(item)
    this.pump()
  }

  /** Call once per started item when it reaches a terminal state. */
  release(): void {
    this.active = Math.max(0, this.active - 1)
    this.pump()
  }

  private pump(): void {
    while (this.active < this.slots && this.waiting.length > 0) {
      const next = this.waiting.shift()!
      if (this.skip(next)) continue
      this.active += 1
      this.start(next)
    }
  }
}
