import { setMaxListeners } from 'node:events';
import * as l10n from '@vscode/l10n';
import { VppError } from '../../errors';
import { BatchedTokenReads } from '../../graph/batchedTokenReads';
import { VppTokenRecord } from '../../graph/vppRecords';
import { plainText } from '../../text';
import { tokenLabel } from '../../tree/tokenPresentation';
import { JournalDetails, WriteOperation } from '../../journal/journalRecords';
import { ProgressReporter } from '../../ui/userInput';
import { WriteInFlight } from '../../store/writesInFlight';
import { TenantContext, watchSignal } from '../context';
import { TokenRead } from './writeKinds';
import { reconcile, sendOnce, Unconfirmed, WriteSpec } from './writePipeline';

export interface BulkOutcome {
  /** Accepted by Intune; the note says how it was confirmed when its answer had been lost. */
  readonly succeeded: { readonly token: VppTokenRecord; readonly note?: string }[];
  /** Refused or failed before Intune could act: nothing was carried out. */
  readonly failed: { readonly token: VppTokenRecord; readonly error: unknown }[];
  /** Sent, but the answer was lost: Intune may or may not have carried it out. */
  readonly unconfirmed: { readonly token: VppTokenRecord; readonly error: unknown }[];
  /** Not sent: no request for it left this machine (the user cancelled first). */
  readonly notSent: VppTokenRecord[];
}

export interface BulkHeadings {
  readonly succeeded: string;
  readonly failed: string;
  readonly unconfirmed: string;
  readonly notSent: string;
}

export interface BulkCounts {
  readonly succeeded: number;
  readonly total: number;
  readonly failed: number;
  readonly unconfirmed: number;
  readonly notSent: number;
}

/**
 * Requests in flight at once: enough that a window's writes go out in a few round trips. The write throttle,
 * not this, keeps the pace within Intune's limit.
 */
export const BULK_CONCURRENCY = 50;

/**
 * Runs `action` for every token, `concurrency` at a time. Once `signal` aborts no new action starts; actions
 * already sent finish and are reported. Every token ends up in exactly one list, in the given order.
 */
export async function runForEach(
  tokens: readonly VppTokenRecord[],
  action: (token: VppTokenRecord, signal: AbortSignal) => Promise<unknown>,
  options: { readonly signal: AbortSignal; readonly concurrency?: number; readonly onSettled?: (done: number, total: number) => void },
): Promise<BulkOutcome> {
  type Result = { kind: 'ok' } | { kind: 'failed' | 'unconfirmed'; error: unknown } | { kind: 'notSent' };
  const outcomes: Result[] = tokens.map(() => ({ kind: 'notSent' }));
  let next = 0;
  let done = 0;
  // Every worker waiting for a throttle slot listens to the one signal.
  setMaxListeners(BULK_CONCURRENCY * 2, options.signal);
  const worker = async () => {
    while (next < tokens.length && !options.signal.aborted) {
      const index = next++;
      try {
        await action(tokens[index], options.signal);
        outcomes[index] = { kind: 'ok' };
      } catch (error) {
        const kind = error instanceof VppError ? error.kind : undefined;
        outcomes[index] = kind === 'cancelled' ? { kind: 'notSent' } : { kind: kind === 'unconfirmed' ? 'unconfirmed' : 'failed', error };
      }
      options.onSettled?.(++done, tokens.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? BULK_CONCURRENCY, tokens.length) }, worker));
  const outcome: BulkOutcome = { succeeded: [], failed: [], unconfirmed: [], notSent: [] };
  tokens.forEach((token, index) => {
    const result = outcomes[index];
    if (result.kind === 'ok') {
      outcome.succeeded.push({ token });
    } else if (result.kind === 'failed' || result.kind === 'unconfirmed') {
      outcome[result.kind].push({ token, error: result.error });
    } else {
      outcome.notSent.push(token);
    }
  });
  return outcome;
}

/** The per-token report of a bulk action, as plain text: nothing is left out. */
export function formatBulkReport(outcome: BulkOutcome, headings: BulkHeadings): string {
  const line = (token: VppTokenRecord, extra?: string) =>
    `- ${tokenLabel(token)} (${plainText(token.id, 200)})${extra ? `: ${extra}` : ''}`;
  const sections = [
    [`${headings.succeeded} (${outcome.succeeded.length})`, ...outcome.succeeded.map(({ token, note }) => line(token, note))],
    [
      `${headings.failed} (${outcome.failed.length})`,
      ...outcome.failed.map(({ token, error }) => line(token, error instanceof Error ? error.message : String(error))),
    ],
    [
      `${headings.unconfirmed} (${outcome.unconfirmed.length})`,
      ...outcome.unconfirmed.map(({ token, error }) => line(token, error instanceof Error ? error.message : String(error))),
    ],
    [`${headings.notSent} (${outcome.notSent.length})`, ...outcome.notSent.map((token) => line(token))],
  ];
  return sections.map((section) => section.join('\n')).join('\n\n');
}

