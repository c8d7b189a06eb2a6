import * as l10n from '@vscode/l10n';
import { VppError } from '../errors';
import { MAX_BATCH_REQUESTS, VppTokenRecord } from './vppRecords';
import { VppTokenService } from './vppTokenService';

interface PendingRead {
  readonly id: string;
  readonly signal: AbortSignal;
  readonly resolve: (token: VppTokenRecord) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Reads tokens for the writes of a bulk run: the reads asked for in the same turn of the event loop go out together,
 * as JSON batches of up to 20 (a bulk run asks for each token's read just before its write, many at a time). Each
 * token is read as fresh as a read of its own would be, in a twentieth of the requests. A token the batch could not
 * answer, or a batch that failed, is read alone, so its error (a 404, a missing permission) and retries are those
 * of a plain read.
 */
export class BatchedTokenReads {
  private pending: PendingRead[] = [];
  private scheduled = false;

  constructor(private readonly service: () => VppTokenService) {}

  read(id: string, signal: AbortSignal): Promise<VppTokenRecord> {
    if (signal.aborted) {
      return Promise.reject(cancelled());
    }
    return new Promise((resolve, reject) => {
      this.pending.push({ id, signal, resolve, reject });
      if (this.pending.length >= MAX_BATCH_REQUESTS) {
        this.flush();
      } else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = this.pending.length > MAX_BATCH_REQUESTS;
    const reads = this.pending.splice(0, MAX_BATCH_REQUESTS).filter((read) => !read.signal.aborted || this.cancel(read));
    if (this.scheduled) {
      setImmediate(() => this.flush());
    }
    if (reads.length > 0) {
      void this.send(reads);
    }
  }

  private cancel(read: PendingRead): false {
    read.reject(cancelled());
    return false;
  }

  /** One read alone reads the token directly: a batch of one would cost the same request and say less. */
  private async send(reads: readonly PendingRead[]): Promise<void> {
    const service = this.service();
    let found: Map<string, VppTokenRecord | undefined> | undefined;
    if (reads.length > 1) {
      found = await service.getTokensInBatch(unique(reads.map((read) => read.id))).catch(() => undefined);
    }
    await Promise.all(
      reads.map(async (read) => {
        const token = found?.get(read.id);
        try {
          read.resolve(token ?? (await service.getToken(read.id, read.signal)));
        } catch (error) {
          read.reject(error);
        }
      }),
    );
  }
}

function unique(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}

function cancelled(): VppError {
  return new VppError('cancelled', l10n.t('The request was cancelled.'));
}
