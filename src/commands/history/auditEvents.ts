import * as l10n from '@vscode/l10n';
import { AuditEventRecord, VppTokenRecord } from '../../graph/vppRecords';
import { plainText } from '../../text';
import { tokenLabel } from '../../tree/tokenPresentation';
import { TenantContext } from '../context';
import { pickToken } from '../pickToken';
import { tenantLines } from '../confirmations';

const DAY_MS = 24 * 3600 * 1000;
/** The periods offered, the default first. */
const PERIODS = [30, 7, 90, 365];

/** One event as a line of the report: when, who, what Intune calls it, and how it ended. */
function eventLine(event: AuditEventRecord): string {
  const type = event.activityType && event.activityType !== event.activity ? ` (${event.activityType})` : '';
  return `${event.activityDateTime ?? '-'} · ${event.actor} · ${event.activity ?? '-'}${type} · ${event.activityResult ?? '-'}`;
}

/**
 * "Show Intune Audit Events…": the events of Intune's audit log that name the token, for a period the admin picks:
 * every write from the admin center, PowerShell or any app, with who made it. Intune does not document how it names
 * VPP activities, so events are matched on the token's id and shown with Intune's own names.
 */
export async function showAuditEvents(context: TenantContext, selected: VppTokenRecord | undefined): Promise<void> {
  const token = selected ?? (await pickToken(context, l10n.t('Show Intune Audit Events: choose a VPP token')));
  if (!token) {
    return;
  }
  const label = tokenLabel(token);
  const days = await context.ui.pickOne(
    PERIODS.map((period) => ({ label: l10n.t('Last {0} days', period), value: period })),
    { title: l10n.t('Intune audit events of "{0}"', label), placeHolder: l10n.t('Which period of the audit log?') },
  );
  if (days === undefined) {
    return;
  }
  const since = new Date(context.now() - days * DAY_MS);
  const { events, truncated } = await context.ui.withProgress(
    l10n.t("Reading Intune's audit log of the last {0} days…", days),
    (progress) => context.service().listAuditEvents(since, progress.signal),
    true,
  );
  const named = events
    .filter((event) => event.resourceIds.includes(token.id))
    .sort((a, b) => (b.activityDateTime ?? '').localeCompare(a.activityDateTime ?? ''));
  const limit = truncated
    ? [l10n.t('The audit log holds more events than were read ({0}): pick a shorter period to see the oldest.', events.length)]
    : [];
  if (named.length === 0) {
    return context.ui.info([l10n.t('Intune\'s audit log names "{0}" in no event of the last {1} days.', label, days), ...limit].join(' '));
  }
  await context.reports.showReport(
    l10n.t('Intune audit events of "{0}", last {1} days', label, days),
    [
      ...tenantLines(context),
      l10n.t('Token: {0} ({1})', label, plainText(token.id, 200)),
      l10n.t('{0} events, newest first: time (UTC) · who · activity · result', named.length),
      '',
      ...named.map(eventLine),
      ...(limit.length > 0 ? ['', ...limit] : []),
    ].join('\n'),
  );
}
