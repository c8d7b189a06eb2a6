import * as l10n from '@vscode/l10n';
import {
  ActionResult,
  ActionSnapshot,
  describeActionResult,
  isFinal,
  newRevokeResult,
  pollRevokeOutcome,
  snapshotActions,
} from '../graph/actionResults';
import { describeForLog, VppError } from '../errors';
import { RevokeLicensesOptions, VppTokenRecord, WriteReceipt } from '../graph/vppTokenService';
import { readLicenseImpact } from './licenseImpact';
import { sortTokens, stateWords, tokenLabel } from '../tree/tokenPresentation';
import { plainText } from '../text';
import { BulkAction, BulkResult, listNames, pollUntilReceived, runBulkWithReport, tellBulkOutcome, uniqueById } from './bulkRun';
import { TenantContext, watchSignal } from './commandContext';
import { pickToken } from './pickToken';
import { askAboutUnconfirmed } from './unconfirmed';
import { rethrowGone, tenantLines, yesNo } from './tokenSettings';
import { PickItem, ProgressReporter } from '../ui/userInput';

type RevokeOption = keyof RevokeLicensesOptions;

export function revokeOptionItems(): PickItem<RevokeOption>[] {
  return [
    {
      label: l10n.t('Notify managed devices'),
      detail: l10n.t('Tell the devices that use these licenses that they were revoked.'),
      value: 'notifyManagedDevices',
    },
    {
      label: l10n.t('Revoke untracked licenses'),
      detail: l10n.t('Also revoke licenses Apple holds for this token that Intune does not track (not further documented by Microsoft).'),
      value: 'revokeUntrackedLicenses',
    },
  ];
}

/** Tokens with a revoke in flight: a second revoke of the same token is refused until the first ends. */
export class RevokesInFlight {
  private readonly ids = new Set<string>();
  has(id: string): boolean {
    return this.ids.has(id);
  }
  add(id: string): void {
    this.ids.add(id);
  }
  delete(id: string): void {
    this.ids.delete(id);
  }
}

export const CONSEQUENCES = () =>
  l10n.t(
    "This cannot be undone. Apps are not uninstalled from iOS/iPadOS devices (set the app assignment to Uninstall for that); macOS removes them after Apple's 30-day grace period.",
  );

export function optionLines(options: RevokeLicensesOptions): string[] {
  return [
    l10n.t('Notify managed devices: {0}', yesNo(options.notifyManagedDevices)),
    l10n.t('Revoke untracked licenses: {0}', yesNo(options.revokeUntrackedLicenses)),
  ];
}

/** What the revoke touches, in one line for its confirmation. */
async function impactLine(context: TenantContext, tokens: readonly VppTokenRecord[]): Promise<string> {
  return (await readLicenseImpact(context, tokens)).line;
}

function confirmation(
  context: TenantContext,
  token: VppTokenRecord,
  options: RevokeLicensesOptions,
  impact: string,
): { message: string; detail: string } {
  const facts = [
    ...tenantLines(context),
    l10n.t('Apple ID: {0}', plainText(token.appleId, 200) || '-'),
    l10n.t('Location: {0}', plainText(token.locationName, 200) || '-'),
    impact,
    ...optionLines(options),
  ];
  const warnings = [
    ...(token.state === 'valid'
      ? []
      : [l10n.t('Intune reports this token as {0}; the revoke may fail or be incomplete.', stateWords(token.state))]),
    CONSEQUENCES(),
  ];
  return {
    message: l10n.t('Revoke all app licenses of the VPP token "{0}"?', tokenLabel(token)),
    detail: [...facts, '', ...warnings].join('\n'),
  };
}

export async function chooseOptions(context: TenantContext, title: string): Promise<RevokeLicensesOptions | undefined> {
  const chosen = await context.ui.pickMany(revokeOptionItems(), {
    title,
    placeHolder: l10n.t('Choose options (none is fine), then press Enter'),
  });
  return (
    chosen && {
      notifyManagedDevices: chosen.includes('notifyManagedDevices'),
      revokeUntrackedLicenses: chosen.includes('revokeUntrackedLicenses'),
    }
  );
}

function describeAttempt(id: string, options: RevokeLicensesOptions, at: number): string {
  return `Revoke licenses of token ${plainText(id, 200)} (notifyManagedDevices=${options.notifyManagedDevices}, revokeUntrackedLicenses=${options.revokeUntrackedLicenses}) at ${new Date(at).toISOString()}`;
}

