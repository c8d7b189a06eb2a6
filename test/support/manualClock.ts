import { ThrottleClock } from '../../src/graph/writeThrottle';

/** Lets every promise callback that is ready run: the state a wait-free step leads to, without any timer. */
export function settled(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * A clock that moves only when the test moves it: a wait ends when the test has advanced the clock past it, is
 * aborted, or is cancelled. A test of a throttle's timing so asserts on exact moments, never on the machine's speed.
 */
export class ManualClock implements ThrottleClock {
  private time = 0;
  private readonly sleepers = new Set<{ readonly until: number; readonly wake: () => void }>();

  now(): number {
    return this.time;
  }

  sleep(ms: number, signal?: AbortSignal): { readonly done: Promise<void>; readonly cancel: () => void } {
    let cancel = () => undefined as void;
    const done = new Promise<void>((resolve) => {
      const sleeper = { until: this.time + ms, wake: () => finish() };
      const finish = () => {
        this.sleepers.delete(sleeper);
        signal?.removeEventListener('abort', finish);
        resolve();
      };
      this.sleepers.add(sleeper);
      signal?.addEventListener('abort', finish, { once: true });
      cancel = finish;
    });
    return { done, cancel };
  }

  /** How many waits are pending. */
  sleeping(): number {
    return this.sleepers.size;
  }

  /** Moves the clock by `ms`, waking each wait that is due, and lets what they started run. */
  async advance(ms: number): Promise<void> {
    await settled();
    this.time += ms;
    for (const sleeper of [...this.sleepers]) {
      if (sleeper.until <= this.time) {
        sleeper.wake();
      }
    }
    await settled();
  }
}
