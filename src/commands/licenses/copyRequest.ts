import * as l10n from '@vscode/l10n';
import { CloudName } from '../../config/clouds';
import { asGraphPowerShell, asHttpRequest } from '../../graph/exactRequest';
import { revokeLicensesRequest, VppTokenRecord } from '../../graph/vppRecords';
import { tokenLabel } from '../../tree/tokenPresentation';
import { TenantContext } from '../context';
import { pickToken } from '../pickToken';
import { chooseOptions } from './revokeLicenses';

/** Where the tenant's Graph is: the copied request names its URL, and PowerShell its environment. */
export interface TenantCloud {
  readonly cloud: CloudName;
  readonly graphEndpoint: string;
}

type RequestFormat = 'powershell' | 'http';

/**
 * "Copy Revoke Request…": the revoke of a token's licenses, with the options the admin picks, as a Graph PowerShell
 * line or an HTTP request, on the clipboard for a change ticket or a script. Nothing is sent to Intune.
 */
export async function copyRevokeRequest(context: TenantContext, selected: VppTokenRecord | undefined, where: TenantCloud): Promise<void> {
  const token = selected ?? (await pickToken(context, l10n.t('Copy Revoke Request: choose a VPP token')));
  if (!token) {
    return;
  }
  const label = tokenLabel(token);
  const options = await chooseOptions(context, l10n.t('Copy the revoke of "{0}": its options', label));
  if (!options) {
    return;
  }
  const format = await context.ui.pickOne<RequestFormat>(
    [
      {
        label: l10n.t('Graph PowerShell'),
        detail: l10n.t('The Microsoft Graph PowerShell cmdlet (Revoke-MgBetaDeviceAppManagementVppTokenLicense)'),
        value: 'powershell',
      },
      {
        label: l10n.t('HTTP request'),
        detail: l10n.t('Method, URL, content type and body; no Authorization header'),
        value: 'http',
      },
    ],
    { title: l10n.t('Copy the revoke of "{0}" as…', label), placeHolder: l10n.t('Graph PowerShell or an HTTP request') },
  );
  if (!format) {
    return;
  }
  const write = revokeLicensesRequest(token.id, options);
  await context.clipboard.copyText(
    format === 'powershell' ? asGraphPowerShell(write, where.cloud, where.graphEndpoint) : asHttpRequest(write, where.graphEndpoint),
  );
  await context.ui.info(
    format === 'powershell'
      ? l10n.t('Copied the revoke of "{0}" as Graph PowerShell. Nothing was sent to Intune.', label)
      : l10n.t('Copied the revoke of "{0}" as an HTTP request. Nothing was sent to Intune.', label),
  );
}
