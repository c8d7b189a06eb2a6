import { isIP } from 'node:net';
import * as l10n from '@vscode/l10n';
import { RawSettings } from '../../config/settings';
import { readTenantFile, TenantImport, writeTenantFile } from '../../config/tenantFile';
import { TenantEntry } from '../../config/tenants';
import { plainText } from '../../text';
import { ActionContext } from '../context';

/** Far above any list of tenants: a larger file is not read. */
const MAX_TENANT_FILE_BYTES = 1024 * 1024;
/** How many rows a preview lists before "and n more": of the tenants on a well-known cloud, and of refused rows. */
const PREVIEW_ROWS = 25;
/**
 * How many tenants that sign in at a custom cloud or use a shared credential one import may hold: each is listed in
 * full with its warning, so that the admin sees every host a sign-in or a stored secret can go to; a longer list
 * would not be read line by line in a dialog, and the file is refused instead.
 */
const MAX_WARNED_ROWS = 25;

/** What Import Tenants… needs of the registry. */
export interface TenantImporting {
  keys(): string[];
  addAll(entries: readonly TenantEntry[]): Promise<void>;
}

/** A shown tenant as a row of a tenant file. */
export function entryOf(label: string, raw: RawSettings, sharedCredential: boolean): TenantEntry {
  return {
    ...(sharedCredential ? { sharedCredential: true } : {}),
    label,
    cloud: raw.cloud,
    graphEndpoint: raw.cloud === 'custom' ? raw.customGraphEndpoint : undefined,
    loginEndpoint: raw.cloud === 'custom' ? raw.customLoginEndpoint : undefined,
    authMode: raw.authMode,
    clientId: raw.clientId,
    tenantId: raw.tenantId,
  };
}

function listed<T extends string | string[]>(lines: readonly T[]): (T | string)[] {
  return lines.length > PREVIEW_ROWS
    ? [...lines.slice(0, PREVIEW_ROWS), l10n.t('… and {0} more', lines.length - PREVIEW_ROWS)]
    : [...lines];
}

/** Whether a tenant's preview carries a warning: it signs in at a custom cloud, or uses a shared credential. */
function isWarned(entry: TenantEntry): boolean {
  return entry.cloud === 'custom' || entry.sharedCredential === true;
}

/**
 * The tenants to add as the preview lists them: every warned one in full, first, then the others (a well-known
 * cloud, the tenant's own credential), of which only the first rows are named.
 */
function toAddLines(entries: readonly TenantEntry[]): string[] {
  const warned = entries.filter(isWarned);
  const plain = entries.filter((entry) => !isWarned(entry));
  return [...warned.flatMap(previewLines), ...listed(plain.map(previewLines)).flat()];
}

/** A host as the preview names it: in ASCII (an internationalised name as its xn-- form), flagged when it is unusual. */
function hostShown(endpoint: unknown): string {
  const { host, hostname } = new URL(String(endpoint));
  if (isIP(hostname.replace(/^\[(.*)\]$/, '$1'))) {
    return l10n.t('{0} (an IP address)', host);
  }
  return /(^|\.)xn--/i.test(host) ? l10n.t('{0} (an internationalised name: check it letter by letter)', host) : host;
}

/**
 * What decides where an imported tenant signs in, for its preview: the label, cloud, sign-in mode, client id and
 * tenant; for a custom cloud both hosts, and a shared app credential, each with a warning, as either can hand a
 * sign-in or a stored secret to someone else's server.
 */
function previewLines(entry: TenantEntry): string[] {
  const lines = [
    `• "${plainText(entry.label, 80)}" · ${String(entry.cloud)} · ${String(entry.authMode)} · ${l10n.t('client {0}', String(entry.clientId))} · ${l10n.t('tenant {0}', String(entry.tenantId))}`,
  ];
  if (entry.cloud === 'custom') {
    lines.push(
      `  ⚠ ${l10n.t('Custom cloud: signs in at {0} and reads Graph at {1}. Add it only if you know these servers.', hostShown(entry.loginEndpoint), hostShown(entry.graphEndpoint))}`,
    );
  }
  if (entry.sharedCredential === true) {
    lines.push(
      `  ⚠ ${l10n.t('Uses the client secret or certificate stored for the app {0}, shared with its other tenants.', String(entry.clientId))}`,
    );
  }
  return lines;
}

