import * as vscode from 'vscode';
import * as l10n from '@vscode/l10n';
import { VppError } from '../errors';
import { CommandId } from '../ids';
import { Journal } from '../journal/journal';
import { TenantConnection } from '../tenants/tenantConnection';
import { TenantRegistry } from '../tenants/tenantRegistry';
import { HistoryTreeProvider } from '../tree/historyTree';
import { TokenNode } from '../tree/treeNodes';
import { CommandArgs } from '../tree/commandArgs';
import { VppTokenTreeProvider } from '../tree/vppTokenTreeProvider';
import { TenantStore } from '../store/tenantStore';
import { Ports } from '../ui/userInput';
import { ActionContext, TenantContext, tenantContext } from './context';
import { pickTenant } from './tenants/addRemoveTenants';

export interface CommandServices {
  readonly extensionUri: vscode.Uri;
  readonly tenants: TenantRegistry;
  /** What the extension knows about each tenant, and the writes running on it. */
  readonly store: TenantStore;
  readonly tree: VppTokenTreeProvider;
  readonly log: vscode.LogOutputChannel;
  /** The prompts, files, clipboard and reports every command's context gets. */
  readonly ui: Ports;
  /** Where every write is recorded. */
  readonly journal: Journal;
  /** The History view's data. */
  readonly history: HistoryTreeProvider;
}

/**
 * The action context of one invocation, built by the registration wrapper: the tenant, once known, is kept so that
 * an error's fix acts on the same tenant.
 */
export interface Invocation extends ActionContext {
  tenant?: TenantConnection;
}

/** Runs one command: the invocation, then the arguments it declares (a tree item, the selection; see CommandArgs). */
export type Handler<K extends CommandId> = (invocation: Invocation, ...args: CommandArgs[K]) => unknown;

/** Every command's handler, by id. */
export type AllHandlers = { readonly [K in CommandId]: Handler<K> };

/** Some commands' handlers, by id: each noun's folder gives its own. */
export type Handlers = Partial<AllHandlers>;

/** The argument tree items and error fixes pass: a node or `{ tenantKey }`. */
export function tenantKeyOf(arg: unknown): string | undefined {
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

/** The second half of a tenant pick's title: "Sign In: Choose the tenant". */
export const chooseTenant = () => l10n.t('Choose the tenant');

/**
 * How a command finds what it acts on: the tenant of the item it was invoked on (or the one the admin picks), that
 * tenant's action context, and the token or selection of tokens.
 */
export class CommandRouting {
  constructor(readonly services: CommandServices) {}

  /** The tenant of the item the command was invoked on, or the one the user picks when there are several. */
  async tenantFor(
    invocation: Invocation,
    arg: unknown,
    title: string,
    eligible = (_: TenantConnection) => true,
  ): Promise<TenantConnection | undefined> {
    const { tenants, store } = this.services;
    const key = tenantKeyOf(arg);
    if (key) {
      const tenant = tenants.get(key);
      if (!tenant) {
        store.refreshAll();
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

  contextFor(invocation: Invocation, tenant: TenantConnection): TenantContext {
    const { tenants, store, journal } = this.services;
    return tenantContext(invocation, tenant, store, tenants.list().length > 1, journal);
  }

  /** A command on one tenant: the item's, or the one the admin picks among the `eligible` ones. */
  forTenant(
    title: string,
    action: (context: TenantContext) => Promise<void>,
    eligible?: (tenant: TenantConnection) => boolean,
  ): (invocation: Invocation, arg?: unknown) => Promise<void> {
    return async (invocation, arg) => {
      const tenant = await this.tenantFor(invocation, arg, title, eligible);
      if (tenant) {
        await action(this.contextFor(invocation, tenant));
      }
    };
  }

  /** A command on the selected tokens (of one tenant), or on a tenant and then a token from the palette. */
  async forSelection(
    invocation: Invocation,
    node: unknown,
    selection: unknown,
    title: string,
    action: (context: TenantContext, nodes: TokenNode[]) => Promise<void>,
  ): Promise<void> {
    const nodes = selectedNodes(node, selection);
    if (new Set(nodes.map((selected) => selected.tenantKey)).size > 1) {
      await invocation.ui.info(l10n.t('The selection spans several tenants. Select tokens of one tenant at a time.'));
      return;
    }
    const tenant = await this.tenantFor(invocation, nodes[0] ?? node, title);
    if (tenant) {
      await action(this.contextFor(invocation, tenant), nodes);
    }
  }

  /** A command on one token: the item's, or one the user picks from the palette. */
  forToken(
    title: string,
    action: (context: TenantContext, token: TokenNode['token'] | undefined) => Promise<void>,
  ): (invocation: Invocation, node?: unknown) => Promise<void> {
    return (invocation, node) =>
      this.forSelection(invocation, node instanceof TokenNode ? node : undefined, undefined, title, (context, nodes) =>
        action(context, nodes[0]?.token),
      );
  }
}
