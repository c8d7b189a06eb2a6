import * as l10n from '@vscode/l10n';
import { VppTokenRecord } from '../graph/vppRecords';
import { TOOLS } from '../ids';
import { needsRenewal } from '../tree/expiry';
import { sortTokens, tokenLabel } from '../tree/tokenPresentation';
import { ChatTool, ChatToolDeps, failureText, inputObject, optionalText, settle, tenantsNamed, ToolInputError } from './chatTool';
import { bare, BoundedText, DATA_NOTICE, day, quoted } from './toolText';

/** The token states Graph's beta metadata names (vppTokenState). */
export const TOKEN_STATES = ['valid', 'expired', 'invalid', 'assignedToExternalMDM', 'duplicateLocationId', 'unknown'] as const;
const MAX_DAYS = 3650;
const DAY_MS = 24 * 3600 * 1000;

interface ListFilters {
  readonly tenant?: string;
  readonly state?: string;
  readonly expiringWithinDays?: number;
}

function readFilters(raw: unknown): ListFilters {
  const input = inputObject(raw);
  const state = optionalText(input, 'state', 40);
  if (state !== undefined && !(TOKEN_STATES as readonly string[]).includes(state)) {
    throw new ToolInputError(`"state" must be one of ${TOKEN_STATES.join(', ')}.`);
  }
  const days = input.expiringWithinDays;
  if (days !== undefined && days !== null && (typeof days !== 'number' || !Number.isInteger(days) || days < 0 || days > MAX_DAYS)) {
    throw new ToolInputError(`"expiringWithinDays" must be a whole number from 0 to ${MAX_DAYS}.`);
  }
  return { tenant: optionalText(input, 'tenant'), state, expiringWithinDays: typeof days === 'number' ? days : undefined };
}

/** "2027-01-12 (in 44 days)", "2026-11-26 (3 days ago)", or "-". */
export function expiryCell(token: VppTokenRecord, now: number): string {
  const time = Date.parse(token.expirationDateTime ?? '');
  if (Number.isNaN(time)) {
    return '-';
  }
  const days = Math.round((time - now) / DAY_MS);
  const relative = days === 0 ? 'today' : days > 0 ? `in ${days} days` : `${-days} days ago`;
  return `${day(token.expirationDateTime)} (${relative})`;
}

export function lastSyncCell(token: VppTokenRecord): string {
  return `${day(token.lastSyncDateTime)} ${bare(token.lastSyncStatus, 20)}`;
}

/** `intuneVpp_listTokens`: the tokens of every tenant or one, filtered by state and expiry, as one table. */
export function listTokensTool(deps: ChatToolDeps): ChatTool {
  return {
    name: TOOLS.listTokens,
    prepare: (raw) => {
      const filters = readFilters(raw);
      return Promise.resolve({
        invocationMessage: filters.tenant ? l10n.t('Listing the VPP tokens of {0}', quoted(filters.tenant)) : l10n.t('Listing VPP tokens'),
      });
    },
    invoke: async (raw, signal) => {
      const filters = readFilters(raw);
      const tenants = tenantsNamed(deps.tenants(), filters.tenant);
      const now = deps.now();
      const listings = await Promise.all(
        tenants.map(async (tenant) => ({ tenant, read: await deps.limit(() => settle(() => tenant.listTokens(signal))) })),
      );
      const matches = (token: VppTokenRecord) =>
        (filters.state === undefined || token.state === filters.state) &&
        (filters.expiringWithinDays === undefined || needsRenewal(token, now, filters.expiringWithinDays));
      const out = new BoundedText();
      out.line(DATA_NOTICE);
      out.line(`Today: ${new Date(now).toISOString().slice(0, 10)}. Filters: ${describeFilters(filters)}.`);
      const rows: string[][] = [];
      for (const listing of listings) {
        if ('error' in listing.read) {
          out.line(`Tenant ${quoted(listing.tenant.label)}: not read, ${failureText(listing.read.error)}.`);
          continue;
        }
        const all = listing.read.value;
        const found = sortTokens(all.filter(matches), 'en');
        out.line(`Tenant ${quoted(listing.tenant.label)}: ${found.length} of ${all.length} tokens match.`);
        for (const token of found) {
          rows.push([
            quoted(listing.tenant.label),
            quoted(tokenLabel(token)),
            bare(token.id, 80),
            bare(token.state),
            expiryCell(token, now),
            lastSyncCell(token),
          ]);
        }
      }
      if (rows.length > 0) {
        out.table(
          ['tenant', 'token', 'id', 'state', 'expires', 'last sync'],
          rows,
          'Ask for one tenant, a state, or fewer days to expiry.',
        );
      }
      return out.toString();
    },
  };
}

function describeFilters(filters: ListFilters): string {
  const parts = [
    ...(filters.tenant ? [`tenant ${quoted(filters.tenant)}`] : []),
    ...(filters.state ? [`state ${filters.state}`] : []),
    ...(filters.expiringWithinDays !== undefined ? [`expired or expiring within ${filters.expiringWithinDays} days`] : []),
  ];
  return parts.length > 0 ? parts.join('; ') : 'none';
}
