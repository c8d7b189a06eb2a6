import * as l10n from '@vscode/l10n';
import {
  ActionResult,
  ActionSnapshot,
  describeActionResult,
  isFinal,
  newResultAmong,
  pollForResult,
  snapshotResults,
} from '../graph/actionResults';
import { describeForLog, VppError } from '../errors';
import { AssignedLicenseRecord, VppAppRecord, VppTokenRecord } from '../graph/vppTokenService';
import { tokenLabel } from '../tree/tokenPresentation';
import { plainText } from '../text';
import { TenantContext, watchSignal } from './commandContext';
import { revokeLicenses, RevokesInFlight } from './revokeLicenses';
import { tenantLines, yesNo } from './tokenSettings';
import { askAboutUnconfirmed } from './unconfirmed';

/** The name of an app for a person. */
export function appLabel(app: VppAppRecord): string {
  return plainText(app.displayName, 120) || plainText(app.bundleId, 120) || app.id;
}

/** Who holds a license, for a person: the device's name, or the user's. */
export function licenseHolder(license: AssignedLicenseRecord): string {
  return license.kind === 'device'
    ? l10n.t('the device {0}', plainText(license.deviceName, 120) || plainText(license.managedDeviceId, 120) || license.id)
    : l10n.t(
        'the user {0}',
        plainText(license.userPrincipalName, 200) || plainText(license.userName, 120) || plainText(license.userId, 120) || license.id,
      );
}

async function askNotify(context: TenantContext, title: string): Promise<boolean | undefined> {
  return context.ui.pickOne(
    [
      { label: l10n.t('Notify devices'), detail: l10n.t('Tell the devices that use the license that it was revoked.'), value: true },
      { label: l10n.t('Do not notify devices'), value: false },
    ],
    { title, placeHolder: l10n.t('Notify the managed devices?') },
  );
}

const APP_CONSEQUENCES = () =>
  l10n.t(
    'This cannot be undone. The app is not uninstalled (set its assignment to Uninstall first, so that it is not installed again with a new license).',
  );

/** One per-app revoke: what is sent, which of the app's revoke results is its own, and its words. */
interface AppRevoke {
  readonly progressTitle: string;
  readonly logName: string;
  send(signal: AbortSignal): Promise<unknown>;
  /** Whether one of the app's new revoke results is this revoke's (a single revoke names its user or device). */
  readonly isOwn: (result: ActionResult) => boolean;
  readonly describe: string;
  readonly sendAgain: { readonly message: string; readonly detail: string };
}

/**
 * Sends a per-app revoke once and watches the app's `revokeLicenseActionResults` for its outcome, with the same
 * write semantics as a token revoke: a lost answer is reconciled by reading the app, never resent without a second
 * confirmation.
 */
async function runAppRevoke(context: TenantContext, app: VppAppRecord, revoke: AppRevoke): Promise<void> {
  let snapshot: ActionSnapshot = new Set();
  let sentAt = 0;
  const read = async (signal?: AbortSignal) =>
    newResultAmong((await context.service().getVppApp(app.id, signal)).revokeLicenseActionResults, snapshot, sentAt, revoke.isOwn);
  const watch = (until: 'seen' | 'final', signal: AbortSignal) =>
    pollForResult(read, context.outcomePolling, { signal, until }).catch((error: unknown) => {
      if (!(error instanceof VppError && error.kind === 'cancelled')) {
        context.log.warn(`${revoke.logName}: could not read its outcome: ${describeForLog(error)}`);
      }
      return undefined;
    });
  const sendOnce = async (): Promise<{ result?: ActionResult } | { unconfirmed: string }> =>
    context.ui.withProgress(
      revoke.progressTitle,
      async (progress) => {
        snapshot = snapshotResults((await context.service().getVppApp(app.id, progress.signal)).revokeLicenseActionResults);
        sentAt = context.now();
        const signal = watchSignal(context, progress.signal);
        try {
          await revoke.send(progress.signal);
          context.log.info(`${revoke.logName}: accepted`);
        } catch (error) {
          if (!(error instanceof VppError && error.kind === 'unconfirmed')) {
            context.log.error(`${revoke.logName}: failed: ${describeForLog(error)}`);
            throw error;
          }
          context.log.warn(`${revoke.logName}: unconfirmed: ${describeForLog(error)}`);
          progress.report(l10n.t("Intune's answer was lost; reading the app to see whether the revoke reached it"));
          if (!(await watch('seen', signal))) {
            return { unconfirmed: error.message };
          }
        }
        progress.report(l10n.t('Intune accepted it; waiting for its outcome (Cancel stops waiting, not the revoke)'));
        return { result: await watch('final', signal) };
      },
      true,
    );
  let attempt = sendOnce;
  for (;;) {
    const outcome = await attempt();
    if (!('unconfirmed' in outcome)) {
      return report(context, revoke, outcome.result);
    }
    const choice = await askAboutUnconfirmed(
      context,
      l10n.t('{0} is not confirmed: the app shows no new revoke. {1}', revoke.describe, outcome.unconfirmed),
      revoke.sendAgain,
    );
    if (choice === undefined) {
      context.log.warn(`${revoke.logName}: left unconfirmed by the user`);
      return;
    }
    attempt = sendOnce;
    if (choice === 'checkAgain') {
      const reason = outcome.unconfirmed;
      attempt = () =>
        context.ui.withProgress(
          revoke.progressTitle,
          async (progress) => {
            const seen = await watch('seen', watchSignal(context, progress.signal));
            return seen
              ? { result: isFinal(seen) ? seen : ((await watch('final', watchSignal(context, progress.signal))) ?? seen) }
              : { unconfirmed: reason };
          },
          true,
        );
    }
  }
}