/** The tokens with each id once: one id is one token in Graph, and must get one write. */
export function uniqueById(tokens: readonly VppTokenRecord[]): VppTokenRecord[] {
  const seen = new Set<string>();
  return tokens.filter((token) => !seen.has(token.id) && seen.add(token.id));
}

/** Names for a confirmation: the first ten, then how many more. */
export function listNames(tokens: readonly VppTokenRecord[], shown = 10): string {
  const names = tokens.slice(0, shown).map((token) => `• ${tokenLabel(token).slice(0, 60)}`);
  if (tokens.length > shown) {
    names.push(l10n.t('…and {0} more', tokens.length - shown));
  }
  return names.join('\n');
}

export interface BulkAction {
  readonly operation: WriteOperation;
  /** The run's options, for the journal. */
  readonly details: JournalDetails;
  /** Progress title for a run of `count` tokens, e.g. "Revoking licenses of 30 VPP tokens". */
  readonly title: (count: number) => string;
  /** The write of one token, sent through the pipeline; `read` reads the token before it, batched with the run's others. */
  readonly write: (token: VppTokenRecord, read: TokenRead) => WriteSpec<unknown>;
  readonly headings: BulkHeadings;
  /** The one-line outcome, from the counts. */
  readonly summary: (counts: BulkCounts) => string;
  /** Names the report in the log. */
  readonly logName: string;
  /** The confirmation of Run Again for the tokens that failed or stay unconfirmed. */
  readonly again: (tokens: readonly VppTokenRecord[]) => { readonly message: string; readonly detail: string; readonly button: string };
}

/** What a bulk run ended with: its one-line summary, and the tokens that failed or stay unconfirmed. */
export interface BulkResult {
  readonly summary: string;
  readonly again: VppTokenRecord[];
}

/**
 * Runs a bulk action under cancellable done/total progress, each token's write through the pipeline (recorded in
 * the journal as one run, with every token it is to act on), reads the tokens whose answer was lost to see whether
 * Intune received them, and opens the per-token report (kept in the log too). The caller releases the tokens, then
 * tells the outcome with `tellBulkOutcome`.
 */
export async function runBulkWithReport(context: TenantContext, tokens: readonly VppTokenRecord[], bulk: BulkAction): Promise<BulkResult> {
  const run = await context.journal.run({
    operation: bulk.operation,
    details: bulk.details,
    tokens: tokens.map((token) => ({ id: token.id, name: tokenLabel(token) })),
  });
  const reads = new BatchedTokenReads(
    () => context.service(),
    tokens.map((token) => token.id),
  );
  const lost = new Map<string, { spec: WriteSpec<unknown>; sent: Unconfirmed }>();
  let outcome: BulkOutcome;
  try {
    outcome = await context.ui.withProgress(
      bulk.title(tokens.length),
      async (progress) => {
        progress.report(l10n.t('{0}/{1}', 0, tokens.length));
        const sent = await runForEach(
          tokens,
          async (token, signal) => {
            const spec = bulk.write(token, (signal) => reads.read(token.id, signal));
            const attempt = await sendOnce(context, spec, signal, run);
            if (attempt.kind === 'unconfirmed') {
              lost.set(token.id, { spec, sent: attempt });
              throw new VppError('unconfirmed', attempt.reason);
            }
          },
          { signal: progress.signal, onSettled: (done, total) => progress.report(l10n.t('{0}/{1}', done, total)) },
        );
        return sent.unconfirmed.length === 0 ? sent : reconcileLost(context, sent, lost, progress);
      },
      true,
    );
  } finally {
    await context.journal.runEnd(run);
  }
  return reportBulk(context, bulk, tokens.length, outcome);
}

