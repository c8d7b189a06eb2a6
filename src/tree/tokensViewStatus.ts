import * as vscode from 'vscode';
import * as l10n from '@vscode/l10n';
import { CONTEXT_KEYS } from '../ids';
import { TenantStore } from '../store/tenantStore';
import { TenantSignIn } from './signInSummary';
import { ViewState } from './treeNodes';

/**
 * Keeps what surrounds the tokens view in step with the store: its context keys (which welcome content and menus
 * show), its badge, message and description, and who is signed in where. It follows the store's changes, so that
 * reading the tree's children changes none of it; changes that come in a burst (a bulk run) are drawn once.
 */
export class TokensViewStatus implements vscode.Disposable {
  private readonly signInsChanged = new vscode.EventEmitter<readonly TenantSignIn[]>();
  /** Who is signed in to which tenant, after each change. */
  readonly onDidChangeSignIns = this.signInsChanged.event;
  private readonly subscription: vscode.Disposable;
  /** The update waiting for the current burst of changes to end, if any. */
  private pending: Promise<void> | undefined;
  /** The last update drawn. */
  private drawn: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: TenantStore,
    private readonly view: vscode.TreeView<unknown> | undefined,
    private readonly log: vscode.LogOutputChannel,
    /** How many tokens Needs Attention holds (with several tenants). */
    private readonly attentionCount: () => number,
  ) {
    this.subscription = store.onDidChange(() => this.schedule());
    this.schedule();
  }

  /** Draws the status once after the current burst of changes. */
  schedule(): void {
    this.pending ??= new Promise((resolve) => setImmediate(resolve)).then(() => {
      this.pending = undefined;
      this.drawn = this.update().catch((error: unknown) => this.log.warn(`Could not update the tokens view's status: ${String(error)}`));
      return this.drawn;
    });
  }

  /** Resolves once the status reflects every change so far. */
  settled(): Promise<void> {
    return this.pending ?? this.drawn;
  }

  dispose(): void {
    this.subscription.dispose();
    this.signInsChanged.dispose();
  }

  private async update(): Promise<void> {
    const tenants = this.store.tenants();
    const multiTenant = tenants.length > 1;
    const listings = tenants.map((tenant) => this.store.listing(tenant.key));
    const only = multiTenant ? undefined : tenants[0];
    const onlyListing = listings[0];
    const state: ViewState = multiTenant ? 'loaded' : (onlyListing?.state ?? 'loading');
    const signedIn = listings.some((listing) => listing?.state === 'loaded' || listing?.state === 'empty');
    await Promise.all([
      setContext(CONTEXT_KEYS.multiTenant, multiTenant),
      ...(only ? [setContext(CONTEXT_KEYS.authMode, only.authMode())] : []),
      setContext(CONTEXT_KEYS.viewState, state),
      setContext(CONTEXT_KEYS.signedIn, signedIn),
    ]);
    const signIns = tenants.map((tenant, index) => ({
      tenant: tenant.label,
      account: listings[index]?.account,
      configured: listings[index]?.state !== 'notConfigured',
    }));
    if (this.view) {
      const count = multiTenant ? this.attentionCount() : 0;
      this.view.badge = count > 0 ? { value: count, tooltip: l10n.t('{0} VPP tokens need attention', count) } : undefined;
      this.view.message = multiTenant ? undefined : onlyListing?.message;
      const [first] = signIns;
      this.view.description =
        signIns.length > 1
          ? l10n.t('{0} tenants', signIns.length)
          : first?.account
            ? l10n.t('{0} · {1}', first.account, first.tenant)
            : undefined;
    }
    this.signInsChanged.fire(signIns);
  }
}

function setContext(key: string, value: unknown): Thenable<unknown> {
  return vscode.commands.executeCommand('setContext', key, value);
}
