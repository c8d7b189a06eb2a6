import * as vscode from 'vscode';
import * as l10n from '@vscode/l10n';
import { Journal } from '../journal/journal';
import { VppError } from '../errors';
import { TenantConnection } from '../tenants/tenantConnection';
import { TenantRegistry } from '../tenants/tenantRegistry';
import { AppNode, LicenseNode, TokenNode } from '../tree/treeNodes';
import { VppTokenTreeProvider } from '../tree/vppTokenTreeProvider';
import { setClientCertificate, setClientSecret, signIn, signOut, switchAccount } from './tenants/account';
import { ActionContext, TenantContext } from './context';
import { tenantContext } from './context';
import { syncLicenses } from './licenses/syncLicenses';
import { reportError, ErrorFixes } from './reportError';
import { revokeLicenses } from './licenses/revokeLicenses';
import { RevokesInFlight } from './licenses/revokesInFlight';
import { addTenant, pickTenant, removeTenant } from './tenants/addRemoveTenants';
import { exportLicenseReport } from './licenses/licenseReport';
import { addToken } from './tokens/addToken';
import { entryOf, exportTenants, importTenants } from './tenants/tenantFiles';
import { renewToken } from './tokens/renewToken';
import { editToken, takeOverToken } from './tokens/editToken';
import { retireToken } from './tokens/retireToken';
import { deleteToken } from './tokens/deleteToken';
import { revokeAppLicense, revokeAppLicenses } from './licenses/appLicenses';
import { copyRevokeRequest } from './licenses/copyRequest';
import { showAuditEvents } from './history/auditEvents';
import { CommandId, COMMANDS, HISTORY_VIEW_ID } from '../ids';
import { HistoryFilter } from '../journal/history';
import { HistoryNode, HistoryTreeProvider } from '../tree/historyTree';
import { tokenLabel } from '../tree/tokenPresentation';
import { copyHistoryEntry, exportHistory, pickHistoryFilter } from './history/history';
import { UserInput } from '../ui/userInput';

export interface CommandServices {
  readonly extensionUri: vscode.Uri;
  readonly tenants: TenantRegistry;
  readonly tree: VppTokenTreeProvider;
  readonly log: vscode.LogOutputChannel;
  readonly ui: UserInput;
  /** The revokes running now, shared with the chat tool that revokes. */
  readonly inFlight: RevokesInFlight;
  /** Where every write is recorded. */
  readonly journal: Journal;
  /** The History view's data. */
  readonly history: HistoryTreeProvider;
}

/**
 * The action context of one invocation, built by the registration wrapper: the tenant, once known, is kept so that
 * an error's fix acts on the same tenant.
 */
interface Invocation extends ActionContext {
  tenant?: TenantConnection;
}

/** Runs one command: the invocation, then the arguments VS Code passes (a tree item, the selection). */
type Handler = (invocation: Invocation, ...args: never[]) => unknown;

/** A History entry, as the History view passes it to its context menu's commands. */
function isEntryNode(node: unknown): node is Extract<HistoryNode, { kind: 'entry' }> {
  return typeof node === 'object' && node !== null && (node as { kind?: unknown }).kind === 'entry' && 'entry' in node;
}

/** The argument tree items and error fixes pass: a node or `{ tenantKey }`. */
function tenantKeyOf(arg: unknown): string | undefined {
  const key = typeof arg === 'object' && arg !== null ? (arg as { tenantKey?: unknown }).tenantKey : undefined;
  return typeof key === 'string' ? key : undefined;
}

/** The token nodes a command was invoked on: the selection when it holds several, else the item; none from the palette. */
function selectedNodes(node: unknown, selection: unknown): TokenNode[] {
  const nodes = Array.isArray(selection) ? selection.filter((entry): entry is TokenNode => entry instanceof TokenNode) : undefined;
  if (nodes && nodes.length > 1) {
    return nodes;
  }
  return node instanceof TokenNode ? [node] : [];
}

