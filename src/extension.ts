import * as vscode from 'vscode';
import * as l10n from '@vscode/l10n';
import { registerCommands } from './commands/registerCommands';
import { registerChatTools } from './chat/registerChatTools';
import { registerExpiryAlerts } from './alerts/registerExpiryAlerts';
import { ReplaceableUserInput } from './ui/userInput';
import { VscodeUserInput } from './ui/vscodeUserInput';
import { TenantRegistry } from './tenants/tenantRegistry';
import { createTestApi, IntuneVppTestApi } from './testApi';
import { SignInStatusBar } from './tree/signInStatusBar';
import { VppTokenTreeProvider } from './tree/vppTokenTreeProvider';
import { HISTORY_VIEW_ID, VIEW_ID } from './ids';
import { TenantStore } from './store/tenantStore';
import { TokensViewStatus } from './tree/tokensViewStatus';
import { HistoryTreeProvider } from './tree/historyTree';
import { registerEarlierSession } from './commands/writes/registerEarlierSession';
import { registerFollowThrough } from './commands/writes/registerFollowThrough';
import { openJournal } from './journal/windowJournal';

/** Wires the tenants, the tree and the commands together; nothing else happens here. */
export function activate(context: vscode.ExtensionContext): IntuneVppTestApi | undefined {
  if (vscode.l10n.bundle) {
    l10n.config({ contents: vscode.l10n.bundle });
  }
  const log = vscode.window.createOutputChannel('Intune VPP', { log: true });
  const ui = new ReplaceableUserInput(new VscodeUserInput());
  const tenants = new TenantRegistry(context, log, ui);
  // One store of what the extension knows about each tenant: every surface reads it, every write reports to it.
  const store = new TenantStore(tenants, log, async (work) => vscode.window.withProgress({ location: { viewId: VIEW_ID } }, work));
  const tree = new VppTokenTreeProvider(store);
  const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: tree, showCollapseAll: true, canSelectMany: true });
  tree.attach(view);
  const status = new TokensViewStatus(store, view, log, () => tree.attentionTokens().length);
  const { journal, file: journalFile } = openJournal(context.globalStorageUri.fsPath, log, ui, (record) => {
    history.recorded();
    followThrough.recorded(record);
  });
  void journalFile.prune();
  const history = new HistoryTreeProvider(() => journalFile.read(), log);
  const historyView = vscode.window.createTreeView(HISTORY_VIEW_ID, { treeDataProvider: history });
  history.attach(historyView);
  const followThrough = registerFollowThrough({ journal, file: journalFile, tenants, store, ui, log });
  const testRun = context.extensionMode === vscode.ExtensionMode.Test;
  // Under test the expiry check runs when a test asks, so that it cannot race the test's own requests.
  const expiry = registerExpiryAlerts(context, tenants, store, ui, log, !testRun, view.visible);
  context.subscriptions.push(
    log,
    tenants,
    store,
    tree,
    status,
    view,
    new SignInStatusBar(view, status.onDidChangeSignIns),
    tenants.onDidChange((tenant) => (tenant ? store.relistAfterChange(tenant.key) : store.refreshAll())),
    ...registerCommands({ extensionUri: context.extensionUri, tenants, store, tree, log, ui, journal, history }),
    ...registerChatTools({ tenants, store, log, ui, journal }),
    ...expiry.disposables,
    history,
    historyView,
    registerEarlierSession({ journal, file: journalFile, tenants, store, ui, log }),
    followThrough.disposable,
  );
  // Only a test run may script the prompts: no other extension can answer a revoke confirmation.
  return testRun ? createTestApi(ui, { store, tree, status, view }, () => expiry.alerts.check(), history) : undefined;
}
