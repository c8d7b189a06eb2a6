import * as vscode from 'vscode';
import * as l10n from '@vscode/l10n';
import { COMMANDS } from '../ids';
import { readExpiryWarningDays } from '../config/vscodeSettings';
import { permissionFor } from '../config/permissions';
import { VppError } from '../errors';
import { describeActionResult } from '../graph/actionResults';
import { assignmentSummary, assignmentWords, relicenses } from '../graph/appAssignments';
import { AppAssignments } from '../graph/assignmentReads';
import { AssignedLicenseRecord, VppAppRecord, VppEBookRecord, VppTokenRecord } from '../graph/vppRecords';
import { TenantConnection } from '../tenants/tenantConnection';
import { markdownEscaped, plainText } from '../text';
import { presentToken } from './tokenPresentation';
import { ListingState, stateDescription, TenantListing } from '../store/tenantStore';
import { WriteInFlight } from '../store/writesInFlight';
import { AttentionTokenNode, GroupNode, TenantNode, TokenNode } from './treeNodes';
import { commandOf } from './commandArgs';

const ACTION_ICONS: Record<string, string> = { done: 'pass', failed: 'error', active: 'sync', pending: 'clock', canceled: 'circle-slash' };

/** What a token's row says while a write runs on it. */
export function inFlightWords(kind: WriteInFlight): string {
  const words: Record<WriteInFlight, () => string> = {
    revoke: () => l10n.t('Revoking…'),
    retire: () => l10n.t('Retiring…'),
    sync: () => l10n.t('Syncing…'),
    delete: () => l10n.t('Deleting…'),
    edit: () => l10n.t('Saving…'),
    renew: () => l10n.t('Renewing…'),
  };
  return words[kind]();
}

/**
 * A token's item: name, state and expiry in words, a codicon per state, every non-secret field in the tooltip; while
 * a write runs on it, what it does ("Revoking…") before its description, with a spinning icon.
 */
export function tokenItem(node: TokenNode, id: string, inFlight?: WriteInFlight): vscode.TreeItem {
  const look = presentToken(node.token, Date.now(), vscode.env.language || 'en', readExpiryWarningDays());
  const item = new vscode.TreeItem(look.label, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = id;
  item.description = inFlight ? `${inFlightWords(inFlight)} · ${look.description}` : look.description;
  item.iconPath = inFlight
    ? new vscode.ThemeIcon('loading~spin')
    : new vscode.ThemeIcon(look.iconId, look.colorId ? new vscode.ThemeColor(look.colorId) : undefined);
  item.contextValue = look.contextValue;
  const label = inFlight ? `${look.accessibilityLabel}, ${inFlightWords(inFlight)}` : look.accessibilityLabel;
  item.accessibilityInformation = { label, role: 'treeitem' };
  item.tooltip = tooltipOf(look.tooltipRows);
  return item;
}

/** A token under Needs Attention: its usual item, named with its tenant and why it needs attention. */
export function attentionTokenItem(node: AttentionTokenNode, id: string, inFlight?: WriteInFlight): vscode.TreeItem {
  const item = tokenItem(node, id, inFlight);
  item.description = `${node.tenantLabel} · ${node.reasons.join(' · ')}`;
  return item;
}

/** "Needs Attention (n)": how many tokens, and how many tenants are still loading. */
export function attentionItem(count: number, loading: number): vscode.TreeItem {
  const item = new vscode.TreeItem(l10n.t('Needs Attention ({0})', count), vscode.TreeItemCollapsibleState.Expanded);
  item.id = 'attention';
  item.description = loading > 0 ? l10n.t('{0} tenants still loading…', loading) : undefined;
  item.iconPath = new vscode.ThemeIcon('warning', count > 0 ? new vscode.ThemeColor('list.warningForeground') : undefined);
  item.tooltip = l10n.t(
    'Tokens of every tenant that expired or expire soon, are invalid, are held by another MDM, or failed their last sync.',
  );
  item.contextValue = 'vppAttention';
  return item;
}

/** "Apps (n)" or "Recent actions (n)" under a token. */
export function groupItem(node: GroupNode, tokenItemId: string): vscode.TreeItem {
  const label =
    node.kind === 'apps'
      ? l10n.t('Apps ({0})', node.children.length)
      : node.kind === 'ebooks'
        ? l10n.t('eBooks ({0})', node.children.length)
        : l10n.t('Recent actions ({0})', node.children.length);
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Expanded);
  item.id = `${tokenItemId}/${node.kind}`;
  item.iconPath = new vscode.ThemeIcon(node.kind === 'apps' ? 'package' : node.kind === 'ebooks' ? 'book' : 'history');
  item.contextValue = `vppTokenGroup ${node.kind}`;
  return item;
}

