import { TenantWrites } from '../../src/commands/context';
import { VppTokenRecord } from '../../src/graph/vppRecords';
import { WriteInFlight, WritesInFlight } from '../../src/store/writesInFlight';

/** The store of one tenant as commands see it, recording what they told it; its writes in flight are the real ones. */
export class RecordingStore implements TenantWrites {
  /** The tokens written, read back once each, in order. */
  readonly writtenTokens: string[] = [];
  relists = 0;
  /** Every write marked in flight, with the tokens it took: what the tree showed while it ran. */
  readonly begun: { readonly kind: WriteInFlight; readonly ids: readonly string[] }[] = [];
  private readonly writes = new WritesInFlight(() => undefined);

  async tokenWritten(id: string): Promise<VppTokenRecord | undefined> {
    this.writtenTokens.push(id);
    return undefined;
  }
  relist(): void {
    this.relists++;
  }
  begin(ids: readonly string[], kind: WriteInFlight): { readonly taken: string[]; readonly release: () => void } {
    const claim = this.writes.begin('tenant', ids, kind);
    this.begun.push({ kind, ids: claim.taken });
    return claim;
  }
  revoking(id: string): boolean {
    return this.writes.revoking('tenant', id);
  }
  /** The write running on the token now, if any. */
  current(id: string): WriteInFlight | undefined {
    return this.writes.current('tenant', id);
  }
  /** Every change asked for, whole or per token. */
  get changes(): number {
    return this.relists + this.writtenTokens.length;
  }
}
