import * as vscode from 'vscode';
import * as l10n from '@vscode/l10n';
import { readExpiryWarningDays, readMaxConcurrentTenants } from '../config/vscodeSettings';
import { describeForLog, VppError } from '../errors';
import { groupByTokenId } from '../graph/licenses';
import { AssignedLicenseRecord, VppAppRecord, VppEBookRecord, VppTokenRecord } from '../graph/vppRecords';
import { VIEW_ID } from '../ids';
import { ConcurrencyLimit } from '../tenants/concurrencyLimit';
import { TenantConnection } from '../tenants/tenantConnection';
import { TenantRegistry } from '../tenants/tenantRegistry';
import { plainText } from '../text';
import { attentionReasons } from './expiry';
import { sortTokens } from './tokenPresentation';
import { AppNode, AttentionTokenNode, TenantNode, TenantView, TokenNode } from './treeNodes';

/** What a token shows when expanded: its apps, its recent actions and its eBooks, each read on its own. */
export interface TokenContents {
  readonly apps: PromiseSettledResult<AppNode[]>;
  readonly actions: PromiseSettledResult<NonNullable<VppTokenRecord['tokenActionResults']>>;
  /** Empty when the eBooks could not be read: the apps' failure already names the same missing permission. */
  readonly books: readonly VppEBookRecord[];
}

/** An iOS app's licenses as read when it is expanded. */
export type AppLicenses =
  | { readonly kind: 'read'; readonly licenses: readonly AssignedLicenseRecord[] }
  | { readonly kind: 'failed'; readonly error: unknown }
  | { readonly kind: 'tenantGone' };

/**
 * A tenant's read kept with its listing (its apps, its eBooks): the one made, or `read` now. A read that fails is
 * forgotten as it fails, so the next one asks again.
 */
function rememberedRead<K extends 'appsByToken' | 'eBooksByToken'>(
  view: TenantView,
  key: K,
  read: () => NonNullable<TenantView[K]>,
): NonNullable<TenantView[K]> {
  const remembered = view[key];
  if (remembered) {
    return remembered;
  }
  const pending = read();
  view[key] = pending;
  Promise.resolve(pending).catch(() => {
    if (view[key] === pending) {
      view[key] = undefined;
    }
  });
  return pending;
}

/** A tenant's listing in flight: what it will show, the credentials it began under, and how to stop it. */
interface InFlightListing {
  readonly view: Promise<TenantView>;
  readonly credentials: number;
  readonly connection: TenantConnection;
  readonly stop: AbortController;
}

/**
 * The data behind the tokens view: each tenant's listing (one in flight at a time per tenant, at most
 * `intuneVpp.maxConcurrentTenants` at once), what a listing came to, a token's and an app's contents when expanded,
 * and which tokens need attention. It builds no tree item and sets no context key: the provider does.
 */
export class TokenTreeModel implements vscode.Disposable {
  /** Each tenant's last listing, by tenant key. */
  private readonly views = new Map<string, TenantView>();
  /**
   * Each tenant's listing in flight, with the credentials it began under: children, the Overview and the expiry
   * check wait for it rather than list again, unless the tenant's credentials changed since it began.
   */
  private readonly loads = new Map<string, InFlightListing>();
  /** When each tenant's last listing was made. */
  private readonly listedAt = new Map<string, number>();
  /**
   * Listings run at most `intuneVpp.maxConcurrentTenants` at a time (default 8): each signs in and reads every page,
   * and a hundred at once would crowd the sign-in endpoint and the extension host; a slow one holds up no other.
   */
  private readonly listings = new ConcurrencyLimit(readMaxConcurrentTenants);
  /**
   * One node per token, kept across listings (its record replaced in place): revealing a token, and VS Code's
   * selection, find it by identity, whichever listing drew it.
   */
  private readonly tokenNodes = new Map<string, TokenNode>();
  private readonly tokensListed = new vscode.EventEmitter<{ tenantKey: string; tokens: readonly VppTokenRecord[] }>();
  /** Each tenant's tokens, after each listing that succeeded. */
  readonly onDidListTokens = this.tokensListed.event;