/** Posts one revoke, logging the attempt and its outcome with the request ids. */
export async function revokeOne(
  context: TenantContext,
  token: VppTokenRecord,
  options: RevokeLicensesOptions,
  signal?: AbortSignal,
): Promise<WriteReceipt> {
  const attempt = describeAttempt(token.id, options, context.now());
  try {
    const receipt = await context.service().revokeLicenses(token.id, options, signal);
    context.log.info(
      `${attempt}: ${receipt.status} (request-id ${receipt.requestId ?? '-'}, client-request-id ${receipt.clientRequestId ?? '-'})`,
    );
    return receipt;
  } catch (error) {
    if (error instanceof VppError && error.kind === 'cancelled') {
      context.log.info(`${attempt}: not sent, cancelled`);
    } else {
      context.log.error(`${attempt}: failed: ${describeForLog(error)}`);
    }
    throw error;
  }
}

/**
 * "Revoke Licenses…": from a tree item, a multi-selection, or the palette (asks for the token). Asks for the
 * options, confirms in a modal, then posts revokeLicenses once per token. Any dismissal sends nothing.
 */
export async function revokeLicenses(
  context: TenantContext,
  inFlight: RevokesInFlight,
  selection: readonly VppTokenRecord[],
): Promise<void> {
  const tokens = uniqueById(selection);
  if (tokens.length > 1) {
    return revokeMany(context, inFlight, tokens);
  }
  const token = tokens[0] ?? (await pickToken(context, l10n.t('Revoke Licenses: choose a VPP token')));
  if (token) {
    await revokeToken(context, inFlight, token);
  }
}

/** How a revoke of one token ended, for whoever started it (a command tells the admin; a chat tool tells the model). */
export type RevokeOutcome =
  | { readonly kind: 'alreadyRunning' }
  | { readonly kind: 'declined' }
  | { readonly kind: 'leftUnconfirmed' }
  | { readonly kind: 'accepted'; readonly result?: ActionResult };

/**
 * Revokes the licenses of one token: asks for the options unless they are given, always confirms in a modal, then
 * posts once, reconciles a lost answer by reading, and tells the admin the outcome.
 */
export async function revokeToken(
  context: TenantContext,
  inFlight: RevokesInFlight,
  token: VppTokenRecord,
  givenOptions?: RevokeLicensesOptions,
): Promise<RevokeOutcome> {
  const label = tokenLabel(token);
  const alreadyRunning = async (): Promise<RevokeOutcome> => {
    await context.ui.info(l10n.t('A revoke of the licenses of "{0}" is already running.', label));
    return { kind: 'alreadyRunning' };
  };
  if (inFlight.has(token.id)) {
    return alreadyRunning();
  }
  const options = givenOptions ?? (await chooseOptions(context, l10n.t('Revoke licenses of "{0}"', label)));
  if (!options) {
    return { kind: 'declined' };
  }
  const { message, detail } = confirmation(context, token, options, await impactLine(context, [token]));
  if (!(await context.ui.confirm(message, detail, l10n.t('Revoke Licenses')))) {
    return { kind: 'declined' };
  }
  // Asked again: another revoke of this token may have started while the dialogs were open.
  if (inFlight.has(token.id)) {
    return alreadyRunning();
  }
  // The token stays in flight until its outcome is known or no longer watched, so no later revoke of the same
  // token can be confused with this one, and the admin gets one message about it, after the progress closes.
  inFlight.add(token.id);
  let outcome: ActionResult | undefined;
  try {
    let attempt = await sendAndWatch(context, token, options);
    // An attempt Intune did not confirm is never sent again without a second confirmation.
    while (attempt.kind === 'unconfirmed') {
      const next = await askAboutUnconfirmedRevoke(context, token, options, attempt);
      if (!next) {
        context.log.warn(`Revoke of token ${plainText(token.id, 200)}: left unconfirmed by the user`);
        return { kind: 'leftUnconfirmed' };
      }
      attempt = await next();
    }
    outcome = attempt.result;
  } catch (error) {
    rethrowGone(context, label, error);
  } finally {
    inFlight.delete(token.id);
  }
  // Redrawn first: when the admin reads the outcome, the token's row and recent actions already show it.
  await context.tree.refreshToken(token.id);
  await reportOutcome(context, label, outcome);
  return { kind: 'accepted', result: outcome };
}

/** A revoke attempt as far as it is known: accepted (with Intune's result, if any), or sent without confirmation. */
type RevokeAttempt =
  | { readonly kind: 'accepted'; readonly result?: ActionResult }
  | { readonly kind: 'unconfirmed'; readonly reason: string; readonly snapshot: ActionSnapshot; readonly sentAt: number };
type UnconfirmedAttempt = Extract<RevokeAttempt, { kind: 'unconfirmed' }>;

/**
 * Reads the token's action results, posts the revoke once and watches for the result it creates, all under one
 * cancellable progress notification. An answer that was lost is reconciled by reading the token, never by resending.
 */
