import type {
  IosVppAppRevokeLicensesActionResult,
  VppTokenActionResult,
  VppTokenRevokeLicensesActionResult,
} from '@microsoft/microsoft-graph-types-beta';
import * as l10n from '@vscode/l10n';
import { plainText } from '../text';
import { delay } from './delay';
import { VppTokenRecord } from './vppRecords';

const FINAL_STATES = new Set(['done', 'failed', 'canceled', 'notSupported']);
/** Clock skew tolerated between this machine and Intune when matching what the token shows to a request. */
export const CLOCK_SKEW_MS = 60_000;

/** A token's action result, or an app's revoke result (which also names the user or device of a single revoke). */
export type ActionResult = VppTokenActionResult &
  Partial<VppTokenRevokeLicensesActionResult> &
  Partial<IosVppAppRevokeLicensesActionResult>;

/** The keys of the action results a token held before a write: a result not among them is the write's. */
export type ActionSnapshot = ReadonlySet<string>;

function actionResults(token: VppTokenRecord): ActionResult[] {
  return Array.isArray(token.tokenActionResults) ? token.tokenActionResults : [];
}

/** Intune updates a result in place (active, then done), so its name and start time identify it. */
function resultKey(result: ActionResult): string {
  return `${result?.actionName ?? ''}|${result?.startDateTime ?? ''}`;
}

export function snapshotActions(token: VppTokenRecord): ActionSnapshot {
  return snapshotResults(actionResults(token));
}

/** The keys of action results (a token's, or an app's revoke results) before a write. */
export function snapshotResults(results: readonly ActionResult[]): ActionSnapshot {
  return new Set(results.map(resultKey));
}

/**
 * The revoke result a revoke sent at `sentAt` created: one that was not in the snapshot taken before it was sent,
 * and started no earlier than the send (Intune's clock may differ a little). Never an older revoke's result.
 */
export function newRevokeResult(token: VppTokenRecord, snapshot: ActionSnapshot, sentAt: number): ActionResult | undefined {
  return newResultAmong(actionResults(token), snapshot, sentAt);
}

/** The new revoke result among `results` (see newRevokeResult) that `matches` (default: any). */
export function newResultAmong(
  results: readonly ActionResult[],
  snapshot: ActionSnapshot,
  sentAt: number,
  matches: (result: ActionResult) => boolean = () => true,
): ActionResult | undefined {
  return results.find((result) => {
    const started = Date.parse(result?.startDateTime ?? '');
    return (
      /revoke/i.test(result?.actionName ?? '') &&
      !snapshot.has(resultKey(result)) &&
      !Number.isNaN(started) &&
      started >= sentAt - CLOCK_SKEW_MS &&
      matches(result)
    );
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
 * Watching a retired token's licenses fall: 2, 4, 8, 15 and then every 30 seconds, about 12 minutes in all. Apple
 * frees licenses in the background; a longer wait is the admin's to take by running Retire Token… again.
 */
export const DEFAULT_LICENSE_POLLING: OutcomePolling = { delaysMs: [2000, 4000, 8000, 15000, ...Array<number>(23).fill(30000)] };

/**
 * Reads with back-off (`read` gives the write's result, or undefined while it shows none) until the result is final
 * (`until: 'final'`) or seen at all (`until: 'seen'`), the delays run out, or `signal` aborts. The last result seen.
 */
export async function pollForResult(
  read: (signal?: AbortSignal) => Promise<ActionResult | undefined>,
  polling: OutcomePolling,
  options: { readonly signal?: AbortSignal; readonly until?: 'seen' | 'final' } = {},
): Promise<ActionResult | undefined> {
  let latest: ActionResult | undefined;
  for (const wait of polling.delaysMs) {
    if (!(await delay(wait, options.signal))) {
      return latest;
    }
    latest = (await read(options.signal)) ?? latest;
    if (latest && (options.until === 'seen' || isFinal(latest))) {
      return latest;
    }
  }
  return latest;
}