/** Sent writes whose answer was lost: the tenant is read once for all of them; those it does not show stay unconfirmed. */
async function reconcileLost(
  context: TenantContext,
  sent: BulkOutcome,
  lost: ReadonlyMap<string, { spec: WriteSpec<unknown>; sent: Unconfirmed }>,
  progress: ProgressReporter,
): Promise<BulkOutcome> {
  progress.report(l10n.t('reading {0} tokens whose answer was lost', sent.unconfirmed.length));
  const pending = sent.unconfirmed.map(({ token }) => lost.get(token.id) as { spec: WriteSpec<unknown>; sent: Unconfirmed });
  const found = await reconcile(context, pending, watchSignal(context, progress.signal), { unwatched: true });
  const received = new Map([...found].map(([index, { note }]) => [sent.unconfirmed[index].token.id, note]));
  const still = sent.unconfirmed.filter(({ token }) => !received.has(token.id));
  for (const { token } of still) {
    const { sent: attempt } = lost.get(token.id) as { sent: Unconfirmed };
    await context.journal.outcome(attempt.write, { outcome: 'unconfirmed', reason: attempt.reason });
  }
  return {
    ...sent,
    succeeded: [
      ...sent.succeeded,
      ...sent.unconfirmed.filter(({ token }) => received.has(token.id)).map(({ token }) => ({ token, note: received.get(token.id) })),
    ],
    unconfirmed: still,
  };
}

/** The per-token report, in an editor and the log, under a one-line summary; and the tokens worth running again. */
async function reportBulk(context: TenantContext, bulk: BulkAction, total: number, outcome: BulkOutcome): Promise<BulkResult> {
  const report = formatBulkReport(outcome, bulk.headings);
  context.log.info(`${bulk.logName} report:\n${report}`);
  const summary = bulk.summary({
    succeeded: outcome.succeeded.length,
    total,
    failed: outcome.failed.length,
    unconfirmed: outcome.unconfirmed.length,
    notSent: outcome.notSent.length,
  });
  await context.reports.showReport(summary, report);
  return { summary, again: [...outcome.failed, ...outcome.unconfirmed].map(({ token }) => token) };
}

/**
 * Tells a bulk run's outcome in one message. When some tokens failed or stay unconfirmed, it is an error that
 * offers to run again for those: returns them when the admin chose it (the caller confirms again before anything
 * is sent), else undefined.
 */
export async function tellBulkOutcome(context: TenantContext, { summary, again }: BulkResult): Promise<VppTokenRecord[] | undefined> {
  if (again.length === 0) {
    return void (await context.ui.info(summary));
  }
  const runAgain = again.length === 1 ? l10n.t('Run Again for 1 Token…') : l10n.t('Run Again for {0} Tokens…', again.length);
  return (await context.ui.error(summary, [runAgain])) === runAgain ? again : undefined;
}

/**
 * Marks the tokens of a batch as written in the store while the run sends them (a revoke's, so that no second revoke
 * of one starts): those that may run now and their release; undefined (after telling the admin) when none may.
 */
export type BulkClaim = (
  batch: readonly VppTokenRecord[],
) => Promise<{ readonly tokens: readonly VppTokenRecord[]; readonly release: () => void } | undefined>;

/** "A revoke of the licenses of … is already running": what the admin is told when a revoke waits for another. */
export function revokeBusy(tokens: readonly VppTokenRecord[]): string {
  return tokens.length === 1
    ? l10n.t('A revoke of the licenses of "{0}" is already running.', tokenLabel(tokens[0]))
    : l10n.t('A revoke is already running for each of the selected tokens.');
}

/**
 * Marks a batch's tokens in the store as running `kind`, and tells the admin when the store gave none (only a
 * revoke is refused: another revoke of each runs).
 */
export function claimInStore(context: TenantContext, kind: WriteInFlight): BulkClaim {
  return async (batch) => {
    const claim = context.store.begin(
      batch.map((token) => token.id),
      kind,
    );
    if (claim.taken.length === 0) {
      await context.ui.info(revokeBusy(batch));
      return undefined;
    }
    const taken = new Set(claim.taken);
    return { tokens: batch.filter((token) => taken.has(token.id)), release: claim.release };
  };
}

/**
 * Runs a bulk action, tells its outcome, and offers Run Again for the tokens that failed or stay unconfirmed, each
 * time after a new confirmation, until the admin stops or none is left.
 */
export async function runBulkUntilDone(
  context: TenantContext,
  tokens: readonly VppTokenRecord[],
  bulk: BulkAction,
  claim: BulkClaim,
): Promise<void> {
  for (let batch = tokens; ;) {
    const claimed = await claim(batch);
    if (!claimed) {
      return;
    }
    let result: BulkResult;
    try {
      result = await runBulkWithReport(context, claimed.tokens, bulk);
    } finally {
      claimed.release();
      context.store.relist();
    }
    // The tokens are free again while the message waits; Run Again needs a new confirmation.
    const again = await tellBulkOutcome(context, result);
    if (!again) {
      return;
    }
    const { message, detail, button } = bulk.again(again);
    if (!(await context.ui.confirm(message, detail, button))) {
      return;
    }
    batch = again;
  }
}