function sendAndWatch(context: TenantContext, token: VppTokenRecord, options: RevokeLicensesOptions): Promise<RevokeAttempt> {
  return context.ui.withProgress(
    l10n.t('Revoking the licenses of "{0}"…', tokenLabel(token)),
    async (progress) => {
      // What the token held before: the revoke's own result is the one that is new.
      const snapshot = snapshotActions(await context.service().getToken(token.id, progress.signal));
      const sentAt = context.now();
      try {
        await revokeOne(context, token, options, progress.signal);
      } catch (error) {
        if (!(error instanceof VppError && error.kind === 'unconfirmed')) {
          throw error;
        }
        return reconcile(context, token, { kind: 'unconfirmed', reason: error.message, snapshot, sentAt }, progress);
      }
      progress.report(l10n.t('Intune accepted it; waiting for its outcome (Cancel stops waiting, not the revoke)'));
      return { kind: 'accepted', result: await watchOutcome(context, token, snapshot, sentAt, watchSignal(context, progress.signal)) };
    },
    true,
  );
}

/** Reads the token until it shows the result of an unconfirmed revoke: then it was accepted; else it stays unconfirmed. */
async function reconcile(
  context: TenantContext,
  token: VppTokenRecord,
  attempt: UnconfirmedAttempt,
  progress: ProgressReporter,
): Promise<RevokeAttempt> {
  progress.report(l10n.t("Intune's answer was lost; reading the token to see whether the revoke reached it"));
  const signal = watchSignal(context, progress.signal);
  const seen = await watchOutcome(context, token, attempt.snapshot, attempt.sentAt, signal, 'seen');
  if (!seen) {
    return attempt;
  }
  context.log.info(`Revoke of token ${plainText(token.id, 200)}: reconciled, Intune received it (${describeActionResult(seen)})`);
  if (isFinal(seen)) {
    return { kind: 'accepted', result: seen };
  }
  progress.report(l10n.t('Intune accepted it; waiting for its outcome (Cancel stops waiting, not the revoke)'));
  return { kind: 'accepted', result: (await watchOutcome(context, token, attempt.snapshot, attempt.sentAt, signal)) ?? seen };
}

/** Asks what to do about an unconfirmed revoke; the next attempt to make, or undefined when the admin left it. */
async function askAboutUnconfirmedRevoke(
  context: TenantContext,
  token: VppTokenRecord,
  options: RevokeLicensesOptions,
  attempt: UnconfirmedAttempt,
): Promise<(() => Promise<RevokeAttempt>) | undefined> {
  const label = tokenLabel(token);
  const choice = await askAboutUnconfirmed(
    context,
    l10n.t('The revoke of the licenses of "{0}" is not confirmed: the token shows no new revoke. {1}', label, attempt.reason),
    {
      message: l10n.t('Send the revoke of the licenses of "{0}" again?', label),
      detail: [
        ...tenantLines(context),
        l10n.t(
          'The earlier attempt may have reached Intune although it was not confirmed: sending again can revoke twice and notify devices twice.',
        ),
        '',
        ...optionLines(options),
        '',
        CONSEQUENCES(),
      ].join('\n'),
    },
  );
  if (choice === 'checkAgain') {
    return () =>
      context.ui.withProgress(
        l10n.t('Checking the revoke of the licenses of "{0}"…', label),
        (progress) => reconcile(context, token, attempt, progress),
        true,
      );
  }
  return choice === 'sendAgain' ? () => sendAndWatch(context, token, options) : undefined;
}

/** Watches the token for the result this revoke created (until final, or until seen at all), or until the user stops it. */
async function watchOutcome(
  context: TenantContext,
  token: VppTokenRecord,
  snapshot: ActionSnapshot,
  sentAt: number,
  signal: AbortSignal,
  until: 'seen' | 'final' = 'final',
): Promise<ActionResult | undefined> {
  const id = plainText(token.id, 200);
  try {
    const result = await pollRevokeOutcome(context.service(), token.id, snapshot, sentAt, context.outcomePolling, { signal, until });
    context.log.info(
      `Revoke of token ${id}: ${result ? describeActionResult(result) : 'Intune reported no action result for it while it was watched'}`,
    );
    return result;
  } catch (error) {
    // Failing to read the token must not read as a failed revoke.
    if (!(error instanceof VppError && error.kind === 'cancelled')) {
      context.log.warn(`Could not read the outcome of the revoke of token ${id}: ${describeForLog(error)}`);
    }
    return undefined;
  }
}

/** The one message about an accepted revoke: its outcome when Intune reported one, an error when it failed there. */
async function reportOutcome(context: TenantContext, label: string, result: ActionResult | undefined): Promise<void> {
  if (!result) {
    return context.ui.info(l10n.t('Intune accepted the revoke of the licenses of "{0}". Apple completes it in the background.', label));
  }
  const summary = describeActionResult(result);
  if (!isFinal(result)) {
    return context.ui.info(
      l10n.t(
        'Intune accepted the revoke of the licenses of "{0}" and is still processing it ({1}); expand the token later to see its outcome.',
        label,
        summary,
      ),
    );
  }
  if (result.actionState === 'done') {
    return context.ui.info(l10n.t('Intune accepted the revoke of the licenses of "{0}": {1}', label, summary));
  }
  await context.ui.error(l10n.t('Intune accepted the revoke of the licenses of "{0}", but reports: {1}', label, summary), []);
}

