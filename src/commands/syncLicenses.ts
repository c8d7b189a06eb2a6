import * as l10n from '@vscode/l10n';
import { describeForLog } from '../errors';
import { VppTokenRecord, WriteReceipt } from '../graph/vppTokenService';
import { tokenLabel } from '../tree/tokenPresentation';
import { plainText } from '../text';
import { runBulkWithReport, uniqueById } from './bulkRun';
import { CommandContext } from './commandContext';
import { pickToken } from './pickToken';

async function syncOne(context: CommandContext, token: VppTokenRecord, signal?: AbortSignal): Promise<WriteReceipt> {
  const attempt = `Sync licenses of token ${plainText(token.id, 200)} at ${new Date(context.now()).toISOString()}`;
  try {
    const receipt = await context.service().syncLicenses(token.id, signal);
    context.log.info(`${attempt}: ${receipt.status} (request-id ${receipt.requestId ?? '-'}, client-request-id ${receipt.clientRequestId ?? '-'})`);
    return receipt;
  } catch (error) {
    context.log.error(`${attempt}: failed: ${describeForLog(error)}`);
    throw error;
  }
}

/** "Sync Licenses": asks Intune to sync a token's licenses with Apple; for a selection, within the write limit. */
export async function syncLicenses(context: CommandContext, selection: readonly VppTokenRecord[]): Promise<void> {
  const tokens = uniqueById(selection);
  if (tokens.length <= 1) {
    const token = tokens[0] ?? (await pickToken(context, l10n.t('Sync Licenses: choose a VPP token')));
    if (!token) {
      return;
    }
    const label = tokenLabel(token);
    await context.ui.withProgress(l10n.t('Syncing the licenses of "{0}"…', label), () => syncOne(context, token));
    await context.ui.info(l10n.t('Intune started syncing the licenses of "{0}" with Apple.', label));
    await context.tree.refreshToken(token.id);
    return;
  }
  await runBulkWithReport(context, tokens, {
    title: l10n.t('Syncing licenses of {0} VPP tokens', tokens.length),
    action: (token, signal) => syncOne(context, token, signal),
    headings: { succeeded: l10n.t('Synced'), failed: l10n.t('Failed'), notSent: l10n.t('Not synced: cancelled before sending') },
    summary: (succeeded, total, failed, notSent) =>
      l10n.t('Sync licenses: {0} of {1} tokens started, {2} failed, {3} not sent.', succeeded, total, failed, notSent),
    logName: 'Bulk sync',
  });
  context.tree.refresh();
}
