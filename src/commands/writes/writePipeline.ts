import * as l10n from '@vscode/l10n';
import { describeForLog, VppError } from '../../errors';
import { delay } from '../../graph/delay';
import { GraphWrite, withoutSecrets } from '../../graph/exactRequest';
import { WriteReceipt } from '../../graph/vppRecords';
import { AttemptResult, JournalDetails, JournalEvidence, JournalTarget, WriteOperation } from '../../journal/journalRecords';
import { logSafeId } from '../../text';
import { ProgressReporter } from '../../ui/userInput';
import { TenantContext, watchSignal } from '../context';
import { askAboutUnconfirmed } from './unconfirmed';
import { resultComesLater } from './writeKinds';

/** What shows that Intune received a write: a note for the report, the journal and the log, and what was found. */
export interface Received<T> {
  readonly note: string;
  readonly value: T;
}

/** One write of one kind: only what differs between kinds (see writeKinds.ts). The pipeline does the rest. */
export interface WriteSpec<T> {
  readonly operation: WriteOperation;
  readonly target: JournalTarget;
  /** The options or changed fields: plain values, never a secret. */
  readonly details: JournalDetails;
  /** The request as Graph receives it; the journal keeps it without the token file's content. */
  readonly request: GraphWrite;
  /** What the log calls it (never a secret). */
  readonly logName: string;
  /** Reads what the tenant shows before the send: what a later reading compares with. */
  before(signal: AbortSignal): Promise<JournalEvidence>;
  send(signal: AbortSignal): Promise<{ readonly receipt?: WriteReceipt; readonly value: T }>;
  /** Reads the tenant: what shows that Intune received the write sent at `sentAt`, or undefined while nothing does. */
  received(evidence: JournalEvidence, sentAt: number, signal: AbortSignal): Promise<Received<T> | undefined>;
}

/** A write that was accepted: by its answer, or (note) by a reading of the tenant after its answer was lost. */
export interface Accepted<T> {
  readonly write: string;
  readonly value: T;
  readonly note?: string;
  /** What the tenant showed before the send, and when it was sent: what a watch of the result compares with. */
  readonly evidence: JournalEvidence;
  readonly sentAt: number;
}

/** A write whose answer did not say whether Intune carried it out. */
export interface Unconfirmed {
  readonly write: string;
  readonly reason: string;
  readonly evidence: JournalEvidence;
  readonly sentAt: number;
}

export type Sent<T> = ({ readonly kind: 'accepted' } & Accepted<T>) | ({ readonly kind: 'unconfirmed' } & Unconfirmed);

function attemptResult(error: unknown): AttemptResult {
  const kind = error instanceof VppError ? error.kind : undefined;
  return kind === 'cancelled' ? 'cancelled' : kind === 'unconfirmed' ? 'unconfirmed' : 'failed';
}

