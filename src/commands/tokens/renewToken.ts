import * as l10n from '@vscode/l10n';
import { organizationDiffers } from '../../graph/vppTokenFile';
import { VppTokenRecord } from '../../graph/vppRecords';
import { tokenLabel } from '../../tree/tokenPresentation';
import { plainText } from '../../text';
import { fileLines, pickTokenFile } from './addToken';
import { TenantContext, writingToken } from '../context';
import { pickToken } from '../pickToken';
import { dateText, rethrowGone, tenantLines } from '../confirmations';
import { renewWrite } from '../writes/writeKinds';
import { runWrite, TENANT_LOST_ANSWER } from '../writes/writePipeline';
import { syncAfter } from '../licenses/syncLicenses';

/**
 * "Renew Token…": the re-downloaded file goes onto the existing token (a new token for the same location would be a
 * duplicate), then the licenses are synced. The file is read, sent and dropped: never logged, shown or kept.
 */
export async function renewToken(context: TenantContext, selected: VppTokenRecord | undefined, locale: string): Promise<void> {
  const token = selected ?? (await pickToken(context, l10n.t('Renew Token: choose a VPP token')));
  if (!token) {
    return;
  }
  const label = tokenLabel(token);
  const file = await pickTokenFile(context, l10n.t('Renew "{0}": choose the token file (.vpptoken) downloaded again from Apple', label));
  if (!file) {
    return;
  }
  const otherOrganization = organizationDiffers(file, token.organizationName);
  const detail = [
    ...tenantLines(context),
    l10n.t('Organization of the token: {0}', plainText(token.organizationName, 200) || '-'),
    l10n.t('Location: {0}', plainText(token.locationName, 200) || '-'),
    l10n.t('Expires now: {0}', dateText(token.expirationDateTime, locale)),
    ...fileLines(file, locale),
    ...(otherOrganization
      ? [
          '',
          l10n.t(
            'The file is for another organization than the token. Renewing with it replaces the token of this location with a token of that organization.',
          ),
        ]
      : []),
  ].join('\n');
  const message = otherOrganization
    ? l10n.t('Renew "{0}" with a token of another organization ({1})?', label, file.organization ?? '-')
    : file.expiresAt !== undefined
      ? l10n.t('Renew the VPP token "{0}" until {1}?', label, dateText(file.expiresAt, locale))
      : l10n.t('Renew the VPP token "{0}"?', label);
  if (!(await context.ui.confirm(message, detail, otherOrganization ? l10n.t('Renew Anyway') : l10n.t('Renew Token')))) {
    return;
  }
  try {
    const renewed = await writingToken(context, token.id, 'renew', () =>
      runWrite(context, renewWrite(context, token, file.encoded), {
        title: l10n.t('Renewing the VPP token "{0}"…', label),
        lostAnswer: TENANT_LOST_ANSWER(),
        unconfirmed: (reason) =>
          l10n.t('The renewal of "{0}" is not confirmed: the token shows no change since it was sent. {1}', label, reason),
        sendAgain: {
          message: l10n.t('Upload the token file onto "{0}" again?', label),
          detail: l10n.t('Uploading the same file again does no harm.'),
        },
      }),
    );
    if (!renewed) {
      return;
    }
    const synced = await syncAfter(context, token, label);
    const readBack = await context.store.tokenWritten(token.id);
    if (synced) {
      const fresh = readBack ?? (await context.service().getToken(token.id));
      await context.ui.info(l10n.t('Renewed the VPP token "{0}": it expires on {1}.', label, dateText(fresh.expirationDateTime, locale)));
    }
  } catch (error) {
    rethrowGone(context, label, error);
  }
}
