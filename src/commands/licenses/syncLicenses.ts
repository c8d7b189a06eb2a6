import * as l10n from '@vscode/l10n';
import { describeForLog, VppError } from '../../errors';
import { VppTokenRecord } from '../../graph/vppRecords';
import { plainText } from '../../text';
import { tokenLabel } from '../../tree/tokenPresentation';
import { BulkAction, listNames } from '../writes/bulkRun';
import { TenantContext, watchSignal } from '../context';
import { syncWrite } from '../writes/writeKinds';
import { sendAndSettle, WriteWords } from '../writes/writePipeline';
import { runTokenOperation, TokenOperation } from '../writes/tokenOperation';

/** What a sync's progress, lost answer and second attempt say. */
function syncWords(label: string): WriteWords {
  return {
    title: l10n.t('Syncing the licenses of "{0}"…', label),
    checkTitle: l10n.t('Checking the sync of the licenses of "{0}"…', label),
    lostAnswer: l10n.t("Intune's answer was lost; reading the token to see whether the sync reached it"),
    unconfirmed: (reason) =>
      l10n.t('The sync of the licenses of "{0}" is not confirmed: the token shows no newer sync. {1}', label, reason),
    sendAgain: {
      message: l10n.t('Send the sync of the licenses of "{0}" again?', label),
      detail: l10n.t('The earlier attempt may have reached Intune although it was not confirmed.'),
    },
  };
}

/**
 * A sync of tokens' licenses with Apple as one operation, for one token or many: nothing to choose and nothing to
 * confirm (a sync changes no license), each token read just before its request so that a lost answer can be told.
 */
export function syncOperation(context: TenantContext): TokenOperation<undefined, undefined> {
  return {
    inFlight: 'sync',
    pickTitle: l10n.t('Sync Licenses: choose a VPP token'),
    defaults: undefined,
    write: (token, _options, read) => syncWrite(context, token, read),
    words: (token) => syncWords(tokenLabel(token)),
    report: (token) => context.ui.info(l10n.t('Intune started syncing the licenses of "{0}" with Apple.', tokenLabel(token))),
    bulk: () => syncBulk(context),
  };
}

/** "Sync Licenses": asks Intune to sync a token's licenses with Apple; for a selection, within the write limit. */
export async function syncLicenses(context: TenantContext, selection: readonly VppTokenRecord[]): Promise<void> {
  await runTokenOperation(context, syncOperation(context), selection);
}

/** A bulk sync, as Sync Licenses and Run Again after a restart run it. */
export function syncBulk(context: TenantContext): BulkAction {
  return {
    operation: 'syncLicenses',
    details: {},
    title: (count) => l10n.t('Syncing licenses of {0} VPP tokens', count),
    write: (token, read) => syncWrite(context, token, read),
    headings: {
      succeeded: l10n.t('Synced'),
      failed: l10n.t('Failed'),
      unconfirmed: l10n.t('Unconfirmed: may have reached Intune, but the token shows no newer sync'),
      notSent: l10n.t('Not synced: cancelled before sending'),
    },
    summary: ({ succeeded, total, failed, unconfirmed, notSent }) =>
      l10n.t(
        'Sync licenses: {0} of {1} tokens started, {2} failed, {3} unconfirmed, {4} not sent.',
        succeeded,
        total,
        failed,
        unconfirmed,
        notSent,
      ),
    logName: 'Bulk sync',
    again: (again) => ({
      message:
        again.length === 1
          ? l10n.t('Sync again the licenses of the VPP token that failed or is unconfirmed?')
          : l10n.t('Sync again the licenses of {0} VPP tokens that failed or are unconfirmed?', again.length),
      detail: [listNames(again), '', l10n.t('The earlier attempt may have reached Intune although it was not confirmed.')].join('\n'),
      button: l10n.t('Sync Licenses'),
    }),
  };
}

/**
 * Syncs a token after a write that changed what Apple holds for it (a renewal, a take-over). The write is done by
 * then, so a failed sync is reported as such, never as a failed write; it is not resent on its own.
 */
export async function syncAfter(context: TenantContext, token: VppTokenRecord, label: string): Promise<boolean> {
  const write = syncWrite(context, token);
  try {
    await context.ui.withProgress(l10n.t('Syncing the licenses of "{0}"…', label), async (progress) => {
      const sent = await sendAndSettle(context, write, progress.signal, watchSignal(context, progress.signal));
      if (sent.kind === 'unconfirmed') {
        throw new VppError('unconfirmed', sent.reason);
      }
    });
    return true;
  } catch (error) {
    context.log.warn(`Sync after the change of token ${plainText(token.id, 200)} failed: ${describeForLog(error)}`);
    await context.ui.error(
      l10n.t(
        'The change of "{0}" is done, but the sync that follows it failed: {1} Run Sync Licenses on the token.',
        label,
        error instanceof VppError ? error.message : l10n.t('an unexpected error'),
      ),
      [],
    );
    return false;
  }
}
