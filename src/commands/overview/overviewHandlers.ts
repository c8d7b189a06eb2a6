import * as l10n from '@vscode/l10n';
import { COMMANDS } from '../../ids';
import { OverviewPanel } from '../../overview/overviewPanel';
import { TenantNode } from '../../tree/treeNodes';
import { runCommand } from '../../tree/commandArgs';
import { chooseTenant, CommandRouting, Handlers, Invocation } from '../routing';

/** "All tenants", in the palette's tenant pick. */
const ALL_TENANTS = Symbol('all tenants');

/**
 * Show Overview: from a tenant's item, that tenant; from the title bar or the palette with several tenants, the one
 * the admin picks, or all of them (the first choice).
 */
export function overviewHandlers(routing: CommandRouting, report: (error: unknown) => void) {
  const { services } = routing;
  const overview = new OverviewPanel({
    extensionUri: services.extensionUri,
    tenants: services.tenants,
    store: services.store,
    tree: services.tree,
    ui: services.ui,
    files: services.ui,
    clipboard: services.ui,
    log: services.log,
    renew: (node) => runCommand(COMMANDS.renewToken, node),
    report,
  });
  return {
    [COMMANDS.showOverview]: async (invocation: Invocation, arg?: unknown) => {
      // A tenant's context menu passes the tenant; the title bar passes the view's selection, which says nothing
      // about which tenants to show, so it asks as the palette does.
      if (arg instanceof TenantNode || services.tenants.list().length <= 1) {
        return overview.show(arg instanceof TenantNode ? arg.tenantKey : undefined);
      }
      const choice = await invocation.ui.pickOne<string | typeof ALL_TENANTS>(
        [
          { label: l10n.t('All tenants'), value: ALL_TENANTS },
          ...services.tenants.list().map((tenant) => ({ label: tenant.label, value: tenant.key })),
        ],
        { title: l10n.t('Show Overview: {0}', chooseTenant()), placeHolder: l10n.t('Type a name to filter') },
      );
      if (choice !== undefined) {
        await overview.show(choice === ALL_TENANTS ? undefined : choice);
      }
    },
  } satisfies Handlers;
}
