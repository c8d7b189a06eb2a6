/**
 * VS Code shows at most 3 new notification toasts in 800 ms (the workbench's SPAM_PROTECTION, progress included);
 * any further one goes to the notification center only, unseen. A revoke can raise three within that time (the
 * read of the apps, the write's progress, its error), right after the outcome of the one before, and so hide its
 * error. The pacer gives each notification a turn, so that no more than LIMIT of this extension's start within
 * WINDOW_MS. The window is wider than VS Code's: the messages reach the workbench late by varying amounts.
 */
export class NotificationPacer {
  static readonly LIMIT = 3;
  static readonly WINDOW_MS = 1_200;
  /** When the last LIMIT notifications were shown, oldest first. */
  private readonly shownAt: number[] = [];
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly wait: (ms: number) => Promise<unknown> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  /** Resolves when a notification may be shown now, in the order turns were asked for; counts it as shown. */
  turn(): Promise<void> {
    const mine = this.queue.then(async () => {
      if (this.shownAt.length >= NotificationPacer.LIMIT) {
        const free = this.shownAt[0] + NotificationPacer.WINDOW_MS - this.now();
        if (free > 0) {
          await this.wait(free);
        }
      }
      this.shownAt.push(this.now());
      if (this.shownAt.length > NotificationPacer.LIMIT) {
        this.shownAt.shift();
      }
    });
    this.queue = mine;
    return mine;
  }
}
