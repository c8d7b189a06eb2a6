import * as vscode from 'vscode';
import { CommandId, COMMANDS } from '../ids';
import { TenantConnection } from '../tenants/tenantConnection';
import { historyHandlers } from './history/historyHandlers';
import { licenseHandlers } from './licenses/licenseHandlers';
import { overviewHandlers } from './overview/overviewHandlers';
import { reportError, ErrorFixes } from './reportError';
import { CommandRouting, CommandServices, Handler, Invocation, tenantKeyOf } from './routing';
import { tenantHandlers } from './tenants/tenantHandlers';
import { tokenHandlers } from './tokens/tokenHandlers';

/** Registers every command, each wrapped by the one error handler; the map must name every command of the manifest. */
export function registerCommands(services: CommandServices): vscode.Disposable[] {
  const { store, log, ui } = services;
  // Aborted on deactivation (the disposable below): outcome watches still running stop then.
  const lifetime = new AbortController();
  const routing = new CommandRouting(services);
  const handlers = {
    ...tenantHandlers(routing),
    ...tokenHandlers(routing),
    ...licenseHandlers(routing),
    ...historyHandlers(routing),
    ...overviewHandlers(routing, (error) => reportError(error, ui, log, fixesFor(undefined))),
    [COMMANDS.refresh]: (_: Invocation, arg?: unknown) => {
      const key = tenantKeyOf(arg);
      return key ? store.relist(key) : store.refreshAll();
    },
    [COMMANDS.openSettings]: () => vscode.commands.executeCommand('workbench.action.openSettings', 'intuneVpp'),
    [COMMANDS.openSetupGuide]: () =>
      vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.joinPath(services.extensionUri, 'README.md')),
    [COMMANDS.showLog]: () => log.show(),
  } satisfies Record<CommandId, Handler>;

  const commands = Object.entries<Handler>(handlers).map(([id, handler]) =>
    vscode.commands.registerCommand(id, async (...args: never[]) => {
      const invocation: Invocation = { ui, log, stopped: lifetime.signal };
      try {
        await handler(invocation, ...args);
      } catch (error) {
        reportError(error, ui, log, fixesFor(invocation.tenant));
      }
    }),
  );
  return [...commands, { dispose: () => lifetime.abort() }];
}

/** The fixes an error offers (Sign In, Open Settings…), run for the tenant the failed command acted on. */
function fixesFor(tenant: TenantConnection | undefined): ErrorFixes {
  const run = (command: string) => () => vscode.commands.executeCommand(command, tenant && { tenantKey: tenant.key });
  return {
    signIn: run(COMMANDS.signIn),
    setClientSecret: run(COMMANDS.setClientSecret),
    openSettings: run(COMMANDS.openSettings),
    openSetupGuide: run(COMMANDS.openSetupGuide),
    showLog: run(COMMANDS.showLog),
  };
}
