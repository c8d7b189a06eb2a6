import * as vscode from 'vscode';
import * as l10n from '@vscode/l10n';
import { COMMANDS } from '../../ids';
import { OverviewPanel } from '../../overview/overviewPanel';
import { CommandRouting, Handlers, Invocation, tenantKeyOf } from '../routing';

/** "All tenants", in the palette's tenant pick. */
const ALL_TENANTS = Symbol('all tenants');

/**
 * Show Overview: from a tenant's item, that tenant; from the view's title bar, all of them; from the palette with
 * several tenants, the one the admin picks, or all.
 */
export function overviewHandlers(routing: CommandRouting, report: (error: unknown) => void) {
  const { services } = routing;
  const overview = new OverviewPanel({
    extensionUri: services.extensionUri,
    tree: services.tree,
    ui: services.ui,
    log: services.log,
    renew: (node) => vscode.commands.executeCommand(COMMANDS.renewToken, node),
    report,
  });
  return {
    [COMMANDS.showOverview]: async (invocation: Invocation, arg?: unknown) => {
      const key = tenantKeyOf(arg);
      if (key || services.tenants.list().length <= 1) {
        return overview.show(key);
      }
      const choice = await invocation.ui.pickOne<string | typeof ALL_TENANTS>(
        [
          { label: l10n.t('All tenants'), value: ALL_TENANTS },
          ...services.tenants.list().map((tenant) => ({ label: tenant.label, value: tenant.key })),
        ],
        { title: l10n.t('Show Overview: {0}', l10n.t('Choose the tenant')), placeHolder: l10n.t('Type a name to filter') },
      );
      if (choice !== undefined) {
        await overview.show(choice === ALL_TENANTS ? undefined : choice);
      }
    },
  } satisfies Handlers;
}
