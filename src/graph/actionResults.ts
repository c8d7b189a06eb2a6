import type { VppTokenActionResult, VppTokenRevokeLicensesActionResult } from '@microsoft/microsoft-graph-types-beta';
import * as l10n from '@vscode/l10n';
import { plainText } from '../text';
import { delay } from './delay';
import { VppTokenRecord, VppTokenService } from './vppTokenService';

const FINAL_STATES = new Set(['done', 'failed', 'canceled', 'notSupported']);
/** Clock skew tolerated between this machine and Intune when matching an action result to a request. */
const SKEW_MS = 60_000;

export type ActionResult = VppTokenActionResult & Partial<VppTokenRevokeLicensesActionResult>;

/** The token's revoke result that started at or after `since` (Intune's clock may differ a little). */
export function revokeResultSince(token: VppTokenRecord, since: number): ActionResult | undefined {
  const results = Array.isArray(token.tokenActionResults) ? (token.tokenActionResults as ActionResult[]) : [];
  return results.find((result) => {
    const started = Date.parse(result?.startDateTime ?? '');
    return /revoke/i.test(result?.actionName ?? '') && !Number.isNaN(started) && started >= since - SKEW_MS;
  });
}

export function isFinal(result: ActionResult): boolean {
  return FINAL_STATES.has(result.actionState ?? '');
}

/** One line for a person: "done: 25 licenses, 0 failed" or "failed: 25 licenses, 3 failed (appleFailure)". */
export function describeActionResult(result: ActionResult): string {
  const parts = [plainText(result.actionState ?? 'unknown', 40)];
  if (typeof result.totalLicensesCount === 'number') {
    parts.push(l10n.t('{0} licenses, {1} failed', result.totalLicensesCount, result.failedLicensesCount ?? 0));
  }
  const reason = result.actionFailureReason;
  if (reason && reason !== 'none') {
    parts.push(l10n.t('reason: {0}', plainText(reason, 60)));
  }
  return parts.join(' · ');
}

export interface OutcomePolling {
  /** Waits between reads of the token; the number of entries bounds the polling. */
  readonly delaysMs: readonly number[];
}

/** Polling after a revoke: 1, 2, 4, 8 and 16 seconds, about half a minute in all. */
export const DEFAULT_OUTCOME_POLLING: OutcomePolling = { delaysMs: [1000, 2000, 4000, 8000, 16000] };

/**
 * Re-reads the token with back-off until Intune reports a final revoke result started after `since`, the delays
 * run out, or `signal` aborts (the user stopped watching). Returns the last revoke result seen, final or not, or
 * undefined when Intune reported none.
 */
export async function pollRevokeOutcome(
  service: VppTokenService,
  id: string,
  since: number,
  polling: OutcomePolling,
  signal?: AbortSignal,
): Promise<ActionResult | undefined> {
  let latest: ActionResult | undefined;
  for (const wait of polling.delaysMs) {
    if (!(await delay(wait, signal))) {
      return latest;
    }
    latest = revokeResultSince(await service.getToken(id, signal), since) ?? latest;
    if (latest && isFinal(latest)) {
      return latest;
    }
  }
  return latest;
}
