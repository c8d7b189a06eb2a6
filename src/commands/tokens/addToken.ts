import * as l10n from '@vscode/l10n';
import { checkTokenFile, MAX_TOKEN_FILE_BYTES, TokenFile } from '../../graph/vppTokenFile';
import { VppTokenRecord } from '../../graph/vppRecords';
import { tokenLabel } from '../../tree/tokenPresentation';
import { plainText } from '../../text';
import { runSteps } from '../../ui/multiStepInput';
import { TenantContext } from '../context';
import { countryText, settingsSteps, TokenSettingsDraft } from './tokenSettings';
import { dateText, tenantLines, yesNo } from '../confirmations';
import { createWrite } from '../writes/writeKinds';
import { runWrite, TENANT_LOST_ANSWER } from '../writes/writePipeline';

type AddDraft = TokenSettingsDraft & { readonly vppTokenAccountType: 'business' | 'education' };

/** Reads and checks a token file the admin picks; undefined (after saying why) when there is none to upload. */
export async function pickTokenFile(context: TenantContext, title: string): Promise<TokenFile | undefined> {
  const picked = await context.files.pickTextFile(title, { [l10n.t('VPP token files')]: ['vpptoken'] }, MAX_TOKEN_FILE_BYTES);
  if (!picked) {
    return undefined;
  }
  const checked = checkTokenFile(picked);
  if (!checked.ok) {
    await context.ui.error(checked.problem, []);
    return undefined;
  }
  return checked.file;
}

/** What the file says of itself, for confirmations: its organization and expiry, or that they could not be read. */
export function fileLines(file: TokenFile, locale: string): string[] {
  return file.organization === undefined && file.expiresAt === undefined
    ? [l10n.t("The file's organization and expiry could not be read: make sure it is the token you downloaded for this location.")]
    : [
        l10n.t('Organization in the file: {0}', file.organization ?? '-'),
        l10n.t('Expires (from the file): {0}', dateText(file.expiresAt, locale)),
      ];
}

/** What an add sends, secret blob included: kept in memory only until the POST. */
interface AddFields {
  readonly token: string;
  readonly displayName: string;
  readonly appleId: string;
  readonly countryOrRegion: string;
  readonly vppTokenAccountType: 'business' | 'education';
  readonly automaticallyUpdateApps: boolean;
  readonly dataSharingConsentGranted: true;
}

/**
 * "Add VPP Token…": the `.vpptoken` file, then its settings (Back goes to the step before), the data-sharing
 * consent, a confirmation, and one POST. A token added for a location that already has one is explained.
 */
export async function addToken(context: TenantContext, locale: string): Promise<void> {
  const file = await pickTokenFile(
    context,
    l10n.t('Add VPP Token: choose the token file (.vpptoken) from Apple Business or School Manager'),
  );
  if (!file) {
    return;
  }
  const fields = await askSettings(context, file, locale);
  if (!fields || !(await confirmAdd(context, file, fields, locale))) {
    return;
  }
  const added = await sendAdd(context, fields);
  if (added) {
    context.store.relist();
    await reportAdded(context, added, locale);
  }
}

/** The settings steps, with where the token was downloaded first; undefined (after saying why) without the consent. */
async function askSettings(context: TenantContext, file: TokenFile, locale: string): Promise<AddFields | undefined> {
  const title = l10n.t('Add VPP Token');
  const draft = await runSteps<AddDraft>(
    [
      {
        ask: async (position, current) => {
          const answer = await context.ui.stepPick(
            [
              { label: l10n.t('Apple Business Manager'), value: 'business' as const },
              { label: l10n.t('Apple School Manager'), value: 'education' as const },
            ],
            { ...position, title, placeHolder: l10n.t('Where was the token downloaded?'), active: current.vppTokenAccountType },
          );
          return answer === undefined || answer === 'back' ? answer : { value: { vppTokenAccountType: answer.value } };
        },
      },
      ...settingsSteps(context, title, locale, true),
    ],
    { displayName: file.organization ?? '', automaticallyUpdateApps: true },
  );
  if (!draft) {
    return undefined;
  }
  if (!draft.dataSharingConsentGranted) {
    await context.ui.info(
      l10n.t(
        'Nothing was added: Intune needs the consent to share user and device information with Apple to manage the apps of a VPP token.',
      ),
    );
    return undefined;
  }
  return {
    token: file.encoded,
    displayName: draft.displayName ?? '',
    appleId: draft.appleId ?? '',
    countryOrRegion: draft.countryOrRegion ?? '',
    vppTokenAccountType: draft.vppTokenAccountType ?? 'business',
    automaticallyUpdateApps: draft.automaticallyUpdateApps ?? false,
    dataSharingConsentGranted: true,
  };
}

function confirmAdd(context: TenantContext, file: TokenFile, fields: AddFields, locale: string): Promise<boolean> {
  const detail = [
    ...tenantLines(context),
    ...fileLines(file, locale),
    l10n.t('Name: {0}', fields.displayName),
    l10n.t('Apple ID: {0}', fields.appleId),
    l10n.t('Country or region: {0}', countryText(fields.countryOrRegion, locale)),
    l10n.t('Update apps automatically: {0}', yesNo(fields.automaticallyUpdateApps)),
    l10n.t('Data sharing with Apple: {0}', l10n.t('I agree')),
  ].join('\n');
  return context.ui.confirm(l10n.t('Add the VPP token "{0}" to Intune?', fields.displayName), detail, l10n.t('Add Token'));
}

/** The one POST, through the write pipeline; the token Intune made, or undefined when not confirmed. */
async function sendAdd(context: TenantContext, fields: AddFields): Promise<VppTokenRecord | undefined> {
  const written = await runWrite(context, createWrite(context, fields), {
    title: l10n.t('Adding the VPP token "{0}"…', fields.displayName),
    lostAnswer: TENANT_LOST_ANSWER(),
    unconfirmed: (reason) =>
      l10n.t(
        'Adding the VPP token "{0}" is not confirmed: the tenant shows no new token with its Apple ID. {1}',
        fields.displayName,
        reason,
      ),
    sendAgain: {
      message: l10n.t('Add the VPP token "{0}" again?', fields.displayName),
      detail: l10n.t(
        'The earlier attempt may have reached Intune although it was not confirmed: adding again can make a second token for the same location, which Intune marks as a duplicate.',
      ),
    },
  });
  return written?.value;
}

/** Added, with its expiry; or added as a duplicate of the location's token, and what to do instead. */
async function reportAdded(context: TenantContext, added: VppTokenRecord, locale: string): Promise<void> {
  if (added.state === 'duplicateLocationId') {
    await context.ui.error(
      l10n.t(
        'Intune added "{0}", but another VPP token already serves this location (duplicate location): one location can have one token in one tenant. To renew that token, use Renew Token… on it with this file, then delete "{0}".',
        tokenLabel(added),
      ),
      [],
    );
    return;
  }
  await context.ui.info(
    l10n.t(
      'Added the VPP token "{0}" ({1}); it expires on {2}. Intune syncs its apps in the background.',
      tokenLabel(added),
      plainText(added.organizationName, 200) || '-',
      dateText(added.expirationDateTime, locale),
    ),
  );
}
