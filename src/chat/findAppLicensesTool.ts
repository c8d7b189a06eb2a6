import * as l10n from '@vscode/l10n';
import { VppAppRecord } from '../graph/vppRecords';
import { TOOLS } from '../ids';
import { tokenLabel } from '../tree/tokenPresentation';
import { ChatTool, ChatToolDeps, failureText, inputObject, optionalText, settle, tenantsNamed, ToolInputError } from './chatTool';
import { bare, BoundedText, countCell, DATA_NOTICE, quoted } from './toolText';

function readInput(raw: unknown): { app: string; tenant?: string } {
  const input = inputObject(raw);
  const app = optionalText(input, 'app', 200);
  if (!app || app.length < 2) {
    throw new ToolInputError('"app" is required: at least two characters of an app name, or a bundle id.');
  }
  return { app, tenant: optionalText(input, 'tenant') };
}

/** An app matches by its bundle id, whole, or by a part of its name; both ignore case. */
export function appMatches(app: VppAppRecord, wanted: string): boolean {
  const query = wanted.toLowerCase();
  return app.bundleId?.toLowerCase() === query || (app.displayName ?? '').toLowerCase().includes(query);
}

/**
 * `intuneVpp_findAppLicenses`: which tokens hold the licenses of an app (by name or bundle id), and how many are used.
 * Reads each tenant's VPP apps, which carry their token and both counts; Graph's getLicensesForApp needs an exact
 * bundle id and gives no app or token names, so it would answer less.
 */
export function findAppLicensesTool(deps: ChatToolDeps): ChatTool {
  return {
    name: TOOLS.findAppLicenses,
    prepare: (raw) => Promise.resolve({ invocationMessage: l10n.t('Looking for the licenses of {0}', quoted(readInput(raw).app)) }),
    invoke: async (raw, signal) => {
      const input = readInput(raw);
      const tenants = tenantsNamed(deps.tenants(), input.tenant);
      const found = await Promise.all(
        tenants.map((tenant) =>
          deps.limit(async () => ({
            tenant,
            read: await settle(async () => {
              const service = tenant.service();
              const apps = (await service.listVppApps(signal)).filter((app) => appMatches(app, input.app));
              // Token names only when an app matched: most questions about an app a tenant lacks end here.
              const tokens = apps.length > 0 ? await tenant.listTokens(signal) : [];
              return { apps, tokens: new Map(tokens.map((token) => [token.id.toLowerCase(), token])) };
            }),
          })),
        ),
      );
      const out = new BoundedText();
      out.line(DATA_NOTICE);
      out.line(`Apps whose bundle id is ${quoted(input.app)} or whose name contains it, with the VPP token that holds their licenses.`);
      const rows: string[][] = [];
      let used = 0;
      let total = 0;
      for (const { tenant, read } of found) {
        if ('error' in read) {
          out.line(`Tenant ${quoted(tenant.label)}: not read, ${failureText(read.error)}.`);
          continue;
        }
        out.line(`Tenant ${quoted(tenant.label)}: ${read.value.apps.length} matching apps.`);
        for (const app of sortApps(read.value.apps)) {
          const token = app.vppTokenId ? read.value.tokens.get(app.vppTokenId.toLowerCase()) : undefined;
          used += app.usedLicenseCount ?? 0;
          total += app.totalLicenseCount ?? 0;
          rows.push([
            quoted(tenant.label),
            quoted(app.displayName),
            quoted(app.bundleId),
            bare(app.platform),
            token ? quoted(tokenLabel(token)) : '-',
            bare(app.vppTokenId, 80),
            countCell(app.usedLicenseCount),
            countCell(app.totalLicenseCount),
          ]);
        }
      }
      if (rows.length > 0) {
        out.line(`In all: ${rows.length} apps, licenses used ${used} of ${total}.`);
        out.table(
          ['tenant', 'app', 'bundle id', 'platform', 'token', 'token id', 'used', 'total'],
          rows,
          'Give the exact bundle id or one tenant.',
        );
      }
      return out.toString();
    },
  };
}

function sortApps(apps: readonly VppAppRecord[]): VppAppRecord[] {
  const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });
  return [...apps].sort((a, b) => collator.compare(a.displayName ?? '', b.displayName ?? '') || (a.id < b.id ? -1 : 1));
}
