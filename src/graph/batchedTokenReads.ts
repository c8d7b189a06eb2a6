import * as l10n from '@vscode/l10n';
import { VppError } from '../errors';
import { delay } from './delay';
import { DEFAULT_RETRY_POLICY } from './retryHandler';
import { MAX_BATCH_REQUESTS, VppTokenRecord } from './vppRecords';
import { BatchedToken, VppTokenService } from './vppTokenService';

/**
 * Reads the tokens of a bulk run before their writes, in JSON batches of up to 20: the run's tokens, in the order it
 * sends them, fall into chunks of 20, and the first read asked for in a chunk reads the whole chunk in one batch.
 * A bulk run picks its tokens in that order, a window of Intune's limit at a time, so a token is read at most about
 * one window before its write, as it was when each token was read alone just before it waited for its write slot.
 * A token the batch could not answer, or a chunk whose batch failed, is read alone, so its error (a 404, a missing
 * permission) and retries are those of a plain read. A token Graph throttled inside the batch (its own 429) is read
 * alone only after the wait Graph asked for, or a back-off when it named none, as Graph's throttling guidance asks.
 */
export class BatchedTokenReads {
  /** The run's token ids, each once, in the order it sends them: chunk `n` is ids 20n to 20n + 19. */
  private readonly order: readonly string[];
  private readonly positions: ReadonlyMap<string, number>;
  private readonly chunks = new Map<number, Promise<Map<string, BatchedToken>>>();

  constructor(
    private readonly service: () => VppTokenService,
    order: readonly string[],
    /** The wait after an inner 429 without a readable Retry-After: the first back-off of the retry policy. */
    private readonly backOffMs = DEFAULT_RETRY_POLICY.delaySeconds * 1000,
    private readonly wait: (ms: number, signal: AbortSignal) => Promise<boolean> = delay,
  ) {
    this.order = [...new Set(order)];
    this.positions = new Map(this.order.map((id, position) => [id, position]));
  }

  async read(id: string, signal: AbortSignal): Promise<VppTokenRecord> {
    if (signal.aborted) {
      throw cancelled();
    }
    const position = this.positions.get(id);
    const answer = position === undefined ? undefined : (await this.batchOf(Math.floor(position / MAX_BATCH_REQUESTS))).get(id);
    if (answer?.kind === 'read') {
      return answer.token;
    }
    if (answer?.kind === 'throttled') {
      const waitMs = answer.retryAfterSeconds === undefined ? this.backOffMs : answer.retryAfterSeconds * 1000;
      if (!(await this.wait(waitMs, signal))) {
        throw cancelled();
      }
    }
    return this.service().getToken(id, signal);
  }

  /** The chunk's batch, read once; a batch that failed reads as empty, so each of its tokens is read alone. */
  private batchOf(chunk: number): Promise<Map<string, BatchedToken>> {
    let batch = this.chunks.get(chunk);
    if (!batch) {
      const ids = this.order.slice(chunk * MAX_BATCH_REQUESTS, (chunk + 1) * MAX_BATCH_REQUESTS);
      batch =
        ids.length > 1
          ? this.service()
              .getTokensInBatch(ids)
              .catch(() => new Map<string, BatchedToken>())
          : Promise.resolve(new Map<string, BatchedToken>());
      this.chunks.set(chunk, batch);
    }
    return batch;
  }
}

function cancelled(): VppError {
  return new VppError('cancelled', l10n.t('The request was cancelled.'));
}
