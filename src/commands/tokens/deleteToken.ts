import * as l10n from '@vscode/l10n';
import { VppTokenRecord } from '../../graph/vppRecords';
import { tokenLabel } from '../../tree/tokenPresentation';
import { TenantContext } from '../context';
import { deleteConsequences, deleteOnce, readLicensesBeforeDelete } from './deleteOnce';
import { pickToken } from '../pickToken';
import { retireToken } from './retireToken';
import { tenantLines } from '../confirmations';

/**
 * "Delete Token…": explains that deleting removes the token's apps and assignments and that its licenses can no
 * longer be revoked afterwards. While licenses are used (or cannot be read), it offers Revoke, Then Delete (the
 * retire flow), or deleting anyway once the admin typed the token's name.
 */
export async function deleteToken(context: TenantContext, selected: VppTokenRecord | undefined, locale: string): Promise<void> {
  const token = selected ?? (await pickToken(context, l10n.t('Delete Token: choose a VPP token')));
  if (!token) {
    return;
  }
  const label = tokenLabel(token);
  const reading = await readLicensesBeforeDelete(context, token);
  const explanation = deleteConsequences();
  if (reading.impact?.used === 0) {
    const confirmed = await context.ui.confirm(
      l10n.t('Delete the VPP token "{0}"?', label),
      [...tenantLines(context), reading.line, '', explanation].join('\n'),
      l10n.t('Delete Token'),
    );
    if (!confirmed) {
      return;
    }
  } else {
    const choice = await context.ui.pickOne(
      [
        {
          label: l10n.t('Revoke, Then Delete…'),
          detail: l10n.t('Retire Token…: revoke its licenses, watch them fall, then delete it.'),
          value: 'retire' as const,
        },
        {
          label: l10n.t('Delete Anyway…'),
          detail: l10n.t("Type the token's name to confirm. Its licenses stay with the users and devices that hold them."),
          value: 'delete' as const,
        },
      ],
      { title: l10n.t('Delete "{0}": {1}', label, reading.line), placeHolder: explanation },
    );
    if (choice === 'retire') {
      return retireToken(context, token, locale);
    }
    if (choice !== 'delete') {
      return;
    }
    const typed = await context.ui.inputText(
      l10n.t('Delete "{0}" with its licenses', label),
      l10n.t('Type "{0}" to delete the token while its licenses are still used', label),
      (value) => (value.trim() === label ? undefined : l10n.t('Type the name exactly as shown: {0}', label)),
    );
    if (typed === undefined) {
      return;
    }
  }
  const claim = context.store.begin([token.id], 'delete');
  const deleted = await deleteOnce(context, token, label).finally(claim.release);
  if (deleted) {
    context.store.relist();
    await context.ui.info(l10n.t('Deleted the VPP token "{0}".', label));
  }
}
