import * as l10n from '@vscode/l10n';
import { VppTokenRecord } from '../graph/vppRecords';
import { plainText } from '../text';

const DAY_MS = 24 * 3600 * 1000;
/** Tokens expiring within this many days get a warning look, unless `intuneVpp.expiryWarningDays` says otherwise. */
export const EXPIRY_WARNING_DAYS = 30;
const MAX_LABEL_LENGTH = 120;

/** How a token appears in the tree, free of VS Code types so it can be unit tested. */
export interface TokenPresentation {
  readonly label: string;
  readonly description: string;
  /** A codicon id. */
  readonly iconId: string;
  /** A theme colour id, or undefined for the default foreground. */
  readonly colorId: string | undefined;
  /** `vppToken` plus facets, for `viewItem` when-clauses: `vppToken state-valid expiringSoon`. */
  readonly contextValue: string;
  /** Label/value pairs of every non-secret field, for the tooltip; values are plain text, never Markdown. */
  readonly tooltipRows: readonly (readonly [string, string])[];
  /** What a screen reader says: name, state and expiry in words. */
  readonly accessibilityLabel: string;
  readonly expiringSoon: boolean;
}

interface StateLook {
  readonly words: () => string;
  readonly iconId: string;
  readonly colorId: string | undefined;
}

const STATE_LOOKS: Record<string, StateLook> = {
  valid: { words: () => l10n.t('valid'), iconId: 'pass', colorId: 'testing.iconPassed' },
  expired: { words: () => l10n.t('expired'), iconId: 'error', colorId: 'list.errorForeground' },
  invalid: { words: () => l10n.t('invalid'), iconId: 'circle-slash', colorId: 'list.errorForeground' },
  assignedToExternalMDM: { words: () => l10n.t('assigned to another MDM'), iconId: 'arrow-swap', colorId: 'list.warningForeground' },
  duplicateLocationId: { words: () => l10n.t('duplicate location'), iconId: 'copy', colorId: 'list.warningForeground' },
  unknown: { words: () => l10n.t('unknown state'), iconId: 'question', colorId: undefined },
};

/** The state in words; a value Intune adds later is shown as sent (made plain), never a crash. */
export function stateWords(state: unknown): string {
  if (typeof state === 'string' && Object.hasOwn(STATE_LOOKS, state)) {
    return STATE_LOOKS[state].words();
  }
  return state === undefined || state === null ? STATE_LOOKS.unknown.words() : plainText(state, 40);
}

/** A state reduced to characters a context value and a when-clause regex can carry. */
function stateFacet(state: unknown): string {
  return typeof state === 'string' && state ? state.replace(/[^A-Za-z0-9]/g, '').slice(0, 40) || 'other' : 'unknown';
}

function parseDate(value: unknown): number | undefined {
  if (typeof value !== 'string') {
    return undefined;
  }
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}

/** "expires in 42 days", "expired 3 days ago", "expires on 9999-12-31", or "no expiry date". */
export function expiryPhrase(expiration: unknown, now: number): string {
  const time = parseDate(expiration);
  if (time === undefined) {
    return l10n.t('no expiry date');
  }
  const diff = time - now;
  if (diff >= 0) {
    const days = Math.ceil(diff / DAY_MS);
    if (days > 730) {
      return l10n.t('expires on {0}', new Date(time).toISOString().slice(0, 10));
    }
    return days <= 1 ? l10n.t('expires within a day') : l10n.t('expires in {0} days', days);
  }
  const days = Math.floor(-diff / DAY_MS);
  if (days === 0) {
    return l10n.t('expired today');
  }
  return days === 1 ? l10n.t('expired 1 day ago') : l10n.t('expired {0} days ago', days);
}

/** The name people know a token by: display name, then organization, then Apple ID, then the id. */
export function tokenLabel(token: VppTokenRecord): string {
  for (const candidate of [token.displayName, token.organizationName, token.appleId, token.id]) {
    const label = plainText(candidate, MAX_LABEL_LENGTH);
    if (label) {
      return label;
    }
  }
  return l10n.t('(unnamed token)');
}

