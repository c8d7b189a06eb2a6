import { VppTokenRecord } from '../../graph/vppRecords';
import { waitsForRevoke, WriteInFlight } from '../../store/writesInFlight';
import { sortTokens, tokenLabel } from '../../tree/tokenPresentation';
import { InputStep, runSteps } from '../../ui/multiStepInput';
import { StepAnswer, StepPosition } from '../../ui/userInput';
import { rethrowGone } from '../confirmations';
import { TenantContext } from '../context';
import { pickTokenStep } from '../pickToken';
import { BulkAction, claimInStore, revokeBusy, runBulkUntilDone, uniqueById } from './bulkRun';
import { TokenRead } from './writeKinds';
import { AfterAccepted, runWrite, WriteSpec, WriteWords } from './writePipeline';

/** A confirmation's words: the question, the facts under it, and the confirming button. */
export interface Confirmation {
  readonly message: string;
  readonly detail: string;
  readonly button: string;
  /** Another way on, beside `button`: writes to make first (assignments to change before a revoke). */
  readonly first?: WritesFirstStep;
}

/**
 * Writes the admin can choose to make before an operation's own: its button in the confirmation, then a step of its
 * own (with Back to the confirmation) that says which, as a run of them.
 */
export interface WritesFirstStep {
  readonly button: string;
  ask(position: StepPosition): Promise<StepAnswer<WritesFirst>>;
}

/** Runs the writes chosen to go first, each through the write pipeline; false when one did not go through. */
export type WritesFirst = () => Promise<boolean>;

/**
 * One kind of write on tokens (a revoke, a sync), as it runs on one token or a selection: only what differs between
 * kinds. `O` is what the admin chooses (the options), `T` what Intune's answer or the watch after it comes to.
 */
export interface TokenOperation<O, T> {
  /** What a token's row says while it runs; a revoke waits while another revoke of the same token runs. */
  readonly inFlight: WriteInFlight;
  /** The title of the token pick, from the palette. */
  readonly pickTitle: string;
  /** The options when the kind asks for none. */
  readonly defaults: O;
  /** The options' step (with Back from step 2), showing what was chosen before the admin came back. */
  readonly askOptions?: (tokens: readonly VppTokenRecord[], position: StepPosition, earlier: O | undefined) => Promise<StepAnswer<O>>;
  /** The confirmation, when the kind asks for one: what it touches is read for it. `skipped`: tokens left out as busy. */
  readonly confirmation?: (tokens: readonly VppTokenRecord[], options: O, skipped: number) => Promise<Confirmation>;
  /** The write of one token: its request, built once, is what the journal keeps and what is sent. */
  readonly write: (token: VppTokenRecord, options: O, read: TokenRead) => WriteSpec<T>;
  /** What one token's write says under progress, and when its answer was lost. */
  readonly words: (token: VppTokenRecord, options: O) => WriteWords;
  /** What follows one token's accepted write under the same progress (a revoke's result watch). */
  readonly follow?: (spec: WriteSpec<T>) => AfterAccepted<T, T>;
  /** The one message about one token's accepted write, once its row shows it. */
  readonly report: (token: VppTokenRecord, result: T | undefined) => Promise<void>;
  /** A selection's run: its progress title, report and Run Again. */
  readonly bulk: (options: O) => BulkAction;
}

/** How an operation on one token ended, for whoever started it (a command tells the admin; a chat tool tells the model). */
export type OperationOutcome<T> =
  | { readonly kind: 'alreadyRunning' }
  | { readonly kind: 'declined' }
  | { readonly kind: 'leftUnconfirmed' }
  | { readonly kind: 'accepted'; readonly result?: T };

/** What the steps came to: the tokens and options to send, or how the asking ended. */
type Asked<O> =
  | { readonly kind: 'asked'; readonly tokens: readonly VppTokenRecord[]; readonly options: O; readonly writesFirst?: WritesFirst }
  | { readonly kind: 'alreadyRunning' | 'declined' };

/** What the steps fill in: the token (picked when none was given) and the options. */
interface Draft<O> {
  readonly tokens: readonly VppTokenRecord[];
  readonly options: O;
  /** The confirmation's other way on, when the admin chose it; its step says which writes go first. */
  readonly first: WritesFirstStep | undefined;
  readonly writesFirst: WritesFirst | undefined;
}

/**
 * Runs a kind of write on the selected tokens (or one the admin picks from the palette): asks its steps, with Back
 * across all of them (the confirmation included), then sends through the write pipeline. One token runs with
 * Check Again and Send Again when its answer is lost and its outcome followed; several run as one bulk run, within
 * Intune's write limit, with a report and Run Again. Either way each token is marked in the store while it runs, and
 * the store is told once when it ends.
 */
export async function runTokenOperation<O, T>(
  context: TenantContext,
  operation: TokenOperation<O, T>,
  selection: readonly VppTokenRecord[],
): Promise<void> {
  const asked = await askOperation(context, operation, selection);
  if (asked.kind !== 'asked' || (asked.writesFirst && !(await asked.writesFirst()))) {
    return;
  }
  if (asked.tokens.length === 1) {
    await runOne(context, operation, asked.tokens[0], asked.options);
    return;
  }
  await runBulkOperation(context, operation, asked.tokens, asked.options);
}

/**
 * Runs a kind of write on several tokens as one bulk run, its tokens marked in the store as it sends them: after the
 * steps, and for Run Again after a restart (whose confirmation is its own).
 */
