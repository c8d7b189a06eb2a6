import * as vscode from 'vscode';
import * as l10n from '@vscode/l10n';
import { TenantConnection } from '../connection';
import { describeForLog, VppError } from '../errors';
import { VppTokenRecord } from '../graph/vppTokenService';
import { presentToken, sortTokens } from './tokenPresentation';

export const VIEW_ID = 'intuneVpp.tokens';
/** Drives the view's welcome content: what the user must do before tokens can show. */
export const VIEW_STATE_CONTEXT = 'intuneVpp.viewState';
export type ViewState = 'loading' | 'notConfigured' | 'signedOut' | 'needsSecret' | 'error' | 'empty' | 'loaded';

/** A token in the tree. Its `token` is replaced in place when the one token is refreshed. */
export class TokenNode {
  constructor(public token: VppTokenRecord) {}
}

/** The `intuneVpp.tokens` view: the tenant's VPP tokens, sorted by name. */
export class VppTokenTreeProvider implements vscode.TreeDataProvider<TokenNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TokenNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private nodes = new Map<string, TokenNode>();
  private view: vscode.TreeView<TokenNode> | undefined;

  constructor(
    private readonly connection: TenantConnection,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  attach(view: vscode.TreeView<TokenNode>): void {
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
      this.log.warn(`Could not refresh token ${id}: ${describeForLog(error)}`);
      this.refresh();
    }
  }

  /** The tokens the tree shows now, in order. */
  tokens(): VppTokenRecord[] {
    return [...this.nodes.values()].map((node) => node.token);
  }

  getTreeItem(node: TokenNode): vscode.TreeItem {
    const look = presentToken(node.token, Date.now(), vscode.env.language || 'en');
    const item = new vscode.TreeItem(look.label, vscode.TreeItemCollapsibleState.None);
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

  async getChildren(node?: TokenNode): Promise<TokenNode[]> {
    if (node) {
      return [];
    }
    await this.setState('loading');
    try {
      const tokens = await vscode.window.withProgress({ location: { viewId: VIEW_ID } }, () => this.connection.service().listTokens());
      const locale = vscode.env.language || 'en';
      this.nodes = new Map(sortTokens(tokens, locale).map((token) => [token.id, new TokenNode(token)]));
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

function safeMode(connection: TenantConnection): string | undefined {
  try {
    return connection.settings().authMode;
  } catch {
    return undefined;
  }
}
