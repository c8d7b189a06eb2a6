import * as l10n from '@vscode/l10n';
import { describeForLog, VppError } from '../../errors';
import { ActionResult, describeActionResult, isFinal } from '../../graph/actionResults';
import { operationLabel, targetLabel } from '../../journal/history';
import { JournalEntry } from '../../journal/journalEntries';
import { JournalRecord, JournalSession, WriteOperation } from '../../journal/journalRecords';
import { Logger } from '../../log';
import { ConcurrencyLimit } from '../../tenants/concurrencyLimit';
import { UserInput } from '../../ui/userInput';
import { TenantContext } from '../context';
import { readingOf } from './writeKinds';

/** The writes whose result Intune reports later, and which the follow-through reads until it is final. */
const FOLLOWED: ReadonlySet<WriteOperation> = new Set([
  'revokeLicenses',
  'revokeAppLicenses',
  'revokeAppUserLicense',
  'revokeAppDeviceLicense',
]);

/** How long a revoke is followed after it was sent: Apple finishes within hours; a day covers a night's queue. */
export const FOLLOW_FOR_MS = 24 * 3600 * 1000;

/** The waits between two reads of one revoke: from half a minute, growing to a quarter of an hour. */
export const FOLLOW_DELAYS_MS: readonly number[] = [30_000, 60_000, 120_000, 300_000, 600_000, 900_000];

/**
 * Reads at once across every revoke followed: a hundred pending revokes read a few at a time, far inside Intune's
 * 1,000 requests per 20 seconds, whatever else the admin does meanwhile.
 */
const READS_AT_ONCE = 4;

/** Whether the follow-through reads this write: a revoke Intune accepted, its result not final, sent less than a day ago. */
export function isFollowed(entry: JournalEntry, now: number): boolean {
  return (
    FOLLOWED.has(entry.intent.operation) &&
    entry.outcome?.outcome === 'accepted' &&
    entry.outcome.pending === true &&
    now - Date.parse(entry.intent.at) < FOLLOW_FOR_MS
  );
}

export interface FollowThroughDeps {
  /** The tenant's context, for its reads and its journal; undefined when the tenant is no longer configured. */
  readonly contextFor: (tenantKey: string) => TenantContext | undefined;
  /** The journal's entries as on disk. */
  readonly entries: () => Promise<readonly JournalEntry[]>;
  /** Whether a window still runs: it follows its own revokes. */
  readonly isLive: (session: JournalSession) => boolean;
  readonly showHistory: () => Promise<unknown>;
  readonly ui: Pick<UserInput, 'inform' | 'warning'>;
  readonly log: Logger;
  readonly now: () => number;
  /** Waits `ms`; false when the signal stopped the wait. */
  readonly wait: (ms: number, signal: AbortSignal) => Promise<boolean>;
  readonly delaysMs?: readonly number[];
}

/**
 * Follows every revoke Intune accepted whose result was not final when its progress ended, from the journal: reads
 * its result (never writes) with a back-off growing to minutes, in this window and, after a restart, in the next,
 * until the result is final or a day has passed. Then History shows the result on that write, and one notification
 * tells it, with Show History.
 */
export class FollowThrough {
  private readonly following = new Set<string>();
  private readonly lifetime = new AbortController();
  /** Aborted to cut every back-off short (see wake); replaced each time. */
  private nudge = new AbortController();
  private readonly limit = new ConcurrencyLimit(() => READS_AT_ONCE);

  constructor(private readonly deps: FollowThroughDeps) {}

  /** At start-up: the revokes an earlier window left pending, read at once and then with the back-off. */
  async resume(): Promise<void> {
    const now = this.deps.now();
    for (const entry of await this.deps.entries()) {
      if (isFollowed(entry, now) && !this.deps.isLive(entry.intent.session)) {
        void this.follow(entry, true);
      }
    }
  }

  /** A record this window wrote: a revoke whose result is still pending is followed from now on. */
  recorded(record: JournalRecord): void {
    if (record.type !== 'outcome' || record.pending !== true || this.following.has(record.write)) {
      return;
    }
    this.deps
      .entries()
      .then((entries) => {
        const entry = entries.find((candidate) => candidate.intent.write === record.write);
        if (entry && isFollowed(entry, this.deps.now())) {
          void this.follow(entry, false);
        }
      })
      .catch((error: unknown) => this.deps.log.warn(`The journal could not be read to follow a revoke: ${describeForLog(error)}`));
  }

