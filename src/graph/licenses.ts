import { VppAppRecord } from './vppRecords';

/**
 * Apps (or eBooks) by the id of their token, lower-cased: Graph does not promise the same case in `vppTokenId` as in
 * the token's id.
 */
export function groupByTokenId<T extends { readonly vppTokenId?: string | null }>(apps: readonly T[]): Map<string, T[]> {
  const byToken = new Map<string, T[]>();
  for (const app of apps) {
    const tokenId = app.vppTokenId?.toLowerCase();
    if (tokenId) {
      byToken.set(tokenId, [...(byToken.get(tokenId) ?? []), app]);
    }
  }
  return byToken;
}

/** What a revoke of tokens' licenses touches: their VPP apps, and the licenses used of the total, summed. */
export interface LicenseImpact {
  readonly apps: number;
  readonly used: number;
  readonly total: number;
}

/** The apps of the given tokens (each token once, whatever the case of its id). */
export function appsOf<T>(appsByToken: ReadonlyMap<string, readonly T[]>, tokenIds: readonly string[]): T[] {
  return [...new Set(tokenIds.map((id) => id.toLowerCase()))].flatMap((id) => appsByToken.get(id) ?? []);
}

/** How many apps (or eBooks), and the licenses used and bought across them (a missing count counts as 0). */
export function licenseTotals(apps: readonly Pick<VppAppRecord, 'usedLicenseCount' | 'totalLicenseCount'>[]): LicenseImpact {
  return {
    apps: apps.length,
    used: apps.reduce((sum, app) => sum + (app.usedLicenseCount ?? 0), 0),
    total: apps.reduce((sum, app) => sum + (app.totalLicenseCount ?? 0), 0),
  };
}
