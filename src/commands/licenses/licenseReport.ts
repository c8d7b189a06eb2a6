import * as l10n from '@vscode/l10n';
import { csvCell } from '../../csv';
import { describeForLog, VppError } from '../../errors';
import { groupByTokenId, licenseTotals } from '../../graph/licenses';
import { VppTokenService } from '../../graph/vppTokenService';
import { VppAppRecord, VppTokenRecord } from '../../graph/vppRecords';
import { plainText } from '../../text';
import { sortTokens, tokenLabel } from '../../tree/tokenPresentation';
import type { ActionContext } from '../context';

/** One tenant's part of a license report: its tokens and the VPP apps bought with each. */
export interface TenantLicenses {
  readonly tenant: string;
  readonly tokens: readonly { readonly token: VppTokenRecord; readonly apps: readonly VppAppRecord[] }[];
}

const CSV_COLUMNS = [
  'tenant',
  'token',
  'tokenId',
  'state',
  'expirationDateTime',
  'appleId',
  'location',
  'app',
  'bundleId',
  'usedLicenses',
  'totalLicenses',
] as const;

/** One row per app bought with a token, and one row for a token without apps; the header first. */
export function licenseReportCsv(tenants: readonly TenantLicenses[]): string {
  const rows: (string | number | null | undefined)[][] = [];
  for (const { tenant, tokens } of tenants) {
    for (const { token, apps } of tokens) {
      const tokenCells = [tenant, tokenLabel(token), token.id, token.state, token.expirationDateTime, token.appleId, token.locationName];
      if (apps.length === 0) {
        rows.push([...tokenCells, '', '', '', '']);
      }
      for (const app of apps) {
        rows.push([...tokenCells, app.displayName, app.bundleId, app.usedLicenseCount, app.totalLicenseCount]);
      }
    }
  }
  return [CSV_COLUMNS.join(','), ...rows.map((row) => row.map(csvCell).join(','))].join('\r\n') + '\r\n';
}

/** Tenants, their tokens (with the licenses used and bought, summed) and each token's apps. */
export function licenseReportJson(tenants: readonly TenantLicenses[], generatedAt: Date): string {
  return `${JSON.stringify(
    {
      generatedAt: generatedAt.toISOString(),
      tenants: tenants.map(({ tenant, tokens }) => ({
        tenant,
        tokens: tokens.map(({ token, apps }) => {
          const totals = licenseTotals(apps);
          return {
            id: token.id,
            displayName: token.displayName ?? null,
            state: token.state ?? null,
            expirationDateTime: token.expirationDateTime ?? null,
            appleId: token.appleId ?? null,
            location: token.locationName ?? null,
            usedLicenses: totals.used,
            totalLicenses: totals.total,
            apps: apps.map((app) => ({
              id: app.id,
              displayName: app.displayName ?? null,
              bundleId: app.bundleId ?? null,
              usedLicenses: app.usedLicenseCount ?? null,
              totalLicenses: app.totalLicenseCount ?? null,
            })),
          };
        }),
      })),
    },
    null,
    2,
  )}\n`;
}

/** A tenant as the report reads it. */
export interface ReportSource {
  readonly label: string;
  service(): VppTokenService;
}

/**
 * "Export License Report…": for one tenant or all of them, the tokens, their apps, used and total licenses, state
 * and expiry, written as CSV or JSON (by the file's extension) where the user chooses. A tenant that cannot be read
 * is named afterwards; the others are still written. Dismissing any step reads and writes nothing.
 */
export async function exportLicenseReport(context: ActionContext, sources: readonly ReportSource[], now = new Date()): Promise<void> {
  const { ui, files } = context;
  const title = l10n.t('Intune VPP: Export License Report');
  const chosen =
    sources.length <= 1
      ? sources
      : await ui.pickOne(
          [
            { label: l10n.t('All tenants ({0})', sources.length), value: sources },
            ...sources.map((source) => ({ label: plainText(source.label, 80), value: [source] })),
          ],
          { title, placeHolder: l10n.t('The licenses of which tenants?') },
        );
  if (!chosen || chosen.length === 0) {
    return;
  }
  const location = await files.pickSaveLocation(title, `vpp-licenses-${now.toISOString().slice(0, 10)}.csv`);
  if (!location) {
    return;
  }
  const failures: string[] = [];
  const tenants = await ui.withProgress(
    l10n.t('Reading the licenses of {0} tenants', chosen.length),
    async (progress) => {
      const read: TenantLicenses[] = [];
      for (const source of chosen) {
        progress.report(plainText(source.label, 80));
        try {
          const service = source.service();
          const tokens = await service.listTokens(progress.signal);
          const apps = groupByTokenId(await service.listVppApps(progress.signal));
          read.push({
            tenant: source.label,
            tokens: sortTokens(tokens, 'en').map((token) => ({ token, apps: apps.get(token.id.toLowerCase()) ?? [] })),
          });
        } catch (error) {
          if (error instanceof VppError && error.kind === 'cancelled') {
            throw error;
          }
          context.log.warn(`License report: tenant ${source.label} could not be read: ${describeForLog(error)}`);
          failures.push(l10n.t('{0} ({1})', plainText(source.label, 80), error instanceof VppError ? error.message : String(error)));
        }
      }
      return read;
    },
    true,
  );
  if (tenants.length === 0) {
    await ui.error(l10n.t('No tenant could be read, so no report was written: {0}', failures.join('; ')), []);
    return;
  }
  const json = /\.json$/i.test(location);
  await files.writeTextFile(location, json ? licenseReportJson(tenants, now) : licenseReportCsv(tenants));
  const count = tenants.reduce((sum, tenant) => sum + tenant.tokens.length, 0);
  await ui.info(l10n.t('Wrote the license report of {0} VPP tokens to {1}.', count, location));
  if (failures.length > 0) {
    await ui.error(l10n.t('These tenants could not be read and are not in the report: {0}', failures.join('; ')), []);
  }
}
