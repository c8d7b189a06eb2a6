import * as l10n from '@vscode/l10n';
import { describeForLog, VppError } from '../errors';
import { CLOCK_SKEW_MS } from '../graph/actionResults';
import { VppTokenRecord, WriteReceipt } from '../graph/vppTokenService';
import { tokenLabel } from '../tree/tokenPresentation';
import { plainText } from '../text';
import { BulkAction, listNames, pollUntilReceived, runBulkWithReport, tellBulkOutcome, uniqueById } from './bulkRun';
import { TenantContext, watchSignal } from './commandContext';
import { pickToken } from './pickToken';
import { askAboutUnconfirmed } from './unconfirmed';
import { ProgressReporter } from '../ui/userInput';

async function syncOne(context: TenantContext, token: VppTokenRecord, signal?: AbortSignal): Promise<WriteReceipt> {
  const attempt = `Sync licenses of token ${plainText(token.id, 200)} at ${new Date(context.now()).toISOString()}`;
  try {
    const receipt = await context.service().syncLicenses(token.id, signal);
    context.log.info(
      `${attempt}: ${receipt.status} (request-id ${receipt.requestId ?? '-'}, client-request-id ${receipt.clientRequestId ?? '-'})`,
    );
    return receipt;
  } catch (error) {
    context.log.error(`${attempt}: failed: ${describeForLog(error)}`);
    throw error;
  }
}

/** A sync as far as it is known: accepted, or sent without confirmation (with what the token showed before). */
type SyncAttempt = { readonly kind: 'accepted' } | ({ readonly kind: 'unconfirmed'; readonly reason: string } & SyncBefore);
type UnconfirmedSync = Extract<SyncAttempt, { kind: 'unconfirmed' }>;

/** What the token showed of its syncs before a sync was sent, and when it was sent. */
interface SyncBefore {
  readonly syncedBefore?: string | null;
  readonly statusBefore?: string | null;
  readonly sentAt: number;
}

function syncBefore(token: VppTokenRecord, sentAt: number): SyncBefore {
  return { syncedBefore: token.lastSyncDateTime, statusBefore: token.lastSyncStatus, sentAt };
}

/**
 * What shows that Intune received a sync, or undefined: a last sync newer than before the request (allowing for
 * clock skew), or a sync in progress where none was. Intune answers a sync `inProgress` and sets the new last sync
 * only when Apple has answered, which can take a while.
 */
function syncedSince(fresh: VppTokenRecord, before: SyncBefore): string | undefined {
  const synced = fresh.lastSyncDateTime;
  if (synced && synced !== before.syncedBefore && Date.parse(synced) >= before.sentAt - CLOCK_SKEW_MS) {
    return l10n.t('a sync at {0}', plainText(synced, 40));
  }
  return fresh.lastSyncStatus === 'inProgress' && before.statusBefore !== 'inProgress' ? l10n.t('a sync in progress') : undefined;
}

/** Reads when the token last synced, posts the sync once, and reconciles an answer that was lost by reading the token. */
function syncAndCheck(context: TenantContext, token: VppTokenRecord): Promise<SyncAttempt> {
  return context.ui.withProgress(
    l10n.t('Syncing the licenses of "{0}"…', tokenLabel(token)),
    async (progress) => {
      const before = syncBefore(await context.service().getToken(token.id, progress.signal), context.now());
      try {
        await syncOne(context, token, progress.signal);
        return { kind: 'accepted' };
      } catch (error) {
        if (!(error instanceof VppError && error.kind === 'unconfirmed')) {
          throw error;
        }
        return checkSync(context, token, { kind: 'unconfirmed', reason: error.message, ...before }, progress);
      }
    },
    true,
  );
}

/** Reads the token until its last sync is newer than before the send: then Intune received the sync. */
async function checkSync(
  context: TenantContext,
  token: VppTokenRecord,
  attempt: UnconfirmedSync,
  progress: ProgressReporter,
): Promise<SyncAttempt> {
  progress.report(l10n.t("Intune's answer was lost; reading the token to see whether the sync reached it"));
  const received = await pollUntilReceived(context, [token], watchSignal(context, progress.signal), (fresh) => syncedSince(fresh, attempt));
  if (!received.has(token.id)) {
    return attempt;
  }
  context.log.info(`Sync of token ${plainText(token.id, 200)}: reconciled, Intune received it (the token shows ${received.get(token.id)})`);
  return { kind: 'accepted' };
}

/** "Sync Licenses": asks Intune to sync a token's licenses with Apple; for a selection, within the write limit. */
export async function syncLicenses(context: TenantContext, selection: readonly VppTokenRecord[]): Promise<void> {
  const tokens = uniqueById(selection);
  if (tokens.length <= 1) {
    const token = tokens[0] ?? (await pickToken(context, l10n.t('Sync Licenses: choose a VPP token')));
    if (!token) {
      return;
    }
    const label = tokenLabel(token);
    let attempt = await syncAndCheck(context, token);
    // A sync Intune did not confirm is never sent again without a second confirmation.
    while (attempt.kind === 'unconfirmed') {
      const unconfirmed = attempt;
      const choice = await askAboutUnconfirmed(
        context,
        l10n.t('The sync of the licenses of "{0}" is not confirmed: the token shows no newer sync. {1}', label, unconfirmed.reason),
        {
          message: l10n.t('Send the sync of the licenses of "{0}" again?', label),
          detail: l10n.t('The earlier attempt may have reached Intune although it was not confirmed.'),
        },
      );
      if (choice === 'checkAgain') {
        attempt = await context.ui.withProgress(
          l10n.t('Checking the sync of the licenses of "{0}"…', label),
          (progress) => checkSync(context, token, unconfirmed, progress),
          true,
        );
      } else if (choice === 'sendAgain') {
        attempt = await syncAndCheck(context, token);
      } else {
        context.log.warn(`Sync of token ${plainText(token.id, 200)}: left unconfirmed by the user`);
        return;
      }
    }
    await context.tree.refreshToken(token.id);
    await context.ui.info(l10n.t('Intune started syncing the licenses of "{0}" with Apple.', label));
    return;
  }
  // Each token's syncs before its request: a newer one, or one in progress, says Intune received it.
  const before = new Map<string, SyncBefore>();
  const bulk: BulkAction = {
    title: (count) => l10n.t('Syncing licenses of {0} VPP tokens', count),
    action: async (token, signal) => {
      before.set(token.id, syncBefore(await context.service().getToken(token.id, signal), context.now()));
      return syncOne(context, token, signal);
    },
    reconcile: (unconfirmed, signal) =>
      pollUntilReceived(context, unconfirmed, signal, (fresh) => {
        const sent = before.get(fresh.id);
        const synced = sent && syncedSince(fresh, sent);
        return synced && l10n.t('its answer was lost, but the token shows {0}', synced);
      }),
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
  };
  for (let batch = tokens; ;) {
    const result = await runBulkWithReport(context, batch, bulk);
    context.tree.refresh();
    const again = await tellBulkOutcome(context, result);
    if (!again) {
      return;
    }
    const confirmed = await context.ui.confirm(
      again.length === 1
        ? l10n.t('Sync again the licenses of the VPP token that failed or is unconfirmed?')
        : l10n.t('Sync again the licenses of {0} VPP tokens that failed or are unconfirmed?', again.length),
      [listNames(again), '', l10n.t('The earlier attempt may have reached Intune although it was not confirmed.')].join('\n'),
      l10n.t('Sync Licenses'),
    );
    if (!confirmed) {
      return;
    }
    batch = again;
  }
}
