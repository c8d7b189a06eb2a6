import * as vscode from 'vscode';
import * as l10n from '@vscode/l10n';
import { readExpiryWarningDays } from '../config/vscodeSettings';
import { VppError } from '../errors';
import { TenantConnection } from '../tenants/tenantConnection';
import { StoreChange, TenantStore } from '../store/tenantStore';
import { attentionReasons } from './expiry';
import { sortTokens } from './tokenPresentation';
import {
  actionItem,
  appItem,
  assignmentItems,
  appLicensesMessageItem,
  attentionItem,
  attentionNoneItem,
  attentionTokenItem,
  eBookItem,
  groupFailureItem,
  groupItem,
  licenseItem,
  messageItem,
  tenantGoneItem,
  tenantItem,
  tokenItem,
} from './treeItems';
import { AppNode, AttentionNode, AttentionTokenNode, GroupNode, LeafNode, LicenseNode, TenantNode, TokenNode, TreeNode } from './treeNodes';

/**
 * A listing at most this old (the Overview's, the start-up expiry check's) is what the view shows when it opens;
 * an older one is listed again. The one in flight is always joined.
 */
const RECENT_LISTING_MS = 60_000;

/**
 * The `intuneVpp.tokens` view: each tenant's VPP tokens from the store, sorted by name. With one tenant the tokens
 * are the roots and the welcome content says what to do; with several, each tenant is a root that says who is
 * signed in, under Needs Attention. It shapes the store's records into nodes and items and redraws what the store
 * says changed; reading children changes nothing else (the view's status follows the store on its own).
 */
