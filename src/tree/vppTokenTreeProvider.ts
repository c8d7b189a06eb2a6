import * as vscode from 'vscode';
import * as l10n from '@vscode/l10n';
import { TenantConnection } from '../tenants/tenantConnection';
import { TenantRegistry } from '../tenants/tenantRegistry';
import { VppError } from '../errors';
import { VppTokenRecord } from '../graph/vppRecords';
import { TenantSignIn } from './signInSummary';
import { CONTEXT_KEYS } from '../ids';
import { TokenTreeModel } from './tokenTreeModel';
import {
  actionItem,
  appItem,
  appLicensesMessageItem,
  attentionItem,
  attentionNoneItem,
  attentionTokenItem,
  eBookItem,
  groupFailureItem,
  groupItem,
  licenseItem,
  messageItem,
  stateDescription,
  tenantGoneItem,
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
 * A listing at most this old (the Overview's, the start-up expiry check's) is what the view shows when it opens;
 * an older one is listed again. The one in flight is always joined.
 */
const RECENT_LISTING_MS = 60_000;

/**
 * The `intuneVpp.tokens` view: each tenant's VPP tokens, sorted by name. With one tenant the tokens are the roots
 * and the welcome content says what to do; with several, each tenant is a root that says who is signed in. The data
 * is the model's; this class shapes it into nodes and items, and keeps the view's context keys, badge, message and
 * description in step with it.
 */
export class VppTokenTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly signInsChanged = new vscode.EventEmitter<readonly TenantSignIn[]>();
  /** Who is signed in to which tenant, after each listing. */
  readonly onDidChangeSignIns = this.signInsChanged.event;
  private readonly model: TokenTreeModel;
  /** Each tenant's tokens, after each listing that succeeded. */
  readonly onDidListTokens: TokenTreeModel['onDidListTokens'];
  /** The tenants' root items; empty while the view shows a single tenant's tokens as its roots. */
  private roots = new Map<string, TenantNode>();
  /** Needs Attention, the first root while the view shows several tenants. */
  private attention: AttentionNode | undefined;
  private view: vscode.TreeView<TreeNode> | undefined;
  private readonly tenantNodes = new WeakMap<TenantConnection, TenantNode>();

  constructor(registry: TenantRegistry, log: vscode.LogOutputChannel) {
    this.model = new TokenTreeModel(registry, log);
    this.onDidListTokens = this.model.onDidListTokens;
  }

  attach(view: vscode.TreeView<TreeNode>): void {
    this.view = view;
  }

  /** Reloads every tenant. */
  refresh(): void {
    this.forgetListings();
    this.changed.fire(undefined);
  }

  /** Forgets every listing without redrawing: the next read of the roots lists each tenant again. */
  forgetListings(): void {
    this.model.clear();
  }

  /**
   * Lists a tenant's tokens now (or joins the listing in flight), as the view shows them: what the expiry check reads,
   * so that the view opened during it shows the same listing. Throws when the tenant could not be listed.
   */
  async listTokens(connection: TenantConnection): Promise<VppTokenRecord[]> {
    const view = await this.model.listed(connection, 0);
    if (view.state !== 'loaded' && view.state !== 'empty') {
      throw new VppError(
        view.state === 'error' ? 'server' : 'signInRequired',
        view.message ?? stateDescription(view.state) ?? l10n.t('could not load'),
      );
    }
    return [...view.nodes.values()].map((node) => node.token);
  }

  /** The tenant's listing (the view's, or a new one if it has none) and its apps, for the Overview. */
  listedWithApps(connection: TenantConnection): ReturnType<TokenTreeModel['listedWithApps']> {
    return this.model.listedWithApps(connection);
  }

  /**
   * Shows the token in the view, selected and focused; undefined when its tenant's last listing does not show it
   * (then nothing is revealed).
   */
  async revealToken(tenantKey: string, id: string): Promise<TokenNode | undefined> {
    const node = this.model.tokenNode(tenantKey, id);
    if (node) {
      await this.view?.reveal(node, { select: true, focus: true });
    }
    return node;
  }

  /** A token's parent is its tenant's root (none while one tenant's tokens are the roots): what `reveal` needs. */
  getParent(node: TreeNode): TreeNode | undefined {
    if (node instanceof AttentionTokenNode) {
      return this.attention;
    }
    if (node instanceof TokenNode) {
      return this.roots.get(node.tenantKey);
    }
    return node instanceof GroupNode ? node.parent : undefined;
  }

  /** Lists one tenant's tokens again and redraws its root (the whole view when it is the only tenant). */
  refreshTenant(tenantKey: string): Promise<void> {
    return this.relist(
      tenantKey,
      (connection) => this.model.load(connection),
      () => this.refresh(),
    );
  }

  /**
   * A tenant's credentials or account changed: lists it again, joining a listing in flight that began under its
   * current credentials rather than listing twice.
   */
  refreshAfterChange(tenantKey: string): Promise<void> {
    return this.relist(
      tenantKey,
      (connection) => this.model.listed(connection, 0),
      () => {
        this.model.forgetAfterChange();
        this.changed.fire(undefined);
      },
    );
  }

  /** Lists a tenant with `list` and redraws its root; `otherwise` when the view shows no root for it. */
  private async relist(tenantKey: string, list: (connection: TenantConnection) => Promise<unknown>, otherwise: () => void): Promise<void> {
    const connection = this.model.connection(tenantKey);
    const root = this.roots.get(tenantKey);
    if (!connection || !root) {
      otherwise();
      return;
    }
    await list(connection);
    await this.showLoaded(root);
  }

  /** Re-reads one token and redraws its item; a token that is gone refreshes its tenant. */
  async refreshToken(tenantKey: string, id: string): Promise<void> {
    const node = await this.model.reread(tenantKey, id);
    if (!node) {
      return this.refreshTenant(tenantKey);
    }
    this.changed.fire(node);
    if (this.attention) {
      this.changed.fire(this.attention);
      this.updateBadge();
    }
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    if (node instanceof AttentionNode) {
      return attentionItem(this.model.attentionTokens(this.roots.values()).length, this.model.loadingCount(this.roots.keys()));
    }
    if (node instanceof AttentionTokenNode) {
      return attentionTokenItem(node, this.tokenItemId(node));
    }
    if (node instanceof TenantNode) {
      return tenantItem(node, this.model.view(node.tenantKey));
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
      return licenseItem(this.appItemId(node.app), node.license);
    }
    return tokenItem(node, this.tokenItemId(node));
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (node instanceof AttentionNode) {
      const tokens = this.model.attentionTokens(this.roots.values());
      return tokens.length > 0 ? tokens : [new LeafNode(attentionNoneItem(this.model.loadingCount(this.roots.keys())))];
    }
    if (node instanceof TenantNode) {
      const view = await this.model.listed(node.connection);
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
    return node ? [] : this.rootChildren();
  }

  dispose(): void {
    this.changed.dispose();
    this.signInsChanged.dispose();
    this.model.dispose();
  }

  /** The message the view shows above its items (a listing's failure, say), if any. */
  viewMessage(): string | undefined {
    return this.view?.message;
  }

  /**
   * The roots, from each tenant's listing (made now unless the Overview or a refresh made one already): one tenant's
   * tokens are the roots; several tenants are, under Needs Attention.
   */
  private async rootChildren(): Promise<TreeNode[]> {
    const tenants = this.model.tenants();
    const multiTenant = tenants.length > 1;
    await vscode.commands.executeCommand('setContext', CONTEXT_KEYS.multiTenant, multiTenant);
    if (!multiTenant) {
      return this.singleTenantRoots(tenants[0]);
    }
    const roots = new Map(tenants.map((tenant) => [tenant.key, this.tenantNode(tenant)]));
    this.roots = roots;
    this.attention = new AttentionNode();
    this.updateBadge();
    // Each tenant loads on its own and redraws its root when done: a slow or unreachable one holds up no other.
    for (const root of roots.values()) {
      void this.model.listed(root.connection, RECENT_LISTING_MS).then(() => (this.roots === roots ? this.showLoaded(root) : undefined));
    }
    this.setMessage(undefined);
    await this.setState('loaded');
    this.publishSignIns(tenants);
    return [this.attention, ...roots.values()];
  }

  private async singleTenantRoots(tenant: TenantConnection): Promise<TreeNode[]> {
    this.roots = new Map();
    this.attention = undefined;
    this.updateBadge();
    await this.setState('loading');
    await vscode.commands.executeCommand('setContext', CONTEXT_KEYS.authMode, tenant.authMode());
    const view = await this.model.listed(tenant, RECENT_LISTING_MS);
    this.setMessage(view.message);
    await this.setSignedIn([view]);
    await this.setState(view.state);
    this.publishSignIns([tenant]);
    return [...view.nodes.values()];
  }

  /** A tenant's root, the same one for as long as its connection lasts: `reveal` finds a token's parent by identity. */
  private tenantNode(tenant: TenantConnection): TenantNode {
    const node = this.tenantNodes.get(tenant) ?? new TenantNode(tenant);
    this.tenantNodes.set(tenant, node);
    return node;
  }

  private tokenItemId(node: TokenNode): string {
    if (node instanceof AttentionTokenNode) {
      // The same token also shows under its tenant: its items under Needs Attention need ids of their own.
      return `attention/${node.tenantKey}/${node.token.id}`;
    }
    // Two tenants may hold the same token id; one tenant keeps the plain id.
    return this.roots.size > 0 ? `${node.tenantKey}/${node.token.id}` : node.token.id;
  }

  private appItemId(node: AppNode): string {
    return `${this.tokenItemId(node.token)}/apps/${node.app.id}`;
  }

  /** Redraws a tenant's root (its account or state, and its children from the listing just made), and Needs Attention. */
  private async showLoaded(root: TenantNode): Promise<void> {
    this.changed.fire(root);
    if (this.attention) {
      this.changed.fire(this.attention);
      this.updateBadge();
    }
    this.publishSignIns(this.model.tenants());
    await this.setSignedIn(this.model.allViews());
  }

  /** The view's badge counts the tokens under Needs Attention (several tenants only). */
  private updateBadge(): void {
    if (!this.view) {
      return;
    }
    const count = this.attention ? this.model.attentionTokens(this.roots.values()).length : 0;
    this.view.badge = count > 0 ? { value: count, tooltip: l10n.t('{0} VPP tokens need attention', count) } : undefined;
  }

  /**
   * A token's apps, eBooks (only when it bought some) and recent actions; apps refused for want of a permission leave
   * the recent actions shown, and the reverse.
   */
  private async tokenChildren(node: TokenNode): Promise<TreeNode[]> {
    const contents = await this.model.tokenContents(node);
    if (!contents) {
      return [new LeafNode(tenantGoneItem(), node.tenantKey)];
    }
    const itemId = this.tokenItemId(node);
    const leaf = (item: vscode.TreeItem) => new LeafNode(item, node.tenantKey);
    const { apps, actions, books } = contents;
    return [
      apps.status === 'fulfilled' ? new GroupNode('apps', node, apps.value) : leaf(groupFailureItem(itemId, 'apps', apps.reason)),
      ...(books.length > 0
        ? [
            new GroupNode(
              'ebooks',
              node,
              books.map((book) => leaf(eBookItem(itemId, book))),
            ),
          ]
        : []),
      actions.status === 'fulfilled'
        ? new GroupNode(
            'actions',
            node,
            actions.value.map((result, index) => leaf(actionItem(itemId, index, result))),
          )
        : leaf(groupFailureItem(itemId, 'actions', actions.reason)),
    ];
  }

  /** An iOS app's licenses, read when it is expanded; a failure (a missing permission, say) shows in their place. */
  private async appChildren(node: AppNode): Promise<TreeNode[]> {
    const read = await this.model.appLicenses(node);
    const message = (label: string, icon: 'info' | 'error', tooltip?: string) => [
      new LeafNode(appLicensesMessageItem(this.appItemId(node), label, icon, tooltip), node.tenantKey),
    ];
    switch (read.kind) {
      case 'tenantGone':
        return message(l10n.t('This tenant is no longer configured. Refresh the view.'), 'error');
      case 'failed':
        return message(l10n.t('Licenses: could not be read'), 'error', read.error instanceof VppError ? read.error.message : undefined);
      default:
        return read.licenses.length > 0
          ? read.licenses.map((license) => new LicenseNode(license, node))
          : message(l10n.t('No licenses are assigned.'), 'info');
    }
  }

  private setMessage(message: string | undefined): void {
    if (this.view) {
      this.view.message = message;
    }
  }

  /** Who is signed in where: next to the view's title, and to the status bar item. */
  private publishSignIns(tenants: readonly TenantConnection[]): void {
    const signIns = tenants.map((tenant) => {
      const view = this.model.view(tenant.key);
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