async function report(context: TenantContext, revoke: AppRevoke, result: ActionResult | undefined): Promise<void> {
  context.tree.refresh();
  if (!result || !isFinal(result)) {
    return context.ui.info(l10n.t('Intune accepted: {0}. Apple completes it in the background.', revoke.describe));
  }
  if (result.actionState === 'done') {
    return context.ui.info(l10n.t('Intune accepted: {0}: {1}', revoke.describe, describeActionResult(result)));
  }
  await context.ui.error(l10n.t('Intune accepted: {0}, but reports: {1}', revoke.describe, describeActionResult(result)), []);
}

/**
 * "Revoke App Licenses…" on an iOS VPP app: notify or not, a modal naming the app, its token and its used licenses,
 * then `revokeAllLicenses`. macOS VPP apps have no per-app revoke in Graph: the token-level revoke is offered.
 */
export async function revokeAppLicenses(
  context: TenantContext,
  inFlight: RevokesInFlight,
  app: VppAppRecord,
  token: VppTokenRecord,
): Promise<void> {
  const name = appLabel(app);
  if (app.platform !== 'iOS') {
    const revokeToken = await context.ui.confirm(
      l10n.t(
        'Microsoft Graph has no per-app revoke for the macOS app "{0}". Revoke the licenses of its whole token "{1}" instead?',
        name,
        tokenLabel(token),
      ),
      l10n.t('That revokes the licenses of every app of the token, not only this one.'),
      l10n.t('Revoke Token Licenses…'),
    );
    return revokeToken ? revokeLicenses(context, inFlight, [token]) : undefined;
  }
  const notify = await askNotify(context, l10n.t('Revoke the licenses of "{0}"', name));
  if (notify === undefined) {
    return;
  }
  const detail = [
    ...tenantLines(context),
    l10n.t('VPP token: {0}', tokenLabel(token)),
    l10n.t('Licenses used: {0} of {1}', app.usedLicenseCount ?? '?', app.totalLicenseCount ?? '?'),
    l10n.t('Notify managed devices: {0}', yesNo(notify)),
    '',
    APP_CONSEQUENCES(),
  ].join('\n');
  if (!(await context.ui.confirm(l10n.t('Revoke all licenses of the app "{0}"?', name), detail, l10n.t('Revoke App Licenses')))) {
    return;
  }
  await runAppRevoke(context, app, {
    progressTitle: l10n.t('Revoking the licenses of "{0}"…', name),
    logName: `Revoke all licenses of app ${plainText(app.id, 200)} (notifyManagedDevices=${notify})`,
    send: (signal) => context.service().revokeAppLicenses(app.id, notify, signal),
    isOwn: (result) => !result.userId && !result.managedDeviceId,
    describe: l10n.t('the revoke of the licenses of "{0}"', name),
    sendAgain: {
      message: l10n.t('Send the revoke of the licenses of "{0}" again?', name),
      detail: l10n.t('The earlier attempt may have reached Intune although it was not confirmed: sending again can notify devices twice.'),
    },
  });
}

/** "Revoke This License…": one user's or one device's license of an iOS VPP app. */
export async function revokeAppLicense(context: TenantContext, app: VppAppRecord, license: AssignedLicenseRecord): Promise<void> {
  const name = appLabel(app);
  const holder = licenseHolder(license);
  const target = license.kind === 'device' ? license.managedDeviceId : license.userId;
  if (!target) {
    return context.ui.info(
      l10n.t(
        'Intune does not say which {0} holds this license, so it cannot be revoked alone.',
        license.kind === 'device' ? l10n.t('device') : l10n.t('user'),
      ),
    );
  }
  const notify = await askNotify(context, l10n.t('Revoke the license of {0} for "{1}"', holder, name));
  if (notify === undefined) {
    return;
  }
  const detail = [...tenantLines(context), l10n.t('Notify managed devices: {0}', yesNo(notify)), '', APP_CONSEQUENCES()].join('\n');
  if (!(await context.ui.confirm(l10n.t('Revoke the license of {0} for the app "{1}"?', holder, name), detail, l10n.t('Revoke License')))) {
    return;
  }
  await runAppRevoke(context, app, {
    progressTitle: l10n.t('Revoking the license of {0}…', holder),
    logName: `Revoke the ${license.kind} license ${plainText(license.id, 200)} of app ${plainText(app.id, 200)} (notifyManagedDevices=${notify})`,
    send: (signal) =>
      license.kind === 'device'
        ? context.service().revokeAppDeviceLicense(app.id, target, notify, signal)
        : context.service().revokeAppUserLicense(app.id, target, notify, signal),
    isOwn: (result) => (license.kind === 'device' ? result.managedDeviceId === target : result.userId === target),
    describe: l10n.t('the revoke of the license of {0} for "{1}"', holder, name),
    sendAgain: {
      message: l10n.t('Send the revoke of the license of {0} again?', holder),
      detail: l10n.t(
        'The earlier attempt may have reached Intune although it was not confirmed: sending again can notify the device twice.',
      ),
    },
  });
}
