import * as vscode from 'vscode';
import { COMMANDS, CommandId } from '../ids';
import { HistoryNode } from './historyTree';
import { AppNode, LicenseNode, TenantNode, TokenNode, TreeNode } from './treeNodes';

/** A tenant named by its key: what an error's fix, a tenant's message item and the status bar pass. */
export interface TenantTarget {
  readonly tenantKey: string;
}

/** A tree item's command: the item it was invoked on, and the view's selection when it holds several. */
type OnSelection = [node?: TreeNode, selection?: readonly TreeNode[]];

/**
 * The arguments of each command, as VS Code passes them from a tree item (the item, then the selection), from the
 * palette (none), and as the extension's own calls pass them. Handlers still check what they get: another extension
 * or a keybinding can pass anything.
 */
export interface CommandArgs {
  [COMMANDS.refresh]: [target?: TenantTarget];
  [COMMANDS.signIn]: [target?: TenantTarget];
  [COMMANDS.switchAccount]: [target?: TenantTarget];
  [COMMANDS.signOut]: [target?: TenantTarget];
  [COMMANDS.setClientSecret]: [target?: TenantTarget];
  [COMMANDS.setClientCertificate]: [target?: TenantTarget];
  [COMMANDS.addTenant]: [];
  [COMMANDS.importTenants]: [];
  [COMMANDS.exportTenants]: [];
  [COMMANDS.exportReport]: [];
  [COMMANDS.removeTenant]: [target?: TenantTarget];
  [COMMANDS.revokeLicenses]: OnSelection;
  [COMMANDS.syncLicenses]: OnSelection;
  [COMMANDS.addToken]: [target?: TenantTarget];
  [COMMANDS.renewToken]: [node?: TokenNode];
  [COMMANDS.editToken]: [node?: TokenNode];
  [COMMANDS.takeOverToken]: [node?: TokenNode];
  [COMMANDS.retireToken]: [node?: TokenNode];
  [COMMANDS.deleteToken]: [node?: TokenNode];
  [COMMANDS.revokeAppLicenses]: [node?: AppNode];
  [COMMANDS.revokeAppLicense]: [node?: LicenseNode];
  [COMMANDS.copyTokenId]: [node?: TokenNode];
  [COMMANDS.copyRevokeRequest]: [node?: TokenNode];
  [COMMANDS.showHistory]: [];
  [COMMANDS.showTokenHistory]: [node?: TokenNode];
  [COMMANDS.filterHistory]: [];
  [COMMANDS.clearHistoryFilter]: [];
  [COMMANDS.refreshHistory]: [];
  [COMMANDS.showMoreHistory]: [];
  [COMMANDS.exportHistory]: [];
  [COMMANDS.copyHistoryAsPowerShell]: [node?: HistoryNode];
  [COMMANDS.copyHistoryAsHttp]: [node?: HistoryNode];
  [COMMANDS.showAuditEvents]: [node?: TokenNode];
  [COMMANDS.openSettings]: [target?: TenantTarget];
  [COMMANDS.openSetupGuide]: [target?: TenantTarget];
  [COMMANDS.showLog]: [target?: TenantTarget];
  [COMMANDS.showOverview]: [node?: TenantNode | TreeNode, selection?: readonly TreeNode[]];
}

/** A tree item's or message's command: one of the extension's, with the arguments it declares. */
export function commandOf<K extends CommandId>(title: string, id: K, ...args: CommandArgs[K]): vscode.Command {
  return { title, command: id, ...(args.length > 0 ? { arguments: args } : {}) };
}

/** Runs one of the extension's commands with the arguments it declares: the one way the extension calls its own. */
export function runCommand<K extends CommandId>(id: K, ...args: CommandArgs[K]): Thenable<unknown> {
  return vscode.commands.executeCommand(id, ...args);
}
