/**
 * Runs tasks with at most `limit` at a time, in the order they were given; each settles as its task does. One slow
 * task holds up only the queue behind it once every slot is taken, never a task already running.
 */
export class ConcurrencyLimit {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: () => number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    // A newcomer queues behind any waiter, and a woken waiter finds its slot already counted (see release): a run()
    // that lands between a release and the waiter's resumption cannot take the same slot.
    if (this.waiting.length > 0 || this.running >= this.capacity()) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private capacity(): number {
    return Math.max(1, this.limit());
  }

  /** Frees a slot and hands the free slots to the waiters in order, counting each before it resumes. */
  private release(): void {
    this.running--;
    while (this.running < this.capacity()) {
      const next = this.waiting.shift();
      if (!next) {
        return;
      }
      this.running++;
      next();
    }
  }
}
