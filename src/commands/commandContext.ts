import { OutcomePolling } from '../graph/actionResults';
import { VppTokenService } from '../graph/vppTokenService';
import { Logger } from '../log';
import { UserInput } from '../ui/userInput';

/** What the tree offers commands: reload it, or redraw one token. */
export interface TokenTree {
  refresh(): void;
  refreshToken(id: string): Promise<void>;
}

/** Everything a command needs, passed in so tests can script the UI and point the service at the simulated tenant. */
export interface CommandContext {
  readonly ui: UserInput;
  readonly log: Logger;
  /** The tenant's service; throws a VppError when settings are incomplete. */
  service(): VppTokenService;
  /** Signs in interactively (the palette path signs in first when needed). */
  signIn(): Promise<string>;
  readonly tree: TokenTree;
  /** The tenant's name when the view shows several: confirmations name it. Undefined with one tenant. */
  readonly tenantLabel?: string;
  readonly now: () => number;
  /** How long to watch for a revoke's result after Intune accepted it. */
  readonly outcomePolling: OutcomePolling;
  /** Aborts when the extension deactivates: watches of a write's outcome end with it. */
  readonly stopped?: AbortSignal;
}

/** The signal a watch of a write's outcome listens to: the user's Cancel, or the extension deactivating. */
export function watchSignal(context: CommandContext, cancel: AbortSignal): AbortSignal {
  return context.stopped ? AbortSignal.any([cancel, context.stopped]) : cancel;
}