  constructor(
    private readonly registry: TenantRegistry,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  tenants(): TenantConnection[] {
    return this.registry.list();
  }

  connection(tenantKey: string): TenantConnection | undefined {
    return this.registry.get(tenantKey);
  }

  /** Forgets every listing, those in flight too: the next reads list again (what the admin's Refresh asks for). */
  clear(): void {
    this.forgetMade();
    this.loads.clear();
  }

  /**
   * After a change of credentials: forgets the listings made, and stops those in flight that began under older
   * credentials; one that began under the current ones is joined by the next read, being as new as another.
   */
  forgetAfterChange(): void {
    this.forgetMade();
    this.stopStaleListings();
  }

  private forgetMade(): void {
    this.views.clear();
    this.listedAt.clear();
  }

  /** Stops the listings begun under credentials a tenant no longer has: nothing would keep what they read. */
  private stopStaleListings(): void {
    for (const listing of this.loads.values()) {
      if (listing.credentials !== listing.connection.credentialsVersion) {
        listing.stop.abort();
      }
    }
  }

  view(tenantKey: string): TenantView | undefined {
    return this.views.get(tenantKey);
  }

  allViews(): TenantView[] {
    return [...this.views.values()];
  }

  /** A tenant's listing: the one in flight, else the last one made if it is at most `maxAgeMs` old, else a new one. */
  listed(connection: TenantConnection, maxAgeMs = Infinity): Promise<TenantView> {
    this.stopStaleListings();
    const inFlight = this.loads.get(connection.key);
    if (inFlight && inFlight.connection === connection && inFlight.credentials === connection.credentialsVersion) {
      return inFlight.view;
    }
    const view = this.views.get(connection.key);
    if (view && Date.now() - (this.listedAt.get(connection.key) ?? -Infinity) <= maxAgeMs) {
      return Promise.resolve(view);
    }
    return this.load(connection);
  }

  /** Lists one tenant's tokens again, remembering the outcome for its root item and children. */
  load(connection: TenantConnection): Promise<TenantView> {
    const credentials = connection.credentialsVersion;
    const stop = new AbortController();
    const load = this.listTenant(connection, stop.signal).then((view) => {
      // Kept only while it is the tenant's latest listing, and its credentials are still the tenant's.
      if (this.loads.get(connection.key)?.view === load) {
        this.loads.delete(connection.key);
        if (credentials === connection.credentialsVersion) {
          this.views.set(connection.key, view);
          this.listedAt.set(connection.key, Date.now());
        }
      }
      return view;
    });
    this.loads.set(connection.key, { view: load, credentials, connection, stop });
    return load;
  }

  /** A token's node from its tenant's last listing, or undefined when that listing did not show it. */
  tokenNode(tenantKey: string, id: string): TokenNode | undefined {
    return this.views.get(tenantKey)?.nodes.get(id);
  }

  /**
   * A tenant's listing and, when it listed, its VPP apps by token id: read once per listing (shared with the tokens
   * as they expand), within the same bound as the listings.
   */
  async listedWithApps(
    connection: TenantConnection,
  ): Promise<{ view: TenantView; apps?: PromiseSettledResult<Map<string, VppAppRecord[]>> }> {
    const view = await this.listed(connection);
    if (view.state !== 'loaded' && view.state !== 'empty') {
      return { view };
    }
    const [apps] = await Promise.allSettled([
      rememberedRead(view, 'appsByToken', () => this.listings.run(() => connection.service().listVppApps()).then(groupByTokenId)),
    ]);
    if (apps.status === 'rejected') {
      this.log.warn(`Could not read the apps of tenant ${connection.label}: ${describeForLog(apps.reason)}`);
    }
    return { view, apps };
  }

  /** Re-reads one token in place; undefined when it is not listed or could not be read (then list its tenant again). */
  async reread(tenantKey: string, id: string): Promise<TokenNode | undefined> {
    const node = this.tokenNode(tenantKey, id);
    const connection = this.registry.get(tenantKey);
    if (!node || !connection) {
      return undefined;
    }
    try {
      node.token = await connection.service().getToken(id);
      return node;
    } catch (error) {
      this.log.warn(`Could not refresh token ${plainText(id, 200)}: ${describeForLog(error)}`);
      return undefined;
    }
  }

  /** The tokens, across the given tenants listed so far (in their order), that need attention. */
  attentionTokens(roots: Iterable<TenantNode>): AttentionTokenNode[] {
    const now = Date.now();
    const warningDays = readExpiryWarningDays();
    return [...roots].flatMap((root) =>
      [...(this.views.get(root.tenantKey)?.nodes.values() ?? [])].flatMap((node) => {
        const reasons = attentionReasons(node.token, now, warningDays);
        return reasons.length > 0 ? [new AttentionTokenNode(node.token, root.tenantKey, root.connection.label, reasons)] : [];
      }),
    );
  }

  /** How many of the given tenants are still waiting for their listing. */
  loadingCount(tenantKeys: Iterable<string>): number {
    return [...tenantKeys].filter((key) => !this.views.has(key)).length;
  }

  /**
   * A token's apps and eBooks (read once per listing for the whole tenant) and its recent action results (read each
   * time). A failure to read the apps or eBooks is not remembered: the next expansion reads them again.
   */
  async tokenContents(node: TokenNode): Promise<TokenContents | undefined> {
    const view = this.views.get(node.tenantKey);
    const connection = this.registry.get(node.tenantKey);
    if (!connection || !view) {
      return undefined;
    }
    const service = connection.service();
    const [apps, token, books] = await Promise.allSettled([
      rememberedRead(view, 'appsByToken', () => service.listVppApps().then(groupByTokenId)),
      service.getToken(node.token.id),
      rememberedRead(view, 'eBooksByToken', () => service.listVppEBooks().then(groupByTokenId)),
    ]);
    if (token.status === 'fulfilled') {
      node.token = token.value;
    }
    if (apps.status === 'rejected') {
      this.log.warn(`Could not read the apps of token ${plainText(node.token.id, 200)}: ${describeForLog(apps.reason)}`);
    }
    if (books.status === 'rejected') {
      this.log.warn(`Could not read the VPP eBooks of tenant ${connection.label}: ${describeForLog(books.reason)}`);
    }
    if (token.status === 'rejected') {
      this.log.warn(`Could not read the recent actions of token ${plainText(node.token.id, 200)}: ${describeForLog(token.reason)}`);
    }
    const tokenId = node.token.id.toLowerCase();
    return {
      apps:
        apps.status === 'fulfilled'
          ? { status: 'fulfilled', value: (apps.value.get(tokenId) ?? []).map((app) => new AppNode(app, node)) }
          : apps,
      actions:
        token.status === 'fulfilled'
          ? { status: 'fulfilled', value: Array.isArray(token.value.tokenActionResults) ? token.value.tokenActionResults : [] }
          : token,
      books: books.status === 'fulfilled' ? (books.value.get(tokenId) ?? []) : [],
    };
  }

  /** An iOS app's licenses, read when it is expanded. */
  async appLicenses(node: AppNode): Promise<AppLicenses> {
    const connection = this.registry.get(node.tenantKey);
    if (!connection) {
      return { kind: 'tenantGone' };
    }
    try {
      return { kind: 'read', licenses: await connection.service().listAssignedLicenses(node.app.id) };
    } catch (error) {
      this.log.warn(`Could not read the licenses of app ${plainText(node.app.id, 200)}: ${describeForLog(error)}`);
      return { kind: 'failed', error };
    }
  }

  dispose(): void {
    this.tokensListed.dispose();
  }

  private async listTenant(connection: TenantConnection, signal: AbortSignal): Promise<TenantView> {
    try {
      const tokens = await this.listings.run(async () =>
        vscode.window.withProgress({ location: { viewId: VIEW_ID } }, () => connection.service().listTokens(signal)),
      );
      const locale = vscode.env.language || 'en';
      const nodes = new Map(sortTokens(tokens, locale).map((token) => [token.id, this.nodeOf(connection.key, token)]));
      this.forgetNodes(connection.key, nodes);
      if (nodes.size < tokens.length) {
        // A tree item id must be unique, and one id is one token in Graph: show it once, and say so.
        this.log.warn(`Graph listed ${tokens.length - nodes.size} token ids more than once; each is shown once.`);
      }
      const view: TenantView = { nodes, state: nodes.size > 0 ? 'loaded' : 'empty', account: await connection.account() };
      this.tokensListed.fire({ tenantKey: connection.key, tokens });
      return view;
    } catch (error) {
      return { nodes: new Map(), ...this.failure(connection, error) };
    }
  }

  /** The token's node, kept from an earlier listing (with the record just read) or new. */
  private nodeOf(tenantKey: string, token: VppTokenRecord): TokenNode {
    const key = `${tenantKey}\n${token.id}`;
    const node = this.tokenNodes.get(key) ?? new TokenNode(token, tenantKey);
    node.token = token;
    this.tokenNodes.set(key, node);
    return node;
  }

  /** Forgets the nodes of a tenant's tokens that its latest listing no longer shows. */
  private forgetNodes(tenantKey: string, listed: ReadonlyMap<string, TokenNode>): void {
    for (const [key, node] of this.tokenNodes) {
      if (node.tenantKey === tenantKey && listed.get(node.token.id) !== node) {
        this.tokenNodes.delete(key);
      }
    }
  }

  /** What a failed listing shows: the sign-in it needs, the setting it lacks, or the error. */
  private failure(connection: TenantConnection, error: unknown): Pick<TenantView, 'state' | 'message'> {
    const failure = error instanceof VppError ? error : undefined;
    const kind = failure?.kind;
    this.log.info(`Token list of tenant ${connection.label} not loaded: ${describeForLog(error)}`);
    if (kind === 'configuration') {
      return { state: 'notConfigured', message: failure?.message };
    }
    if (kind === 'signInRequired' || kind === 'cancelled' || kind === 'unauthorized' || kind === 'consentRequired') {
      const needsSecret = kind === 'signInRequired' && connection.authMode() === 'clientCredentials';
      const message = kind === 'signInRequired' || kind === 'cancelled' ? undefined : failure?.message;
      return { state: needsSecret ? 'needsSecret' : 'signedOut', message };
    }
    this.log.error(`Could not list the VPP tokens of tenant ${connection.label}: ${describeForLog(error)}`);
    return { state: 'error', message: failure?.message ?? l10n.t('Could not list the VPP tokens. See the log for details.') };
  }
}
