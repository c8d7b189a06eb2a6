import * as l10n from '@vscode/l10n';
import { describeForLog, VppError } from '../../errors';
import { ActionResult, describeActionResult, isFinal } from '../../graph/actionResults';
import { operationLabel, targetLabel } from '../../journal/history';
import { JournalEntry } from '../../journal/journalEntries';
import { JournalRecord, JournalSession, OutcomeRecord } from '../../journal/journalRecords';
import { Logger } from '../../log';
import { ConcurrencyLimit } from '../../tenants/concurrencyLimit';
import { RequestBudget } from '../../graph/requestBudget';
import { UserInput } from '../../ui/userInput';
import { TenantContext } from '../context';
import { readingOf, resultComesLater, syncAfterOf } from './writeKinds';
import { AfterSync, afterSyncWords, readAfterSync, RevokedScope } from '../licenses/afterSync';
import { appsOfTokens } from '../licenses/licenseImpact';
import { licenseTotals } from '../../graph/licenses';
import { VppAppRecord, VppTokenRecord } from '../../graph/vppRecords';
import { plainText } from '../../text';

/**
 * The follow-through's share of Graph's reads: 300 requests in any 20 seconds, under a third of the 1,000 Graph
 * allows one app in one tenant, so that the admin's own work keeps the rest.
 */
const FOLLOW_READS_PER_WINDOW = 300;
const GRAPH_READ_WINDOW_MS = 20_000;

/** How long a revoke is followed after it was sent: Apple finishes within hours; a day covers a night's queue. */
export const FOLLOW_FOR_MS = 24 * 3600 * 1000;

/** The waits between two reads of one revoke: from half a minute, growing to a quarter of an hour. */
export const FOLLOW_DELAYS_MS: readonly number[] = [30_000, 60_000, 120_000, 300_000, 600_000, 900_000];

/**
 * Reads at once across every revoke followed: a hundred pending revokes read a few at a time, far inside Intune's
 * 1,000 requests per 20 seconds, whatever else the admin does meanwhile.
 */
const READS_AT_ONCE = 4;

/**
 * Whether the follow-through reads this write: a revoke Intune accepted, its result not final, sent less than a day
 * ago; or one done whose licenses are to be read after the token's next sync, done less than a day ago.
 */
export function isFollowed(entry: JournalEntry, now: number): boolean {
  const { outcome } = entry;
  if (!resultComesLater(entry.intent.operation) || outcome?.outcome !== 'accepted') {
    return false;
  }
  return outcome.pending === true
    ? now - Date.parse(entry.intent.at) < FOLLOW_FOR_MS
    : outcome.syncAfter !== undefined && now - Date.parse(outcome.at) < FOLLOW_FOR_MS;
}

export interface FollowThroughDeps {
  /** The tenant's context, for its reads and its journal; undefined when the tenant is no longer configured. */
  readonly contextFor: (tenantKey: string) => TenantContext | undefined;
  /** The journal's entries as on disk. */
  readonly entries: () => Promise<readonly JournalEntry[]>;
  /** Whether a window still runs: it follows its own revokes. */
  readonly isLive: (session: JournalSession) => boolean;
  readonly showHistory: () => Promise<unknown>;
  /** The commands a notification offers on a token: each asks its own confirmation before any write. */
  readonly offer: {
    readonly revokeLicenses: (tenantKey: string, token: VppTokenRecord) => Promise<unknown>;
    readonly deleteToken: (tenantKey: string, token: VppTokenRecord) => Promise<unknown>;
  };
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
  /** Each tenant's listing of its VPP apps that has not started yet, for the revokes whose tokens synced. */
  private readonly nextListings = new Map<string, Promise<readonly VppAppRecord[]>>();
  private readonly budget: RequestBudget;

  constructor(private readonly deps: FollowThroughDeps) {
    this.budget = new RequestBudget(FOLLOW_READS_PER_WINDOW, GRAPH_READ_WINDOW_MS, deps.now, deps.wait);
  }

  /** At start-up: the revokes an earlier window left pending, read at once and then with the back-off. */
  async resume(): Promise<void> {
    const now = this.deps.now();
    for (const entry of await this.deps.entries()) {
      if (isFollowed(entry, now) && !this.deps.isLive(entry.intent.session)) {
        void this.follow(entry, true);
      }
    }
  }

