import * as l10n from '@vscode/l10n';
import { csvCell } from '../csv';
import { plainText } from '../text';
import { JournalEntry } from './journalEntries';
import { WriteOperation, WriteOutcome } from './journalRecords';

/** Entries the History view adds at a time: a page renders at once, the journal may hold tens of thousands. */
export const HISTORY_PAGE = 500;

/** What History shows: every write, or those of one tenant or one token. */
export interface HistoryFilter {
  readonly tenantKey?: string;
  readonly tokenId?: string;
  /** Says what is filtered, for the view's description. */
  readonly label: string;
}

/** How a write stands: its outcome, or pending while its window may still record one. */
export type HistoryState = WriteOutcome | 'pending';

export function stateOf(entry: JournalEntry): HistoryState {
  return entry.outcome?.outcome ?? 'pending';
}

export function operationLabel(operation: WriteOperation): string {
  switch (operation) {
    case 'revokeLicenses':
      return l10n.t('Revoke licenses');
    case 'syncLicenses':
      return l10n.t('Sync licenses');
    case 'createToken':
      return l10n.t('Add token');
    case 'renewToken':
      return l10n.t('Renew token');
    case 'editToken':
      return l10n.t('Edit token settings');
    case 'takeOverToken':
      return l10n.t('Take over token');
    case 'deleteToken':
      return l10n.t('Delete token');
    case 'revokeAppLicenses':
      return l10n.t('Revoke app licenses');
    case 'revokeAppDeviceLicense':
      return l10n.t("Revoke a device's app license");
    case 'revokeAppUserLicense':
      return l10n.t("Revoke a user's app license");
    case 'uninstallAssignment':
      return l10n.t('Set an app assignment to Uninstall');
    case 'removeAssignment':
      return l10n.t('Remove an app assignment');
  }
}

export function stateLabel(state: HistoryState): string {
  switch (state) {
    case 'accepted':
      return l10n.t('accepted');
    case 'failed':
      return l10n.t('failed');
    case 'unconfirmed':
      return l10n.t('unconfirmed');
    case 'cancelled':
      return l10n.t('cancelled');
    case 'pending':
      return l10n.t('no outcome recorded');
  }
}

/** What a write acted on, for a person: the app and holder, or the token. */
export function targetLabel(entry: JournalEntry): string {
  const { target } = entry.intent;
  const app = plainText(target.appName, 120);
  const holder = plainText(target.holderName, 120);
  if (app) {
    return holder ? `${app} · ${holder}` : app;
  }
  return plainText(target.tokenName, 120) || plainText(target.tokenId, 120) || '-';
}

/** The entries a filter keeps, newest first. */
export function filterHistory(entries: readonly JournalEntry[], filter: HistoryFilter | undefined): JournalEntry[] {
  const kept = entries.filter(
    (entry) =>
      (!filter?.tenantKey || entry.intent.tenant.key === filter.tenantKey) &&
      (!filter?.tokenId || entry.intent.target.tokenId === filter.tokenId),
  );
  return kept.reverse();
}