/** A tenant's root item: its name, who is signed in (or its state), and its settings in the tooltip. */
export function tenantItem(node: TenantNode, view: TenantListing | undefined): vscode.TreeItem {
  const item = new vscode.TreeItem(node.connection.label, vscode.TreeItemCollapsibleState.Expanded);
  item.id = `tenant/${node.tenantKey}`;
  item.iconPath = new vscode.ThemeIcon('organization');
  const signedIn = view?.state === 'loaded' || view?.state === 'empty';
  item.description = !view
    ? l10n.t('loading…')
    : view.account && (view.state === 'loaded' || view.state === 'empty')
      ? view.tokens.size === 1
        ? l10n.t('{0} · 1 token', view.account)
        : l10n.t('{0} · {1} tokens', view.account, view.tokens.size)
      : (view.account ?? stateDescription(view.state));
  item.contextValue = `vppTenant mode-${node.connection.authMode() ?? 'unknown'} ${signedIn ? 'signedIn' : 'signedOut'}${node.connection.definition.sharedCredential ? ' sharedCredential' : ''}`;
  const rows: [string, string][] = [[l10n.t('Tenant'), node.connection.label]];
  try {
    const settings = node.connection.settings();
    rows.push(
      [l10n.t('Tenant ID'), settings.tenantId],
      [l10n.t('Cloud'), settings.cloud],
      [l10n.t('Sign-in mode'), settings.authMode],
      [l10n.t('App (client) ID'), settings.clientId],
    );
  } catch (error) {
    rows.push([l10n.t('Settings'), error instanceof VppError ? error.message : String(error)]);
  }
  rows.push([l10n.t('Signed in as'), view?.account ?? '-']);
  if (node.connection.definition.sharedCredential) {
    rows.push([l10n.t('App credential'), l10n.t('shared with the other tenants of this app that share theirs')]);
  }
  item.tooltip = tooltipOf(rows);
  return item;
}

/** A tooltip of label and value rows: every value as plain text (no link, not even a bare address), no HTML. */
export function tooltipOf(rows: readonly (readonly [string, string])[]): vscode.MarkdownString {
  const tooltip = new vscode.MarkdownString(undefined, false);
  tooltip.isTrusted = false;
  tooltip.supportHtml = false;
  for (const [label, value] of rows) {
    tooltip.appendMarkdown(`**${markdownEscaped(label)}**: ${markdownEscaped(value)}  \n`);
  }
  return tooltip;
}

/** The one child of a tenant without tokens: why, and the command that helps, run for that tenant. */
export function messageItem(connection: TenantConnection, view: TenantListing): vscode.TreeItem {
  const tenant = { tenantKey: connection.key };
  const messages: Record<ListingState, [string, string, vscode.Command | undefined]> = {
    notConfigured: [
      view.message ?? l10n.t('This tenant is not configured.'),
      'gear',
      commandOf(l10n.t('Open Settings'), COMMANDS.openSettings),
    ],
    signedOut: [
      view.message ?? l10n.t("Sign in to list this tenant's VPP tokens."),
      'sign-in',
      commandOf(l10n.t('Sign In'), COMMANDS.signIn, tenant),
    ],
    needsSecret: [
      l10n.t("Set the app's client secret or certificate to sign in."),
      'key',
      commandOf(l10n.t('Set Client Secret'), COMMANDS.setClientSecret, tenant),
    ],
    error: [
      view.message ?? l10n.t('Could not list the VPP tokens. See the log for details.'),
      'error',
      commandOf(l10n.t('Refresh'), COMMANDS.refresh, tenant),
    ],
    empty: [l10n.t('This tenant has no VPP tokens.'), 'info', undefined],
    loaded: ['', 'info', undefined],
  };
  const [label, icon, command] = messages[view.state];
  const item = new vscode.TreeItem(label);
  item.id = `tenant/${connection.key}/message`;
  item.iconPath = new vscode.ThemeIcon(icon, view.state === 'error' ? new vscode.ThemeColor('list.errorForeground') : undefined);
  item.command = command;
  item.tooltip = label;
  item.contextValue = `vppTenantMessage ${view.state}`;
  return item;
}

