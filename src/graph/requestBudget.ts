import * as l10n from '@vscode/l10n';
import { VppError } from '../errors';

/**
 * At most `max` requests in any sliding window of `windowMs`, for work that reads in the background (the
 * follow-through): a step waits, in turn, until its count of requests fits, and they count from when it may start.
 * A step of more than `max` requests counts as `max`, so that it cannot wait for ever.
 */
export class RequestBudget {
  /** When each request of the current window was allowed, oldest first. */
  private readonly spent: number[] = [];
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number,
    /** Waits `ms`; false when the signal stopped the wait. */
    private readonly wait: (ms: number, signal: AbortSignal) => Promise<boolean>,
  ) {}

  /** Resolves once `requests` more fit in the window; rejects (cancelled) when `signal` aborts first. */
  take(requests: number, signal: AbortSignal): Promise<void> {
    const turn = this.queue.then(() => this.takeNow(Math.max(1, Math.min(requests, this.max)), signal));
    // The next step waits for this one's turn, whatever became of it.
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async takeNow(count: number, signal: AbortSignal): Promise<void> {
    for (;;) {
      if (signal.aborted) {
        throw new VppError('cancelled', l10n.t('The request was cancelled.'));
      }
      const now = this.now();
      while (this.spent.length > 0 && this.spent[0] <= now - this.windowMs) {
        this.spent.shift();
      }
      if (this.spent.length + count <= this.max) {
        this.spent.push(...Array<number>(count).fill(now));
        return;
      }
      // Until enough of the oldest requests have left the window.
      const leaving = this.spent[this.spent.length + count - this.max - 1];
      await this.wait(leaving + this.windowMs - now, signal);
    }
  }
}