export class VppTokenTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** Needs Attention, the first root while the view shows several tenants. */
  private readonly attention = new AttentionNode();
  private view: vscode.TreeView<TreeNode> | undefined;
  private readonly tenantNodes = new WeakMap<TenantConnection, TenantNode>();
  /**
   * One node per listed token, kept across listings: revealing a token, and VS Code's selection, find it by
   * identity, whichever listing drew it.
   */
  private readonly tokenNodes = new Map<string, TokenNode>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly store: TenantStore) {
    const redraw = (change: StoreChange) => this.redraw(change);
    this.subscriptions = [store.onDidChange(redraw), store.onDidChangeWrites(redraw)];
  }

  attach(view: vscode.TreeView<TreeNode>): void {
    this.view = view;
  }

  /**
   * Shows the token in the view, selected and focused; undefined when its tenant's last listing does not show it
   * (then nothing is revealed).
   */
  async revealToken(tenantKey: string, id: string): Promise<TokenNode | undefined> {
    const token = this.store.token(tenantKey, id);
    const node = token && this.tokenNode(tenantKey, token);
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
      const connection = this.multiTenant() ? this.store.connection(node.tenantKey) : undefined;
      return connection && this.tenantNode(connection);
    }
    return node instanceof GroupNode ? node.parent : undefined;
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    if (node instanceof AttentionNode) {
      return attentionItem(this.attentionTokens().length, this.loadingCount());
    }
    if (node instanceof AttentionTokenNode) {
      return attentionTokenItem(node, this.tokenItemId(node), this.store.writes.current(node.tenantKey, node.token.id));
    }
    if (node instanceof TenantNode) {
      return tenantItem(node, this.store.listing(node.tenantKey));
    }
    if (node instanceof GroupNode) {
      return groupItem(node, this.tokenItemId(node.parent));
    }
    if (node instanceof LeafNode) {
      return node.item;
    }
    if (node instanceof AppNode) {
      return appItem(this.tokenItemId(node.token), node.app, node.assignments);
    }
    if (node instanceof LicenseNode) {
      return licenseItem(this.appItemId(node.app), node.license);
    }
    return tokenItem(node, this.tokenItemId(node), this.store.writes.current(node.tenantKey, node.token.id));
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (node instanceof AttentionNode) {
      const tokens = this.attentionTokens();
      return tokens.length > 0 ? tokens : [new LeafNode(attentionNoneItem(this.loadingCount()))];
    }
    if (node instanceof TenantNode) {
      const listing = await this.store.listed(node.connection);
      return listing.tokens.size > 0
        ? this.tokenNodesOf(node.tenantKey)
        : [new LeafNode(messageItem(node.connection, listing), node.tenantKey)];
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

  /** The tokens, across the tenants listed so far (in their order), that need attention. */
  attentionTokens(): AttentionTokenNode[] {
    if (!this.multiTenant()) {
      return [];
    }
    const now = Date.now();
    const warningDays = readExpiryWarningDays();
    return this.store.tenants().flatMap((tenant) =>
      [...(this.store.listing(tenant.key)?.tokens.values() ?? [])].flatMap((token) => {
        const reasons = attentionReasons(token, now, warningDays);
        return reasons.length > 0 ? [new AttentionTokenNode(token, tenant.key, tenant.label, reasons)] : [];
      }),
    );
  }

  dispose(): void {
    for (const subscription of this.subscriptions) {
      subscription.dispose();
    }
    this.changed.dispose();
  }

  /** Redraws what the store says changed: everything, a tenant's tokens, or one token (and Needs Attention). */
  private redraw({ tenantKey, tokenId }: StoreChange): void {
    const connection = tenantKey === undefined ? undefined : this.store.connection(tenantKey);
    if (!connection) {
      this.changed.fire(undefined);
      return;
    }
    const token = tokenId === undefined ? undefined : this.store.token(connection.key, tokenId);
    if (token) {
      this.changed.fire(this.tokenNode(connection.key, token));
    } else {
      this.changed.fire(this.multiTenant() ? this.tenantNode(connection) : undefined);
    }
    if (this.multiTenant()) {
      this.changed.fire(this.attention);
    }
  }

  private multiTenant(): boolean {
    return this.store.tenants().length > 1;
  }

  /** How many tenants are still waiting for their first listing. */
  private loadingCount(): number {
    return this.store.tenants().filter((tenant) => !this.store.listing(tenant.key)).length;
  }

  /**
   * The roots, from each tenant's listing (made now unless the Overview or a refresh made one already): one tenant's
   * tokens are the roots; several tenants are, under Needs Attention.
   */
  private async rootChildren(): Promise<TreeNode[]> {
    const tenants = this.store.tenants();
    if (tenants.length <= 1) {
      const [tenant] = tenants;
      const listing = tenant && (await this.store.listed(tenant, RECENT_LISTING_MS));
      return listing ? this.tokenNodesOf(tenant.key) : [];
    }
    // Each tenant loads on its own and redraws its root when done: a slow or unreachable one holds up no other.
    for (const tenant of tenants) {
      void this.store.listed(tenant, RECENT_LISTING_MS);
    }
    return [this.attention, ...tenants.map((tenant) => this.tenantNode(tenant))];
  }

  /** A tenant's listed tokens as nodes, sorted by name; nodes of tokens it no longer lists are forgotten. */
  private tokenNodesOf(tenantKey: string): TokenNode[] {
    const tokens = sortTokens([...(this.store.listing(tenantKey)?.tokens.values() ?? [])], vscode.env.language || 'en');
    const nodes = tokens.map((token) => this.tokenNode(tenantKey, token));
    const listed = new Set(nodes);
    for (const [key, node] of this.tokenNodes) {
      if (node.tenantKey === tenantKey && !listed.has(node)) {
        this.tokenNodes.delete(key);
      }
    }
    return nodes;
  }

  /** The token's node, kept from an earlier drawing (with the store's latest record) or new. */
  private tokenNode(tenantKey: string, token: TokenNode['token']): TokenNode {
    const key = `${tenantKey}\n${token.id}`;
    const node = this.tokenNodes.get(key) ?? new TokenNode(token, tenantKey);
    node.token = token;
    this.tokenNodes.set(key, node);
    return node;
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
    return this.multiTenant() ? `${node.tenantKey}/${node.token.id}` : node.token.id;
  }

  private appItemId(node: AppNode): string {
    return `${this.tokenItemId(node.token)}/apps/${node.app.id}`;
  }

  /**
   * A token's apps, eBooks (only when it bought some) and recent actions; apps refused for want of a permission leave
   * the recent actions shown, and the reverse.
   */
  private async tokenChildren(node: TokenNode): Promise<TreeNode[]> {
    const contents = await this.store.tokenContents(node.tenantKey, node.token.id);
    if (!contents) {
      return [new LeafNode(tenantGoneItem(), node.tenantKey)];
    }
    node.token = this.store.token(node.tenantKey, node.token.id) ?? node.token;
    const itemId = this.tokenItemId(node);
    const leaf = (item: vscode.TreeItem) => new LeafNode(item, node.tenantKey);
    const { apps, assignments, actions, books } = contents;
    return [
      apps.status === 'fulfilled'
        ? new GroupNode(
            'apps',
            node,
            apps.value.map((app) => new AppNode(app, node, assignments.get(app.id))),
          )
        : leaf(groupFailureItem(itemId, 'apps', apps.reason)),
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

  /**
   * An app's assignments (as read with its token), then, for an iOS app, its licenses, read when it is expanded; a
   * failure (a missing permission, say) shows in their place.
   */
  private async appChildren(node: AppNode): Promise<TreeNode[]> {
    const assignments = assignmentItems(this.appItemId(node), node.assignments).map((item) => new LeafNode(item, node.tenantKey));
    return node.app.platform === 'iOS' ? [...assignments, ...(await this.licenseChildren(node))] : assignments;
  }

  /** An iOS app's licenses, read when it is expanded; a failure (a missing permission, say) shows in their place. */
  private async licenseChildren(node: AppNode): Promise<TreeNode[]> {
    const read = await this.store.appLicenses(node.tenantKey, node.app.id);
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
}
