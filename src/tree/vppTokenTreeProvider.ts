import * as vscode from 'vscode';
import * as l10n from '@vscode/l10n';
import { TenantConnection } from '../tenants/tenantConnection';
import { TenantRegistry } from '../tenants/tenantRegistry';
import { describeForLog, VppError } from '../errors';
import { describeActionResult } from '../graph/actionResults';
import { VppAppRecord, VppTokenRecord } from '../graph/vppTokenService';
import { plainText } from '../text';
import { TenantSignIn } from './signInSummary';
import { presentToken, sortTokens } from './tokenPresentation';

export const VIEW_ID = 'intuneVpp.tokens';
/** Drives the view's welcome content: what the user must do before tokens can show. */
export const VIEW_STATE_CONTEXT = 'intuneVpp.viewState';
/** True when the view shows several tenants, each as a root item. */
export const MULTI_TENANT_CONTEXT = 'intuneVpp.multiTenant';
/** True when at least one tenant's tokens could be listed. */
export const SIGNED_IN_CONTEXT = 'intuneVpp.signedIn';
export type ViewState = 'loading' | 'notConfigured' | 'signedOut' | 'needsSecret' | 'error' | 'empty' | 'loaded';

/** A configured tenant: the root item when the view shows several. */
export class TenantNode {
  constructor(readonly connection: TenantConnection) {}
  get tenantKey(): string {
    return this.connection.key;
  }
}

/** A token in the tree. Its `token` is replaced in place when the one token is refreshed. */
export class TokenNode {
  constructor(
    public token: VppTokenRecord,
    readonly tenantKey: string,
  ) {}
}

/** "Apps" or "Recent actions" under a token, with their items already read. */
export class GroupNode {
  constructor(
    readonly kind: 'apps' | 'actions',
    readonly parent: TokenNode,
    readonly children: readonly LeafNode[],
  ) {}
  get tenantKey(): string {
    return this.parent.tenantKey;
  }
}

/** An app bought with the token, an action result, or a message (an error, "none", what to do to sign in). */
export class LeafNode {
  constructor(
    readonly item: vscode.TreeItem,
    readonly tenantKey?: string,
  ) {}
}

export type TreeNode = TenantNode | TokenNode | GroupNode | LeafNode;

/** What one tenant's listing came to. */
interface TenantView {
  readonly nodes: Map<string, TokenNode>;
  readonly state: Exclude<ViewState, 'loading'>;
  /** Why the tokens are not shown, for the user. */
  readonly message?: string;
  /** Who is signed in, when somebody is. */
  readonly account?: string;
  /** The tenant's VPP apps by token id, read once per listing when a token is first expanded. */
  appsByToken?: Promise<Map<string, VppAppRecord[]>>;
}

