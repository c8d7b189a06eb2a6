import * as l10n from '@vscode/l10n';
import { ActionResult, describeActionResult, isFinal } from '../../graph/actionResults';
import { RevokeLicensesOptions, VppTokenRecord } from '../../graph/vppRecords';
import { changeAssignmentsFirst, readRelicensing, Relicensing, relicensingLines } from './assignmentsFirst';
import { readLicenseImpact } from './licenseImpact';
import { stateWords, tokenLabel } from '../../tree/tokenPresentation';
import { plainText } from '../../text';
import { StepAnswer, StepPosition } from '../../ui/userInput';
import { BulkAction, listNames } from '../writes/bulkRun';
import { TenantContext } from '../context';
import { tenantLines } from '../confirmations';
import { CONSEQUENCES, optionLines, optionsFrom, OPTIONS_PLACEHOLDER, revokeOptionItems } from './revokeWording';
import { revokeWrite, watchingResult } from '../writes/writeKinds';
import { WriteWords } from '../writes/writePipeline';
import { Confirmation, OperationOutcome, runOnToken, runTokenOperation, TokenOperation } from '../writes/tokenOperation';

/** What the revoke touches: one line for its confirmation, and what would license its apps again. */
interface RevokeImpact {
  readonly line: string;
  readonly relicensing: Relicensing;
}

/** Reads the tokens' apps (their licenses in one line) and then how those apps are assigned. */
async function readImpact(context: TenantContext, tokens: readonly VppTokenRecord[]): Promise<RevokeImpact> {
  const reading = await readLicenseImpact(context, tokens);
  return { line: reading.line, relicensing: await readRelicensing(context, reading.apps ?? []) };
}

function confirmation(context: TenantContext, token: VppTokenRecord, options: RevokeLicensesOptions, impact: RevokeImpact): Confirmation {
  const facts = [
    ...tenantLines(context),
    l10n.t('Apple ID: {0}', plainText(token.appleId, 200) || '-'),
    l10n.t('Location: {0}', plainText(token.locationName, 200) || '-'),
    impact.line,
    ...optionLines(options),
  ];
  const warnings = [
    ...(token.state === 'valid'
      ? []
      : [l10n.t('Intune reports this token as {0}; the revoke may fail or be incomplete.', stateWords(token.state))]),
    CONSEQUENCES(),
  ];
  const assigned = relicensingLines(impact.relicensing);
  return {
    message: l10n.t('Revoke all app licenses of the VPP token "{0}"?', tokenLabel(token)),
    detail: [...facts, '', ...(assigned.length > 0 ? [...assigned, ''] : []), ...warnings].join('\n'),
    button: assignedButton(impact.relicensing),
    first: changeAssignmentsFirst(context, impact.relicensing, [token]),
  };
}

/** "Revoke Anyway" beside Change Assignments First… when apps are still assigned, else "Revoke Licenses". */
function assignedButton(relicensing: Relicensing): string {
  return relicensing.assigned.length > 0 ? l10n.t('Revoke Anyway') : l10n.t('Revoke Licenses');
}

export async function chooseOptions(context: TenantContext, title: string): Promise<RevokeLicensesOptions | undefined> {
  const chosen = await context.ui.pickMany(revokeOptionItems(), { title, placeHolder: OPTIONS_PLACEHOLDER() });
  return chosen && optionsFrom(chosen);
}

/** The options as a step of Revoke Licenses…, ticked as they were when the admin comes back to it. */
function optionsStep(
  context: TenantContext,
  tokens: readonly VppTokenRecord[],
  position: StepPosition,
  earlier: RevokeLicensesOptions | undefined,
): Promise<StepAnswer<RevokeLicensesOptions>> {
  const title =
    tokens.length === 1
      ? l10n.t('Revoke licenses of "{0}"', tokenLabel(tokens[0]))
      : l10n.t('Revoke licenses of {0} VPP tokens', tokens.length);
  const picked = earlier ? revokeOptionItems().flatMap(({ value }) => (earlier[value] ? [value] : [])) : [];
  return context.ui
    .stepPickMany(revokeOptionItems(), {
      title,
      placeHolder: OPTIONS_PLACEHOLDER(),
      picked,
      ...position,
    })
    .then((answer) => (answer === 'back' || answer === undefined ? answer : { value: optionsFrom(answer.value) }));
}

/** The confirmation of a revoke of several tokens: their names, what they touch, the options, those left out. */
async function manyConfirmation(
  context: TenantContext,
  tokens: readonly VppTokenRecord[],
  options: RevokeLicensesOptions,
  skipped: number,
): Promise<Confirmation> {
  const notValid = tokens.filter((token) => token.state !== 'valid').length;
  const impact = await readImpact(context, tokens);
  const assigned = relicensingLines(impact.relicensing);
  const detail = [
    ...tenantLines(context),
    listNames(tokens),
    impact.line,
    '',
    ...(assigned.length > 0 ? [...assigned, ''] : []),
    ...optionLines(options),
    ...(skipped > 0 ? [l10n.t('{0} selected tokens are skipped: a revoke of each is already running.', skipped)] : []),
    ...(notValid > 0 ? [l10n.t('{0} of these tokens are not valid in Intune; their revoke may fail.', notValid)] : []),
    '',
    CONSEQUENCES(),
  ].join('\n');
  return {
    message: l10n.t('Revoke all app licenses of {0} VPP tokens?', tokens.length),
    detail,
    button: assignedButton(impact.relicensing),
    first: changeAssignmentsFirst(context, impact.relicensing, tokens),
  };
}

/**
 * A revoke of tokens' licenses as one operation, for one token or many: the options (with Back), a modal that says
 * what it touches, one POST per token, a lost answer reconciled by reading, the result followed for one token.
 */
export function revokeOperation(context: TenantContext): TokenOperation<RevokeLicensesOptions, ActionResult | undefined> {
  return {
    inFlight: 'revoke',
    pickTitle: l10n.t('Revoke Licenses: choose a VPP token'),
    defaults: { notifyManagedDevices: false, revokeUntrackedLicenses: false },
    askOptions: (tokens, position, earlier) => optionsStep(context, tokens, position, earlier),
    confirmation: async (tokens, options, skipped) =>
      tokens.length === 1
        ? confirmation(context, tokens[0], options, await readImpact(context, tokens))
        : manyConfirmation(context, tokens, options, skipped),
    write: (token, options, read) => revokeWrite(context, token, options, read),
    words: (token, options) => revokeWords(context, tokenLabel(token), options),
    follow: (spec) => watchingResult(context, spec),
    report: (token, result) => reportOutcome(context, tokenLabel(token), result),
    bulk: (options) => revokeBulk(context, options),
  };
}

/**
 * "Revoke Licenses…": from a tree item, a multi-selection, or the palette (asks for the token). Asks for the
 * options, confirms in a modal, then posts revokeLicenses once per token. Any dismissal sends nothing.
 */
export async function revokeLicenses(context: TenantContext, selection: readonly VppTokenRecord[]): Promise<void> {
  await runTokenOperation(context, revokeOperation(context), selection);
}

/** How a revoke of one token ended, for whoever started it (a command tells the admin; a chat tool tells the model). */
export type RevokeOutcome = OperationOutcome<ActionResult | undefined>;

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
 * Revokes the licenses of one token with the options given (chat gives them): always confirms in a modal, then posts
 * once, reconciles a lost answer by reading, and tells the admin the outcome.
 */
export function revokeToken(context: TenantContext, token: VppTokenRecord, options: RevokeLicensesOptions): Promise<RevokeOutcome> {
  return runOnToken(context, revokeOperation(context), token, options);
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
