import * as l10n from '@vscode/l10n';
import { csvCell } from '../csv';
import { VppAppRecord, VppTokenRecord } from '../graph/vppRecords';
import { plainText } from '../text';
import { expiryPhrase, sortTokens, stateWords, tokenLabel } from '../tree/tokenPresentation';
import {
  ExpiryBucket,
  LicenseFlag,
  licenseNote,
  OverviewData,
  OverviewLabels,
  OverviewToken,
  STATE_KEYS,
  StateKey,
  TokenLicenses,
} from './overviewModel';

const DAY_MS = 24 * 3600 * 1000;
/** The timeline spans this many days after today. */
export const TIMELINE_DAYS = 365;
/** The apps drawn as segments of a token's bar; the others are summed into one. */
export const LARGEST_APPS = 4;
/** A token whose used licenses reach this share of its total stands out as near its total. */
export const NEAR_TOTAL_SHARE = 0.9;

/** What one tenant's listing came to, from the store's listings. */
export type TenantReading =
  | {
      readonly kind: 'read';
      readonly tenantKey: string;
      readonly tenantLabel: string;
      readonly tokens: readonly VppTokenRecord[];
      /** The tenant's VPP apps by token id (lower-cased), or why they could not be read. */
      readonly apps: ReadonlyMap<string, readonly VppAppRecord[]> | { readonly failure: string };
    }
  | { readonly kind: 'unread'; readonly tenantKey: string; readonly tenantLabel: string; readonly reason: string };

/** A token of the Overview, as the host keeps it: the webview sends back `ref`, the host finds the token. */
export interface OverviewEntry {
  readonly tenantKey: string;
  readonly token: VppTokenRecord;
}

export interface ShapedOverview {
  readonly data: OverviewData;
  /** By `ref`. */
  readonly entries: readonly OverviewEntry[];
}

/** Where an expiry falls for the timeline; a token Intune calls expired is expired whatever its date says. */
export function expiryBucket(token: VppTokenRecord, now: number, warningDays: number): ExpiryBucket {
  const expires = Date.parse(token.expirationDateTime ?? '');
  if (token.state === 'expired' || expires < now) {
    return 'expired';
  }
  if (Number.isNaN(expires)) {
    return 'none';
  }
  if (expires - now <= warningDays * DAY_MS) {
    return 'warning';
  }
  return expires - now <= TIMELINE_DAYS * DAY_MS ? 'year' : 'later';
}

/** A token's licenses from its apps: the apps with the most used as segments, the rest as one; flagged when notable. */
export function tokenLicenses(apps: readonly VppAppRecord[]): TokenLicenses {
  const counted = apps.map((app) => ({
    name: plainText(app.displayName, 80) || plainText(app.bundleId, 80) || l10n.t('(unnamed app)'),
    used: Math.max(0, app.usedLicenseCount ?? 0),
    total: Math.max(0, app.totalLicenseCount ?? 0),
  }));
  const used = counted.reduce((sum, app) => sum + app.used, 0);
  const total = counted.reduce((sum, app) => sum + app.total, 0);
  const byUse = counted.filter((app) => app.used > 0).sort((a, b) => b.used - a.used || a.name.localeCompare(b.name));
  const rest = byUse.slice(LARGEST_APPS);
  const segments = [
    ...byUse.slice(0, LARGEST_APPS).map(({ name, used: count }) => ({ name, used: count })),
    ...(rest.length > 0 ? [{ name: l10n.t('{0} other apps', rest.length), used: rest.reduce((sum, app) => sum + app.used, 0) }] : []),
  ];
  const flag: LicenseFlag | undefined =
    total === 0 ? undefined : used === 0 ? 'unused' : used >= total * NEAR_TOTAL_SHARE ? 'nearTotal' : undefined;
  return { used, total, segments, ...(flag ? { flag } : {}) };
}

function stateKey(state: unknown): StateKey {
  return typeof state === 'string' && (STATE_KEYS as readonly string[]).includes(state) ? (state as StateKey) : 'unknown';
}

/** The first day of each month from `now`'s month to `end`'s, labelled "Jan 2027" in the locale (UTC, as the tree's dates). */
export function monthTicks(now: number, end: number, locale: string): { time: number; label: string }[] {
  const format = new Intl.DateTimeFormat(locale, { month: 'short', year: 'numeric', timeZone: 'UTC' });
  const start = new Date(now);
  const ticks: { time: number; label: string }[] = [];
  for (let month = 1; ; month++) {
    const time = Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + month, 1);
    if (time > end) {
      return ticks;
    }
    ticks.push({ time, label: format.format(time) });
  }
}