const ACTION_ICONS: Record<string, string> = { done: 'pass', failed: 'error', active: 'sync', pending: 'clock', canceled: 'circle-slash' };

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
  private readonly views = new Map<string, TenantView>();
  private roots = new Map<string, TenantNode>();
  private multiTenant = false;
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
    if (!this.multiTenant || !connection || !root) {
      this.refresh();
      return;
    }
    await this.loadView(connection);
    this.changed.fire(root);
    this.publishSignIns(this.registry.list());
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
    } catch (error) {
      this.log.warn(`Could not refresh token ${plainText(id, 200)}: ${describeForLog(error)}`);
      await this.refreshTenant(tenantKey);
    }
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    if (node instanceof TenantNode) {
      return this.tenantItem(node);
    }
    if (node instanceof GroupNode) {
      const label = node.kind === 'apps' ? l10n.t('Apps ({0})', node.children.length) : l10n.t('Recent actions ({0})', node.children.length);
      const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `${this.tokenItemId(node.parent)}/${node.kind}`;
      item.iconPath = new vscode.ThemeIcon(node.kind === 'apps' ? 'package' : 'history');
      item.contextValue = `vppTokenGroup ${node.kind}`;
      return item;
    }
    if (node instanceof LeafNode) {
      return node.item;
    }
    const look = presentToken(node.token, Date.now(), vscode.env.language || 'en');
    const item = new vscode.TreeItem(look.label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.tokenItemId(node);
    item.description = look.description;
    item.iconPath = new vscode.ThemeIcon(look.iconId, look.colorId ? new vscode.ThemeColor(look.colorId) : undefined);
    item.contextValue = look.contextValue;
    item.accessibilityInformation = { label: look.accessibilityLabel, role: 'treeitem' };
    item.tooltip = tooltipOf(look.tooltipRows);
    return item;
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (node instanceof TenantNode) {
      const view = this.views.get(node.tenantKey) ?? (await this.loadView(node.connection));
      return view.nodes.size > 0 ? [...view.nodes.values()] : [new LeafNode(messageItem(node.connection, view), node.tenantKey)];
    }
    if (node instanceof TokenNode) {
      return this.tokenChildren(node);
    }
    if (node instanceof GroupNode) {
      return [...node.children];
    }
    if (node) {
      return [];
    }
    this.views.clear();
    const tenants = this.registry.list();
    this.multiTenant = tenants.length > 1;
    await vscode.commands.executeCommand('setContext', MULTI_TENANT_CONTEXT, this.multiTenant);
    if (!this.multiTenant) {
      this.roots = new Map();
      await this.setState('loading');
      const [tenant] = tenants;
      const view = await this.loadView(tenant);
      this.setMessage(view.message);
      await this.setSignedIn([view]);
      await this.setState(view.state);
      this.publishSignIns(tenants);
      return [...view.nodes.values()];
    }
    const views = await Promise.all(tenants.map((tenant) => this.loadView(tenant)));
    this.roots = new Map(tenants.map((tenant) => [tenant.key, new TenantNode(tenant)]));
    this.setMessage(undefined);
    await this.setSignedIn(views);
    await this.setState('loaded');
    this.publishSignIns(tenants);
    return [...this.roots.values()];
  }

  dispose(): void {
    this.changed.dispose();
    this.signInsChanged.dispose();
  }

  private tokenItemId(node: TokenNode): string {
    // Two tenants may hold the same token id; one tenant keeps the plain id.
    return this.multiTenant ? `${node.tenantKey}/${node.token.id}` : node.token.id;
  }

  private tenantItem(node: TenantNode): vscode.TreeItem {
    const view = this.views.get(node.tenantKey);
    const item = new vscode.TreeItem(node.connection.label, vscode.TreeItemCollapsibleState.Expanded);
    item.id = `tenant/${node.tenantKey}`;
    item.iconPath = new vscode.ThemeIcon('organization');
    const signedIn = view?.state === 'loaded' || view?.state === 'empty';
    item.description = view?.account ?? (view ? stateDescription(view.state) : undefined);
    item.contextValue = `vppTenant mode-${node.connection.authMode() ?? 'unknown'} ${signedIn ? 'signedIn' : 'signedOut'}`;
    const rows: [string, string][] = [[l10n.t('Tenant'), node.connection.label]];
    try {
      const settings = node.connection.settings();
      rows.push(
        [l10n.t('Tenant ID'), settings.tenantId],
        [l10n.t('Cloud'), settings.cloud],
        [l10n.t('Sign-in mode'), settings.authMode],
        [l10n.t('App (client) ID'), settings.clientId],
      );
    } catch (error) {
      rows.push([l10n.t('Settings'), error instanceof VppError ? error.message : String(error)]);
    }
    rows.push([l10n.t('Signed in as'), view?.account ?? '-']);
    item.tooltip = tooltipOf(rows);
    return item;
  }

  /** Lists one tenant's tokens, remembering the outcome for its root item and children. */
  private async loadView(connection: TenantConnection): Promise<TenantView> {
    let view: TenantView;
    try {
      const tokens = await vscode.window.withProgress({ location: { viewId: VIEW_ID } }, () => connection.service().listTokens());
      const locale = vscode.env.language || 'en';
      const nodes = new Map(sortTokens(tokens, locale).map((token) => [token.id, new TokenNode(token, connection.key)]));
      if (nodes.size < tokens.length) {
        // A tree item id must be unique, and one id is one token in Graph: show it once, and say so.
        this.log.warn(`Graph listed ${tokens.length - nodes.size} token ids more than once; each is shown once.`);
      }
      view = { nodes, state: nodes.size > 0 ? 'loaded' : 'empty', account: await connection.account() };
    } catch (error) {
      view = { nodes: new Map(), ...this.failure(connection, error) };
    }
    this.views.set(connection.key, view);
    return view;
  }

  /** A token's apps (with used/total licenses) and its recent action results, read when it is expanded. */
  private async tokenChildren(node: TokenNode): Promise<TreeNode[]> {
    const view = this.views.get(node.tenantKey);
    try {
      const connection = this.registry.get(node.tenantKey);
      if (!connection || !view) {
        throw new VppError('notFound', l10n.t('This tenant is no longer configured. Refresh the view.'));
      }
      const service = connection.service();
      view.appsByToken ??= service.listVppApps().then(groupByToken);
      const pendingApps = view.appsByToken;
      const [apps, token] = await Promise.all([pendingApps, service.getToken(node.token.id)]);
      node.token = token;
      const itemId = this.tokenItemId(node);
      const appLeaves = (apps.get(token.id) ?? []).map((app) => new LeafNode(appItem(itemId, app), node.tenantKey));
      const results = Array.isArray(token.tokenActionResults) ? token.tokenActionResults : [];
      const actionLeaves = results.map((result, index) => new LeafNode(actionItem(itemId, index, result), node.tenantKey));
      return [new GroupNode('apps', node, appLeaves), new GroupNode('actions', node, actionLeaves)];
    } catch (error) {
      if (view) {
        view.appsByToken = undefined;
      }
      this.log.warn(`Could not read the details of token ${plainText(node.token.id, 200)}: ${describeForLog(error)}`);
      const item = new vscode.TreeItem(error instanceof VppError ? error.message : l10n.t('Could not read the details of this token.'));
      item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
      item.contextValue = 'vppTokenError';
      return [new LeafNode(item, node.tenantKey)];
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

  private setMessage(message: string | undefined): void {
    if (this.view) {
      this.view.message = message;
    }
  }

  /** Who is signed in where: next to the view's title, and to the status bar item. */
  private publishSignIns(tenants: readonly TenantConnection[]): void {
    const signIns = tenants.map((tenant) => ({ tenant: tenant.label, account: this.views.get(tenant.key)?.account }));
    if (this.view) {
      const [only] = signIns;
      this.view.description =
        signIns.length > 1 ? l10n.t('{0} tenants', signIns.length) : only?.account ? l10n.t('{0} · {1}', only.account, only.tenant) : undefined;
    }
    this.signInsChanged.fire(signIns);
  }

  private async setSignedIn(views: readonly TenantView[]): Promise<void> {
    const signedIn = views.some((view) => view.state === 'loaded' || view.state === 'empty');
    await vscode.commands.executeCommand('setContext', SIGNED_IN_CONTEXT, signedIn);
  }

  private async setState(state: ViewState): Promise<void> {
    await vscode.commands.executeCommand('setContext', VIEW_STATE_CONTEXT, state);
  }
}

function tooltipOf(rows: readonly (readonly [string, string])[]): vscode.MarkdownString {
  const tooltip = new vscode.MarkdownString(undefined, false);
  tooltip.isTrusted = false;
  tooltip.supportHtml = false;
  for (const [label, value] of rows) {
    tooltip.appendMarkdown('**');
    tooltip.appendText(label);
    tooltip.appendMarkdown('**: ');
    tooltip.appendText(value);
    tooltip.appendMarkdown('  \n');
  }
  return tooltip;
}

function stateDescription(state: TenantView['state']): string | undefined {
  switch (state) {
    case 'notConfigured':
      return l10n.t('not configured');
    case 'signedOut':
      return l10n.t('signed out');
    case 'needsSecret':
      return l10n.t('needs a client secret or certificate');
    case 'error':
      return l10n.t('could not load');
    default:
      return undefined;
  }
}

/** The one child of a tenant without tokens: why, and the command that helps, run for that tenant. */
function messageItem(connection: TenantConnection, view: TenantView): vscode.TreeItem {
  const tenant = [{ tenantKey: connection.key }];
  const messages: Record<TenantView['state'], [string, string, vscode.Command | undefined]> = {
    notConfigured: [view.message ?? l10n.t('This tenant is not configured.'), 'gear', { title: l10n.t('Open Settings'), command: 'intuneVpp.openSettings' }],
    signedOut: [view.message ?? l10n.t('Sign in to list this tenant\'s VPP tokens.'), 'sign-in', { title: l10n.t('Sign In'), command: 'intuneVpp.signIn', arguments: tenant }],
    needsSecret: [l10n.t('Set the app\'s client secret or certificate to sign in.'), 'key', { title: l10n.t('Set Client Secret'), command: 'intuneVpp.setClientSecret', arguments: tenant }],
    error: [view.message ?? l10n.t('Could not list the VPP tokens. See the log for details.'), 'error', undefined],
    empty: [l10n.t('This tenant has no VPP tokens.'), 'info', undefined],
    loaded: ['', 'info', undefined],
  };
  const [label, icon, command] = messages[view.state];
  const item = new vscode.TreeItem(label);
  item.id = `tenant/${connection.key}/message`;
  item.iconPath = new vscode.ThemeIcon(icon, view.state === 'error' ? new vscode.ThemeColor('list.errorForeground') : undefined);
  item.command = command;
  item.tooltip = label;
  item.contextValue = `vppTenantMessage ${view.state}`;
  return item;
}

function groupByToken(apps: VppAppRecord[]): Map<string, VppAppRecord[]> {
  const byToken = new Map<string, VppAppRecord[]>();
  for (const app of apps) {
    if (app.vppTokenId) {
      byToken.set(app.vppTokenId, [...(byToken.get(app.vppTokenId) ?? []), app]);
    }
  }
  return byToken;
}

function appItem(tokenItemId: string, app: VppAppRecord): vscode.TreeItem {
  const item = new vscode.TreeItem(plainText(app.displayName, 120) || plainText(app.bundleId, 120) || app.id);
  item.id = `${tokenItemId}/apps/${app.id}`;
  item.description = l10n.t('{0}/{1} licenses used', app.usedLicenseCount ?? '?', app.totalLicenseCount ?? '?');
  item.tooltip = [plainText(app.displayName, 300), plainText(app.bundleId, 200), String(item.description)].filter(Boolean).join('\n');
  item.iconPath = new vscode.ThemeIcon('device-mobile');
  item.contextValue = 'vppApp';
  return item;
}

function actionItem(tokenItemId: string, index: number, result: NonNullable<VppTokenRecord['tokenActionResults']>[number]): vscode.TreeItem {
  const state = typeof result?.actionState === 'string' ? result.actionState : '';
  const item = new vscode.TreeItem(plainText(result?.actionName, 80) || l10n.t('Action'));
  item.id = `${tokenItemId}/actions/${index}`;
  item.description = describeActionResult(result ?? {});
  item.tooltip = [
    l10n.t('Started: {0}', plainText(result?.startDateTime, 40) || '-'),
    l10n.t('Last updated: {0}', plainText(result?.lastUpdatedDateTime, 40) || '-'),
  ].join('\n');
  item.iconPath = new vscode.ThemeIcon(ACTION_ICONS[state] ?? 'circle-outline');
  item.contextValue = 'vppTokenAction';
  return item;
}