function ids(details: { status?: number; requestId?: string; clientRequestId?: string } | undefined) {
  return {
    ...(details?.status !== undefined ? { status: details.status } : {}),
    ...(details?.requestId ? { requestId: logSafeId(details.requestId) } : {}),
    ...(details?.clientRequestId ? { clientRequestId: logSafeId(details.clientRequestId) } : {}),
  };
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Sends a write once: reads what the tenant shows, records the intent, sends, classifies the answer and records
 * it. A refusal or failure is recorded and thrown; an answer that was lost is returned as unconfirmed, for the
 * caller to reconcile by reading. `run` ties the write to a bulk run.
 */
export async function sendOnce<T>(context: TenantContext, spec: WriteSpec<T>, signal: AbortSignal, run?: string): Promise<Sent<T>> {
  const evidence = await spec.before(signal);
  const sentAt = context.now();
  const write = await context.journal.intent(
    { operation: spec.operation, target: spec.target, details: spec.details, request: withoutSecrets(spec.request), evidence },
    run,
  );
  const attempt = `${spec.logName} at ${new Date(sentAt).toISOString()}`;
  try {
    const { receipt, value } = await spec.send(signal);
    context.log.info(
      `${attempt}: ${receipt?.status ?? 'accepted'} (request-id ${receipt?.requestId ?? '-'}, client-request-id ${receipt?.clientRequestId ?? '-'})`,
    );
    await context.journal.attempt(write, { result: 'accepted', ...ids(receipt) });
    // A bulk run does not watch results: a revoke it sent is left pending, for the follow-through to read.
    await context.journal.outcome(write, { outcome: 'accepted', ...(run && resultComesLater(spec.operation) ? { pending: true } : {}) });
    return { kind: 'accepted', write, value, evidence, sentAt };
  } catch (error) {
    const result = attemptResult(error);
    const reason = reasonOf(error);
    await context.journal.attempt(write, { result, ...ids(error instanceof VppError ? error.details : undefined), reason });
    if (result === 'unconfirmed') {
      context.log.warn(`${attempt}: unconfirmed: ${describeForLog(error)}`);
      return { kind: 'unconfirmed', write, reason, evidence, sentAt };
    }
    if (result === 'cancelled') {
      context.log.info(`${attempt}: not sent, cancelled`);
    } else {
      context.log.error(`${attempt}: failed: ${describeForLog(error)}`);
    }
    await context.journal.outcome(write, { outcome: result, reason });
    throw error;
  }
}

/**
 * Reads the tenant with the outcome polling's back-off until each write shows, the reads run out, or `signal`
 * aborts. Returns what each write found as, by index; a write that never shows is left out (unconfirmed, never
 * assumed), and a reading that fails counts as not showing. Records the writes found; with `unwatched` (a bulk run,
 * an earlier session's check: no watch of the result follows), one whose result Intune reports later is recorded
 * pending, for the follow-through, as `sendOnce` records a bulk run's answered writes.
 */
export async function reconcile<T>(
  context: TenantContext,
  writes: readonly { readonly spec: WriteSpec<T>; readonly sent: Unconfirmed }[],
  signal: AbortSignal,
  { unwatched = false }: { readonly unwatched?: boolean } = {},
): Promise<Map<number, Received<T>>> {
  const found = new Map<number, Received<T>>();
  for (const wait of context.outcomePolling.delaysMs) {
    const pending = writes.map((write, index) => ({ ...write, index })).filter(({ index }) => !found.has(index));
    if (pending.length === 0 || !(await delay(wait, signal))) {
      break;
    }
    await Promise.all(
      pending.map(async ({ spec, sent, index }) => {
        try {
          const received = await spec.received(sent.evidence, sent.sentAt, signal);
          if (received) {
            found.set(index, received);
            context.log.info(`${spec.logName}: reconciled, Intune received it (${received.note})`);
            await context.journal.outcome(sent.write, {
              outcome: 'accepted',
              reason: received.note,
              ...(unwatched && resultComesLater(spec.operation) ? { pending: true } : {}),
            });
          }
        } catch (error) {
          if (!(error instanceof VppError && error.kind === 'cancelled')) {
            context.log.warn(`${spec.logName}: could not read the tenant to reconcile it: ${describeForLog(error)}`);
          }
        }
      }),
    );
  }
  return found;
}

/**
 * Sends a write once and, when its answer was lost, reads the tenant until it shows: accepted, or unconfirmed (and
 * so recorded) when it never does. For a write whose caller offers no Check Again (the sync after a change, Retire's
 * revoke). `cancel` stops the send before it leaves; `watch` stops the reading. `onLost` is told before the reading.
 */
export async function sendAndSettle<T>(
  context: TenantContext,
  spec: WriteSpec<T>,
  cancel: AbortSignal,
  watch: AbortSignal,
  onLost?: () => void,
): Promise<Sent<T>> {
  const sent = await sendOnce(context, spec, cancel);
  if (sent.kind === 'accepted') {
    return sent;
  }
  onLost?.();
  const received = (await reconcile(context, [{ spec, sent }], watch)).get(0);
  if (received) {
    return { ...sent, kind: 'accepted', value: received.value, note: received.note };
  }
  await context.journal.outcome(sent.write, { outcome: 'unconfirmed', reason: sent.reason });
  return sent;
}

/** The progress line while the tenant is read after the answer to a change of a token was lost. */
export const TENANT_LOST_ANSWER = () => l10n.t("Intune's answer was lost; reading the tenant to see whether the change reached it");

/** What the admin reads while a single write runs, and when its answer was lost. */
export interface WriteWords {
  /** The progress title while it is sent. */
  readonly title: string;
  /** The progress title of Check Again (default: the title). */
  readonly checkTitle?: string;
  /** The progress line while the tenant is read after a lost answer. */
  readonly lostAnswer: string;
  /** The error when the tenant does not show the write. */
  readonly unconfirmed: (reason: string) => string;
  /** The second confirmation that Send Again needs. */
  readonly sendAgain: { readonly message: string; readonly detail: string };
}

/** What follows an accepted write under the same progress (a revoke's outcome watch), and how its result is recorded. */
export interface AfterAccepted<T, R> {
  readonly progress: string;
  readonly watch: (accepted: Accepted<T>, signal: AbortSignal, progress: ProgressReporter) => Promise<R>;
  /** Intune's result as the journal keeps it, when there is one. */
  readonly describe: (result: R) => string | undefined;
  /** Whether Intune's result is not final yet when the watch ends: the journal says so, for the follow-through. */
  readonly pending?: (result: R) => boolean;
  /** When the token's next sync may undo the write (see syncAfterOf): the journal says from when, for the follow-through. */
  readonly syncAfter?: (result: R) => string | undefined;
}

export type WriteDone<T, R> = { readonly value: T; readonly result?: R };

/** One attempt under the progress: a send (none for Check Again), a reading after a lost answer, then what follows. */
async function attemptWrite<T, R>(
  context: TenantContext,
  spec: WriteSpec<T>,
  words: WriteWords,
  pending: Unconfirmed | undefined,
  after: AfterAccepted<T, R> | undefined,
  progress: ProgressReporter,
): Promise<WriteDone<T, R> | Unconfirmed> {
  const signal = watchSignal(context, progress.signal);
  let unconfirmed = pending;
  let accepted: Accepted<T> | undefined;
  if (!unconfirmed) {
    const sent = await sendOnce(context, spec, progress.signal);
    if (sent.kind === 'accepted') {
      accepted = sent;
    } else {
      unconfirmed = sent;
      progress.report(words.lostAnswer);
    }
  }
  if (unconfirmed) {
    const received = (await reconcile(context, [{ spec, sent: unconfirmed }], signal)).get(0);
    if (!received) {
      return unconfirmed;
    }
    accepted = { ...unconfirmed, value: received.value, note: received.note };
  }
  const done = accepted as Accepted<T>;
  return after ? followAccepted(context, done, after, signal, progress) : { value: done.value };
}

/** What follows an accepted write under the same progress; Intune's result, once there is one, goes into the journal. */
async function followAccepted<T, R>(
  context: TenantContext,
  done: Accepted<T>,
  after: AfterAccepted<T, R>,
  signal: AbortSignal,
  progress: ProgressReporter,
): Promise<WriteDone<T, R>> {
  progress.report(after.progress);
  const result = await after.watch(done, signal, progress);
  const described = after.describe(result);
  const pending = after.pending?.(result) === true;
  const syncAfter = after.syncAfter?.(result);
  if (described || pending) {
    await context.journal.outcome(done.write, {
      outcome: 'accepted',
      ...(done.note ? { reason: done.note } : {}),
      ...(described ? { result: described } : {}),
      ...(pending ? { pending } : {}),
      ...(syncAfter ? { syncAfter } : {}),
    });
  }
  return { value: done.value, result };
}

/**
 * Runs one write through the pipeline under a cancellable progress: intent, one send, the answer, a reading of the
 * tenant when the answer was lost, the outcome. When the tenant never shows the write, the admin chooses Check
 * Again or Send Again (after a second confirmation): nothing is resent on its own. Undefined when the admin left
 * it unconfirmed; a refusal is thrown.
 */
export async function runWrite<T, R = undefined>(
  context: TenantContext,
  spec: WriteSpec<T>,
  words: WriteWords,
  after?: AfterAccepted<T, R>,
): Promise<WriteDone<T, R> | undefined> {
  let lost: Unconfirmed | undefined;
  for (;;) {
    const pending = lost;
    const attempt = await context.ui.withProgress(
      pending ? (words.checkTitle ?? words.title) : words.title,
      (progress) => attemptWrite(context, spec, words, pending, after, progress),
      true,
    );
    if (!('write' in attempt)) {
      return attempt;
    }
    const choice = await askAboutUnconfirmed(context, words.unconfirmed(attempt.reason), words.sendAgain);
    if (choice === 'checkAgain') {
      lost = attempt;
      continue;
    }
    if (choice === 'sendAgain') {
      await context.journal.outcome(attempt.write, { outcome: 'unconfirmed', reason: l10n.t('not confirmed; the admin sent it again') });
      lost = undefined;
      continue;
    }
    context.log.warn(`${spec.logName}: left unconfirmed by the user`);
    await context.journal.outcome(attempt.write, { outcome: 'unconfirmed', reason: attempt.reason });
    return undefined;
  }
}
