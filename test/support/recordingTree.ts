import { TokenTree } from '../../src/commands/context';

/** A TokenTree that records what commands asked of it. */
export class RecordingTree implements TokenTree {
  readonly refreshedTokens: string[] = [];
  fullRefreshes = 0;
  refresh(): void {
    this.fullRefreshes++;
  }
  async refreshToken(id: string): Promise<void> {
    this.refreshedTokens.push(id);
  }
  /** Every change asked for, whole or per token. */
  get changes(): number {
    return this.fullRefreshes + this.refreshedTokens.length;
  }
}
