import { VppTokenRecord } from '../graph/vppRecords';

/** What of a listing a redraw compares: its tokens in order, and what the tenant's item shows. */
export interface ComparedListing {
  readonly tokens: ReadonlyMap<string, VppTokenRecord>;
  readonly state: string;
  readonly account?: string;
  readonly message?: string;
}

/**
 * What a new listing changes against the last one: the whole tenant (its first listing, another state, account or
 * message, tokens added, removed or reordered), or the ids of the tokens whose records differ. A listing that changes
 * nothing redraws nothing: the rows the admin expanded, or is expanding, stay as they are.
 */
export function changesBetween(previous: ComparedListing | undefined, next: ComparedListing): 'tenant' | string[] {
  if (
    !previous ||
    previous.state !== next.state ||
    previous.account !== next.account ||
    previous.message !== next.message ||
    previous.tokens.size !== next.tokens.size
  ) {
    return 'tenant';
  }
  const before = [...previous.tokens];
  const after = [...next.tokens];
  if (after.some(([id], index) => before[index][0] !== id)) {
    return 'tenant';
  }
  return after.filter(([, token], index) => JSON.stringify(token) !== JSON.stringify(before[index][1])).map(([id]) => id);
}
