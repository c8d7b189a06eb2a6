import { AccountActions } from './tenants/account';
import { OutcomePolling } from '../graph/actionResults';
import { VppTokenService } from '../graph/vppTokenService';
import { WriteJournal } from '../journal/journal';
import { Logger } from '../log';
import { UserInput } from '../ui/userInput';

/** What the tree offers commands: reload it, or redraw one token. */
export interface TokenTree {
  refresh(): void;
  refreshToken(id: string): Promise<void>;
}

/**
 * What one command invocation works with. The registration wrapper builds one per invocation and passes it to the
 * handler; tests build their own to script the UI.
 */
export interface ActionContext {
  readonly ui: UserInput;
  readonly log: Logger;
  /** Aborts when the extension deactivates: watches of a write's outcome end with it. */
  readonly stopped?: AbortSignal;
}

/** The action context of a command that acts on one tenant: its sign-in, its service and its part of the tree. */
export interface TenantContext extends ActionContext {
  /** The tenant's sign-in and credentials. */
  readonly account: AccountActions;
  /** The tenant's service; throws a VppError when settings are incomplete. */
  service(): VppTokenService;
  readonly tree: TokenTree;
  /** Where every write to this tenant is recorded, before it is sent and once its outcome is known. */
  readonly journal: WriteJournal;
  /** The tenant's name when the view shows several: confirmations name it. Undefined with one tenant. */
  readonly tenantLabel?: string;
  readonly now: () => number;
  /** How long to watch for a revoke's result after Intune accepted it. */
  readonly outcomePolling: OutcomePolling;
  /** How long Retire Token… watches the licenses of a token fall after its revoke. */
  readonly licensePolling: OutcomePolling;
}

/** The signal a watch of a write's outcome listens to: the user's Cancel, or the extension deactivating. */
export function watchSignal(context: TenantContext, cancel: AbortSignal): AbortSignal {
  return context.stopped ? AbortSignal.any([cancel, context.stopped]) : cancel;
}
