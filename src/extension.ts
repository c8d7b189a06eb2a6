import * as vscode from 'vscode';
import * as l10n from '@vscode/l10n';
import { registerCommands } from './commands/registerCommands';
import { RevokesInFlight } from './commands/licenses/revokesInFlight';
import { registerChatTools } from './chat/registerChatTools';
import { registerExpiryAlerts } from './alerts/registerExpiryAlerts';
import { ReplaceableUserInput } from './ui/userInput';
import { VscodeUserInput } from './ui/vscodeUserInput';
import { TenantRegistry } from './tenants/tenantRegistry';
import { createTestApi, IntuneVppTestApi } from './testApi';
import { SignInStatusBar } from './tree/signInStatusBar';
import { VppTokenTreeProvider } from './tree/vppTokenTreeProvider';
import { HISTORY_VIEW_ID, VIEW_ID } from './ids';
import { HistoryTreeProvider } from './tree/historyTree';
import { registerEarlierSession } from './commands/writes/registerEarlierSession';
import { openJournal } from './journal/windowJournal';

/** Wires the tenants, the tree and the commands together; nothing else happens here. */
export function activate(context: vscode.ExtensionContext): IntuneVppTestApi | undefined {
  if (vscode.l10n.bundle) {
    l10n.config({ contents: vscode.l10n.bundle });
  }
  const log = vscode.window.createOutputChannel('Intune VPP', { log: true });
  const ui = new ReplaceableUserInput(new VscodeUserInput());
  const tenants = new TenantRegistry(context, log, ui);
  const tree = new VppTokenTreeProvider(tenants, log);
  const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: tree, showCollapseAll: true, canSelectMany: true });
  tree.attach(view);
  // One record of the revokes running, so that chat cannot start a revoke the tree already runs, or the reverse.
  const inFlight = new RevokesInFlight();
  const { journal, file: journalFile } = openJournal(context.globalStorageUri.fsPath, log, ui, () => history.recorded());
  void journalFile.prune();
  const history = new HistoryTreeProvider(() => journalFile.read(), log);
  const historyView = vscode.window.createTreeView(HISTORY_VIEW_ID, { treeDataProvider: history });
  history.attach(historyView);
  const testRun = context.extensionMode === vscode.ExtensionMode.Test;
  // Under test the expiry check runs when a test asks, so that it cannot race the test's own requests.
  const expiry = registerExpiryAlerts(context, tenants, tree, ui, log, !testRun, view.visible);
  context.subscriptions.push(
    log,
    tenants,
    tree,
    view,
    new SignInStatusBar(view, tree.onDidChangeSignIns),
    tenants.onDidChange((tenant) => (tenant ? void tree.refreshAfterChange(tenant.key) : tree.refresh())),
    ...registerCommands({ extensionUri: context.extensionUri, tenants, tree, log, ui, inFlight, journal, history }),
    ...registerChatTools({ tenants, tree, log, ui, inFlight, journal }),
    ...expiry.disposables,
    history,
    historyView,
    registerEarlierSession({ journal, file: journalFile, tenants, tree, ui, log, inFlight }),
  );
  // Only a test run may script the prompts: no other extension can answer a revoke confirmation.
  return testRun ? createTestApi(ui, tree, () => expiry.alerts.check(), history) : undefined;
}
