import * as vscode from 'vscode';
import * as l10n from '@vscode/l10n';
import { COMMANDS, HISTORY_VIEW_ID } from '../../ids';
import { HistoryFilter } from '../../journal/history';
import { HistoryNode } from '../../tree/historyTree';
import { tokenLabel } from '../../tree/tokenPresentation';
import { TokenNode } from '../../tree/treeNodes';
import { chooseTenant, CommandRouting, Handlers, Invocation } from '../routing';
import { showAuditEvents } from './auditEvents';
import { copyHistoryEntry, exportHistory, pickHistoryFilter } from './history';

/** A History entry, as the History view passes it to its context menu's commands. */
function isEntryNode(node: unknown): node is Extract<HistoryNode, { kind: 'entry' }> {
  return typeof node === 'object' && node !== null && (node as { kind?: unknown }).kind === 'entry' && 'entry' in node;
}

/** The commands of the History view, and Intune's audit events of a token. */
export function historyHandlers(routing: CommandRouting) {
  const { tenants, history } = routing.services;
  /** Shows the History view, with every write or with those the filter keeps. */
  const showHistory = async (filter: HistoryFilter | undefined) => {
    history.setFilter(filter);
    await vscode.commands.executeCommand(`${HISTORY_VIEW_ID}.focus`);
  };
  /** The Graph endpoint a custom-cloud tenant uses now, for a copied request of its History. */
  const customGraphEndpoint = (tenantKey: string): string | undefined => {
    try {
      return tenants.get(tenantKey)?.settings().endpoints.graphEndpoint;
    } catch {
      return undefined;
    }
  };
  return {
    [COMMANDS.showAuditEvents]: routing.forToken(l10n.t('Show Intune Audit Events: {0}', chooseTenant()), (context, token) =>
      showAuditEvents(context, token),
    ),
    [COMMANDS.showHistory]: () => showHistory(undefined),
    [COMMANDS.showTokenHistory]: async (_invocation, node) => {
      if (node instanceof TokenNode) {
        await showHistory({ tenantKey: node.tenantKey, tokenId: node.token.id, label: l10n.t('Token: {0}', tokenLabel(node.token)) });
      }
    },
    [COMMANDS.filterHistory]: async (invocation: Invocation) => {
      const chosen = await pickHistoryFilter(invocation, history);
      if (chosen !== undefined) {
        history.setFilter(chosen ?? undefined);
      }
    },
    [COMMANDS.clearHistoryFilter]: () => history.setFilter(undefined),
    [COMMANDS.refreshHistory]: () => history.refresh(),
    [COMMANDS.showMoreHistory]: () => history.showMore(),
    [COMMANDS.exportHistory]: (invocation: Invocation) => exportHistory(invocation, history),
    [COMMANDS.copyHistoryAsPowerShell]: (invocation, node) =>
      isEntryNode(node) ? copyHistoryEntry(invocation, node.entry, 'powershell', customGraphEndpoint) : undefined,
    [COMMANDS.copyHistoryAsHttp]: (invocation, node) =>
      isEntryNode(node) ? copyHistoryEntry(invocation, node.entry, 'http', customGraphEndpoint) : undefined,
  } satisfies Handlers;
}
