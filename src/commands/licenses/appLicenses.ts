import * as l10n from '@vscode/l10n';
import { ActionResult, describeActionResult, isFinal } from '../../graph/actionResults';
import { AssignedLicenseRecord, VppAppRecord, VppTokenRecord } from '../../graph/vppRecords';
import { tokenLabel } from '../../tree/tokenPresentation';
import { plainText } from '../../text';
import { TenantContext } from '../context';
import { revokeLicenses } from './revokeLicenses';
import { tenantLines, yesNo } from '../confirmations';
import { confirmWithAssignments, readRelicensing } from './assignmentsFirst';
import { appRevokeWrite, watchingResult } from '../writes/writeKinds';
import { runWrite, WriteSpec } from '../writes/writePipeline';

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

/** The words of one per-app revoke. */
interface AppRevokeWords {
  readonly progressTitle: string;
  readonly describe: string;
  readonly sendAgain: { readonly message: string; readonly detail: string };
}

/**
 * Sends a per-app revoke through the write pipeline and watches the app's `revokeLicenseActionResults` for its
 * outcome, with the same write semantics as a token revoke: a lost answer is reconciled by reading the app, never
 * resent without a second confirmation.
 */
async function runAppRevoke(context: TenantContext, write: WriteSpec<ActionResult | undefined>, words: AppRevokeWords): Promise<void> {
  const done = await runWrite(
    context,
    write,
    {
      title: words.progressTitle,
      lostAnswer: l10n.t("Intune's answer was lost; reading the app to see whether the revoke reached it"),
      unconfirmed: (reason) => l10n.t('{0} is not confirmed: the app shows no new revoke. {1}', words.describe, reason),
      sendAgain: words.sendAgain,
    },
    watchingResult(context, write),
  );
  if (done) {
    await report(context, words, done.result);
  }
}

async function report(context: TenantContext, revoke: AppRevokeWords, result: ActionResult | undefined): Promise<void> {
  context.store.relist();
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
export async function revokeAppLicenses(context: TenantContext, app: VppAppRecord, token: VppTokenRecord): Promise<void> {
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
    return revokeToken ? revokeLicenses(context, [token]) : undefined;
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
  const relicensing = await readRelicensing(context, [app]);
  const confirmation = {
    message: l10n.t('Revoke all licenses of the app "{0}"?', name),
    detail,
    button: l10n.t('Revoke App Licenses'),
    anyway: l10n.t('Revoke Anyway'),
  };
  if (!(await confirmWithAssignments(context, confirmation, relicensing, [token]))) {
    return;
  }
  await runAppRevoke(context, appRevokeWrite(context, app, { kind: 'all' }, undefined, notify), {
    progressTitle: l10n.t('Revoking the licenses of "{0}"…', name),
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
  await runAppRevoke(context, appRevokeWrite(context, app, { kind: license.kind, id: target }, holder, notify), {
    progressTitle: l10n.t('Revoking the license of {0}…', holder),
    describe: l10n.t('the revoke of the license of {0} for "{1}"', holder, name),
    sendAgain: {
      message: l10n.t('Send the revoke of the license of {0} again?', holder),
      detail: l10n.t(
        'The earlier attempt may have reached Intune although it was not confirmed: sending again can notify the device twice.',
      ),
    },
  });
}
