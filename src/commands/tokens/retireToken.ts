import * as l10n from '@vscode/l10n';
import { ActionResult, ActionSnapshot, describeActionResult, isFinal, newRevokeResult } from '../../graph/actionResults';
import { delay } from '../../graph/delay';
import { licenseTotals } from '../../graph/licenses';
import { RevokeLicensesOptions, VppAppRecord, VppTokenRecord } from '../../graph/vppRecords';
import { describeForLog, VppError } from '../../errors';
import { tokenLabel } from '../../tree/tokenPresentation';
import { plainText } from '../../text';
import { TenantContext, watchSignal } from '../context';
import { deleteConsequences, deleteOnce, readLicensesBeforeDelete } from './deleteOnce';
import { appsOfTokens } from '../licenses/licenseImpact';
import { pickToken } from '../pickToken';
import { chooseOptions } from '../licenses/revokeLicenses';
import { CONSEQUENCES, optionLines } from '../licenses/revokeWording';
import { revokeSnapshot, revokeWrite } from '../writes/writeKinds';
import { sendAndSettle } from '../writes/writePipeline';
import { confirmWithAssignments, readRelicensing, Relicensing } from '../licenses/assignmentsFirst';
import { dateText, rethrowGone, tenantLines } from '../confirmations';

/** A revoke started less than this long ago is continued by Retire Token…, not sent again. */
export const RESUME_WINDOW_MS = 24 * 3600 * 1000;

/** The revoke a retire continues: one the token shows that started recently and did not fail or get cancelled. */
export function revokeToContinue(token: VppTokenRecord, now: number): ActionResult | undefined {
  const results: ActionResult[] = Array.isArray(token.tokenActionResults) ? token.tokenActionResults : [];
  return results.find((result) => {
    const started = Date.parse(result?.startDateTime ?? '');
    return (
      /revoke/i.test(result?.actionName ?? '') &&
      !Number.isNaN(started) &&
      now - started < RESUME_WINDOW_MS &&
      result.actionState !== 'failed' &&
      result.actionState !== 'canceled'
    );
  });
}

/** How the watch of the licenses ended. */
type WatchEnd = 'zero' | 'revokeFailed' | 'timeout' | 'stopped';

interface Watched {
  readonly end: WatchEnd;
  readonly apps?: readonly VppAppRecord[];
  readonly result?: ActionResult;
}

/** Reads the token's apps (and its revoke's result) with back-off until no license is used, the revoke failed, or time ran out. */
async function watchLicenses(
  context: TenantContext,
  token: VppTokenRecord,
  revoke: { snapshot: ActionSnapshot; sentAt: number },
  signal: AbortSignal,
  report: (message: string) => void,
): Promise<Watched> {
  let apps: VppAppRecord[] | undefined;
  let result: ActionResult | undefined;
  for (const wait of context.licensePolling.delaysMs) {
    if (!(await delay(wait, signal))) {
      return { end: 'stopped', apps, result };
    }
    try {
      apps = await appsOfTokens(context, [token.id], signal);
      result = newRevokeResult(await context.service().getToken(token.id, signal), revoke.snapshot, revoke.sentAt) ?? result;
    } catch (error) {
      if (error instanceof VppError && error.kind === 'cancelled') {
        return { end: 'stopped', apps, result };
      }
      if (error instanceof VppError && error.kind === 'notFound') {
        throw error;
      }
      context.log.warn(`Retire of token ${plainText(token.id, 200)}: could not read its licenses: ${describeForLog(error)}`);
      continue;
    }
    const { used, total } = licenseTotals(apps);
    report(l10n.t('Licenses still used: {0} of {1} (Cancel stops watching, not the revoke)', used, total));
    if (used === 0) {
      return { end: 'zero', apps, result };
    }
    if (result && isFinal(result) && result.actionState !== 'done') {
      return { end: 'revokeFailed', apps, result };
    }
  }
  return { end: 'timeout', apps, result };
}

/** One line per app that still uses licenses: "Keynote: 3 of 20". */
function remainingLines(apps: readonly VppAppRecord[] | undefined): string[] {
  return (apps ?? [])
    .filter((app) => (app.usedLicenseCount ?? 0) > 0)
    .map((app) =>
      l10n.t(
        '{0}: {1} of {2}',
        plainText(app.displayName, 120) || plainText(app.bundleId, 120) || app.id,
        app.usedLicenseCount ?? 0,
        app.totalLicenseCount ?? 0,
      ),
    );
}

/** What a retire goes on with once confirmed: the revoke it continues, or the options of the one it sends. */
type RetirePlan =
  | { readonly running: ActionResult; readonly options?: undefined }
  | { readonly running?: undefined; readonly options: RevokeLicensesOptions };

