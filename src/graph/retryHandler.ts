import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import * as l10n from '@vscode/l10n';
import { VppError } from '../errors';
import { delay } from './delay';
import { parseRetryAfter } from './errorFromResponse';

export interface RetryPolicy {
  /** Base of the exponential back-off, in seconds, when Graph sends no readable Retry-After. */
  readonly delaySeconds: number;
  readonly maxRetries: number;
  /** A Retry-After longer than this is not waited out: the error reaches the user with the time to retry. */
  readonly maxWaitSeconds: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { delaySeconds: 3, maxRetries: 3, maxWaitSeconds: 60 };

const READ_METHODS = new Set(['GET']);
/** Statuses after which Graph did nothing and a read may simply be asked again. */
const RETRIABLE_READ_STATUSES = new Set([429, 503, 504]);

/**
 * Retries only what is safe to send again. A 429 says Intune did nothing, so any request is resent after its
 * Retry-After (or a back-off when it has none or an unreadable one). A read is also resent after a 503 or 504.
 * A write answered with anything else may have been carried out: it is never resent here, and the caller
 * reconciles it by reading the token (see vppTokenService). The 401 retry with a fresh token is the service's.
 */
export class GraphRetryHandler implements Middleware {
  private next: Middleware | undefined;

  constructor(
    private readonly policy: RetryPolicy,
    private readonly wait: (ms: number, signal?: AbortSignal) => Promise<boolean> = delay,
  ) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    if (!this.next) {
      throw new Error('GraphRetryHandler must not be the last middleware');
    }
    const method = (context.options?.method ?? 'GET').toUpperCase();
    for (let retries = 0; ; retries++) {
      try {
        await this.next.execute(context);
      } catch (error) {
        // A retry cancelled before it was sent (while it waited for a write slot): the attempt that did go out was
        // refused with a 429, so nothing was carried out. That is a throttled request, not one never sent.
        if (retries > 0 && error instanceof VppError && error.kind === 'cancelled') {
          throw new VppError(
            'throttled',
            l10n.t('Intune throttled this request (429) and it was cancelled before it was sent again; nothing was carried out.'),
            error.details,
          );
        }
        throw error;
      }
      const response = context.response;
      const delayMs = response && retries < this.policy.maxRetries ? this.retryDelayMs(method, response, retries) : undefined;
      if (delayMs === undefined) {
        return;
      }
      await response?.body?.cancel().catch(() => undefined);
      if (!(await this.wait(delayMs, context.options?.signal ?? undefined))) {
        throw new VppError('cancelled', l10n.t('The request was cancelled.'));
      }
    }
  }

  /** How long to wait before resending, or undefined when this answer must not be retried. */
  private retryDelayMs(method: string, response: Response, retries: number): number | undefined {
    const retriable = response.status === 429 || (READ_METHODS.has(method) && RETRIABLE_READ_STATUSES.has(response.status));
    if (!retriable) {
      return undefined;
    }
    const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
    if (retryAfter !== undefined) {
      return retryAfter <= this.policy.maxWaitSeconds ? retryAfter * 1000 : undefined;
    }
    // No Retry-After, or one that cannot be read: back off exponentially, never retry at once.
    return Math.min(this.policy.delaySeconds * 2 ** retries, this.policy.maxWaitSeconds) * 1000 + 100;
  }
}