/** The local day of a time, as YYYY-MM-DD: History groups by the admin's day. */
export function localDay(iso: string): string {
  const date = new Date(iso);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** Entries (newest first) grouped by local day, in order. */
export function groupByDay(entries: readonly JournalEntry[]): { readonly day: string; readonly entries: JournalEntry[] }[] {
  const days: { day: string; entries: JournalEntry[] }[] = [];
  for (const entry of entries) {
    const day = localDay(entry.intent.at);
    if (days.at(-1)?.day !== day) {
      days.push({ day, entries: [] });
    }
    days[days.length - 1].entries.push(entry);
  }
  return days;
}

/** Every field of an entry, as label and value rows, for its tooltip. Values are plain text. */
export function entryFields(entry: JournalEntry): [string, string][] {
  const { intent, outcome } = entry;
  const details = Object.entries(intent.details).map(([key, value]) => `${key}=${String(value)}`);
  return [
    [l10n.t('Time'), intent.at],
    [
      l10n.t('Tenant'),
      `${plainText(intent.tenant.label, 80)} (${plainText(intent.tenant.id, 120)}, ${plainText(intent.tenant.cloud, 20)})`,
    ],
    [l10n.t('By'), plainText(intent.actor, 200) || '-'],
    [l10n.t('Operation'), operationLabel(intent.operation)],
    ...(intent.target.tokenId || intent.target.tokenName
      ? [
          [l10n.t('Token'), `${plainText(intent.target.tokenName, 120) || '-'} (${plainText(intent.target.tokenId, 200) || '-'})`] as [
            string,
            string,
          ],
        ]
      : []),
    ...(intent.target.appId
      ? [[l10n.t('App'), `${plainText(intent.target.appName, 120)} (${plainText(intent.target.appId, 200)})`] as [string, string]]
      : []),
    ...(intent.target.holderId
      ? [
          [
            intent.operation === 'uninstallAssignment' || intent.operation === 'removeAssignment'
              ? l10n.t('Assignment')
              : l10n.t('License of'),
            `${plainText(intent.target.holderName, 120)} (${plainText(intent.target.holderId, 200)})`,
          ] as [string, string],
        ]
      : []),
    ...(details.length > 0 ? [[l10n.t('Options'), plainText(details.join(', '), 500)] as [string, string]] : []),
    [l10n.t('Request'), `${intent.request.method} ${plainText(intent.request.path, 300)}`],
    ...entry.attempts.map(
      (attempt, index) =>
        [
          l10n.t('Attempt {0}', index + 1),
          `${stateLabel(attempt.result)} · ${attempt.status ?? '-'} · request-id ${attempt.requestId ?? '-'} · client-request-id ${attempt.clientRequestId ?? '-'}`,
        ] as [string, string],
    ),
    [l10n.t('Outcome'), stateLabel(stateOf(entry))],
    ...(outcome?.reason ? [[l10n.t('Why'), plainText(outcome.reason, 500)] as [string, string]] : []),
    ...(outcome?.result ? [[l10n.t("Intune's result"), plainText(outcome.result, 200)] as [string, string]] : []),
    ...(outcome?.afterSync ? [[l10n.t("After the token's next sync"), plainText(outcome.afterSync, 1000)] as [string, string]] : []),
    ...(intent.run ? [[l10n.t('Bulk run'), intent.run] as [string, string]] : []),
  ];
}

/** One exported row per write: the journal's fields, flat, nothing secret (the journal holds none). */
export function historyRow(entry: JournalEntry): Record<(typeof HISTORY_COLUMNS)[number], string | number | null> {
  const { intent, outcome } = entry;
  const last = entry.attempts.at(-1);
  return {
    time: intent.at,
    tenant: intent.tenant.label,
    tenantId: intent.tenant.id,
    cloud: intent.tenant.cloud,
    actor: intent.actor,
    operation: intent.operation,
    tokenId: intent.target.tokenId ?? null,
    tokenName: intent.target.tokenName ?? null,
    appId: intent.target.appId ?? null,
    appName: intent.target.appName ?? null,
    licenseHolderId: intent.target.holderId ?? null,
    options: JSON.stringify(intent.details),
    method: intent.request.method,
    path: intent.request.path,
    attempts: entry.attempts.length,
    status: last?.status ?? null,
    requestId: last?.requestId ?? null,
    clientRequestId: last?.clientRequestId ?? null,
    outcome: stateOf(entry),
    reason: outcome?.reason ?? null,
    intuneResult: outcome?.result ?? null,
    afterSync: outcome?.afterSync ?? null,
    run: intent.run ?? null,
    writeId: intent.write,
  };
}

/** The entries as CSV, each cell neutralised against spreadsheet formulas as the license report's are. */
export function historyCsv(entries: readonly JournalEntry[]): string {
  const rows = entries.map(historyRow);
  return [HISTORY_COLUMNS.join(','), ...rows.map((row) => HISTORY_COLUMNS.map((key) => csvCell(row[key])).join(','))].join('\r\n') + '\r\n';
}

/** The entries as JSON: each write with its attempts and outcome, as the journal holds them. */
export function historyJson(entries: readonly JournalEntry[]): string {
  return `${JSON.stringify(
    entries.map((entry) => ({ ...entry.intent, attempts: entry.attempts, outcome: entry.outcome ?? null })),
    null,
    2,
  )}\n`;
}

/** The columns of an exported row, in order. */
export const HISTORY_COLUMNS = [
  'time',
  'tenant',
  'tenantId',
  'cloud',
  'actor',
  'operation',
  'tokenId',
  'tokenName',
  'appId',
  'appName',
  'licenseHolderId',
  'options',
  'method',
  'path',
  'attempts',
  'status',
  'requestId',
  'clientRequestId',
  'outcome',
  'reason',
  'intuneResult',
  'afterSync',
  'run',
  'writeId',
] as const;
