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
import { RevokesInFlight } from '../licenses/revokesInFlight';
import { revokeSnapshot, revokeWrite } from '../writes/writeKinds';
import { sendAndSettle } from '../writes/writePipeline';
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

/**
 * "Retire Token…": revoke the token's licenses (options picked once), watch them fall under one cancellable
 * progress, then delete the token after a final confirmation, and one report at the end. A revoke the token shows
 * from the last day is continued rather than sent again, so running the command again picks up where it was left.
 */
export async function retireToken(
  context: TenantContext,
  inFlight: RevokesInFlight,
  selected: VppTokenRecord | undefined,
  locale: string,
): Promise<void> {
  const picked = selected ?? (await pickToken(context, l10n.t('Retire Token: choose a VPP token')));
  if (!picked) {
    return;
  }
  const label = tokenLabel(picked);
  if (inFlight.has(picked.id)) {
    return context.ui.info(l10n.t('A revoke of the licenses of "{0}" is already running.', label));
  }
  try {
    const token = await context.ui.withProgress(l10n.t('Reading the VPP token "{0}"…', label), (progress) =>
      context.service().getToken(picked.id, progress.signal),
    );
    const running = revokeToContinue(token, context.now());
    const reading = await readLicensesBeforeDelete(context, token);
    const steps = l10n.t(
      'Retiring revokes the licenses, watches them fall, and then, after a last confirmation, deletes the token from Intune.',
    );
    let options: RevokeLicensesOptions | undefined;
    if (running) {
      const detail = [
        ...tenantLines(context),
        l10n.t(
          'A revoke of its licenses started on {0} ({1}); no new revoke is sent.',
          dateText(running.startDateTime, locale),
          describeActionResult(running),
        ),
        reading.line,
        '',
        steps,
      ].join('\n');
      if (!(await context.ui.confirm(l10n.t('Continue retiring the VPP token "{0}"?', label), detail, l10n.t('Continue')))) {
        return;
      }
    } else {
      options = await chooseOptions(context, l10n.t('Retire "{0}": revoke options', label));
      if (!options) {
        return;
      }
      const detail = [...tenantLines(context), reading.line, ...optionLines(options), '', steps, CONSEQUENCES()].join('\n');
      if (!(await context.ui.confirm(l10n.t('Retire the VPP token "{0}"?', label), detail, l10n.t('Retire Token')))) {
        return;
      }
    }
    if (inFlight.has(token.id)) {
      return context.ui.info(l10n.t('A revoke of the licenses of "{0}" is already running.', label));
    }
    inFlight.add(token.id);
    let watched: Watched | { end: 'unconfirmed'; reason: string };
    const startedAt = context.now();
    try {
      watched = await context.ui.withProgress(
        l10n.t('Retiring the VPP token "{0}"…', label),
        async (progress) => {
          const signal = watchSignal(context, progress.signal);
          let revoke: { snapshot: ActionSnapshot; sentAt: number; write?: string };
          if (running || !options) {
            revoke = { snapshot: new Set(), sentAt: Date.parse(running?.startDateTime ?? '') || startedAt };
          } else {
            const write = revokeWrite(context, token, options);
            const sent = await sendAndSettle(context, write, progress.signal, signal, () =>
              progress.report(l10n.t("Intune's answer was lost; reading the token to see whether the revoke reached it")),
            );
            if (sent.kind === 'unconfirmed') {
              return { end: 'unconfirmed' as const, reason: sent.reason };
            }
            revoke = { snapshot: revokeSnapshot(sent.evidence), sentAt: sent.sentAt, write: sent.write };
          }
          progress.report(l10n.t('Intune accepted the revoke; watching the licenses fall (Cancel stops watching, not the revoke)'));
          const watchedLicenses = await watchLicenses(context, token, revoke, signal, (message) => progress.report(message));
          if (revoke.write && watchedLicenses.result) {
            await context.journal.outcome(revoke.write, { outcome: 'accepted', result: describeActionResult(watchedLicenses.result) });
          }
          return watchedLicenses;
        },
        true,
      );
    } finally {
      inFlight.delete(token.id);
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
    const remaining = remainingLines(watched.apps);
    const used = watched.apps ? licenseTotals(watched.apps).used : undefined;
    let deleted = false;
    if (watched.end !== 'stopped') {
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
      deleted = confirmed && (await deleteOnce(context, token, label));
    }
    context.tree.refresh();
    await context.ui.showReport(
      l10n.t('Retire VPP token "{0}"', label),
      [
        ...tenantLines(context),
        l10n.t('Token: {0} ({1})', label, plainText(token.id, 200)),
        running
          ? l10n.t('Revoke: continued the one started on {0}', dateText(running.startDateTime, locale))
          : l10n.t('Revoke: sent once on {0}', new Date(startedAt).toISOString()),
        l10n.t('Revoke outcome: {0}', watched.result ? describeActionResult(watched.result) : l10n.t('not reported by Intune yet')),
        l10n.t('Licenses used before: {0}', reading.impact ? reading.impact.used : '-'),
        l10n.t('Licenses used now: {0}', used ?? '-'),
        ...remaining.map((line) => `  ${line}`),
        watched.end === 'stopped'
          ? l10n.t('Deleted: no, the watch was stopped. The revoke goes on in Intune; run Retire Token… again to continue.')
          : deleted
            ? l10n.t('Deleted: yes')
            : l10n.t('Deleted: no'),
      ].join('\n'),
    );
  } catch (error) {
    rethrowGone(context, label, error);
  }
}
