import * as vscode from 'vscode';
import { TenantConnection } from '../connection';
import { TokenNode, VppTokenTreeProvider } from '../tree/vppTokenTreeProvider';
import { setClientCertificate, setClientSecret, signIn, signOut, AccountActions } from './account';
import { DEFAULT_OUTCOME_POLLING } from '../graph/actionResults';
import { CommandContext, tokensOf } from './commandContext';
import { syncLicenses } from './syncLicenses';
import { reportError, ErrorFixes } from './reportError';
import { revokeLicenses, RevokesInFlight } from './revokeLicenses';
import { UserInput } from './userInput';

export const COMMANDS = {
  refresh: 'intuneVpp.refresh',
  signIn: 'intuneVpp.signIn',
  signOut: 'intuneVpp.signOut',
  setClientSecret: 'intuneVpp.setClientSecret',
  setClientCertificate: 'intuneVpp.setClientCertificate',
  revokeLicenses: 'intuneVpp.revokeLicenses',
  syncLicenses: 'intuneVpp.syncLicenses',
  copyTokenId: 'intuneVpp.copyTokenId',
  openSettings: 'intuneVpp.openSettings',
  openSetupGuide: 'intuneVpp.openSetupGuide',
  showLog: 'intuneVpp.showLog',
} as const;

export interface CommandServices {
  readonly extensionUri: vscode.Uri;
  readonly connection: TenantConnection;
  readonly tree: VppTokenTreeProvider;
  readonly log: vscode.LogOutputChannel;
  readonly ui: UserInput;
}

/** The tokens of the item a command was invoked on and of the tree's selection; palette calls pass neither. */
function selectedTokens(node: unknown, selection: unknown) {
  const nodes = Array.isArray(selection) ? selection.filter((entry): entry is TokenNode => entry instanceof TokenNode) : undefined;
  return tokensOf(node instanceof TokenNode ? node : undefined, nodes);
}

/** Registers every command, each wrapped by the one error handler. */
export function registerCommands(services: CommandServices): vscode.Disposable[] {
  const { connection, tree, log, ui } = services;
  const account: AccountActions = {
    signIn: () => connection.signIn(),
    signOut: () => connection.signOut(),
    storeClientSecret: (secret) => connection.storeClientSecret(secret),
    storeClientCertificate: (pemText) => connection.storeClientCertificate(pemText),
    clientId: () => connection.settings().clientId,
  };
  const context: CommandContext = {
    ui,
    log,
    service: () => connection.service(),
    signIn: () => connection.signIn(),
    tree,
    now: () => Date.now(),
    outcomePolling: DEFAULT_OUTCOME_POLLING,
  };
  const inFlight = new RevokesInFlight();
  const run = (command: string) => () => vscode.commands.executeCommand(command);
  const fixes: ErrorFixes = {
    signIn: run(COMMANDS.signIn),
    setClientSecret: run(COMMANDS.setClientSecret),
    openSettings: run(COMMANDS.openSettings),
    openSetupGuide: run(COMMANDS.openSetupGuide),
    showLog: run(COMMANDS.showLog),
  };

  const handlers: Record<string, (...args: never[]) => unknown> = {
    [COMMANDS.refresh]: () => tree.refresh(),
    [COMMANDS.signIn]: () => signIn(ui, account),
    [COMMANDS.signOut]: () => signOut(ui, account),
    [COMMANDS.setClientSecret]: () => setClientSecret(ui, account),
    [COMMANDS.setClientCertificate]: () => setClientCertificate(ui, account),
    [COMMANDS.revokeLicenses]: (node?: unknown, selection?: unknown) => revokeLicenses(context, inFlight, selectedTokens(node, selection)),
    [COMMANDS.syncLicenses]: (node?: unknown, selection?: unknown) => syncLicenses(context, selectedTokens(node, selection)),
    [COMMANDS.copyTokenId]: async (node?: TokenNode) => {
      if (node instanceof TokenNode) {
        await vscode.env.clipboard.writeText(node.token.id);
      }
    },
    [COMMANDS.openSettings]: () => vscode.commands.executeCommand('workbench.action.openSettings', 'intuneVpp'),
    [COMMANDS.openSetupGuide]: () =>
      vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.joinPath(services.extensionUri, 'README.md')),
    [COMMANDS.showLog]: () => log.show(),
  };

  return Object.entries(handlers).map(([id, handler]) =>
    vscode.commands.registerCommand(id, async (...args: never[]) => {
      try {
        await handler(...args);
      } catch (error) {
        reportError(error, ui, log, fixes);
      }
    }),
  );
}
