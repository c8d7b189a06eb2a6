import * as vscode from 'vscode';
import * as l10n from '@vscode/l10n';
import { TenantConnection } from '../connection';
import { describeForLog, VppError } from '../errors';
import { describeActionResult } from '../graph/actionResults';
import { VppAppRecord, VppTokenRecord } from '../graph/vppTokenService';
import { plainText } from '../text';
import { presentToken, sortTokens } from './tokenPresentation';

export const VIEW_ID = 'intuneVpp.tokens';
/** Drives the view's welcome content: what the user must do before tokens can show. */
export const VIEW_STATE_CONTEXT = 'intuneVpp.viewState';
export type ViewState = 'loading' | 'notConfigured' | 'signedOut' | 'needsSecret' | 'error' | 'empty' | 'loaded';

/** A token in the tree. Its `token` is replaced in place when the one token is refreshed. */
export class TokenNode {
  constructor(public token: VppTokenRecord) {}
}

/** "Apps" or "Recent actions" under a token, with their items already read. */
export class GroupNode {
  constructor(
    readonly kind: 'apps' | 'actions',
    readonly parent: TokenNode,
    readonly children: readonly LeafNode[],
  ) {}
}

/** An app bought with the token, an action result, or a message (an error or "none"). */
export class LeafNode {
  constructor(readonly item: vscode.TreeItem) {}
}

export type TreeNode = TokenNode | GroupNode | LeafNode;

const ACTION_ICONS: Record<string, string> = { done: 'pass', failed: 'error', active: 'sync', pending: 'clock', canceled: 'circle-slash' };

