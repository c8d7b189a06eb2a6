import * as l10n from '@vscode/l10n';
import { describeForLog, VppError } from '../errors';
import { Logger } from '../log';
import { UserInput } from '../ui/userInput';

/** The commands an error message can offer as the fix. */
export interface ErrorFixes {
  signIn(): unknown;
  setClientSecret(): unknown;
  openSettings(): unknown;
  openSetupGuide(): unknown;
  showLog(): unknown;
}

/**
 * The one place where a failed command meets the user: cancellations stay silent, everything else is logged
 * with its request ids and shown with the action that fixes it, plus "Show Log".
 */
export function reportError(error: unknown, ui: UserInput, log: Logger, fixes: ErrorFixes): void {
  if (error instanceof VppError && error.kind === 'cancelled') {
    log.info(`Cancelled: ${error.message}`);
    return;
  }
  log.error(describeForLog(error));
  const failure =
    error instanceof VppError
      ? error
      : new VppError('server', l10n.t('Something went wrong: {0}', error instanceof Error ? error.message : String(error)));
  const actions: [string, () => unknown][] = [];
  if ((failure.kind === 'signInRequired' || failure.kind === 'unauthorized') && failure.helpTopic === 'client-credentials') {
    actions.push([l10n.t('Set Client Secret'), () => fixes.setClientSecret()]);
  } else if (failure.kind === 'signInRequired' || failure.kind === 'unauthorized') {
    actions.push([l10n.t('Sign In'), () => fixes.signIn()]);
  } else if (failure.kind === 'configuration') {
    actions.push([l10n.t('Open Settings'), () => fixes.openSettings()]);
  } else if (failure.kind === 'consentRequired' || failure.kind === 'forbidden') {
    actions.push([l10n.t('Open Setup Guide'), () => fixes.openSetupGuide()]);
  }
  actions.push([l10n.t('Show Log'), () => fixes.showLog()]);
  void ui
    .error(
      failure.message,
      actions.map(([label]) => label),
    )
    .then((choice) => {
      actions.find(([label]) => label === choice)?.[1]();
    });
}