/** Registers every command, each wrapped by the one error handler. */
export function registerCommands(services: CommandServices): vscode.Disposable[] {
  const { tenants, tree, log, ui, inFlight, journal, history } = services;
  // Aborted on deactivation (the disposable below): outcome watches still running stop then.
  const lifetime = new AbortController();
  const several = () => tenants.list().length > 1;

  /** The tenant of the item the command was invoked on, or the one the user picks when there are several. */
  async function tenantFor(
    invocation: Invocation,
    arg: unknown,
    title: string,
    eligible = (_: TenantConnection) => true,
  ): Promise<TenantConnection | undefined> {
    const key = tenantKeyOf(arg);
    if (key) {
      const tenant = tenants.get(key);
      if (!tenant) {
        tree.refresh();
        throw new VppError('notFound', l10n.t('That tenant is no longer in the view; the view was refreshed.'));
      }
      invocation.tenant = tenant;
      return tenant;
    }
    const candidates = tenants.list().filter(eligible);
    const tenant =
      candidates.length <= 1
        ? (candidates[0] ?? tenants.list()[0])
        : await pickTenant(invocation.ui, candidates, (candidate) => candidate.account(), title);
    invocation.tenant = tenant;
    return tenant;
  }

  /** Shows the History view, with every write or with those the filter keeps. */
  async function showHistory(filter: HistoryFilter | undefined): Promise<void> {
    history.setFilter(filter);
    await vscode.commands.executeCommand(`${HISTORY_VIEW_ID}.focus`);
  }

  /** The Graph endpoint a custom-cloud tenant uses now, for a copied request of its History. */
  const customGraphEndpoint = (tenantKey: string): string | undefined => {
    try {
      return tenants.get(tenantKey)?.settings().endpoints.graphEndpoint;
    } catch {
      return undefined;
    }
  };

  const contextFor = (invocation: Invocation, tenant: TenantConnection) => tenantContext(invocation, tenant, tree, several(), journal);

  /** Revoke and sync: the selected tokens (of one tenant), or a tenant and then a token from the palette. */
  async function tokenAction(
    invocation: Invocation,
    node: unknown,
    selection: unknown,
    title: string,
    action: (context: TenantContext, nodes: TokenNode[]) => Promise<void>,
  ) {
    const nodes = selectedNodes(node, selection);
    if (new Set(nodes.map((selected) => selected.tenantKey)).size > 1) {
      return invocation.ui.info(l10n.t('The selection spans several tenants. Select tokens of one tenant at a time.'));
    }
    const tenant = await tenantFor(invocation, nodes[0] ?? node, title);
    if (tenant) {
      await action(contextFor(invocation, tenant), nodes);
    }
  }

  const accountCommand =
    (title: string, action: (context: TenantContext) => Promise<void>, eligible?: (tenant: TenantConnection) => boolean) =>
    async (invocation: Invocation, arg?: unknown) => {
      const tenant = await tenantFor(invocation, arg, title, eligible);
      if (tenant) {
        await action(contextFor(invocation, tenant));
      }
    };
  const appOnly = (tenant: TenantConnection) => tenant.authMode() === 'clientCredentials';
  const locale = () => vscode.env.language || 'en';
  /** A command on one token: the item's, or one the user picks from the palette. */
  const oneToken =
    (title: string, action: (context: TenantContext, token: TokenNode['token'] | undefined) => Promise<void>) =>
    (invocation: Invocation, node?: unknown) =>
      tokenAction(invocation, node instanceof TokenNode ? node : undefined, undefined, title, (context, nodes) =>
        action(context, nodes[0]?.token),
      );
  const chooseTenant = l10n.t('Choose the tenant');

  const handlers = {
    [COMMANDS.refresh]: (_, arg?: unknown) => {
      const key = tenantKeyOf(arg);
      return key ? tree.refreshTenant(key) : tree.refresh();
    },
    [COMMANDS.signIn]: accountCommand(l10n.t('Sign In: {0}', chooseTenant), signIn),
    [COMMANDS.switchAccount]: accountCommand(l10n.t('Switch Account: {0}', chooseTenant), switchAccount),
    [COMMANDS.signOut]: accountCommand(l10n.t('Sign Out: {0}', chooseTenant), signOut),
    [COMMANDS.setClientSecret]: accountCommand(l10n.t('Set Client Secret: {0}', chooseTenant), setClientSecret, appOnly),
    [COMMANDS.setClientCertificate]: accountCommand(l10n.t('Set Client Certificate: {0}', chooseTenant), setClientCertificate, appOnly),
    [COMMANDS.addTenant]: (invocation) =>
      addTenant(invocation, { keys: () => tenants.list().map((tenant) => tenant.key), add: (entry) => tenants.add(entry) }),
    [COMMANDS.importTenants]: (invocation) =>
      importTenants(invocation, { keys: () => tenants.list().map((tenant) => tenant.key), addAll: (entries) => tenants.addAll(entries) }),
    [COMMANDS.exportTenants]: (invocation) =>
      exportTenants(
        invocation,
        tenants.list().map((tenant) => entryOf(tenant.label, tenant.definition.raw, tenant.definition.sharedCredential)),
      ),
    [COMMANDS.exportReport]: (invocation) =>
      exportLicenseReport(
        invocation,
        tenants.list().map((tenant) => ({ label: tenant.label, service: () => tenant.service() })),
      ),
    [COMMANDS.removeTenant]: async (invocation, arg?: unknown) => {
      const tenant = await tenantFor(invocation, arg, l10n.t('Remove Tenant: {0}', chooseTenant));
      if (tenant) {
        await removeTenant(
          invocation,
          tenant,
          tenant.sharedCredentialScope() ? { others: tenants.sharingWith(tenant).length } : undefined,
          (deleteShared) => tenants.remove(tenant, deleteShared),
        );
      }
    },
    [COMMANDS.revokeLicenses]: (invocation, node?: unknown, selection?: unknown) =>
      tokenAction(invocation, node, selection, l10n.t('Revoke Licenses: {0}', chooseTenant), (context, nodes) =>
        revokeLicenses(
          context,
          inFlight,
          nodes.map((selected) => selected.token),
        ),
      ),
    [COMMANDS.syncLicenses]: (invocation, node?: unknown, selection?: unknown) =>
      tokenAction(invocation, node, selection, l10n.t('Sync Licenses: {0}', chooseTenant), (context, nodes) =>
        syncLicenses(
          context,
          nodes.map((selected) => selected.token),
        ),
      ),
    [COMMANDS.addToken]: accountCommand(l10n.t('Add VPP Token: {0}', chooseTenant), (context) => addToken(context, locale())),
    [COMMANDS.renewToken]: oneToken(l10n.t('Renew Token: {0}', chooseTenant), (context, token) => renewToken(context, token, locale())),
    [COMMANDS.editToken]: oneToken(l10n.t('Edit Token Settings: {0}', chooseTenant), (context, token) =>
      editToken(context, token, locale()),
    ),
    [COMMANDS.takeOverToken]: oneToken(l10n.t('Take Over Management: {0}', chooseTenant), (context, token) =>
      takeOverToken(context, token),
    ),
    [COMMANDS.retireToken]: oneToken(l10n.t('Retire Token: {0}', chooseTenant), (context, token) =>
      retireToken(context, inFlight, token, locale()),
    ),
    [COMMANDS.deleteToken]: oneToken(l10n.t('Delete Token: {0}', chooseTenant), (context, token) =>
      deleteToken(context, inFlight, token, locale()),
    ),
    [COMMANDS.revokeAppLicenses]: async (invocation, node?: unknown) => {
      if (node instanceof AppNode) {
        const tenant = await tenantFor(invocation, node, '');
        if (tenant) {
          await revokeAppLicenses(contextFor(invocation, tenant), inFlight, node.app, node.token.token);
        }
      }
    },
    [COMMANDS.revokeAppLicense]: async (invocation, node?: unknown) => {
      if (node instanceof LicenseNode) {
        const tenant = await tenantFor(invocation, node, '');
        if (tenant) {
          await revokeAppLicense(contextFor(invocation, tenant), node.app.app, node.license);
        }
      }
    },
    [COMMANDS.copyTokenId]: async (invocation, node?: TokenNode) => {
      if (node instanceof TokenNode) {
        await invocation.ui.copyText(node.token.id);
      }
    },
    [COMMANDS.copyRevokeRequest]: async (invocation, node?: unknown) => {
      const item = node instanceof TokenNode ? node : undefined;
      const tenant = await tenantFor(invocation, item, l10n.t('Copy Revoke Request: {0}', chooseTenant));
      if (tenant) {
        const { cloud, endpoints } = tenant.settings();
        await copyRevokeRequest(contextFor(invocation, tenant), item?.token, { cloud, graphEndpoint: endpoints.graphEndpoint });
      }
    },
    [COMMANDS.showAuditEvents]: oneToken(l10n.t('Show Intune Audit Events: {0}', chooseTenant), (context, token) =>
      showAuditEvents(context, token),
    ),
    [COMMANDS.showHistory]: () => showHistory(undefined),
    [COMMANDS.showTokenHistory]: async (_invocation, node?: unknown) => {
      if (node instanceof TokenNode) {
        await showHistory({ tenantKey: node.tenantKey, tokenId: node.token.id, label: l10n.t('Token: {0}', tokenLabel(node.token)) });
      }
    },
    [COMMANDS.filterHistory]: async (invocation) => {
      const chosen = await pickHistoryFilter(invocation, history);
      if (chosen !== undefined) {
        history.setFilter(chosen ?? undefined);
      }
    },
    [COMMANDS.clearHistoryFilter]: () => history.setFilter(undefined),
    [COMMANDS.refreshHistory]: () => history.refresh(),
    [COMMANDS.showMoreHistory]: () => history.showMore(),
    [COMMANDS.exportHistory]: (invocation) => exportHistory(invocation, history),
    [COMMANDS.copyHistoryAsPowerShell]: (invocation, node?: unknown) =>
      isEntryNode(node) ? copyHistoryEntry(invocation, node.entry, 'powershell', customGraphEndpoint) : undefined,
    [COMMANDS.copyHistoryAsHttp]: (invocation, node?: unknown) =>
      isEntryNode(node) ? copyHistoryEntry(invocation, node.entry, 'http', customGraphEndpoint) : undefined,
    [COMMANDS.openSettings]: () => vscode.commands.executeCommand('workbench.action.openSettings', 'intuneVpp'),
    [COMMANDS.openSetupGuide]: () =>
      vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.joinPath(services.extensionUri, 'README.md')),
    [COMMANDS.showLog]: () => log.show(),
  } satisfies Record<CommandId, Handler>;

  const fixesFor = (tenant: TenantConnection | undefined): ErrorFixes => {
    const run = (command: string) => () => vscode.commands.executeCommand(command, tenant && { tenantKey: tenant.key });
    return {
      signIn: run(COMMANDS.signIn),
      setClientSecret: run(COMMANDS.setClientSecret),
      openSettings: run(COMMANDS.openSettings),
      openSetupGuide: run(COMMANDS.openSetupGuide),
      showLog: run(COMMANDS.showLog),
    };
  };

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
