import * as vscode from 'vscode';
import { CommandId, COMMANDS } from '../ids';
import { TenantConnection } from '../tenants/tenantConnection';
import { historyHandlers } from './history/historyHandlers';
import { licenseHandlers } from './licenses/licenseHandlers';
import { overviewHandlers } from './overview/overviewHandlers';
import { reportError, ErrorFixes } from './reportError';
import { AllHandlers, CommandRouting, CommandServices, Handler, Invocation, tenantKeyOf } from './routing';
import { ActionContext, actionContext } from './context';
import { invoke } from './invoke';
import { CommandArgs, runCommand, TenantTarget } from '../tree/commandArgs';
import { tenantHandlers } from './tenants/tenantHandlers';
import { tokenHandlers } from './tokens/tokenHandlers';

/** Registers every command, each run by `invoke` (the one error handler); the map must name every command of the manifest. */
export function registerCommands(services: CommandServices): vscode.Disposable[] {
  const { store, log, ui } = services;
  // Aborted on deactivation (the disposable below): outcome watches still running stop then.
  const lifetime = new AbortController();
  const routing = new CommandRouting(services);
  const handlers: AllHandlers = {
    ...tenantHandlers(routing),
    ...tokenHandlers(routing),
    ...licenseHandlers(routing),
    ...historyHandlers(routing),
    ...overviewHandlers(routing, (error) => reportError(error, ui, log, fixesFor(undefined))),
    [COMMANDS.refresh]: (_: Invocation, target?: TenantTarget) => {
      const key = tenantKeyOf(target);
      return key ? store.relist(key) : store.refreshAll();
    },
    [COMMANDS.openSettings]: () => vscode.commands.executeCommand('workbench.action.openSettings', 'intuneVpp'),
    [COMMANDS.openSetupGuide]: () =>
      vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.joinPath(services.extensionUri, 'README.md')),
    [COMMANDS.showLog]: () => log.show(),
  };
  const base = actionContext(ui, log, lifetime.signal);
  const registerOne = <K extends CommandId>(id: K) => register(id, handlers[id], base);
  const commands = (Object.keys(handlers) as CommandId[]).map(registerOne);
  return [...commands, { dispose: () => lifetime.abort() }];
}

/** Registers one command: VS Code's arguments are the ones the command declares (see CommandArgs). */
function register<K extends CommandId>(id: K, handler: Handler<K>, base: ActionContext): vscode.Disposable {
  return vscode.commands.registerCommand(id, (...args: CommandArgs[K]) => invoke(handler, args, base, fixesFor));
}

/** The fixes an error offers (Sign In, Open Settings…), run for the tenant the failed command acted on. */
function fixesFor(tenant: TenantConnection | undefined): ErrorFixes {
  const target = tenant && { tenantKey: tenant.key };
  return {
    signIn: () => runCommand(COMMANDS.signIn, target),
    setClientSecret: () => runCommand(COMMANDS.setClientSecret, target),
    openSettings: () => runCommand(COMMANDS.openSettings, target),
    openSetupGuide: () => runCommand(COMMANDS.openSetupGuide, target),
    showLog: () => runCommand(COMMANDS.showLog, target),
  };
}
