import * as vscode from 'vscode';
import * as l10n from '@vscode/l10n';
import { TenantConnection } from '../tenants/tenantConnection';
import { TenantRegistry } from '../tenants/tenantRegistry';
import { describeForLog, VppError } from '../errors';
import { plainText } from '../text';
import { TenantSignIn } from './signInSummary';
import { sortTokens } from './tokenPresentation';
import { CONTEXT_KEYS, VIEW_ID } from '../ids';
import { groupByTokenId } from '../graph/licenses';
import { VppTokenRecord } from '../graph/vppRecords';
import { readExpiryWarningDays, readMaxConcurrentTenants } from '../config/vscodeSettings';
import { ConcurrencyLimit } from '../tenants/concurrencyLimit';
import { attentionReasons } from './expiry';
import {
  actionItem,
  appItem,
  attentionItem,
  attentionTokenItem,
  eBookItem,
  groupFailureItem,
  groupItem,
  licenseItem,
  messageItem,
  tenantItem,
  tokenItem,
} from './treeItems';
import {
  AppNode,
  AttentionNode,
  AttentionTokenNode,
  GroupNode,
  LeafNode,
  LicenseNode,
  TenantNode,
  TenantView,
  TokenNode,
  TreeNode,
  ViewState,
} from './treeNodes';

/**
 * The `intuneVpp.tokens` view: each tenant's VPP tokens, sorted by name. With one tenant the tokens are the roots
 * and the welcome content says what to do; with several, each tenant is a root that says who is signed in.
 */
