import * as l10n from '@vscode/l10n';
import { VppTokenChanges, VppTokenRecord } from '../../graph/vppRecords';
import { tokenLabel } from '../../tree/tokenPresentation';
import { plainText } from '../../text';
import { runSteps } from '../../ui/multiStepInput';
import { TenantContext, writingToken } from '../context';
import { pickToken } from '../pickToken';
import { syncAfter } from '../licenses/syncLicenses';
import { countryText, settingsSteps, TokenSettingsDraft } from './tokenSettings';
import { rethrowGone, tenantLines, yesNo } from '../confirmations';
import { editWrite, takeOverWrite } from '../writes/writeKinds';
import { runWrite, TENANT_LOST_ANSWER } from '../writes/writePipeline';

type EditableField = keyof TokenSettingsDraft;

/** The fields the admin changed, and only those: the PATCH sends nothing else. */
export function changedFields(token: VppTokenRecord, draft: Partial<TokenSettingsDraft>): VppTokenChanges {
  const changes: Record<string, unknown> = {};
  for (const field of ['displayName', 'appleId', 'countryOrRegion', 'automaticallyUpdateApps', 'dataSharingConsentGranted'] as const) {
    const value = draft[field];
    const before = token[field] ?? undefined;
    const same = typeof value === 'string' && typeof before === 'string' ? sameText(value, before) : value === before;
    if (value !== undefined && !same) {
      changes[field] = value;
    }
  }
  return changes;
}

function changeLines(token: VppTokenRecord, changes: VppTokenChanges, locale: string): string[] {
  const shown = (field: EditableField, value: unknown): string =>
    field === 'countryOrRegion'
      ? countryText(value as string | undefined, locale)
      : typeof value === 'boolean'
        ? yesNo(value)
        : plainText(value, 200) || '-';
  const names: Record<EditableField, string> = {
    displayName: l10n.t('Name'),
    appleId: l10n.t('Apple ID'),
    countryOrRegion: l10n.t('Country or region'),
    automaticallyUpdateApps: l10n.t('Update apps automatically'),
    dataSharingConsentGranted: l10n.t('Data sharing with Apple'),
  };
  return (Object.keys(changes) as EditableField[]).map((field) =>
    l10n.t('{0}: {1} → {2}', names[field], shown(field, token[field]), shown(field, changes[field])),
  );
}

/** Text the admin typed against a name read from Graph, which is kept cleaned (see `plainText`): compared the same way. */
function sameText(typed: string, read: string): boolean {
  return plainText(typed, 500) === plainText(read, 500);
}

/**
 * "Edit Token Settings…": the token's name, Apple ID, country or region, automatic app updates and (while not
 * granted) the data-sharing consent, each starting from its current value. The confirmation lists what changes;
 * the PATCH sends only that. Nothing changed, nothing sent.
 */
export async function editToken(context: TenantContext, selected: VppTokenRecord | undefined, locale: string): Promise<void> {
  const token = selected ?? (await pickToken(context, l10n.t('Edit Token Settings: choose a VPP token')));
  if (!token) {
    return;
  }
  const label = tokenLabel(token);
  const draft = await runSteps<TokenSettingsDraft>(
    settingsSteps(context, l10n.t('Edit "{0}"', label), locale, token.dataSharingConsentGranted !== true),
    {
      displayName: token.displayName ?? '',
      appleId: token.appleId ?? '',
      countryOrRegion: token.countryOrRegion ?? undefined,
      automaticallyUpdateApps: token.automaticallyUpdateApps ?? undefined,
      dataSharingConsentGranted: token.dataSharingConsentGranted ?? undefined,
    },
  );
  if (!draft) {
    return;
  }
  const changes = changedFields(token, draft);
  if (Object.keys(changes).length === 0) {
    return context.ui.info(l10n.t('Nothing changed in "{0}"; nothing was sent.', label));
  }
  const detail = [
    ...tenantLines(context),
    ...changeLines(token, changes, locale),
    ...(changes.countryOrRegion !== undefined
      ? ['', l10n.t("Intune updates the apps' store details and links for the new country or region at the next sync.")]
      : []),
  ].join('\n');
  if (!(await context.ui.confirm(l10n.t('Change the settings of the VPP token "{0}"?', label), detail, l10n.t('Save Changes')))) {
    return;
  }
  try {
    const saved = await writingToken(context, token.id, 'edit', () =>
      runWrite(context, editWrite(context, token, changes), {
        title: l10n.t('Saving the settings of "{0}"…', label),
        lostAnswer: TENANT_LOST_ANSWER(),
        unconfirmed: (reason) => l10n.t('The change of "{0}" is not confirmed: the token does not show it. {1}', label, reason),
        sendAgain: {
          message: l10n.t('Save the settings of "{0}" again?', label),
          detail: l10n.t('Saving the same values again does no harm.'),
        },
      }),
    );
    if (!saved) {
      return;
    }
    await context.store.tokenWritten(token.id);
    await context.ui.info(l10n.t('Saved the settings of "{0}".', plainText(changes.displayName, 120) || label));
  } catch (error) {
    rethrowGone(context, label, error);
  }
}

/**
 * "Take Over Management…" of a token another MDM holds: sets `claimTokenManagementFromExternalMdm`, then syncs.
 * The warning says what the other MDM loses.
 */
export async function takeOverToken(context: TenantContext, selected: VppTokenRecord | undefined): Promise<void> {
  const token = selected ?? (await pickToken(context, l10n.t('Take Over Management: choose a VPP token')));
  if (!token) {
    return;
  }
  const label = tokenLabel(token);
  if (token.state !== 'assignedToExternalMDM') {
    return context.ui.info(l10n.t('"{0}" is not held by another MDM; there is nothing to take over.', label));
  }
  const detail = [
    ...tenantLines(context),
    l10n.t('Apple ID: {0}', plainText(token.appleId, 200) || '-'),
    l10n.t('Location: {0}', plainText(token.locationName, 200) || '-'),
    '',
    l10n.t(
      'The other MDM loses this token: it can no longer assign or revoke its licenses, and the apps it installed with them may stop updating. Make sure that MDM no longer needs it.',
    ),
  ].join('\n');
  if (!(await context.ui.confirm(l10n.t('Take over the VPP token "{0}" from the other MDM?', label), detail, l10n.t('Take Over')))) {
    return;
  }
  try {
    const claimed = await writingToken(context, token.id, 'edit', () =>
      runWrite(context, takeOverWrite(context, token), {
        title: l10n.t('Taking over "{0}"…', label),
        lostAnswer: TENANT_LOST_ANSWER(),
        unconfirmed: (reason) => l10n.t('Taking over "{0}" is not confirmed: the token does not show it. {1}', label, reason),
        sendAgain: { message: l10n.t('Take over "{0}" again?', label), detail: l10n.t('Asking again does no harm.') },
      }),
    );
    if (!claimed) {
      return;
    }
    const synced = await syncAfter(context, token, label);
    await context.store.tokenWritten(token.id);
    if (synced) {
      await context.ui.info(l10n.t('Intune now manages the VPP token "{0}".', label));
    }
  } catch (error) {
    rethrowGone(context, label, error);
  }
}
