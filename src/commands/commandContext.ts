import { OutcomePolling } from '../graph/actionResults';
import { VppTokenRecord, VppTokenService } from '../graph/vppTokenService';
import { Logger } from '../log';
import { UserInput } from './userInput';

/** What the tree offers commands: reload it, or redraw one token. */
export interface TokenTree {
  refresh(): void;
  refreshToken(id: string): Promise<void>;
}

/** A tree item as commands receive it. */
export interface TokenItem {
  readonly token: VppTokenRecord;
}

/** Everything a command needs, passed in so tests can script the UI and point the service at the simulated tenant. */
export interface CommandContext {
  readonly ui: UserInput;
  readonly log: Logger;
  /** The configured tenant's service; throws a VppError when settings are incomplete. */
  service(): VppTokenService;
  /** Signs in interactively (the palette path signs in first when needed). */
  signIn(): Promise<string>;
  readonly tree: TokenTree;
  readonly now: () => number;
  /** How long to watch for a revoke's result after Intune accepted it. */
  readonly outcomePolling: OutcomePolling;
}

/** The tokens a command acts on: the selection when it holds several, else the item, else none (ask). */
export function tokensOf(item: TokenItem | undefined, selection: readonly TokenItem[] | undefined): VppTokenRecord[] {
  if (selection && selection.length > 1) {
    return selection.map((selected) => selected.token);
  }
  return item ? [item.token] : [];
}
