/**
 * What the Overview shows, as plain data: the host builds it (overviewData.ts), the webview draws it, and the SVG
 * export draws it again. Every string in it is text to show, never markup; no secret is in it.
 */

/** The token states the charts colour; any other value Intune sends is drawn as `unknown`, with its words shown. */
export const STATE_KEYS = ['valid', 'expired', 'invalid', 'assignedToExternalMDM', 'duplicateLocationId', 'unknown'] as const;
export type StateKey = (typeof STATE_KEYS)[number];

/**
 * Where a token's expiry falls: already past, within the warning window, within the 12 months the timeline spans,
 * after them, or unknown.
 */
export type ExpiryBucket = 'expired' | 'warning' | 'year' | 'later' | 'none';

/** What stands out about a token's licenses: nearly all used, or bought and none used. */
export type LicenseFlag = 'nearTotal' | 'unused';

/** A token's licenses: used against total, with the largest apps as segments and the rest summed. */
export interface TokenLicenses {
  readonly used: number;
  readonly total: number;
  /** The apps with the most licenses used, largest first, then one "other apps" segment when there are more. */
  readonly segments: readonly { readonly name: string; readonly used: number }[];
  readonly flag?: LicenseFlag;
}

export interface OverviewToken {
  /** The token's place in the host's list: what the webview sends back when the admin clicks it. */
  readonly ref: number;
  readonly tenantLabel: string;
  readonly label: string;
  readonly state: StateKey;
  /** The state in words, as the tree says it. */
  readonly stateText: string;
  /** Milliseconds since the epoch, or null when Intune gave no date. */
  readonly expires: number | null;
  /** "expires in 42 days", "expired 3 days ago". */
  readonly expiryText: string;
  /** The expiry date in the admin's locale, or "" when there is none. */
  readonly expiryDate: string;
  readonly bucket: ExpiryBucket;
  /** Null when the tenant's apps could not be read: the tenant is then named under `unread`. */
  readonly licenses: TokenLicenses | null;
}

/** The time axis of the timeline: the expired tokens before `now`, then 12 months, the warning window shaded. */
export interface TimelineAxis {
  readonly now: number;
  readonly end: number;
  readonly warningEnd: number;
  /** The first day of each month on the axis, labelled in the admin's locale. */
  readonly ticks: readonly { readonly time: number; readonly label: string }[];
}

/** Every word the webview shows, in the admin's language. */
export interface OverviewLabels {
  readonly heading: string;
  readonly timeline: string;
  readonly timelineSummary: string;
  readonly licenses: string;
  readonly licensesSummary: string;
  readonly counts: string;
  readonly table: string;
  readonly unread: string;
  readonly expiredBand: string;
  readonly laterBand: string;
  readonly warningWindow: string;
  readonly today: string;
  readonly noTokens: string;
  readonly noLicenses: string;
  readonly nearTotal: string;
  readonly unused: string;
  readonly unusedLicenses: string;
  readonly appsNotRead: string;
  readonly refresh: string;
  readonly exportSvg: string;
  readonly exportPng: string;
  readonly copyCsv: string;
  readonly columns: {
    readonly tenant: string;
    readonly token: string;
    readonly state: string;
    readonly expires: string;
    readonly used: string;
    readonly total: string;
    readonly note: string;
  };
}

export interface OverviewData {
  /** "Contoso" or "All tenants (3)". */
  readonly scope: string;
  /** When the data was read, in words. */
  readonly generated: string;
  readonly multiTenant: boolean;
  readonly axis: TimelineAxis;
  /** In the tree's order: by tenant, then by name. */
  readonly tokens: readonly OverviewToken[];
  readonly counts: readonly { readonly state: StateKey; readonly text: string; readonly count: number }[];
  /** What could not be read: a tenant's tokens, or its apps, and why. */
  readonly unread: readonly { readonly tenantLabel: string; readonly reason: string }[];
  readonly labels: OverviewLabels;
}

/** What the table's note column says about a token's licenses. */
export function licenseNote(token: OverviewToken, labels: OverviewLabels): string {
  if (!token.licenses) {
    return labels.appsNotRead;
  }
  return token.licenses.flag === 'nearTotal' ? labels.nearTotal : token.licenses.flag === 'unused' ? labels.unusedLicenses : '';
}
