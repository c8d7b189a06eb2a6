import * as l10n from '@vscode/l10n';
import { describeForLog, VppError } from '../errors';
import { RevokeLicensesOptions, VppTokenRecord } from '../graph/vppTokenService';
import { stateWords, tokenLabel } from '../tree/tokenPresentation';
import { plainText } from '../text';
import { CommandContext, TokenItem } from './commandContext';
import { pickToken } from './pickToken';
import { PickItem } from './userInput';

type RevokeOption = keyof RevokeLicensesOptions;

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

/** Tokens with a revoke in flight: a second revoke of the same token is refused until the first ends. */
export class RevokesInFlight {
  private readonly ids = new Set<string>();
  has(id: string): boolean {
    return this.ids.has(id);
  }
  add(id: string): void {
    this.ids.add(id);
  }
  delete(id: string): void {
    this.ids.delete(id);
  }
}

function yesNo(value: boolean): string {
  return value ? l10n.t('yes') : l10n.t('no');
}

function confirmation(token: VppTokenRecord, options: RevokeLicensesOptions): { message: string; detail: string } {
  const label = tokenLabel(token);
  const facts = [
    l10n.t('Apple ID: {0}', plainText(token.appleId, 200) || '-'),
    l10n.t('Location: {0}', plainText(token.locationName, 200) || '-'),
    l10n.t('Notify managed devices: {0}', yesNo(options.notifyManagedDevices)),
    l10n.t('Revoke untracked licenses: {0}', yesNo(options.revokeUntrackedLicenses)),
  ];
  const warnings = [
    ...(token.state === 'valid'
      ? []
      : [l10n.t('Intune reports this token as {0}; the revoke may fail or be incomplete.', stateWords(token.state))]),
    l10n.t('This cannot be undone. Apps are not uninstalled from iOS/iPadOS devices (set the app assignment to Uninstall for that); macOS removes them after Apple\'s 30-day grace period.'),
  ];
  return {
    message: l10n.t('Revoke all app licenses of the VPP token "{0}"?', label),
    detail: [...facts, '', ...warnings].join('\n'),
  };
}

/**
 * "Revoke Licenses…": from a tree item, or from the palette (asks for the token). Asks for the options,
 * confirms in a modal, then posts revokeLicenses once. Any dismissal sends nothing.
 */
export async function revokeLicenses(context: CommandContext, inFlight: RevokesInFlight, item?: TokenItem): Promise<void> {
  const token = item?.token ?? (await pickToken(context, l10n.t('Revoke Licenses: choose a VPP token')));
  if (!token) {
    return;
  }
  const id = token.id;
  const label = tokenLabel(token);
  const alreadyRunning = () => context.ui.info(l10n.t('A revoke of the licenses of "{0}" is already running.', label));
  if (inFlight.has(id)) {
    await alreadyRunning();
    return;
  }
  const chosen = await context.ui.pickMany(revokeOptionItems(), {
    title: l10n.t('Revoke licenses of "{0}"', label),
    placeHolder: l10n.t('Choose options (none is fine), then press Enter'),
  });
  if (!chosen) {
    return;
  }
  const options: RevokeLicensesOptions = {
    notifyManagedDevices: chosen.includes('notifyManagedDevices'),
    revokeUntrackedLicenses: chosen.includes('revokeUntrackedLicenses'),
  };
  const { message, detail } = confirmation(token, options);
  if (!(await context.ui.confirm(message, detail, l10n.t('Revoke Licenses')))) {
    return;
  }
  // Asked again: another revoke of this token may have started while the dialogs were open.
  if (inFlight.has(id)) {
    await alreadyRunning();
    return;
  }
  inFlight.add(id);
  const attempt = `Revoke licenses of token ${id} (notifyManagedDevices=${options.notifyManagedDevices}, revokeUntrackedLicenses=${options.revokeUntrackedLicenses}) at ${new Date(context.now()).toISOString()}`;
  try {
    const receipt = await context.ui.withProgress(l10n.t('Revoking the licenses of "{0}"…', label), () =>
      context.service().revokeLicenses(id, options),
    );
    context.log.info(`${attempt}: ${receipt.status} (request-id ${receipt.requestId ?? '-'}, client-request-id ${receipt.clientRequestId ?? '-'})`);
    await context.ui.info(
      l10n.t('Intune accepted the revoke of the licenses of "{0}". Apple completes it in the background.', label),
    );
    await context.tree.refreshToken(id);
  } catch (error) {
    context.log.error(`${attempt}: failed: ${describeForLog(error)}`);
    if (error instanceof VppError && error.kind === 'notFound') {
      context.tree.refresh();
      throw new VppError('notFound', l10n.t('The VPP token "{0}" no longer exists in Intune; the list was refreshed.', label), error.details);
    }
    throw error;
  } finally {
    inFlight.delete(id);
  }
}
