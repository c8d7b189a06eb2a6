import * as l10n from '@vscode/l10n';
import { VppError } from '../errors';
import { MAX_BATCH_REQUESTS, VppTokenRecord } from './vppRecords';
import { VppTokenService } from './vppTokenService';

/**
 * Reads the tokens of a bulk run before their writes, in JSON batches of up to 20: the run's tokens, in the order it
 * sends them, fall into chunks of 20, and the first read asked for in a chunk reads the whole chunk in one batch.
 * A bulk run picks its tokens in that order, a window of Intune's limit at a time, so a token is read at most about
 * one window before its write, as it was when each token was read alone just before it waited for its write slot.
 * A token the batch could not answer, or a chunk whose batch failed, is read alone, so its error (a 404, a missing
 * permission) and retries are those of a plain read.
 */
export class BatchedTokenReads {
  /** The run's token ids, each once, in the order it sends them: chunk `n` is ids 20n to 20n + 19. */
  private readonly order: readonly string[];
  private readonly positions: ReadonlyMap<string, number>;
  private readonly chunks = new Map<number, Promise<Map<string, VppTokenRecord | undefined>>>();

  constructor(
    private readonly service: () => VppTokenService,
    order: readonly string[],
  ) {
    this.order = [...new Set(order)];
    this.positions = new Map(this.order.map((id, position) => [id, position]));
  }

  async read(id: string, signal: AbortSignal): Promise<VppTokenRecord> {
    if (signal.aborted) {
      throw new VppError('cancelled', l10n.t('The request was cancelled.'));
    }
    const position = this.positions.get(id);
    const batch = position === undefined ? undefined : await this.batchOf(Math.floor(position / MAX_BATCH_REQUESTS));
    return batch?.get(id) ?? this.service().getToken(id, signal);
  }

  /** The chunk's batch, read once; a batch that failed reads as empty, so each of its tokens is read alone. */
  private batchOf(chunk: number): Promise<Map<string, VppTokenRecord | undefined>> {
    let batch = this.chunks.get(chunk);
    if (!batch) {
      const ids = this.order.slice(chunk * MAX_BATCH_REQUESTS, (chunk + 1) * MAX_BATCH_REQUESTS);
      batch =
        ids.length > 1
          ? this.service()
              .getTokensInBatch(ids)
              .catch(() => new Map<string, VppTokenRecord | undefined>())
          : Promise.resolve(new Map<string, VppTokenRecord | undefined>());
      this.chunks.set(chunk, batch);
    }
    return batch;
  }
}
