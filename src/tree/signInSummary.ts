import * as l10n from '@vscode/l10n';
import { COMMANDS, VIEW_ID } from '../ids';

/** VS Code's own command that shows and focuses the VPP Tokens view. */
const FOCUS_VIEW = `${VIEW_ID}.focus`;

/** Who is signed in to one tenant of the view, as its last listing found. */
export interface TenantSignIn {
  readonly tenant: string;
  readonly account?: string;
  /** False while its settings are incomplete: signing in cannot help yet. */
  readonly configured: boolean;
}

export interface SignInSummary {
  /** With codicons, for the status bar. */
  readonly text: string;
  readonly tooltip: string;
  /** What a click does: sign in, switch account, or show the view's tenants. */
  readonly command: typeof COMMANDS.signIn | typeof COMMANDS.switchAccount | typeof COMMANDS.openSettings | typeof FOCUS_VIEW;
}

/** Who is signed in to which tenant, in a few words: one tenant by name and account, several as a count. */
export function summarizeSignIns(signIns: readonly TenantSignIn[]): SignInSummary {
  if (signIns.length === 1) {
    const [{ tenant, account, configured }] = signIns;
    if (!configured) {
      return {
        text: `$(gear) ${l10n.t('Intune VPP: not configured')}`,
        tooltip: l10n.t('Intune VPP: set the app registration in the settings. Click to open them.'),
        command: COMMANDS.openSettings,
      };
    }
    return account
      ? {
          text: `$(account) ${l10n.t('{0} · {1}', account, tenant)}`,
          tooltip: l10n.t('Intune VPP: signed in to {0} as {1}. Click to switch account.', tenant, account),
          command: COMMANDS.switchAccount,
        }
      : {
          text: `$(account) ${l10n.t('Intune VPP: not signed in')}`,
          tooltip: l10n.t('Intune VPP: not signed in to {0}. Click to sign in.', tenant),
          command: COMMANDS.signIn,
        };
  }
  const signedIn = signIns.filter((entry) => entry.account).length;
  return {
    text: `$(organization) ${l10n.t('Intune VPP: {0} of {1} tenants signed in', signedIn, signIns.length)}`,
    tooltip: signIns.map((entry) => `${entry.tenant}: ${entry.account ?? l10n.t('not signed in')}`).join('\n'),
    command: FOCUS_VIEW,
  };
}