/** The licenses' watch, or why no revoke could be watched. */
type RetireWatch = Watched | { readonly end: 'unconfirmed'; readonly reason: string };

/**
 * "Retire Token…": revoke the token's licenses (options picked once), watch them fall under one cancellable
 * progress, then delete the token after a final confirmation, and one report at the end. A revoke the token shows
 * from the last day is continued rather than sent again, so running the command again picks up where it was left.
 */
export async function retireToken(context: TenantContext, selected: VppTokenRecord | undefined, locale: string): Promise<void> {
  const picked = selected ?? (await pickToken(context, l10n.t('Retire Token: choose a VPP token')));
  if (!picked) {
    return;
  }
  const label = tokenLabel(picked);
  if (context.store.revoking(picked.id)) {
    return context.ui.info(l10n.t('A revoke of the licenses of "{0}" is already running.', label));
  }
  try {
    const token = await context.ui.withProgress(l10n.t('Reading the VPP token "{0}"…', label), (progress) =>
      context.service().getToken(picked.id, progress.signal),
    );
    const reading = await readLicensesBeforeDelete(context, token);
    const relicensing = await readRelicensing(context, reading.apps ?? []);
    const plan = await confirmRetire(context, token, { line: reading.line, relicensing }, locale);
    if (!plan) {
      return;
    }
    const claim = context.store.begin([token.id], 'retire');
    if (claim.taken.length === 0) {
      return context.ui.info(l10n.t('A revoke of the licenses of "{0}" is already running.', label));
    }
    const startedAt = context.now();
    let watched: RetireWatch;
    try {
      watched = await revokeAndWatch(context, token, plan, startedAt);
    } finally {
      claim.release();
    }
    if (watched.end === 'unconfirmed') {
      await context.ui.error(
        l10n.t(
          'The revoke of the licenses of "{0}" is not confirmed: the token shows no new revoke. {1} Run Retire Token… again: it continues a revoke the token shows, and asks before sending a new one.',
          label,
          watched.reason,
        ),
        [],
      );
      return;
    }
    const deleted = watched.end !== 'stopped' && (await confirmDelete(context, token, watched));
    context.store.relist();
    await reportRetire(context, token, { plan, startedAt, watched, deleted, usedBefore: reading.impact?.used, locale });
  } catch (error) {
    rethrowGone(context, tokenLabel(picked), error);
  }
}

/** Asks once: to continue the revoke the token shows, or (options picked) to send one. Undefined when declined. */
async function confirmRetire(
  context: TenantContext,
  token: VppTokenRecord,
  impact: { readonly line: string; readonly relicensing: Relicensing },
  locale: string,
): Promise<RetirePlan | undefined> {
  const impactLine = impact.line;
  const label = tokenLabel(token);
  const steps = l10n.t(
    'Retiring revokes the licenses, watches them fall, and then, after a last confirmation, deletes the token from Intune.',
  );
  const running = revokeToContinue(token, context.now());
  if (running) {
    const detail = [
      ...tenantLines(context),
      l10n.t(
        'A revoke of its licenses started on {0} ({1}); no new revoke is sent.',
        dateText(running.startDateTime, locale),
        describeActionResult(running),
      ),
      impactLine,
      '',
      steps,
    ].join('\n');
    const confirmed = await confirmWithAssignments(
      context,
      {
        message: l10n.t('Continue retiring the VPP token "{0}"?', label),
        detail,
        button: l10n.t('Continue'),
        anyway: l10n.t('Continue Anyway'),
      },
      impact.relicensing,
      [token],
    );
    return confirmed ? { running } : undefined;
  }
  const options = await chooseOptions(context, l10n.t('Retire "{0}": revoke options', label));
  if (!options) {
    return undefined;
  }
  const detail = [...tenantLines(context), impactLine, ...optionLines(options), '', steps, CONSEQUENCES()].join('\n');
  const confirmed = await confirmWithAssignments(
    context,
    { message: l10n.t('Retire the VPP token "{0}"?', label), detail, button: l10n.t('Retire Token'), anyway: l10n.t('Retire Anyway') },
    impact.relicensing,
    [token],
  );
  return confirmed ? { options } : undefined;
}

/**
 * Under one cancellable progress: sends the revoke once through the write pipeline (or takes the one the token
 * shows), then watches the licenses fall; the revoke's result, once Intune reports it, goes into the journal.
 */