function formatDate(value: unknown, locale: string): string {
  const time = parseDate(value);
  if (time === undefined) {
    return value === undefined || value === null ? '' : plainText(value, 60);
  }
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(time) + ' UTC';
}

function yesNo(value: unknown): string {
  return value === true ? l10n.t('yes') : value === false ? l10n.t('no') : '';
}

/**
 * Describes one token for the tree. `now` and `locale` are parameters so tests are exact; `warningDays` is the
 * expiry alerts' setting, so the warning look and the alerts agree.
 */
export function presentToken(token: VppTokenRecord, now: number, locale: string, warningDays = EXPIRY_WARNING_DAYS): TokenPresentation {
  const label = tokenLabel(token);
  const state = token.state as unknown;
  const look = typeof state === 'string' && Object.hasOwn(STATE_LOOKS, state) ? STATE_LOOKS[state] : STATE_LOOKS.unknown;
  const expiration = parseDate(token.expirationDateTime);
  const expired = expiration !== undefined && expiration < now;
  const expiringSoon = !expired && expiration !== undefined && expiration - now <= warningDays * DAY_MS;
  const words = stateWords(state);
  const expiry = expiryPhrase(token.expirationDateTime, now);
  const description = state === 'expired' && expired ? expiry : `${words} · ${expiry}`;
  const warn = expiringSoon && state === 'valid';

  const rows: [string, string][] = [
    [l10n.t('Name'), plainText(token.displayName, 500)],
    [l10n.t('Organization'), plainText(token.organizationName, 500)],
    [l10n.t('Apple ID'), plainText(token.appleId, 200)],
    [l10n.t('Location'), plainText(token.locationName, 500)],
    [l10n.t('Country or region'), plainText(token.countryOrRegion, 20)],
    [l10n.t('Account type'), plainText(token.vppTokenAccountType, 40)],
    [l10n.t('App delivery protocol'), plainText(token.appleDeviceAppDeliveryProtocolType, 40)],
    [l10n.t('State'), words],
    [l10n.t('Expires'), [formatDate(token.expirationDateTime, locale), expiry].filter(Boolean).join(' · ')],
    [l10n.t('Last sync'), [formatDate(token.lastSyncDateTime, locale), plainText(token.lastSyncStatus, 40)].filter(Boolean).join(' · ')],
    [l10n.t('Last modified'), formatDate(token.lastModifiedDateTime, locale)],
    [l10n.t('Update apps automatically'), yesNo(token.automaticallyUpdateApps)],
    [l10n.t('Data sharing consent'), yesNo(token.dataSharingConsentGranted)],
    [l10n.t('Scope tags'), Array.isArray(token.roleScopeTagIds) ? plainText(token.roleScopeTagIds.join(', '), 200) : ''],
    [l10n.t('Token ID'), plainText(token.id, 200)],
  ];

  return {
    label,
    description,
    iconId: warn ? 'warning' : look.iconId,
    colorId: warn ? 'list.warningForeground' : look.colorId,
    contextValue: ['vppToken', `state-${stateFacet(state)}`, ...(expiringSoon ? ['expiringSoon'] : [])].join(' '),
    tooltipRows: rows.filter(([, value]) => value !== ''),
    accessibilityLabel: l10n.t('{0}, state {1}, {2}', label, words, expiry),
    expiringSoon,
  };
}

/** Tokens in the tree's order: by label as people sort (numbers numerically, case-insensitively), then by id. */
export function sortTokens(tokens: readonly VppTokenRecord[], locale: string): VppTokenRecord[] {
  const collator = new Intl.Collator(locale, { numeric: true, sensitivity: 'base' });
  return [...tokens].sort((a, b) => collator.compare(tokenLabel(a), tokenLabel(b)) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