/** An app: its licenses used of its total; an iOS app expands to its licenses and has the per-app revoke. */
export function appItem(tokenItemId: string, app: VppAppRecord, assignments?: AppAssignments): vscode.TreeItem {
  const assigned = assignments?.kind === 'read' && assignments.assignments.length > 0;
  const item = new vscode.TreeItem(
    plainText(app.displayName, 120) || plainText(app.bundleId, 120) || app.id,
    app.platform === 'iOS' || assigned || assignments?.kind === 'unknown'
      ? vscode.TreeItemCollapsibleState.Collapsed
      : vscode.TreeItemCollapsibleState.None,
  );
  item.id = `${tokenItemId}/apps/${app.id}`;
  const licenses = l10n.t('{0}/{1} licenses used', app.usedLicenseCount ?? '?', app.totalLicenseCount ?? '?');
  const how =
    assignments === undefined
      ? undefined
      : assignments.kind === 'read'
        ? assignmentSummary(assignments.assignments)
        : l10n.t('assignments not known');
  item.description = how ? `${licenses} · ${how}` : licenses;
  item.tooltip = [plainText(app.displayName, 300), plainText(app.bundleId, 200), app.platform ?? '', licenses, how ?? '']
    .filter(Boolean)
    .join('\n');
  item.iconPath = new vscode.ThemeIcon(app.platform === 'macOS' ? 'device-desktop' : 'device-mobile');
  item.contextValue = `vppApp platform-${app.platform ?? 'unknown'}`;
  return item;
}

/** An app's assignments as rows under it: each with its intent, target and licensing; or why they are not known. */
export function assignmentItems(appItemId: string, assignments: AppAssignments | undefined): vscode.TreeItem[] {
  if (assignments?.kind === 'unknown') {
    const item = new vscode.TreeItem(l10n.t('Assignments: could not be read'));
    item.id = `${appItemId}/assignments`;
    item.iconPath = new vscode.ThemeIcon('error');
    item.tooltip = assignments.error instanceof VppError ? assignments.error.message : undefined;
    return [item];
  }
  return (assignments?.assignments ?? []).map((assignment) => {
    const item = new vscode.TreeItem(assignmentWords(assignment));
    item.id = `${appItemId}/assignments/${assignment.id}`;
    const licensing =
      assignment.useDeviceLicensing === undefined
        ? undefined
        : assignment.useDeviceLicensing
          ? l10n.t('device licensing')
          : l10n.t('user licensing');
    item.description = [
      licensing,
      assignment.uninstallOnDeviceRemoval ? l10n.t('uninstalls when the device is removed') : undefined,
      relicenses(assignment) ? l10n.t('licenses again after a revoke') : undefined,
    ]
      .filter(Boolean)
      .join(' · ');
    const group = assignment.target.kind === 'group' || assignment.target.kind === 'exclusion';
    item.tooltip = group
      ? l10n.t('Group names need the directory permission GroupMember.Read.All, which the extension does not ask for.')
      : undefined;
    item.iconPath = new vscode.ThemeIcon(
      assignment.target.kind === 'exclusion'
        ? 'circle-slash'
        : assignment.intent === 'uninstall'
          ? 'trash'
          : group
            ? 'organization'
            : 'globe',
    );
    item.contextValue = `vppAppAssignment intent-${assignment.intent}`;
    return item;
  });
}

/** One license of an app: who holds it (a user or a device). */
export function licenseItem(appItemId: string, license: AssignedLicenseRecord): vscode.TreeItem {
  const device = license.kind === 'device';
  const user = plainText(license.userPrincipalName, 200) || plainText(license.userName, 120) || plainText(license.userId, 120);
  const item = new vscode.TreeItem(
    device ? plainText(license.deviceName, 120) || plainText(license.managedDeviceId, 120) || license.id : user || license.id,
  );
  item.id = `${appItemId}/licenses/${license.id}`;
  item.description = device ? l10n.t('device license') + (user ? ` · ${user}` : '') : l10n.t('user license');
  item.iconPath = new vscode.ThemeIcon(device ? 'device-mobile' : 'person');
  item.contextValue = `vppAppLicense ${license.kind}`;
  return item;
}