export function runBulkOperation<O, T>(
  context: TenantContext,
  operation: TokenOperation<O, T>,
  tokens: readonly VppTokenRecord[],
  options: O,
): Promise<void> {
  return runBulkUntilDone(context, tokens, operation.bulk(options), claimInStore(context, operation.inFlight));
}

/** Runs a kind of write on one token with the options given (chat gives them): its confirmation, then the send. */
export async function runOnToken<O, T>(
  context: TenantContext,
  operation: TokenOperation<O, T>,
  token: VppTokenRecord,
  options: O,
): Promise<OperationOutcome<T>> {
  const asked = await askOperation(context, operation, [token], options);
  if (asked.kind !== 'asked') {
    return asked;
  }
  if (asked.writesFirst && !(await asked.writesFirst())) {
    return { kind: 'declined' };
  }
  return runOne(context, operation, token, options);
}

/** The steps of an operation for the given tokens (none: the admin picks one), unless a token is busy or the admin stops. */
async function askOperation<O, T>(
  context: TenantContext,
  operation: TokenOperation<O, T>,
  selection: readonly VppTokenRecord[],
  given?: O,
): Promise<Asked<O>> {
  // In the tree's order, whatever the order of the clicks.
  const tokens = sortTokens(uniqueById(selection), 'en');
  const busy = (token: VppTokenRecord) => waitsForRevoke(operation.inFlight) && context.store.revoking(token.id);
  const free = tokens.filter((token) => !busy(token));
  if (tokens.length > 0 && free.length === 0) {
    await context.ui.info(revokeBusy(tokens));
    return { kind: 'alreadyRunning' };
  }
  const start = { given: free, skipped: tokens.length - free.length, options: given };
  const draft = await runSteps(
    askingSteps(context, operation, start, async (token) => {
      if (busy(token)) {
        await context.ui.info(revokeBusy([token]));
        return false;
      }
      return true;
    }),
  );
  if (!draft) {
    return { kind: 'declined' };
  }
  return {
    kind: 'asked',
    tokens: draft.tokens ?? free,
    options: draft.options ?? given ?? operation.defaults,
    writesFirst: draft.first && draft.writesFirst,
  };
}

/**
 * The steps of an operation: the token (from the palette; `free` says whether it may run now, after telling the
 * admin when not), the options unless given, and the confirmation, each with Back to the one before.
 */
function askingSteps<O, T>(
  context: TenantContext,
  operation: TokenOperation<O, T>,
  start: { readonly given: readonly VppTokenRecord[]; readonly skipped: number; readonly options?: O },
  free: (token: VppTokenRecord) => Promise<boolean>,
): InputStep<Draft<O>>[] {
  const { askOptions, confirmation } = operation;
  const tokensOf = (draft: Partial<Draft<O>>) => draft.tokens ?? start.given;
  return [
    {
      applies: () => start.given.length === 0,
      ask: async (position, draft) => {
        const answer = await pickTokenStep(context, operation.pickTitle, position, draft.tokens?.[0]);
        if (answer === 'back' || answer === undefined) {
          return answer;
        }
        return (await free(answer.value)) ? { value: { tokens: [answer.value] } } : undefined;
      },
    },
    {
      applies: () => start.options === undefined && askOptions !== undefined,
      ask: async (position, draft) => {
        const answer = await askOptions?.(tokensOf(draft), position, draft.options);
        return answer === 'back' || answer === undefined ? answer : { value: { options: answer.value } };
      },
    },
    {
      applies: () => confirmation !== undefined,
      ask: async (position, draft) => {
        const asked = await confirmation?.(tokensOf(draft), draft.options ?? start.options ?? operation.defaults, start.skipped);
        if (!asked) {
          return undefined;
        }
        const buttons = asked.first ? [asked.button, asked.first.button] : [asked.button];
        const answer = await context.ui.stepChoose(asked.message, asked.detail, buttons, position.step > 1);
        if (answer === 'back' || answer === undefined) {
          return answer;
        }
        return { value: { first: answer.value === asked.first?.button ? asked.first : undefined } };
      },
    },
    {
      applies: (draft) => draft.first !== undefined,
      ask: async (position, draft) => {
        const answer = await draft.first?.ask(position);
        return answer === 'back' || answer === undefined ? answer : { value: { writesFirst: answer.value } };
      },
    },
  ];
}

/**
 * One token's write: marked in the store while it runs (refused when another revoke of it started meanwhile), sent
 * once through the pipeline with its outcome followed, then read back once into the store before the admin is told.
 */
async function runOne<O, T>(
  context: TenantContext,
  operation: TokenOperation<O, T>,
  token: VppTokenRecord,
  options: O,
): Promise<OperationOutcome<T>> {
  const claim = context.store.begin([token.id], operation.inFlight);
  if (claim.taken.length === 0) {
    // Only a revoke is refused: another revoke of the token started while the dialogs were open.
    await context.ui.info(revokeBusy([token]));
    return { kind: 'alreadyRunning' };
  }
  let done: Awaited<ReturnType<typeof runWrite<T, T>>>;
  try {
    const spec = operation.write(token, options, (signal) => context.service().getToken(token.id, signal));
    done = await runWrite(context, spec, operation.words(token, options), operation.follow?.(spec));
  } catch (error) {
    rethrowGone(context, tokenLabel(token), error);
  } finally {
    claim.release();
  }
  if (!done) {
    return { kind: 'leftUnconfirmed' };
  }
  // Read back first: when the admin reads the outcome, the token's row and recent actions already show it.
  await context.store.tokenWritten(token.id);
  await operation.report(token, done.result);
  return { kind: 'accepted', result: done.result };
}
