import * as l10n from '@vscode/l10n';
import { GraphRoute, permissionFor } from '../../config/permissions';
import { describeForLog, VppError } from '../../errors';
import { appsOf, groupByTokenId, LicenseImpact, licenseTotals } from '../../graph/licenses';
import { VppTokenService } from '../../graph/vppTokenService';
import { VppAppRecord, VppTokenRecord } from '../../graph/vppRecords';
import { TenantContext } from '../context';

/** Failures of the apps read that end the flow rather than leave the license impact unknown. */
const STOPPING_READ_FAILURES = new Set<VppError['kind']>([
  'signInRequired',
  'unauthorized',
  'consentRequired',
  'configuration',
  'cancelled',
]);

/** What a revoke or delete of tokens touches: their VPP apps and licenses, or why that is not known. */
export interface LicenseImpactReading {
  /** One line for a confirmation. */
  readonly line: string;
  /** The tokens' apps and their totals, when they could be read. */
  readonly apps?: readonly VppAppRecord[];
  readonly impact?: LicenseImpact;
}

/** Why a read for a confirmation failed, in a few words: the permission `route` needs, or the error's own message. */
export function whyNotRead(error: unknown, route: GraphRoute): string {
  if (error instanceof VppError && error.kind === 'forbidden') {
    return l10n.t('it needs the permission {0}', permissionFor(route));
  }
  return error instanceof VppError ? error.message : l10n.t('an unexpected error');
}

/** The VPP apps of the given tokens, read now from the tenant's service. */
export async function appsOfTokens(
  tenant: { service(): VppTokenService },
  tokenIds: readonly string[],
  signal?: AbortSignal,
): Promise<VppAppRecord[]> {
  return appsOf(groupByTokenId(await tenant.service().listVppApps(signal)), tokenIds);
}

/** "The VPP apps of this token: 17, licenses used: 1,234 of 1,500" (or "of these tokens" for several). */
export function impactLine(impact: LicenseImpact, tokenCount: number): string {
  const count = (value: number) => value.toLocaleString('en-US');
  return tokenCount === 1
    ? l10n.t('The VPP apps of this token: {0}, licenses used: {1} of {2}', count(impact.apps), count(impact.used), count(impact.total))
    : l10n.t('The VPP apps of these tokens: {0}, licenses used: {1} of {2}', count(impact.apps), count(impact.used), count(impact.total));
}

/** The line of a revoke's confirmation when the apps it touches could not be read, and why. */
export function unknownRevokeImpact(reason: string): string {
  return l10n.t(
    'The licenses this revoke touches are not known: the VPP apps could not be read ({0}). The revoke is still possible.',
    reason,
  );
}

/**
 * Reads the tokens' VPP apps for a confirmation's impact line. When the apps cannot be read (a missing permission, a
 * failure), the line says so and the flow goes on; a sign-in or settings problem stops it, as the write could not
 * work either.
 */
export async function readLicenseImpact(
  context: TenantContext,
  tokens: readonly VppTokenRecord[],
  whenUnknown: (reason: string) => string = unknownRevokeImpact,
): Promise<LicenseImpactReading> {
  try {
    const apps = await context.ui.withProgress(l10n.t('Reading the VPP apps bought with the selection…'), (progress) =>
      appsOfTokens(
        context,
        tokens.map((token) => token.id),
        progress.signal,
      ),
    );
    const impact = licenseTotals(apps);
    const line = impactLine(impact, tokens.length);
    return { line, apps, impact };
  } catch (error) {
    if (error instanceof VppError && STOPPING_READ_FAILURES.has(error.kind)) {
      throw error;
    }
    context.log.warn(`The apps of the tokens could not be read: ${describeForLog(error)}`);
    return { line: whenUnknown(whyNotRead(error, 'listVppApps')) };
  }
}