export function eBookItem(tokenItemId: string, book: VppEBookRecord): vscode.TreeItem {
  const item = new vscode.TreeItem(plainText(book.displayName, 120) || book.id);
  item.id = `${tokenItemId}/ebooks/${book.id}`;
  item.description = l10n.t('{0}/{1} licenses used', book.usedLicenseCount ?? '?', book.totalLicenseCount ?? '?');
  item.tooltip = [plainText(book.displayName, 300), String(item.description)].filter(Boolean).join('\n');
  item.iconPath = new vscode.ThemeIcon('book');
  item.contextValue = 'vppEBook';
  return item;
}

export function actionItem(
  tokenItemId: string,
  index: number,
  result: NonNullable<VppTokenRecord['tokenActionResults']>[number],
): vscode.TreeItem {
  const state = typeof result?.actionState === 'string' ? result.actionState : '';
  const item = new vscode.TreeItem(plainText(result?.actionName, 80) || l10n.t('Action'));
  item.id = `${tokenItemId}/actions/${index}`;
  item.description = describeActionResult(result ?? {});
  item.tooltip = [
    l10n.t('Started: {0}', plainText(result?.startDateTime, 40) || '-'),
    l10n.t('Last updated: {0}', plainText(result?.lastUpdatedDateTime, 40) || '-'),
  ].join('\n');
  item.iconPath = new vscode.ThemeIcon(ACTION_ICONS[state] ?? 'circle-outline');
  item.contextValue = 'vppTokenAction';
  return item;
}

/**
 * What stands in for a token's apps or recent actions when they could not be read: a refused call names the
 * permission it needs and opens the setup guide; any other failure says so, with the reason in the tooltip.
 */
export function groupFailureItem(tokenItemId: string, kind: 'apps' | 'actions', error: unknown): vscode.TreeItem {
  const forbidden = error instanceof VppError && error.kind === 'forbidden';
  const permission = permissionFor(kind === 'apps' ? 'listVppApps' : 'getToken');
  const label = forbidden
    ? kind === 'apps'
      ? l10n.t('Apps: needs {0}', permission)
      : l10n.t('Recent actions: needs {0}', permission)
    : kind === 'apps'
      ? l10n.t('Apps: could not be read')
      : l10n.t('Recent actions: could not be read');
  const item = new vscode.TreeItem(label);
  item.id = `${tokenItemId}/${kind}`;
  item.tooltip = error instanceof VppError ? error.message : l10n.t('Could not read the details of this token.');
  item.iconPath = new vscode.ThemeIcon(forbidden ? 'lock' : 'error', new vscode.ThemeColor('list.errorForeground'));
  item.command = forbidden ? commandOf(l10n.t('Open Setup Guide'), COMMANDS.openSetupGuide) : undefined;
  item.contextValue = `vppTokenGroupError ${kind}`;
  return item;
}

/** The one child of Needs Attention when no token needs it, or none so far while tenants load. */
export function attentionNoneItem(loading: number): vscode.TreeItem {
  const item = new vscode.TreeItem(loading > 0 ? l10n.t('Nothing so far; tenants are still loading.') : l10n.t('Nothing needs attention.'));
  item.id = 'attention/none';
  item.iconPath = new vscode.ThemeIcon('check');
  item.contextValue = 'vppAttentionNone';
  return item;
}

/** What a token shows when its tenant was removed since the view was drawn. */
export function tenantGoneItem(): vscode.TreeItem {
  const item = new vscode.TreeItem(l10n.t('This tenant is no longer configured. Refresh the view.'));
  item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
  item.contextValue = 'vppTokenError';
  return item;
}

/** What stands in for an iOS app's licenses: none assigned, or why they could not be read. */
export function appLicensesMessageItem(appItemId: string, label: string, icon: 'info' | 'error', tooltip?: string): vscode.TreeItem {
  const item = new vscode.TreeItem(label);
  item.id = `${appItemId}/licenses`;
  item.iconPath = new vscode.ThemeIcon(icon, icon === 'error' ? new vscode.ThemeColor('list.errorForeground') : undefined);
  item.tooltip = tooltip ?? label;
  item.contextValue = 'vppAppLicensesMessage';
  return item;
}