  /**
   * Reads every followed revoke again now: a tenant was signed in or its secret stored, so a read that failed for want
   * of it need not wait out its back-off.
   */
  wake(): void {
    const nudge = this.nudge;
    this.nudge = new AbortController();
    nudge.abort();
  }

  dispose(): void {
    this.lifetime.abort();
  }

  private async follow(entry: JournalEntry, readNow: boolean): Promise<void> {
    const { write } = entry.intent;
    if (this.following.has(write)) {
      return;
    }
    this.following.add(write);
    try {
      await this.followOne(entry, readNow);
    } catch (error) {
      this.deps.log.warn(`Following the revoke ${write} stopped: ${describeForLog(error)}`);
    }
  }

  private async followOne(entry: JournalEntry, readNow: boolean): Promise<void> {
    const context = this.deps.contextFor(entry.intent.tenant.key);
    if (!context) {
      this.deps.log.info(`The revoke ${entry.intent.write} is not followed: its tenant is no longer configured.`);
      return;
    }
    const { operation, target, details, evidence } = entry.intent;
    const sentAt = Date.parse(entry.intent.at);
    const reading = readingOf(context, operation, target, details);
    const delays = this.deps.delaysMs ?? FOLLOW_DELAYS_MS;
    let last: ActionResult | undefined;
    for (let attempt = 0; ; attempt++) {
      const waitMs = readNow && attempt === 0 ? 0 : delays[Math.min(attempt, delays.length - 1)];
      await this.deps.wait(waitMs, AbortSignal.any([this.lifetime.signal, this.nudge.signal]));
      if (this.lifetime.signal.aborted) {
        return;
      }
      if (this.deps.now() - sentAt >= FOLLOW_FOR_MS) {
        return this.giveUp(context, entry, last);
      }
      let result: ActionResult | undefined;
      try {
        const received = await this.limit.run(() => reading(evidence, sentAt, this.lifetime.signal));
        result = received?.value as ActionResult | undefined;
      } catch (error) {
        if (error instanceof VppError && error.kind === 'cancelled') {
          return;
        }
        // A failed read is read again later: it says nothing about the revoke.
        this.deps.log.warn(`Reading the result of the revoke ${entry.intent.write} failed: ${describeForLog(error)}`);
        continue;
      }
      last = result ?? last;
      if (result && isFinal(result)) {
        return this.finish(context, entry, result);
      }
    }
  }

  /** Records Intune's final result on the write, redraws its token, and tells the admin once. */
  private async finish(context: TenantContext, entry: JournalEntry, result: ActionResult): Promise<void> {
    const summary = describeActionResult(result);
    await context.journal.outcome(entry.intent.write, {
      outcome: 'accepted',
      ...(entry.outcome?.reason ? { reason: entry.outcome.reason } : {}),
      result: summary,
      pending: false,
    });
    if (entry.intent.target.tokenId) {
      void context.store.tokenWritten(entry.intent.target.tokenId);
    }
    const what = operationLabel(entry.intent.operation);
    const label = targetLabel(entry);
    const showHistory = l10n.t('Show History');
    const clean = result.actionState === 'done' && (result.failedLicensesCount ?? 0) === 0;
    const choice = clean
      ? await this.deps.ui.inform(l10n.t('Intune finished: {0} "{1}": {2}', what, label, summary), [showHistory])
      : await this.deps.ui.warning(l10n.t('Intune finished with failures: {0} "{1}": {2}', what, label, summary), [showHistory]);
    if (choice === showHistory) {
      await this.deps.showHistory();
    }
  }

  /** A day has passed without a final result: History says so, and the admin is told once. */
  private async giveUp(context: TenantContext, entry: JournalEntry, last: ActionResult | undefined): Promise<void> {
    const reason = l10n.t('Intune had not finished it a day after it was sent');
    await context.journal.outcome(entry.intent.write, {
      outcome: 'accepted',
      reason,
      ...(last ? { result: describeActionResult(last) } : entry.outcome?.result ? { result: entry.outcome.result } : {}),
      pending: false,
    });
    const showHistory = l10n.t('Show History');
    const choice = await this.deps.ui.warning(
      l10n.t(
        '{0} "{1}": {2}. Expand its token or app later to see its outcome.',
        operationLabel(entry.intent.operation),
        targetLabel(entry),
        reason,
      ),
      [showHistory],
    );
    if (choice === showHistory) {
      await this.deps.showHistory();
    }
  }
}