function overviewToken(
  token: VppTokenRecord,
  ref: number,
  reading: Extract<TenantReading, { kind: 'read' }>,
  now: number,
  warningDays: number,
  locale: string,
): OverviewToken {
  const expires = Date.parse(token.expirationDateTime ?? '');
  const appsOfToken = 'failure' in reading.apps ? undefined : (reading.apps.get(token.id.toLowerCase()) ?? []);
  return {
    ref,
    tenantLabel: reading.tenantLabel,
    label: tokenLabel(token),
    state: stateKey(token.state),
    stateText: stateWords(token.state),
    expires: Number.isNaN(expires) ? null : expires,
    expiryText: expiryPhrase(token.expirationDateTime, now),
    expiryDate: Number.isNaN(expires) ? '' : new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(expires),
    bucket: expiryBucket(token, now, warningDays),
    licenses: appsOfToken ? tokenLicenses(appsOfToken) : null,
  };
}

/**
 * The Overview's data from the tenants' readings: each read tenant's tokens in the tree's order, the counts by state,
 * the timeline's axis, and what could not be read (a tenant's tokens, or its apps) with why.
 */
export function shapeOverview(
  readings: readonly TenantReading[],
  options: { readonly now: number; readonly warningDays: number; readonly locale: string; readonly scope: string },
): ShapedOverview {
  const { now, warningDays, locale } = options;
  const entries: OverviewEntry[] = [];
  const tokens: OverviewToken[] = [];
  const unread: { tenantLabel: string; reason: string }[] = [];
  for (const reading of readings) {
    if (reading.kind === 'unread') {
      unread.push({ tenantLabel: reading.tenantLabel, reason: reading.reason });
      continue;
    }
    if ('failure' in reading.apps) {
      unread.push({ tenantLabel: reading.tenantLabel, reason: l10n.t('Apps not read: {0}', reading.apps.failure) });
    }
    for (const token of sortTokens(reading.tokens, locale)) {
      tokens.push(overviewToken(token, entries.length, reading, now, warningDays, locale));
      entries.push({ tenantKey: reading.tenantKey, token });
    }
  }
  const counts = STATE_KEYS.map((state) => ({
    state,
    text: state === 'unknown' ? l10n.t('other') : stateWords(state),
    count: tokens.filter((token) => token.state === state).length,
  })).filter((entry) => entry.count > 0);
  const end = now + TIMELINE_DAYS * DAY_MS;
  const data: OverviewData = {
    scope: options.scope,
    generated: l10n.t('Read {0}', new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(now)),
    multiTenant: readings.length > 1,
    axis: { now, end, warningEnd: now + warningDays * DAY_MS, ticks: monthTicks(now, end, locale) },
    tokens,
    counts,
    unread,
    labels: overviewLabels(warningDays),
  };
  return { data, entries };
}

const CSV_COLUMNS = ['tenant', 'token', 'state', 'expirationDateTime', 'expiry', 'usedLicenses', 'totalLicenses', 'note'] as const;

/** The Overview's table as CSV (formula-like cells made inert), one row per token, the header first. */
export function overviewCsv(shaped: ShapedOverview): string {
  const rows = shaped.data.tokens.map((token) => [
    token.tenantLabel,
    token.label,
    token.stateText,
    shaped.entries[token.ref].token.expirationDateTime,
    token.expiryText,
    token.licenses?.used,
    token.licenses?.total,
    licenseNote(token, shaped.data.labels),
  ]);
  return [CSV_COLUMNS.join(','), ...rows.map((row) => row.map(csvCell).join(','))].join('\r\n') + '\r\n';
}

function overviewLabels(warningDays: number): OverviewLabels {
  return {
    heading: l10n.t('VPP Tokens Overview'),
    timeline: l10n.t('Expiry timeline'),
    timelineSummary: l10n.t('Each token on a time axis: expired ones before today, then the next 12 months.'),
    licenses: l10n.t('Licenses per token'),
    licensesSummary: l10n.t('Licenses used against bought, by app for the largest apps.'),
    counts: l10n.t('Tokens by state'),
    table: l10n.t('All tokens'),
    unread: l10n.t('Not read'),
    expiredBand: l10n.t('Expired'),
    laterBand: l10n.t('Later'),
    warningWindow: l10n.t('Next {0} days', warningDays),
    today: l10n.t('Today'),
    noTokens: l10n.t('No VPP tokens to show.'),
    noLicenses: l10n.t('No licenses bought'),
    nearTotal: l10n.t('near its total'),
    unused: l10n.t('unused'),
    unusedLicenses: l10n.t('licenses bought, none used'),
    appsNotRead: l10n.t('apps not read'),
    refresh: l10n.t('Refresh'),
    exportSvg: l10n.t('Export as SVG…'),
    exportPng: l10n.t('Export as PNG…'),
    copyCsv: l10n.t('Copy as CSV'),
    columns: {
      tenant: l10n.t('Tenant'),
      token: l10n.t('Token'),
      state: l10n.t('State'),
      expires: l10n.t('Expires'),
      used: l10n.t('Used'),
      total: l10n.t('Total'),
      note: l10n.t('Note'),
    },
  };
}
