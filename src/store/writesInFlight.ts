/** What a write in flight does to its token, as the tree and the Overview say it ("Revoking…"). */
export type WriteInFlight = 'revoke' | 'retire' | 'sync' | 'delete' | 'edit' | 'renew';

/** The kinds that revoke a token's licenses: a second one on the same token waits until the first ends. */
const REVOKES: ReadonlySet<WriteInFlight> = new Set(['revoke', 'retire']);

/** Whether a write of this kind waits while a revoke of its token runs (it revokes too). */
export function waitsForRevoke(kind: WriteInFlight): boolean {
  return REVOKES.has(kind);
}

/**
 * The writes running now, by tenant and token: several may run on one token (a sync during a revoke), but only one
 * revoke. `changed` is told of each token whose writes changed, so that its surfaces redraw it.
 */
export class WritesInFlight {
  private readonly running = new Map<string, WriteInFlight[]>();

  constructor(private readonly changed: (tenantKey: string, tokenId: string) => void) {}

  /** The latest write running on the token, if any: what its row shows. */
  current(tenantKey: string, tokenId: string): WriteInFlight | undefined {
    return this.running.get(keyOf(tenantKey, tokenId))?.at(-1);
  }

  /** Whether a revoke (or a Retire, which revokes) of the token runs now. */
  revoking(tenantKey: string, tokenId: string): boolean {
    return this.running.get(keyOf(tenantKey, tokenId))?.some((kind) => REVOKES.has(kind)) === true;
  }

  /**
   * Marks the tokens as running `kind`, except those a revoke already runs for when `kind` revokes: returns the ids
   * taken, and releases them when `release` is called (once; a second call does nothing).
   */
  begin(tenantKey: string, tokenIds: readonly string[], kind: WriteInFlight): { readonly taken: string[]; readonly release: () => void } {
    const taken = [...new Set(tokenIds)].filter((id) => !(waitsForRevoke(kind) && this.revoking(tenantKey, id)));
    for (const id of taken) {
      const key = keyOf(tenantKey, id);
      this.running.set(key, [...(this.running.get(key) ?? []), kind]);
      this.changed(tenantKey, id);
    }
    let released = false;
    return {
      taken,
      release: () => {
        if (released) {
          return;
        }
        released = true;
        taken.forEach((id) => this.end(tenantKey, id, kind));
      },
    };
  }

  private end(tenantKey: string, tokenId: string, kind: WriteInFlight): void {
    const key = keyOf(tenantKey, tokenId);
    // A token taken by `begin` keeps its kinds until this release.
    const kinds = [...(this.running.get(key) as WriteInFlight[])];
    kinds.splice(kinds.lastIndexOf(kind), 1);
    if (kinds.length > 0) {
      this.running.set(key, kinds);
    } else {
      this.running.delete(key);
    }
    this.changed(tenantKey, tokenId);
  }
}

function keyOf(tenantKey: string, tokenId: string): string {
  return `${tenantKey}\n${tokenId.toLowerCase()}`;
}
