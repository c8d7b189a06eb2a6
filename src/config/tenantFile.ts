import * as l10n from '@vscode/l10n';
import { csvCell, csvCellValue, parseCsv } from '../csv';
import { plainText } from '../text';
import { CLOUD_NAMES } from './clouds';
import { AUTH_MODES, httpsOrigin, text } from './settings';
import { rawFromEntry, TenantEntry, tenantKey, tenantLabelProblem } from './tenants';

/** The columns of a tenant file, in this order when written; names are matched without regard to case. */
export const TENANT_COLUMNS = [
  'label',
  'tenantId',
  'clientId',
  'cloud',
  'authMode',
  'graphEndpoint',
  'loginEndpoint',
  'sharedCredential',
] as const;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** A row that cannot be added, numbered as the file numbers it (CSV: its line; JSON: its position from 1), with why. */
export interface RefusedRow {
  readonly row: number;
  readonly label: string;
  readonly reason: string;
}

export interface TenantImport {
  readonly entries: TenantEntry[];
  readonly refused: RefusedRow[];
}

/** The rows of a tenant file as objects, numbered; JSON (an array of objects) or CSV with a header row. */
function rowsOf(fileText: string, fileName: string): { row: number; values: Record<string, unknown> }[] {
  const trimmed = fileText.trim();
  if (/\.json$/i.test(fileName) || trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw new Error(l10n.t('The file is not valid JSON.'));
    }
    if (!Array.isArray(parsed)) {
      throw new Error(l10n.t('The JSON file must hold an array of tenants, like the one Export Tenants… writes.'));
    }
    return parsed.map((value, index) => ({
      row: index + 1,
      values: value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {},
    }));
  }
  const [header, ...lines] = parseCsv(trimmed);
  const columns = (header ?? []).map((name) => TENANT_COLUMNS.find((column) => column.toLowerCase() === name.trim().toLowerCase()));
  if (!columns.includes('tenantId') || !columns.includes('clientId')) {
    throw new Error(l10n.t('The first line must name the columns: {0}.', TENANT_COLUMNS.join(',')));
  }
  return lines
    .map((cells, index) => ({ row: index + 2, cells }))
    .filter(({ cells }) => cells.some((cell) => cell.trim() !== ''))
    .map(({ row, cells }) => ({
      row,
      values: Object.fromEntries(columns.flatMap((column, index) => (column ? [[column, csvCellValue(cells[index]?.trim() ?? '')]] : []))),
    }));
}

/** Why a row cannot be a tenant entry, or undefined; an empty optional cell counts as absent. */
function rowProblem(entry: TenantEntry): string | undefined {
  const labelProblem = tenantLabelProblem(text(entry.label));
  if (labelProblem) {
    return labelProblem;
  }
  if (!CLOUD_NAMES.includes(entry.cloud as never)) {
    return l10n.t('unknown cloud "{0}" (use one of {1})', text(entry.cloud), CLOUD_NAMES.join(', '));
  }
  if (!AUTH_MODES.includes(entry.authMode as never)) {
    return l10n.t('unknown sign-in mode "{0}" (use one of {1})', text(entry.authMode), AUTH_MODES.join(', '));
  }
  if (!GUID.test(text(entry.clientId))) {
    return l10n.t('the client id "{0}" is not an application (client) ID', text(entry.clientId));
  }
  const tenantId = text(entry.tenantId);
  if (!GUID.test(tenantId) && !DOMAIN.test(tenantId)) {
    return l10n.t('the tenant "{0}" is neither a directory (tenant) ID nor a domain', tenantId);
  }
  if (entry.sharedCredential === true && entry.authMode !== 'clientCredentials') {
    return l10n.t('a shared credential is for app-only sign-in (clientCredentials)');
  }
  if (entry.cloud === 'custom') {
    try {
      httpsOrigin(entry.graphEndpoint, 'graphEndpoint');
      httpsOrigin(entry.loginEndpoint, 'loginEndpoint');
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  } else if (text(entry.graphEndpoint) || text(entry.loginEndpoint)) {
    return l10n.t('endpoints are only for the cloud "custom"');
  }
  return undefined;
}

/**
 * Reads a tenant file (CSV with a header, or JSON) into entries for `intuneVpp.additionalTenants`. Each bad row is
 * named with why (an unknown cloud or mode, an endpoint that is not https, a tenant already shown or repeated in
 * the file); the good rows are kept. Throws when the file as a whole cannot be read.
 */
export function readTenantFile(fileText: string, fileName: string, existingKeys: readonly string[]): TenantImport {
  const seen = new Set(existingKeys);
  const entries: TenantEntry[] = [];
  const refused: RefusedRow[] = [];
  for (const { row, values } of rowsOf(fileText, fileName)) {
    const optional = (name: string) => text(values[name]) || undefined;
    const entry: TenantEntry = {
      label: text(values.label) || text(values.tenantId),
      cloud: text(values.cloud) || 'global',
      authMode: text(values.authMode) || 'vscode',
      clientId: text(values.clientId),
      tenantId: text(values.tenantId),
      ...(optional('graphEndpoint') ? { graphEndpoint: httpsOrStay(optional('graphEndpoint')) } : {}),
      ...(optional('loginEndpoint') ? { loginEndpoint: httpsOrStay(optional('loginEndpoint')) } : {}),
      ...(values.sharedCredential === true || /^true$/i.test(text(values.sharedCredential)) ? { sharedCredential: true } : {}),
    };
    // Shown in the preview: cleaned, so that a label cannot forge a line of it.
    const label = plainText(entry.label, 40) || l10n.t('row {0}', row);
    const problem = rowProblem(entry);
    const key = tenantKey(rawFromEntry(entry, undefined));
    if (problem) {
      // A reason can repeat the row's own values (an unknown cloud, a client id): plain text, one line.
      refused.push({ row, label, reason: plainText(problem, 500) });
    } else if (seen.has(key)) {
      refused.push({ row, label, reason: l10n.t('a duplicate: the view already shows this tenant with this app and sign-in mode') });
    } else {
      seen.add(key);
      entries.push(entry);
    }
  }
  return { entries, refused };
}

/** An endpoint as written, without a trailing slash (the origin check refuses anything else). */
function httpsOrStay(value: string | undefined): string | undefined {
  return value?.replace(/\/+$/, '');
}

/** Tenant entries as a file: JSON (an array) for a `.json` name, else CSV with the header row; re-importable. */
export function writeTenantFile(entries: readonly TenantEntry[], fileName: string): string {
  const rows = entries.map((entry) =>
    Object.fromEntries(
      TENANT_COLUMNS.map((column) => [
        column,
        column === 'sharedCredential' ? (entry.sharedCredential === true ? 'true' : '') : text(entry[column]),
      ]),
    ),
  );
  if (/\.json$/i.test(fileName)) {
    return `${JSON.stringify(
      rows.map((row) =>
        Object.fromEntries(
          Object.entries(row)
            .filter(([, value]) => value !== '')
            .map(([column, value]) => [column, column === 'sharedCredential' ? true : value]),
        ),
      ),
      null,
      2,
    )}\n`;
  }
  return (
    [TENANT_COLUMNS.join(','), ...rows.map((row) => TENANT_COLUMNS.map((column) => csvCell(row[column])).join(','))].join('\r\n') + '\r\n'
  );
}
