import * as l10n from '@vscode/l10n';
import { CLOUD_NAMES, CloudName, WELL_KNOWN_CLOUDS } from '../../config/clouds';
import { asGraphPowerShell, asHttpRequest } from '../../graph/exactRequest';
import { HistoryFilter, historyCsv, historyJson, operationLabel, targetLabel } from '../../journal/history';
import { JournalEntry } from '../../journal/journalEntries';
import { plainText } from '../../text';
import { ActionContext } from '../context';

/** What the History commands need of the view. */
export interface HistorySource {
  /** The entries the view shows (its filter applied, every page), newest first. */
  filtered(): Promise<JournalEntry[]>;
  /** Every entry, oldest first. */
  all(): Promise<JournalEntry[]>;
}

/** "Filter History…": every write, or those of one tenant, or of one token, among the writes recorded. */
export async function pickHistoryFilter(context: ActionContext, source: HistorySource): Promise<HistoryFilter | null | undefined> {
  const entries = await source.all();
  const tenants = new Map<string, string>();
  const tokens = new Map<string, { name: string; tenant: string; tenantKey: string }>();
  for (const { intent } of entries) {
    tenants.set(intent.tenant.key, plainText(intent.tenant.label, 80));
    if (intent.target.tokenId) {
      tokens.set(intent.target.tokenId, {
        name: plainText(intent.target.tokenName, 120) || plainText(intent.target.tokenId, 120),
        tenant: plainText(intent.tenant.label, 80),
        tenantKey: intent.tenant.key,
      });
    }
  }
  return context.ui.pickOne<HistoryFilter | null>(
    [
      { label: l10n.t('All writes'), value: null },
      ...[...tenants].map(([key, label]) => ({
        label,
        description: l10n.t('tenant'),
        value: { tenantKey: key, label: l10n.t('Tenant: {0}', label) },
      })),
      ...[...tokens].map(([id, token]) => ({
        label: token.name,
        description: l10n.t('token in {0}', token.tenant),
        value: { tenantKey: token.tenantKey, tokenId: id, label: l10n.t('Token: {0}', token.name) },
      })),
    ],
    { title: l10n.t('Filter History'), placeHolder: l10n.t('Show the writes of which tenant or token?') },
  );
}

/**
 * "Export History…": the writes the view shows (its filter applied), as CSV or JSON by the file's extension, with
 * the license report's CSV safety. The journal holds no secret, so neither does the file.
 */
export async function exportHistory(context: ActionContext, source: HistorySource, now = new Date()): Promise<void> {
  const entries = await source.filtered();
  if (entries.length === 0) {
    return context.ui.info(l10n.t('History has no write to export.'));
  }
  const location = await context.files.pickSaveLocation(
    l10n.t('Intune VPP: Export History'),
    `vpp-history-${now.toISOString().slice(0, 10)}.csv`,
  );
  if (!location) {
    return;
  }
  const oldestFirst = [...entries].reverse();
  await context.files.writeTextFile(location, /\.json$/i.test(location) ? historyJson(oldestFirst) : historyCsv(oldestFirst));
  await context.ui.info(l10n.t('Wrote {0} writes of the History to {1}.', entries.length, location));
}

/** The Graph endpoint of a recorded write's cloud: a Microsoft cloud's own, or the custom tenant's as configured now. */
export function graphEndpointOf(
  entry: JournalEntry,
  customEndpoint: (tenantKey: string) => string | undefined,
): { cloud: CloudName; graphEndpoint: string } {
  const cloud = (CLOUD_NAMES as readonly string[]).includes(entry.intent.tenant.cloud)
    ? (entry.intent.tenant.cloud as CloudName)
    : 'custom';
  if (cloud !== 'custom') {
    return { cloud, graphEndpoint: WELL_KNOWN_CLOUDS[cloud].graphEndpoint };
  }
  return { cloud, graphEndpoint: customEndpoint(entry.intent.tenant.key) ?? 'https://<graph endpoint>' };
}

/** "Copy as Graph PowerShell" / "Copy as HTTP Request" on a History entry: the request as recorded, no credential. */
export async function copyHistoryEntry(
  context: ActionContext,
  entry: JournalEntry,
  format: 'powershell' | 'http',
  customEndpoint: (tenantKey: string) => string | undefined,
): Promise<void> {
  const { cloud, graphEndpoint } = graphEndpointOf(entry, customEndpoint);
  const request = entry.intent.request;
  await context.clipboard.copyText(
    format === 'powershell' ? asGraphPowerShell(request, cloud, graphEndpoint) : asHttpRequest(request, graphEndpoint),
  );
  const what = `${operationLabel(entry.intent.operation)} · ${targetLabel(entry)}`;
  await context.ui.info(
    format === 'powershell'
      ? l10n.t('Copied "{0}" as Graph PowerShell. Nothing was sent to Intune.', what)
      : l10n.t('Copied "{0}" as an HTTP request. Nothing was sent to Intune.', what),
  );
}
