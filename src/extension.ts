import * as vscode from 'vscode';
import * as l10n from '@vscode/l10n';
import { registerCommands } from './commands/registerCommands';
import { VscodeUserInput } from './commands/vscodeUserInput';
import { TenantConnection } from './connection';
import { VIEW_ID, VppTokenTreeProvider } from './tree/vppTokenTreeProvider';

/** Wires the connection, the tree and the commands together; nothing else happens here. */
export function activate(context: vscode.ExtensionContext): void {
  if (vscode.l10n.bundle) {
    l10n.config({ contents: vscode.l10n.bundle });
  }
  const log = vscode.window.createOutputChannel('Intune VPP', { log: true });
  const connection = new TenantConnection(context, log);
  const tree = new VppTokenTreeProvider(connection, log);
  const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: tree, showCollapseAll: false });
  tree.attach(view);
  context.subscriptions.push(
    log,
    connection,
    tree,
    view,
    connection.onDidChange(() => tree.refresh()),
    ...registerCommands({ extensionUri: context.extensionUri, connection, tree, log, ui: new VscodeUserInput() }),
  );
}
