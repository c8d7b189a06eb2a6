import type { Context, Middleware, MiddlewareOptions } from '@microsoft/microsoft-graph-client';
import * as l10n from '@vscode/l10n';
import { VppError } from '../errors';
import { parseRetryAfter } from './errorFromResponse';

export interface WriteLimit {
  readonly maxWrites: number;
  readonly windowMs: number;
}

/** Intune's documented write limit for one app in one tenant (enrollment and VPP family). */
export const INTUNE_WRITE_LIMIT: WriteLimit = { maxWrites: 100, windowMs: 20_000 };

/** The throttle's time: the real clock, or a test's, which moves only when the test moves it. */
export interface ThrottleClock {
  now(): number;
  /** A wait that ends after `ms`, on abort, or when cancelled (so no timer outlives the wait). */
  sleep(ms: number, signal?: AbortSignal): { readonly done: Promise<void>; readonly cancel: () => void };
}

/**
 * At most `maxWrites` writes in any sliding window of `windowMs`, in FIFO order; a 429's Retry-After pauses
 * every writer. A write holds its slot from start until its response arrives, and counts from then on: the
 * server counted it on arrival, before that, so the window here never starts earlier than the server's.
 */
export class WriteThrottle {
  /** When the writes of the current window completed, oldest first. */
  private readonly completions: number[] = [];
  private inFlight = 0;
  private pausedUntil = 0;
  private tail: Promise<void> = Promise.resolve();
  private onRelease: () => void = () => undefined;
  private released: Promise<void> = this.nextRelease();

  constructor(
    readonly limit: WriteLimit,
    private readonly clock: ThrottleClock = REAL_CLOCK,
  ) {}

  /** Resolves with the function to call when the write's response arrived; rejects when `signal` aborts first. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    const turn = this.tail.then(() => this.waitForSlot(signal));
    // The next caller waits for this one's slot, whatever became of it.
    this.tail = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }

  /** Holds every write back for `ms` (Intune asked for it with Retry-After). */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + ms);
  }

  private nextRelease(): Promise<void> {
    return new Promise((resolve) => (this.onRelease = resolve));
  }

  private async waitForSlot(signal?: AbortSignal): Promise<() => void> {
    for (;;) {
      if (signal?.aborted) {
        throw new VppError('cancelled', l10n.t('Cancelled before the request was sent.'));
      }
      const now = this.clock.now();
      this.forgetCompletionsBefore(now - this.limit.windowMs);
      const wait = this.waitBeforeSlot(now);
      if (wait === 0) {
        return this.takeSlot();
      }
      // Without a wait (every slot is held by a write in flight), the first to complete frees the next one.
      const timer = this.clock.sleep(wait ?? IN_FLIGHT_RECHECK_MS, signal);
      await Promise.race([timer.done, this.released]);
      timer.cancel();
    }
  }

  /** Drops the completions that left the window (those at or before `windowStart`). */
  private forgetCompletionsBefore(windowStart: number): void {
    const firstInWindow = this.completions.findIndex((completed) => completed > windowStart);
    this.completions.splice(0, firstInWindow === -1 ? this.completions.length : firstInWindow);
  }

  /**
   * How long until a write may start: 0 now; else until the pause ends and, when the window is full, until its
   * oldest completion leaves it; undefined while every slot is held by a write still in flight.
   */
  private waitBeforeSlot(now: number): number | undefined {
    const paused = Math.max(0, this.pausedUntil - now);
    if (this.inFlight + this.completions.length < this.limit.maxWrites) {
      return paused;
    }
    const oldest = this.completions.at(0);
    return oldest === undefined ? undefined : Math.max(paused, oldest + this.limit.windowMs - now);
  }

  /** Holds a slot until the returned function is called (once: a second call frees nothing). */
  private takeSlot(): () => void {
    this.inFlight++;
    let done = false;
    return () => {
      if (!done) {
        done = true;
        this.inFlight--;
        this.completions.push(this.clock.now());
        this.onRelease();
        this.released = this.nextRelease();
      }
    };
  }
}

/** A wait for a write in flight to complete also ends after this long, to look again (a release cannot be missed). */
const IN_FLIGHT_RECHECK_MS = 60_000;

const REAL_CLOCK: ThrottleClock = { now: () => Date.now(), sleep };

/** A wait that ends after `ms`, on abort, or when cancelled (so no timer outlives the wait). */
function sleep(ms: number, signal?: AbortSignal): { done: Promise<void>; cancel: () => void } {
  let cancel = () => undefined as void;
  const done = new Promise<void>((resolve) => {
    const timer = setTimeout(finish, ms);
    signal?.addEventListener('abort', finish, { once: true });
    function finish() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', finish);
      resolve();
    }
    cancel = finish;
  });
  return { done, cancel };
}

/** Per-request option: the signal that may cancel a write while it waits for its slot (never once it is sent). */
export class WriteSlotOptions implements MiddlewareOptions {
  constructor(readonly signal?: AbortSignal) {}
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Puts every write attempt, retries included, through the throttle, and shares a 429's Retry-After. A 429 without
 * one (Intune sometimes sends none) holds the writers back for `pauseWithoutRetryAfterMs`, the retry's own first
 * back-off, so that the others do not spend their attempts on the same refusal.
 */
export class WriteThrottleHandler implements Middleware {
  private next: Middleware | undefined;

  constructor(
    private readonly throttle: WriteThrottle,
    private readonly pauseWithoutRetryAfterMs = 0,
  ) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    if (!this.next) {
      throw new Error('WriteThrottleHandler must not be the last middleware');
    }
    const method = (context.options?.method ?? 'GET').toUpperCase();
    if (!WRITE_METHODS.has(method) || isReadBatch(context)) {
      return this.next.execute(context);
    }
    const options = context.middlewareControl?.getMiddlewareOptions(WriteSlotOptions);
    const release = await this.throttle.acquire(options instanceof WriteSlotOptions ? options.signal : undefined);
    try {
      await this.next.execute(context);
    } finally {
      release();
    }
    if (context.response?.status === 429) {
      const retryAfter = parseRetryAfter(context.response.headers.get('retry-after'));
      this.throttle.pause(retryAfter !== undefined ? retryAfter * 1000 : this.pauseWithoutRetryAfterMs);
    }
  }
}

/** A JSON batch is POSTed, but the extension batches only reads: Intune counts the requests inside, not the POST. */
function isReadBatch(context: Context): boolean {
  const url = typeof context.request === 'string' ? context.request : context.request instanceof Request ? context.request.url : '';
  return /\/\$batch(\?|$)/.test(url);
}