/**
 * The preview of an import, and the admin's answer; false also when nothing can be added, or when the file holds
 * more warned tenants than a preview lists (each said with an error).
 */
async function confirmImport(context: ActionContext, read: TenantImport, fileName: string): Promise<boolean> {
  const refusedLines = read.refused.map((row) => l10n.t('Row {0} ({1}): {2}', row.row, row.label, row.reason));
  if (read.entries.length === 0) {
    await context.ui.error([l10n.t('No tenant of "{0}" can be added.', fileName), ...listed(refusedLines)].join('\n'), []);
    return false;
  }
  const warned = read.entries.filter(isWarned).length;
  if (warned > MAX_WARNED_ROWS) {
    await context.ui.error(
      l10n.t(
        'Nothing was added: "{0}" holds {1} tenants that sign in at a custom cloud or use a shared credential, and a preview shows at most {2} of them, each with where it signs in. Split the file into files of at most {2} such tenants and import each.',
        fileName,
        warned,
        MAX_WARNED_ROWS,
      ),
      [],
    );
    return false;
  }
  const detail = [
    l10n.t('To add ({0}):', read.entries.length),
    ...toAddLines(read.entries),
    ...(refusedLines.length > 0 ? ['', l10n.t('Not added ({0}):', refusedLines.length), ...listed(refusedLines)] : []),
  ].join('\n');
  return context.ui.confirm(
    read.entries.length === 1
      ? l10n.t('Add 1 tenant from "{0}"?', fileName)
      : l10n.t('Add {0} tenants from "{1}"?', read.entries.length, fileName),
    detail,
    l10n.t('Add Tenants'),
  );
}

/**
 * "Import Tenants…": a CSV or JSON file of tenants (label, tenant id or domain, client id, cloud, sign-in mode,
 * optional endpoints). The preview lists what will be added and each refused row with why; the valid rows are
 * appended to `intuneVpp.additionalTenants`, keeping what is there. Nothing is written without the confirmation.
 */
export async function importTenants(context: ActionContext, registry: TenantImporting): Promise<void> {
  const picked = await context.files.pickTextFile(
    l10n.t('Import Tenants: choose a CSV or JSON file'),
    { [l10n.t('Tenant lists')]: ['csv', 'json'] },
    MAX_TENANT_FILE_BYTES,
  );
  if (!picked) {
    return;
  }
  // The file's name is the sender's choice too: shown as plain text, never as a link or a line.
  const fileName = plainText(picked.name, 120);
  if (picked.text === undefined) {
    await context.ui.error(l10n.t('The file "{0}" is larger than 1 MB: it is not a list of tenants.', fileName), []);
    return;
  }
  let read;
  try {
    read = readTenantFile(picked.text, picked.name, registry.keys());
  } catch (error) {
    await context.ui.error(
      l10n.t('The file "{0}" could not be read: {1}', fileName, plainText(error instanceof Error ? error.message : error, 200)),
      [],
    );
    return;
  }
  if (!(await confirmImport(context, read, fileName))) {
    return;
  }
  await registry.addAll(read.entries);
  context.log.info(`Imported ${read.entries.length} tenants from ${fileName}; ${read.refused.length} rows refused.`);
  await context.ui.info(
    read.refused.length === 0
      ? l10n.t('Added {0} tenants. Each signs in as its mode says; app-only tenants need their secret or certificate.', read.entries.length)
      : l10n.t('Added {0} tenants; {1} rows were not added (see the preview).', read.entries.length, read.refused.length),
  );
}

/** "Export Tenants…": every tenant the view shows, as CSV or JSON in the format Import Tenants… reads. No secret. */
export async function exportTenants(context: ActionContext, tenants: readonly TenantEntry[]): Promise<void> {
  const target = await context.files.pickSaveLocation(l10n.t('Export Tenants'), 'intune-vpp-tenants.csv');
  if (!target) {
    return;
  }
  await context.files.writeTextFile(target, writeTenantFile(tenants, target));
  await context.ui.info(l10n.t('Exported {0} tenants (no credentials) to {1}.', tenants.length, target));
}
