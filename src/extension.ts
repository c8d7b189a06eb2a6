import * as vscode from 'vscode';
import * as l10n from '@vscode/l10n';
import { registerCommands } from './commands/registerCommands';
import { ReplaceableUserInput } from './commands/userInput';
import { VscodeUserInput } from './commands/vscodeUserInput';
import { TenantConnection } from './connection';
import { createTestApi, IntuneVppTestApi } from './testApi';
import { VIEW_ID, VppTokenTreeProvider } from './tree/vppTokenTreeProvider';

/** Wires the connection, the tree and the commands together; nothing else happens here. */
export function activate(context: vscode.ExtensionContext): IntuneVppTestApi | undefined {
  if (vscode.l10n.bundle) {
    l10n.config({ contents: vscode.l10n.bundle });
  }
  const log = vscode.window.createOutputChannel('Intune VPP', { log: true });
  const ui = new ReplaceableUserInput(new VscodeUserInput());
  const connection = new TenantConnection(context, log, ui);
  const tree = new VppTokenTreeProvider(connection, log);
  const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: tree, showCollapseAll: true, canSelectMany: true });
  tree.attach(view);
  context.subscriptions.push(
    log,
    connection,
    tree,
    view,
    connection.onDidChange(() => tree.refresh()),
    ...registerCommands({ extensionUri: context.extensionUri, connection, tree, log, ui }),
  );
  // Only a test run may script the prompts: no other extension can answer a revoke confirmation.
  return context.extensionMode === vscode.ExtensionMode.Test ? createTestApi(ui, tree) : undefined;
}