/** The `intuneVpp.tokens` view: the tenant's VPP tokens, sorted by name. */
export class VppTokenTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private nodes = new Map<string, TokenNode>();
  private view: vscode.TreeView<TreeNode> | undefined;
  /** The tenant's VPP apps by token id, read once per listing when a token is first expanded. */
  private appsByToken: Promise<Map<string, VppAppRecord[]>> | undefined;

  constructor(
    private readonly connection: TenantConnection,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  attach(view: vscode.TreeView<TreeNode>): void {
    this.view = view;
  }

  /** Reloads the whole list. */
  refresh(): void {
    this.changed.fire(undefined);
  }

  /** Re-reads one token and redraws its item; a token that is gone refreshes the whole list. */
  async refreshToken(id: string): Promise<void> {
    const node = this.nodes.get(id);
    if (!node) {
      this.refresh();
      return;
    }
    try {
      node.token = await this.connection.service().getToken(id);
      this.changed.fire(node);
    } catch (error) {
      this.log.warn(`Could not refresh token ${plainText(id, 200)}: ${describeForLog(error)}`);
      this.refresh();
    }
  }

  /** The tokens the tree shows now, in order. */
  tokens(): VppTokenRecord[] {
    return [...this.nodes.values()].map((node) => node.token);
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    if (node instanceof GroupNode) {
      const label = node.kind === 'apps' ? l10n.t('Apps ({0})', node.children.length) : l10n.t('Recent actions ({0})', node.children.length);
      const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `${node.parent.token.id}/${node.kind}`;
      item.iconPath = new vscode.ThemeIcon(node.kind === 'apps' ? 'package' : 'history');
      item.contextValue = `vppTokenGroup ${node.kind}`;
      return item;
    }
    if (node instanceof LeafNode) {
      return node.item;
    }
    const look = presentToken(node.token, Date.now(), vscode.env.language || 'en');
    const item = new vscode.TreeItem(look.label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = node.token.id;
    item.description = look.description;
    item.iconPath = new vscode.ThemeIcon(look.iconId, look.colorId ? new vscode.ThemeColor(look.colorId) : undefined);
    item.contextValue = look.contextValue;
    item.accessibilityInformation = { label: look.accessibilityLabel, role: 'treeitem' };
    const tooltip = new vscode.MarkdownString(undefined, false);
    tooltip.isTrusted = false;
    tooltip.supportHtml = false;
    for (const [label, value] of look.tooltipRows) {
      tooltip.appendMarkdown('**');
      tooltip.appendText(label);
      tooltip.appendMarkdown('**: ');
      tooltip.appendText(value);
      tooltip.appendMarkdown('  \n');
    }
    item.tooltip = tooltip;
    return item;
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (node instanceof TokenNode) {
      return this.tokenChildren(node);
    }
    if (node instanceof GroupNode) {
      return [...node.children];
    }
    if (node) {
      return [];
    }
    this.appsByToken = undefined;
    await this.setState('loading');
    try {
      const tokens = await vscode.window.withProgress({ location: { viewId: VIEW_ID } }, () => this.connection.service().listTokens());
      const locale = vscode.env.language || 'en';
      this.nodes = new Map(sortTokens(tokens, locale).map((token) => [token.id, new TokenNode(token)]));
      if (this.nodes.size < tokens.length) {
        // A tree item id must be unique, and one id is one token in Graph: show it once, and say so.
        this.log.warn(`Graph listed ${tokens.length - this.nodes.size} token ids more than once; each is shown once.`);
      }
      this.setMessage(undefined);
      await this.connection.setSignedIn(true);
      await this.setState(this.nodes.size > 0 ? 'loaded' : 'empty');
      return [...this.nodes.values()];
    } catch (error) {
      this.nodes = new Map();
      await this.showFailure(error);
      return [];
    }
  }

  dispose(): void {
    this.changed.dispose();
  }

  /** A token's apps (with used/total licenses) and its recent action results, read when it is expanded. */
  private async tokenChildren(node: TokenNode): Promise<TreeNode[]> {
    try {
      const service = this.connection.service();
      this.appsByToken ??= service.listVppApps().then(groupByToken);
      const pendingApps = this.appsByToken;
      const [apps, token] = await Promise.all([pendingApps, service.getToken(node.token.id)]);
      node.token = token;
      const appLeaves = (apps.get(token.id) ?? []).map((app) => new LeafNode(appItem(token.id, app)));
      const results = Array.isArray(token.tokenActionResults) ? token.tokenActionResults : [];
      const actionLeaves = results.map((result, index) => new LeafNode(actionItem(token.id, index, result)));
      return [new GroupNode('apps', node, appLeaves), new GroupNode('actions', node, actionLeaves)];
    } catch (error) {
      this.appsByToken = undefined;
      this.log.warn(`Could not read the details of token ${plainText(node.token.id, 200)}: ${describeForLog(error)}`);
      const item = new vscode.TreeItem(error instanceof VppError ? error.message : l10n.t('Could not read the details of this token.'));
      item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
      item.contextValue = 'vppTokenError';
      return [new LeafNode(item)];
    }
  }

  private async showFailure(error: unknown): Promise<void> {
    const failure = error instanceof VppError ? error : undefined;
    const kind = failure?.kind;
    this.log.info(`Token list not loaded: ${describeForLog(error)}`);
    if (kind === 'configuration') {
      this.setMessage(failure?.message);
      await this.setState('notConfigured');
      return;
    }
    if (kind === 'signInRequired' || kind === 'cancelled' || kind === 'unauthorized' || kind === 'consentRequired') {
      await this.connection.setSignedIn(false);
      const needsSecret = kind === 'signInRequired' && safeMode(this.connection) === 'clientCredentials';
      this.setMessage(kind === 'signInRequired' || kind === 'cancelled' ? undefined : failure?.message);
      await this.setState(needsSecret ? 'needsSecret' : 'signedOut');
      return;
    }
    this.log.error(`Could not list VPP tokens: ${describeForLog(error)}`);
    this.setMessage(failure?.message ?? l10n.t('Could not list the VPP tokens. See the log for details.'));
    await this.setState('error');
  }

  private setMessage(message: string | undefined): void {
    if (this.view) {
      this.view.message = message;
    }
  }

  private async setState(state: ViewState): Promise<void> {
    await vscode.commands.executeCommand('setContext', VIEW_STATE_CONTEXT, state);
  }
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

function appItem(tokenId: string, app: VppAppRecord): vscode.TreeItem {
  const item = new vscode.TreeItem(plainText(app.displayName, 120) || plainText(app.bundleId, 120) || app.id);
  item.id = `${tokenId}/apps/${app.id}`;
  item.description = l10n.t('{0}/{1} licenses used', app.usedLicenseCount ?? '?', app.totalLicenseCount ?? '?');
  item.tooltip = [plainText(app.displayName, 300), plainText(app.bundleId, 200), String(item.description)].filter(Boolean).join('\n');
  item.iconPath = new vscode.ThemeIcon('device-mobile');
  item.contextValue = 'vppApp';
  return item;
}

function actionItem(tokenId: string, index: number, result: NonNullable<VppTokenRecord['tokenActionResults']>[number]): vscode.TreeItem {
  const state = typeof result?.actionState === 'string' ? result.actionState : '';
  const item = new vscode.TreeItem(plainText(result?.actionName, 80) || l10n.t('Action'));
  item.id = `${tokenId}/actions/${index}`;
  item.description = describeActionResult(result ?? {});
  item.tooltip = [
    l10n.t('Started: {0}', plainText(result?.startDateTime, 40) || '-'),
    l10n.t('Last updated: {0}', plainText(result?.lastUpdatedDateTime, 40) || '-'),
  ].join('\n');
  item.iconPath = new vscode.ThemeIcon(ACTION_ICONS[state] ?? 'circle-outline');
  item.contextValue = 'vppTokenAction';
  return item;
}

function safeMode(connection: TenantConnection): string | undefined {
  try {
    return connection.settings().authMode;
  } catch {
    return undefined;
  }
}
