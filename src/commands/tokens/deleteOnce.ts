import * as l10n from '@vscode/l10n';
import { VppTokenRecord } from '../../graph/vppRecords';
import { LicenseImpactReading, readLicenseImpact } from '../licenses/licenseImpact';
import { TenantContext } from '../context';
import { rethrowGone } from '../confirmations';
import { deleteWrite } from '../writes/writeKinds';
import { runWrite, TENANT_LOST_ANSWER } from '../writes/writePipeline';

/** What deleting a token takes with it, for every confirmation that may end in a delete. */
export function deleteConsequences(): string {
  return l10n.t(
    "Deleting removes the token's apps and their assignments from Intune; its licenses can no longer be revoked from Intune afterwards.",
  );
}

/** The token's apps and used licenses before a delete (or a retire that ends in one), or why they are not known. */
export function readLicensesBeforeDelete(context: TenantContext, token: VppTokenRecord): Promise<LicenseImpactReading> {
  return readLicenseImpact(context, [token], (reason) =>
    l10n.t('The licenses of this token are not known: its VPP apps could not be read ({0}).', reason),
  );
}

/**
 * Deletes a token once, through the write pipeline. A lost answer is reconciled by reading the token: gone (404)
 * means deleted. True when it was deleted, false when the admin left it unconfirmed.
 */
export async function deleteOnce(context: TenantContext, token: VppTokenRecord, label: string): Promise<boolean> {
  try {
    const deleted = await runWrite(context, deleteWrite(context, token), {
      title: l10n.t('Deleting the VPP token "{0}"…', label),
      lostAnswer: TENANT_LOST_ANSWER(),
      unconfirmed: (reason) => l10n.t('Deleting "{0}" is not confirmed: the token still exists. {1}', label, reason),
      sendAgain: { message: l10n.t('Delete "{0}" again?', label), detail: l10n.t('Deleting a token that is already gone does no harm.') },
    });
    return deleted !== undefined;
  } catch (error) {
    rethrowGone(context, label, error);
  }
}