  /**
   * A record this window wrote: a revoke whose result is still pending, or done and awaiting its token's next sync,
   * is followed from now on.
   */
  recorded(record: JournalRecord): void {
    const followed = record.type === 'outcome' && (record.pending === true || record.syncAfter !== undefined);
    if (!followed || this.following.has(record.write)) {
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
    if (entry.outcome?.pending === true) {
      const done = await this.followResult(context, entry, readNow);
      if (done !== undefined) {
        await this.followSync(context, { ...entry, outcome: done }, { readNow: false, from: this.deps.now() });
      }
    } else if (entry.outcome?.syncAfter !== undefined) {
      await this.followSync(context, entry, { readNow, from: Date.parse(entry.outcome.at) });
    }
  }

  /** Waits out the back-off before the read `attempt` (none before the first when `readNow`); false once disposed. */
  private async waitTurn(attempt: number, readNow: boolean): Promise<boolean> {
    const delays = this.deps.delaysMs ?? FOLLOW_DELAYS_MS;
    const waitMs = readNow && attempt === 0 ? 0 : delays[Math.min(attempt, delays.length - 1)];
    await this.deps.wait(waitMs, AbortSignal.any([this.lifetime.signal, this.nudge.signal]));
    return !this.lifetime.signal.aborted;
  }

  /**
   * Reads the revoke's result until it is final (then recorded and told), or a day after it was sent. The outcome
   * recorded when the licenses are to be read again after the token's next sync; otherwise undefined.
   */
  private async followResult(context: TenantContext, entry: JournalEntry, readNow: boolean): Promise<OutcomeRecord | undefined> {
    const { operation, target, details, evidence } = entry.intent;
    const sentAt = Date.parse(entry.intent.at);
    const reading = readingOf(context, operation, target, details);
    let last: ActionResult | undefined;
    for (let attempt = 0; await this.waitTurn(attempt, readNow); attempt++) {
      if (this.deps.now() - sentAt >= FOLLOW_FOR_MS) {
        await this.giveUp(context, entry, last);
        return undefined;
      }
      let result: ActionResult | undefined;
      try {
        const received = await this.paced(1, () => reading(evidence, sentAt, this.lifetime.signal));
        result = received?.value as ActionResult | undefined;
      } catch (error) {
        if (error instanceof VppError && error.kind === 'cancelled') {
          return undefined;
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
    return undefined;
  }

  /**
   * Records Intune's final result on the write, redraws its token, and tells the admin once (a retire's revoke
   * that left no license used offers the delete). The outcome recorded when the licenses are to be read again after
   * the token's next sync (a token or app revoke that Intune did); otherwise undefined.
   */
  private async finish(context: TenantContext, entry: JournalEntry, result: ActionResult): Promise<OutcomeRecord | undefined> {
    const summary = describeActionResult(result);
    const { operation, target, details } = entry.intent;
    const syncAfter = syncAfterOf(operation, target, result, this.deps.now());
    const recorded = await context.journal.outcome(entry.intent.write, {
      outcome: 'accepted',
      ...(entry.outcome?.reason ? { reason: entry.outcome.reason } : {}),
      result: summary,
      pending: false,
      ...(syncAfter ? { syncAfter } : {}),
    });
    if (target.tokenId) {
      void context.store.tokenWritten(target.tokenId);
    }
    const what = operationLabel(operation);
    const label = targetLabel(entry);
    const clean = result.actionState === 'done' && (result.failedLicensesCount ?? 0) === 0;
    const token = clean && details.retiring === true && target.tokenId ? await this.deletable(context, target.tokenId) : undefined;
    if (token) {
      await this.tell(
        'inform',
        l10n.t('Intune finished: {0} "{1}": {2}. No license of the token is used now: you can delete it.', what, label, summary),
        { label: l10n.t('Delete Token…'), run: () => this.deps.offer.deleteToken(entry.intent.tenant.key, token) },
      );
    } else if (clean) {
      await this.tell('inform', l10n.t('Intune finished: {0} "{1}": {2}', what, label, summary));
    } else {
      await this.tell('warning', l10n.t('Intune finished with failures: {0} "{1}": {2}', what, label, summary));
    }
    return syncAfter ? recorded : undefined;
  }

  /** The token, when its apps use no license now; undefined when they do or could not be read (never offer a delete blind). */
  private async deletable(context: TenantContext, tokenId: string): Promise<VppTokenRecord | undefined> {
    try {
      return await this.paced(2, async () => {
        const apps = await appsOfTokens(context, [tokenId], this.lifetime.signal);
        return licenseTotals(apps).used === 0 ? await context.service().getToken(tokenId, this.lifetime.signal) : undefined;
      });
    } catch (error) {
      this.deps.log.warn(`The licenses of token ${plainText(tokenId, 200)} could not be read: ${describeForLog(error)}`);
      return undefined;
    }
  }

  /**
   * After a token or app revoke Intune did: reads the token until a sync later than `syncAfter`, then its used
   * licenses. History records what the read found; licenses that came back are told with the app and the assignment
   * that brought them back, and Revoke Licenses…, whose confirmation offers to change those assignments first.
   * A day after the result without a sync, History says so.
   */
  private async followSync(
    context: TenantContext,
    entry: JournalEntry,
    { readNow, from }: { readonly readNow: boolean; readonly from: number },
  ): Promise<void> {
    const syncAfter = entry.outcome?.syncAfter ?? '';
    const scope: RevokedScope = { tokenId: entry.intent.target.tokenId ?? '', appId: entry.intent.target.appId };
    for (let attempt = 0; await this.waitTurn(attempt, readNow); attempt++) {
      if (this.deps.now() - from >= FOLLOW_FOR_MS) {
        return this.recordAfterSync(context, entry, l10n.t('The token did not sync within a day after the revoke was done.'));
      }
      let found: AfterSync;
      try {
        found = await readAfterSync(context, scope, syncAfter, this.lifetime.signal, {
          run: (requests, read) => this.paced(requests, read),
          listApps: (signal) => this.appsAfterSync(context, entry.intent.tenant.key, signal),
        });
      } catch (error) {
        if (error instanceof VppError && error.kind === 'cancelled') {
          return;
        }
        this.deps.log.warn(`Reading the licenses after the revoke ${entry.intent.write} failed: ${describeForLog(error)}`);
        continue;
      }
      if (found.kind === 'notSynced') {
        continue;
      }
      if (found.kind === 'gone') {
        return this.recordAfterSync(context, entry, l10n.t('The token is no longer in Intune.'));
      }
      const words = afterSyncWords(found);
      await this.recordAfterSync(context, entry, words);
      if (found.back.length > 0) {
        await this.tellCameBack(context, entry, found.token, words);
      }
      return;
    }
  }

  /**
   * The tenant's VPP apps from a listing that starts after every revoke that asked for it saw its token's sync: the
   * first to ask waits a back-off step, and every revoke that asks meanwhile shares that listing. Three hundred
   * tokens synced at once cost a listing or two, not three hundred.
   */
  private appsAfterSync(context: TenantContext, tenantKey: string, signal: AbortSignal): Promise<readonly VppAppRecord[]> {
    const waiting = this.nextListings.get(tenantKey);
    if (waiting) {
      return waiting;
    }
    const listing = (async () => {
      await this.deps.wait((this.deps.delaysMs ?? FOLLOW_DELAYS_MS)[0], this.lifetime.signal);
      // Started from here: a revoke that sees its sync from now on waits for the next listing.
      this.nextListings.delete(tenantKey);
      return this.paced(1, () => context.service().listVppApps(signal));
    })();
    this.nextListings.set(tenantKey, listing);
    return listing;
  }

  /** Runs one step of reads: a few steps at a time, within the follow-through's share of Graph's read limit. */
  private paced<T>(requests: number, read: () => Promise<T>): Promise<T> {
    return this.limit.run(async () => {
      await this.budget.take(requests, this.lifetime.signal);
      return read();
    });
  }

  /** Records on the write what the read after the sync found (or why there was none), ending its follow-through. */
  private async recordAfterSync(context: TenantContext, entry: JournalEntry, afterSync: string): Promise<void> {
    const outcome = entry.outcome;
    await context.journal.outcome(entry.intent.write, {
      outcome: 'accepted',
      ...(outcome?.reason ? { reason: outcome.reason } : {}),
      ...(outcome?.result ? { result: outcome.result } : {}),
      pending: false,
      afterSync,
    });
  }

  /** Licenses came back: the token is redrawn, and one warning names the apps and assignments, with the way out. */
  private async tellCameBack(context: TenantContext, entry: JournalEntry, token: VppTokenRecord, words: string): Promise<void> {
    void context.store.tokenWritten(token.id);
    await this.tell(
      'warning',
      l10n.t(
        '{0} "{1}": {2} Set those assignments to Uninstall or remove them, then revoke again.',
        operationLabel(entry.intent.operation),
        targetLabel(entry),
        words,
      ),
      { label: l10n.t('Revoke Licenses…'), run: () => this.deps.offer.revokeLicenses(entry.intent.tenant.key, token) },
    );
  }

  /** One notification with Show History (and the offer first, when there is one); runs what the admin chose. */
  private async tell(
    kind: 'inform' | 'warning',
    message: string,
    offer?: { readonly label: string; readonly run: () => Promise<unknown> },
  ): Promise<void> {
    const showHistory = l10n.t('Show History');
    const choice = await this.deps.ui[kind](message, offer ? [offer.label, showHistory] : [showHistory]);
    if (choice === showHistory) {
      await this.deps.showHistory();
    } else if (offer && choice === offer.label) {
      await offer.run();
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
    await this.tell(
      'warning',
      l10n.t(
        '{0} "{1}": {2}. Expand its token or app later to see its outcome.',
        operationLabel(entry.intent.operation),
        targetLabel(entry),
        reason,
      ),
    );
  }
}
