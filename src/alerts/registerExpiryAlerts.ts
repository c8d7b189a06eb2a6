import * as vscode from 'vscode';
import { readExpiryWarningDays } from '../config/vscodeSettings';
import { COMMANDS, VIEW_ID } from '../ids';
import { TenantRegistry } from '../tenants/tenantRegistry';
import { ExpiryStatusBar } from '../tree/expiryStatusBar';
import { expiryPhrase, tokenLabel } from '../tree/tokenPresentation';
import { TokenNode } from '../tree/treeNodes';
import { TenantStore } from '../store/tenantStore';
import { UserInput } from '../ui/userInput';
import { runCommand } from '../tree/commandArgs';
import { ExpiryAlerts } from './expiryAlerts';

const DAY_MS = 24 * 3600 * 1000;
/** Which token was alerted on which day, in VS Code's global state. */
const ALERTED_KEY = 'intuneVpp.expiryAlerted';

/**
 * The expiry alerts with VS Code's facilities: the global state remembers what was alerted today, the status bar
 * counts, Renew Token… and Show run the extension's own command and view. `automatic`: each listing of the view
 * feeds them (so a sign-in alerts without listing twice), and they list on their own at start-up when the view is
 * closed (it lists when open) and once a day. Integration tests check when they choose, through the test API.
 */
export function registerExpiryAlerts(
  context: vscode.ExtensionContext,
  tenants: TenantRegistry,
  store: TenantStore,
  ui: UserInput,
  log: vscode.LogOutputChannel,
  automatic: boolean,
  viewVisible: boolean,
): { alerts: ExpiryAlerts; disposables: vscode.Disposable[] } {
  const statusBar = new ExpiryStatusBar();
  const alerts = new ExpiryAlerts({
    tenants: () => tenants.list().map((tenant) => ({ key: tenant.key, label: tenant.label, listTokens: () => store.tokensOf(tenant, 0) })),
    ui,
    log,
    now: () => Date.now(),
    warningDays: readExpiryWarningDays,
    alerted: {
      get: () => context.globalState.get<Record<string, string>>(ALERTED_KEY) ?? {},
      set: (value) => context.globalState.update(ALERTED_KEY, value),
    },
    showCount: (entries) =>
      statusBar.show(
        entries.map(
          (entry) => `${tokenLabel(entry.token)} · ${entry.tenantLabel} · ${expiryPhrase(entry.token.expirationDateTime, Date.now())}`,
        ),
      ),
    renew: (entry) => runCommand(COMMANDS.renewToken, new TokenNode(entry.token, entry.tenantKey)),
    reveal: () => vscode.commands.executeCommand(`${VIEW_ID}.focus`),
  });
  const disposables: vscode.Disposable[] = [statusBar];
  if (automatic) {
    if (!viewVisible) {
      void alerts.check();
    }
    const timer = setInterval(() => void alerts.check(), DAY_MS);
    disposables.push(
      { dispose: () => clearInterval(timer) },
      store.onDidListTokens(({ tenantKey, tokens }) => void alerts.tokensListed(tenantKey, tokens)),
    );
  }
  return { alerts, disposables };
}