export class VppTokenTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly signInsChanged = new vscode.EventEmitter<readonly TenantSignIn[]>();
  /** Who is signed in to which tenant, after each listing. */
  readonly onDidChangeSignIns = this.signInsChanged.event;
  private readonly tokensListed = new vscode.EventEmitter<{ tenantKey: string; tokens: readonly VppTokenRecord[] }>();
  /** Each tenant's tokens, after each listing that succeeded. */
  readonly onDidListTokens = this.tokensListed.event;
  /** Each tenant's last listing, by tenant key. */
  private readonly views = new Map<string, TenantView>();
  /** Each tenant's listing in flight or last made: children wait for it rather than list again. */
  private readonly loads = new Map<string, Promise<TenantView>>();
  /** The tenants' root items; empty while the view shows a single tenant's tokens as its roots. */
  private roots = new Map<string, TenantNode>();
  /** Needs Attention, the first root while the view shows several tenants. */
  private attention: AttentionNode | undefined;
  /**
   * Listings run at most `intuneVpp.maxConcurrentTenants` at a time (default 8): each signs in and reads every page,
   * and a hundred at once would crowd the sign-in endpoint and the extension host; a slow one holds up no other.
   */
  private readonly listings = new ConcurrencyLimit(readMaxConcurrentTenants);
  private view: vscode.TreeView<TreeNode> | undefined;

  constructor(
    private readonly registry: TenantRegistry,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  attach(view: vscode.TreeView<TreeNode>): void {
    this.view = view;
  }

  /** Reloads every tenant. */
  refresh(): void {
    this.changed.fire(undefined);
  }

  /** Reloads one tenant's tokens and redraws its root (the whole view when it is the only tenant). */
  async refreshTenant(tenantKey: string): Promise<void> {
    const connection = this.registry.get(tenantKey);
    const root = this.roots.get(tenantKey);
    if (!connection || !root) {
      this.refresh();
      return;
    }
    await this.loadView(connection);
    await this.showLoaded(root);
  }

  /** Re-reads one token and redraws its item; a token that is gone refreshes its tenant. */
  async refreshToken(tenantKey: string, id: string): Promise<void> {
    const node = this.views.get(tenantKey)?.nodes.get(id);
    const connection = this.registry.get(tenantKey);
    if (!node || !connection) {
      return this.refreshTenant(tenantKey);
    }
    try {
      node.token = await connection.service().getToken(id);
      this.changed.fire(node);
      if (this.attention) {
        this.changed.fire(this.attention);
        this.updateBadge();
      }
    } catch (error) {
      this.log.warn(`Could not refresh token ${plainText(id, 200)}: ${describeForLog(error)}`);
      await this.refreshTenant(tenantKey);
    }
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    if (node instanceof AttentionNode) {
      return attentionItem(this.attentionTokens().length, this.loadingTenants());
    }
    if (node instanceof AttentionTokenNode) {
      return attentionTokenItem(node, this.tokenItemId(node));
    }
    if (node instanceof TenantNode) {
      return tenantItem(node, this.views.get(node.tenantKey));
    }
    if (node instanceof GroupNode) {
      return groupItem(node, this.tokenItemId(node.parent));
    }
    if (node instanceof LeafNode) {
      return node.item;
    }
    if (node instanceof AppNode) {
      return appItem(this.tokenItemId(node.token), node.app);
    }
    if (node instanceof LicenseNode) {
      return licenseItem(`${this.tokenItemId(node.app.token)}/apps/${node.app.app.id}`, node.license);
    }
    return tokenItem(node, this.tokenItemId(node));
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (node instanceof AttentionNode) {
      const tokens = this.attentionTokens();
      if (tokens.length > 0) {
        return tokens;
      }
      const item = new vscode.TreeItem(
        this.loadingTenants() > 0 ? l10n.t('Nothing so far; tenants are still loading.') : l10n.t('Nothing needs attention.'),
      );
      item.id = 'attention/none';
      item.iconPath = new vscode.ThemeIcon('check');
      item.contextValue = 'vppAttentionNone';
      return [new LeafNode(item)];
    }
    if (node instanceof TenantNode) {
      const view = this.views.get(node.tenantKey) ?? (await (this.loads.get(node.tenantKey) ?? this.loadView(node.connection)));
      return view.nodes.size > 0 ? [...view.nodes.values()] : [new LeafNode(messageItem(node.connection, view), node.tenantKey)];
    }
    if (node instanceof TokenNode) {
      return this.tokenChildren(node);
    }
    if (node instanceof GroupNode) {
      return [...node.children];
    }
    if (node instanceof AppNode) {
      return this.appChildren(node);
    }
    if (node) {
      return [];
    }
    this.views.clear();
    this.loads.clear();
    const tenants = this.registry.list();
    const multiTenant = tenants.length > 1;
    await vscode.commands.executeCommand('setContext', CONTEXT_KEYS.multiTenant, multiTenant);
    if (!multiTenant) {
      this.roots = new Map();
      this.attention = undefined;
      this.updateBadge();
      await this.setState('loading');
      const [tenant] = tenants;
      await vscode.commands.executeCommand('setContext', CONTEXT_KEYS.authMode, tenant.authMode());
      const view = await this.loadView(tenant);
      this.setMessage(view.message);
      await this.setSignedIn([view]);
      await this.setState(view.state);
      this.publishSignIns(tenants);
      return [...view.nodes.values()];
    }
    const roots = new Map(tenants.map((tenant) => [tenant.key, new TenantNode(tenant)]));
    this.roots = roots;
    this.attention = new AttentionNode();
    this.updateBadge();
    // Each tenant loads on its own and redraws its root when done: a slow or unreachable one holds up no other.
    for (const root of roots.values()) {
      void this.loadView(root.connection).then(() => (this.roots === roots ? this.showLoaded(root) : undefined));
    }
    this.setMessage(undefined);
    await this.setState('loaded');
    this.publishSignIns(tenants);
    return [this.attention, ...roots.values()];
  }

  dispose(): void {
    this.changed.dispose();
    this.signInsChanged.dispose();
    this.tokensListed.dispose();
  }

  private tokenItemId(node: TokenNode): string {
    if (node instanceof AttentionTokenNode) {
      // The same token also shows under its tenant: its items under Needs Attention need ids of their own.
      return `attention/${node.tenantKey}/${node.token.id}`;
    }
    // Two tenants may hold the same token id; one tenant keeps the plain id.
    return this.roots.size > 0 ? `${node.tenantKey}/${node.token.id}` : node.token.id;
  }

  /** Redraws a tenant's root (its account or state, and its children from the listing just made), and Needs Attention. */
  private async showLoaded(root: TenantNode): Promise<void> {
    this.changed.fire(root);
    if (this.attention) {
      this.changed.fire(this.attention);
      this.updateBadge();
    }
    this.publishSignIns(this.registry.list());
    await this.setSignedIn([...this.views.values()]);
  }

  /** Lists one tenant's tokens, remembering the outcome for its root item and children. */
  private loadView(connection: TenantConnection): Promise<TenantView> {
    const load = this.listTenant(connection).then((view) => {
      if (this.loads.get(connection.key) === load) {
        this.views.set(connection.key, view);
      }
      return view;
    });
    this.loads.set(connection.key, load);
    return load;
  }

  /** The tokens, across every tenant listed so far (in the view's order), that need attention. */
  private attentionTokens(): AttentionTokenNode[] {
    const now = Date.now();
    const warningDays = readExpiryWarningDays();
    return [...this.roots.values()].flatMap((root) =>
      [...(this.views.get(root.tenantKey)?.nodes.values() ?? [])].flatMap((node) => {
        const reasons = attentionReasons(node.token, now, warningDays);
        return reasons.length > 0 ? [new AttentionTokenNode(node.token, root.tenantKey, root.connection.label, reasons)] : [];
      }),
    );
  }

  /** How many tenants' roots are still waiting for their listing. */
  private loadingTenants(): number {
    return [...this.roots.keys()].filter((key) => !this.views.has(key)).length;
  }

  /** The view's badge counts the tokens under Needs Attention (several tenants only). */
  private updateBadge(): void {
    if (!this.view) {
      return;
    }
    const count = this.attention ? this.attentionTokens().length : 0;
    this.view.badge = count > 0 ? { value: count, tooltip: l10n.t('{0} VPP tokens need attention', count) } : undefined;
  }

  private async listTenant(connection: TenantConnection): Promise<TenantView> {
    let view: TenantView;
    try {
      const tokens = await this.listings.run(async () =>
        vscode.window.withProgress({ location: { viewId: VIEW_ID } }, () => connection.service().listTokens()),
      );
      const locale = vscode.env.language || 'en';
      const nodes = new Map(sortTokens(tokens, locale).map((token) => [token.id, new TokenNode(token, connection.key)]));
      if (nodes.size < tokens.length) {
        // A tree item id must be unique, and one id is one token in Graph: show it once, and say so.
        this.log.warn(`Graph listed ${tokens.length - nodes.size} token ids more than once; each is shown once.`);
      }
      view = { nodes, state: nodes.size > 0 ? 'loaded' : 'empty', account: await connection.account() };
      this.tokensListed.fire({ tenantKey: connection.key, tokens });
    } catch (error) {
      view = { nodes: new Map(), ...this.failure(connection, error) };
    }
    return view;
  }

  /**
   * A token's apps and eBooks (with used/total licenses) and its recent action results, read when it is expanded.
   * Each is read on its own: apps refused for want of a permission leave the recent actions shown, and the reverse.
   */
  private async tokenChildren(node: TokenNode): Promise<TreeNode[]> {
    const view = this.views.get(node.tenantKey);
    const connection = this.registry.get(node.tenantKey);
    if (!connection || !view) {
      const item = new vscode.TreeItem(l10n.t('This tenant is no longer configured. Refresh the view.'));
      item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
      item.contextValue = 'vppTokenError';
      return [new LeafNode(item, node.tenantKey)];
    }
    const service = connection.service();
    view.appsByToken ??= service.listVppApps().then(groupByTokenId);
    view.eBooksByToken ??= service.listVppEBooks().then(groupByTokenId);
    const pendingApps = view.appsByToken;
    const pendingBooks = view.eBooksByToken;
    const [apps, token, books] = await Promise.allSettled([pendingApps, service.getToken(node.token.id), pendingBooks]);
    if (token.status === 'fulfilled') {
      node.token = token.value;
    }
    const itemId = this.tokenItemId(node);
    const failed = (kind: 'apps' | 'actions', error: unknown) => {
      this.log.warn(
        `Could not read the ${kind === 'apps' ? 'apps' : 'recent actions'} of token ${plainText(node.token.id, 200)}: ${describeForLog(error)}`,
      );
      return new LeafNode(groupFailureItem(itemId, kind, error), node.tenantKey);
    };
    if (apps.status === 'rejected' && view.appsByToken === pendingApps) {
      // Read again on the next expansion, not remembered as failed.
      view.appsByToken = undefined;
    }
    if (books.status === 'rejected' && view.eBooksByToken === pendingBooks) {
      view.eBooksByToken = undefined;
    }
    const appsNode =
      apps.status === 'fulfilled'
        ? new GroupNode(
            'apps',
            node,
            (apps.value.get(node.token.id.toLowerCase()) ?? []).map((app) => new AppNode(app, node)),
          )
        : failed('apps', apps.reason);
    const results = token.status === 'fulfilled' && Array.isArray(token.value.tokenActionResults) ? token.value.tokenActionResults : [];
    const actionsNode =
      token.status === 'fulfilled'
        ? new GroupNode(
            'actions',
            node,
            results.map((result, index) => new LeafNode(actionItem(itemId, index, result), node.tenantKey)),
          )
        : failed('actions', token.reason);
    // Most tokens buy no eBooks: the group shows only when this one did. A failure to read them is only logged; the
    // apps' item already names a missing permission, which is the same one.
    if (books.status === 'rejected') {
      this.log.warn(`Could not read the VPP eBooks of tenant ${connection.label}: ${describeForLog(books.reason)}`);
    }
    const tokenBooks = books.status === 'fulfilled' ? (books.value.get(node.token.id.toLowerCase()) ?? []) : [];
    const booksNodes =
      tokenBooks.length > 0
        ? [
            new GroupNode(
              'ebooks',
              node,
              tokenBooks.map((book) => new LeafNode(eBookItem(itemId, book), node.tenantKey)),
            ),
          ]
        : [];
    return [appsNode, ...booksNodes, actionsNode];
  }

  /** An iOS app's licenses, read when it is expanded; a failure (a missing permission, say) shows in their place. */
  private async appChildren(node: AppNode): Promise<TreeNode[]> {
    const connection = this.registry.get(node.tenantKey);
    const appItemId = `${this.tokenItemId(node.token)}/apps/${node.app.id}`;
    const message = (label: string, icon: string, tooltip?: string) => {
      const item = new vscode.TreeItem(label);
      item.id = `${appItemId}/licenses`;
      item.iconPath = new vscode.ThemeIcon(icon, icon === 'error' ? new vscode.ThemeColor('list.errorForeground') : undefined);
      item.tooltip = tooltip ?? label;
      item.contextValue = 'vppAppLicensesMessage';
      return [new LeafNode(item, node.tenantKey)];
    };
    if (!connection) {
      return message(l10n.t('This tenant is no longer configured. Refresh the view.'), 'error');
    }
    try {
      const licenses = await connection.service().listAssignedLicenses(node.app.id);
      return licenses.length > 0
        ? licenses.map((license) => new LicenseNode(license, node))
        : message(l10n.t('No licenses are assigned.'), 'info');
    } catch (error) {
      this.log.warn(`Could not read the licenses of app ${plainText(node.app.id, 200)}: ${describeForLog(error)}`);
      return message(l10n.t('Licenses: could not be read'), 'error', error instanceof VppError ? error.message : undefined);
    }
  }

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

  /** The message the view shows above its items (a listing's failure, say), if any. */
  viewMessage(): string | undefined {
    return this.view?.message;
  }

  private setMessage(message: string | undefined): void {
    if (this.view) {
      this.view.message = message;
    }
  }

  /** Who is signed in where: next to the view's title, and to the status bar item. */
  private publishSignIns(tenants: readonly TenantConnection[]): void {
    const signIns = tenants.map((tenant) => {
      const view = this.views.get(tenant.key);
      return { tenant: tenant.label, account: view?.account, configured: view?.state !== 'notConfigured' };
    });
    if (this.view) {
      const [only] = signIns;
      this.view.description =
        signIns.length > 1
          ? l10n.t('{0} tenants', signIns.length)
          : only?.account
            ? l10n.t('{0} · {1}', only.account, only.tenant)
            : undefined;
    }
    this.signInsChanged.fire(signIns);
  }

  private async setSignedIn(views: readonly TenantView[]): Promise<void> {
    const signedIn = views.some((view) => view.state === 'loaded' || view.state === 'empty');
    await vscode.commands.executeCommand('setContext', CONTEXT_KEYS.signedIn, signedIn);
  }

  private async setState(state: ViewState): Promise<void> {
    await vscode.commands.executeCommand('setContext', CONTEXT_KEYS.viewState, state);
  }
}
