import * as l10n from '@vscode/l10n';
import { ActionResult, describeActionResult, isFinal } from '../../graph/actionResults';
import { RevokeLicensesOptions, VppTokenRecord } from '../../graph/vppRecords';
import { readLicenseImpact } from './licenseImpact';
import { sortTokens, stateWords, tokenLabel } from '../../tree/tokenPresentation';
import { plainText } from '../../text';
import { BulkAction, BulkClaim, claimInStore, listNames, runBulkUntilDone, uniqueById } from '../writes/bulkRun';
import { TenantContext } from '../context';
import { pickToken } from '../pickToken';
import { rethrowGone, tenantLines } from '../confirmations';
import { CONSEQUENCES, optionLines, revokeOptionItems } from './revokeWording';
import { revokeWrite, watchingResult } from '../writes/writeKinds';
import { runWrite, WriteWords } from '../writes/writePipeline';

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

/**
 * "Revoke Licenses…": from a tree item, a multi-selection, or the palette (asks for the token). Asks for the
 * options, confirms in a modal, then posts revokeLicenses once per token. Any dismissal sends nothing.
 */
export async function revokeLicenses(context: TenantContext, selection: readonly VppTokenRecord[]): Promise<void> {
  const tokens = uniqueById(selection);
  if (tokens.length > 1) {
    return revokeMany(context, tokens);
  }
  const token = tokens[0] ?? (await pickToken(context, l10n.t('Revoke Licenses: choose a VPP token')));
  if (token) {
    await revokeToken(context, token);
  }
}

/** How a revoke of one token ended, for whoever started it (a command tells the admin; a chat tool tells the model). */
export type RevokeOutcome =
  | { readonly kind: 'alreadyRunning' }
  | { readonly kind: 'declined' }
  | { readonly kind: 'leftUnconfirmed' }
  | { readonly kind: 'accepted'; readonly result?: ActionResult };

/** What a revoke's progress, lost answer and second confirmation say. */
function revokeWords(context: TenantContext, label: string, options: RevokeLicensesOptions): WriteWords {
  return {
    title: l10n.t('Revoking the licenses of "{0}"…', label),
    checkTitle: l10n.t('Checking the revoke of the licenses of "{0}"…', label),
    lostAnswer: l10n.t("Intune's answer was lost; reading the token to see whether the revoke reached it"),
    unconfirmed: (reason) =>
      l10n.t('The revoke of the licenses of "{0}" is not confirmed: the token shows no new revoke. {1}', label, reason),
    sendAgain: {
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
  };
}

/**
 * Revokes the licenses of one token: asks for the options unless they are given, always confirms in a modal, then
 * posts once, reconciles a lost answer by reading, and tells the admin the outcome.
 */
export async function revokeToken(
  context: TenantContext,
  token: VppTokenRecord,
  givenOptions?: RevokeLicensesOptions,
): Promise<RevokeOutcome> {
  const label = tokenLabel(token);
  const alreadyRunning = async (): Promise<RevokeOutcome> => {
    await context.ui.info(l10n.t('A revoke of the licenses of "{0}" is already running.', label));
    return { kind: 'alreadyRunning' };
  };
  if (context.store.revoking(token.id)) {
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
  const claim = context.store.begin([token.id], 'revoke');
  if (claim.taken.length === 0) {
    return alreadyRunning();
  }
  // The token stays in flight until its outcome is known or no longer watched, so no later revoke of the same
  // token can be confused with this one, and the admin gets one message about it, after the progress closes.
  let outcome: ActionResult | undefined;
  try {
    const write = revokeWrite(context, token, options);
    const done = await runWrite(context, write, revokeWords(context, label, options), watchingResult(context, write));
    if (!done) {
      return { kind: 'leftUnconfirmed' };
    }
    outcome = done.result;
  } catch (error) {
    rethrowGone(context, label, error);
  } finally {
    claim.release();
  }
  // Read back first: when the admin reads the outcome, the token's row and recent actions already show it.
  await context.store.tokenWritten(token.id);
  await reportOutcome(context, label, outcome);
  return { kind: 'accepted', result: outcome };
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
async function revokeMany(context: TenantContext, selection: readonly VppTokenRecord[]): Promise<void> {
  // In the tree's order, whatever the order of the clicks.
  const tokens = sortTokens(selection, 'en').filter((token) => !context.store.revoking(token.id));
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
  await runBulkUntilDone(context, tokens, revokeBulk(context, options), revokeClaim(context));
}

/** A bulk revoke with one set of options, as Revoke Licenses… and Run Again after a restart run it. */
export function revokeBulk(context: TenantContext, options: RevokeLicensesOptions): BulkAction {
  return {
    operation: 'revokeLicenses',
    details: { notifyManagedDevices: options.notifyManagedDevices, revokeUntrackedLicenses: options.revokeUntrackedLicenses },
    title: (count) => l10n.t('Revoking licenses of {0} VPP tokens', count),
    write: (token, read) => revokeWrite(context, token, options, read),
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
    again: (again) => ({
      message:
        again.length === 1
          ? l10n.t('Revoke again the licenses of the VPP token that failed or is unconfirmed?')
          : l10n.t('Revoke again the licenses of {0} VPP tokens that failed or are unconfirmed?', again.length),
      detail: [
        ...tenantLines(context),
        listNames(again),
        '',
        l10n.t('An unconfirmed revoke may have reached Intune: revoking that token again can revoke twice and notify devices twice.'),
        ...optionLines(options),
        '',
        CONSEQUENCES(),
      ].join('\n'),
      button: l10n.t('Revoke Licenses'),
    }),
  };
}

/** The tokens a bulk revoke holds while it runs: none a revoke already runs for, and none taken twice. */
export function revokeClaim(context: TenantContext): BulkClaim {
  // Asked again before each batch: a revoke of one of them may have started while a dialog was open.
  return claimInStore(context, 'revoke', () => context.ui.info(l10n.t('A revoke is already running for each of the selected tokens.')));
}
