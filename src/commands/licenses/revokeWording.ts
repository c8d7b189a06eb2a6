import * as l10n from '@vscode/l10n';
import { RevokeLicensesOptions } from '../../graph/vppRecords';
import { PickItem } from '../../ui/userInput';
import { yesNo } from '../confirmations';

type RevokeOption = keyof RevokeLicensesOptions;

/** The placeholder of the options pick, in each flow that asks for them. */
export const OPTIONS_PLACEHOLDER = () => l10n.t('Choose options (none is fine), then press Enter');

/** The options the admin ticked, as the revoke takes them: each one not ticked is false. */
export function optionsFrom(ticked: readonly RevokeOption[]): RevokeLicensesOptions {
  return {
    notifyManagedDevices: ticked.includes('notifyManagedDevices'),
    revokeUntrackedLicenses: ticked.includes('revokeUntrackedLicenses'),
  };
}

export function revokeOptionItems(): PickItem<RevokeOption>[] {
  return [
    {
      label: l10n.t('Notify managed devices'),
      detail: l10n.t('Tell the devices that use these licenses that they were revoked.'),
      value: 'notifyManagedDevices',
    },
    {
      label: l10n.t('Revoke untracked licenses'),
      detail: l10n.t('Also revoke licenses Apple holds for this token that Intune does not track (not further documented by Microsoft).'),
      value: 'revokeUntrackedLicenses',
    },
  ];
}

export const CONSEQUENCES = () =>
  l10n.t(
    "This cannot be undone. Apps are not uninstalled from iOS/iPadOS devices (set the app assignment to Uninstall for that); macOS removes them after Apple's 30-day grace period.",
  );

export function optionLines(options: RevokeLicensesOptions): string[] {
  return [
    l10n.t('Notify managed devices: {0}', yesNo(options.notifyManagedDevices)),
    l10n.t('Revoke untracked licenses: {0}', yesNo(options.revokeUntrackedLicenses)),
  ];
}