function revokeAndWatch(context: TenantContext, token: VppTokenRecord, plan: RetirePlan, startedAt: number): Promise<RetireWatch> {
  return context.ui.withProgress(
    l10n.t('Retiring the VPP token "{0}"…', tokenLabel(token)),
    async (progress) => {
      const signal = watchSignal(context, progress.signal);
      let revoke: { snapshot: ActionSnapshot; sentAt: number; write?: string };
      if (plan.running) {
        revoke = { snapshot: new Set(), sentAt: Date.parse(plan.running.startDateTime ?? '') || startedAt };
      } else {
        const write = revokeWrite(context, token, plan.options);
        // History says the revoke is a retire's, and the follow-through offers the delete once it is done.
        const retiring = { ...write, details: { ...write.details, retiring: true } };
        const sent = await sendAndSettle(context, retiring, progress.signal, signal, () =>
          progress.report(l10n.t("Intune's answer was lost; reading the token to see whether the revoke reached it")),
        );
        if (sent.kind === 'unconfirmed') {
          return { end: 'unconfirmed' as const, reason: sent.reason };
        }
        revoke = { snapshot: revokeSnapshot(sent.evidence), sentAt: sent.sentAt, write: sent.write };
      }
      progress.report(l10n.t('Intune accepted the revoke; watching the licenses fall (Cancel stops watching, not the revoke)'));
      const watched = await watchLicenses(context, token, revoke, signal, (message) => progress.report(message));
      // A watch stopped or timed out before the result was final leaves the revoke to the follow-through: it reads
      // the result in the background and offers the delete once no license is used.
      const followed = (watched.end === 'stopped' || watched.end === 'timeout') && !(watched.result && isFinal(watched.result));
      if (revoke.write && (watched.result || followed)) {
        await context.journal.outcome(revoke.write, {
          outcome: 'accepted',
          ...(watched.result ? { result: describeActionResult(watched.result) } : {}),
          ...(followed ? { pending: true } : {}),
        });
      }
      return watched;
    },
    true,
  );
}

/** The last confirmation, worded by what the watch saw, then the delete (sent once). True when the token is deleted. */
async function confirmDelete(context: TenantContext, token: VppTokenRecord, watched: Watched): Promise<boolean> {
  const label = tokenLabel(token);
  const remaining = remainingLines(watched.apps);
  const used = watched.apps ? licenseTotals(watched.apps).used : undefined;
  const explanation = deleteConsequences();
  const confirmed =
    used === 0
      ? await context.ui.confirm(
          l10n.t('Delete the VPP token "{0}" now? Its licenses are revoked.', label),
          [...tenantLines(context), explanation].join('\n'),
          l10n.t('Delete Token'),
        )
      : await context.ui.confirm(
          used === undefined
            ? l10n.t('Delete the VPP token "{0}"? Its licenses could not be read.', label)
            : l10n.t('Delete the VPP token "{0}" with {1} licenses still used?', label, used),
          [
            ...tenantLines(context),
            ...(watched.result ? [l10n.t('Revoke: {0}', describeActionResult(watched.result))] : []),
            ...(remaining.length > 0 ? [l10n.t('Still used:'), ...remaining] : []),
            '',
            explanation,
          ].join('\n'),
          l10n.t('Delete Anyway'),
        );
  return confirmed && (await deleteOnce(context, token, label));
}

/** The one report at the end: the revoke, its outcome, the licenses before and now, and whether the token is gone. */
async function reportRetire(
  context: TenantContext,
  token: VppTokenRecord,
  retire: {
    readonly plan: RetirePlan;
    readonly startedAt: number;
    readonly watched: Watched;
    readonly deleted: boolean;
    readonly usedBefore: number | undefined;
    readonly locale: string;
  },
): Promise<void> {
  const label = tokenLabel(token);
  const { plan, watched } = retire;
  const used = watched.apps ? licenseTotals(watched.apps).used : undefined;
  await context.reports.showReport(
    l10n.t('Retire VPP token "{0}"', label),
    [
      ...tenantLines(context),
      l10n.t('Token: {0} ({1})', label, plainText(token.id, 200)),
      plan.running
        ? l10n.t('Revoke: continued the one started on {0}', dateText(plan.running.startDateTime, retire.locale))
        : l10n.t('Revoke: sent once on {0}', new Date(retire.startedAt).toISOString()),
      l10n.t('Revoke outcome: {0}', watched.result ? describeActionResult(watched.result) : l10n.t('not reported by Intune yet')),
      l10n.t('Licenses used before: {0}', retire.usedBefore ?? '-'),
      l10n.t('Licenses used now: {0}', used ?? '-'),
      ...remainingLines(watched.apps).map((line) => `  ${line}`),
      watched.end === 'stopped'
        ? l10n.t(
            'Deleted: no, the watch was stopped. The revoke goes on in Intune: the extension follows it in the background (unless intuneVpp.followRevokes is off) and offers the delete once no license is used, or run Retire Token… again to continue.',
          )
        : retire.deleted
          ? l10n.t('Deleted: yes')
          : l10n.t('Deleted: no'),
    ].join('\n'),
  );
}
