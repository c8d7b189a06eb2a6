import * as l10n from '@vscode/l10n';
import { VppTokenRecord } from '../graph/vppRecords';
import { expiryPhrase, stateWords } from './tokenPresentation';

const DAY_MS = 24 * 3600 * 1000;

/** Whether a token needs renewal: Intune says it expired, or it expires within `warningDays` (or already did). */
export function needsRenewal(token: VppTokenRecord, now: number, warningDays: number): boolean {
  if (token.state === 'expired') {
    return true;
  }
  const expires = Date.parse(token.expirationDateTime ?? '');
  return !Number.isNaN(expires) && expires - now <= warningDays * DAY_MS;
}

/**
 * Why a token needs an admin's attention, in words, or none: expired or expiring within `warningDays`, invalid,
 * held by another MDM, or its last sync failed.
 */
export function attentionReasons(token: VppTokenRecord, now: number, warningDays: number): string[] {
  const reasons: string[] = [];
  if (needsRenewal(token, now, warningDays)) {
    reasons.push(expiryPhrase(token.expirationDateTime, now));
  }
  if (token.state === 'invalid' || token.state === 'assignedToExternalMDM') {
    reasons.push(stateWords(token.state));
  }
  if (token.lastSyncStatus === 'failed') {
    reasons.push(l10n.t('last sync failed'));
  }
  return reasons;
}

/** The local calendar day of a time ("2026-11-29"): a token is alerted at most once per day. */
export function dayOf(time: number): string {
  const date = new Date(time);
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}