/** One set of options and one confirmation for a selection; runs within Intune's write limit, cancellable. */
async function revokeMany(context: TenantContext, inFlight: RevokesInFlight, selection: readonly VppTokenRecord[]): Promise<void> {
  // In the tree's order, whatever the order of the clicks.
  const tokens = sortTokens(selection, 'en').filter((token) => !inFlight.has(token.id));
  const busy = selection.length - tokens.length;
  if (tokens.length === 0) {
    return context.ui.info(l10n.t('A revoke is already running for each of the selected tokens.'));
  }
  const options = await chooseOptions(context, l10n.t('Revoke licenses of {0} VPP tokens', tokens.length));
  if (!options) {
    return;
  }
  const notValid = tokens.filter((token) => token.state !== 'valid').length;
  const detail = [
    ...tenantLines(context),
    listNames(tokens),
    await impactLine(context, tokens),
    '',
    ...optionLines(options),
    ...(busy > 0 ? [l10n.t('{0} selected tokens are skipped: a revoke of each is already running.', busy)] : []),
    ...(notValid > 0 ? [l10n.t('{0} of these tokens are not valid in Intune; their revoke may fail.', notValid)] : []),
    '',
    CONSEQUENCES(),
  ].join('\n');
  const confirmed = await context.ui.confirm(
    l10n.t('Revoke all app licenses of {0} VPP tokens?', tokens.length),
    detail,
    l10n.t('Revoke Licenses'),
  );
  if (!confirmed) {
    return;
  }
  // Each token's action results before its revoke: the result that is new is that revoke's.
  const before = new Map<string, { snapshot: ActionSnapshot; sentAt: number }>();
  const bulk: BulkAction = {
    title: (count) => l10n.t('Revoking licenses of {0} VPP tokens', count),
    action: async (token, signal) => {
      const snapshot = snapshotActions(await context.service().getToken(token.id, signal));
      before.set(token.id, { snapshot, sentAt: context.now() });
      return revokeOne(context, token, options, signal);
    },
    reconcile: (unconfirmed, signal) =>
      pollUntilReceived(context, unconfirmed, signal, (fresh) => {
        const sent = before.get(fresh.id);
        const result = sent && newRevokeResult(fresh, sent.snapshot, sent.sentAt);
        return result && l10n.t('its answer was lost, but the token shows the revoke ({0})', describeActionResult(result));
      }),
    headings: {
      succeeded: l10n.t('Revoked'),
      failed: l10n.t('Failed'),
      unconfirmed: l10n.t('Unconfirmed: may have reached Intune, but the token shows no new revoke'),
      notSent: l10n.t('Not revoked: cancelled before sending'),
    },
    summary: ({ succeeded, total, failed, unconfirmed, notSent }) =>
      l10n.t(
        'Revoke licenses: {0} of {1} tokens accepted by Intune, {2} failed, {3} unconfirmed, {4} not sent.',
        succeeded,
        total,
        failed,
        unconfirmed,
        notSent,
      ),
    logName: 'Bulk revoke',
  };
  for (let batch = tokens; ;) {
    // Asked again after each confirmation: a revoke of one of them may have started while the dialog was open.
    batch = batch.filter((token) => !inFlight.has(token.id));
    if (batch.length === 0) {
      return context.ui.info(l10n.t('A revoke is already running for each of the selected tokens.'));
    }
    batch.forEach((token) => inFlight.add(token.id));
    let result: BulkResult;
    try {
      result = await runBulkWithReport(context, batch, bulk);
    } finally {
      batch.forEach((token) => inFlight.delete(token.id));
      context.tree.refresh();
    }
    // The tokens are free again while the message waits; Run Again needs a new confirmation.
    const again = await tellBulkOutcome(context, result);
    if (!again) {
      return;
    }
    const confirmedAgain = await context.ui.confirm(
      again.length === 1
        ? l10n.t('Revoke again the licenses of the VPP token that failed or is unconfirmed?')
        : l10n.t('Revoke again the licenses of {0} VPP tokens that failed or are unconfirmed?', again.length),
      [
        ...tenantLines(context),
        listNames(again),
        '',
        l10n.t('An unconfirmed revoke may have reached Intune: revoking that token again can revoke twice and notify devices twice.'),
        ...optionLines(options),
        '',
        CONSEQUENCES(),
      ].join('\n'),
      l10n.t('Revoke Licenses'),
    );
    if (!confirmedAgain) {
      return;
    }
    batch = again;
  }
}
