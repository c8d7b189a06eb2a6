import * as l10n from '@vscode/l10n';
import { TenantContext } from '../context';

/** What the admin chose about a write Intune did not confirm; undefined when they left it. */
export type UnconfirmedChoice = 'checkAgain' | 'sendAgain' | undefined;

/**
 * Tells the admin that a write was not confirmed, and offers Check Again (read the token once more) and Send Again.
 * Send Again counts only after a second confirmation, which says that the first attempt may have reached Intune:
 * nothing is ever resent on the first click.
 */
export async function askAboutUnconfirmed(
  context: TenantContext,
  message: string,
  sendAgain: { readonly message: string; readonly detail: string },
): Promise<UnconfirmedChoice> {
  const checkAgainLabel = l10n.t('Check Again');
  const sendAgainLabel = l10n.t('Send Again');
  const choice = await context.ui.error(message, [checkAgainLabel, sendAgainLabel]);
  if (choice === checkAgainLabel) {
    return 'checkAgain';
  }
  if (choice === sendAgainLabel && (await context.ui.confirm(sendAgain.message, sendAgain.detail, sendAgainLabel))) {
    return 'sendAgain';
  }
  return undefined;
}
