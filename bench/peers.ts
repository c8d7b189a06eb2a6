// What an admin would otherwise run, against the same simulated tenant and write limit as the extension: the official
// Graph SDK's client with its default middleware (retry on 429 with Retry-After, at most 3 retries), sending the
// same revokes one after another (as a PowerShell pipeline does) or all at once.
import { Client } from '@microsoft/microsoft-graph-client';
import { SimulatedTenant } from '../test/simulatedTenant/server';

export interface PeerFigures {
  readonly wallMs: number;
  readonly posts: number;
  readonly throttled: number;
  readonly failures: number;
  readonly duplicateExecutions: number;
}

/** Revokes the licenses of `tokenIds` with the Graph SDK, sequentially or all at once, and counts what happened. */
export async function sdkRevokes(
  tenant: SimulatedTenant,
  tokenIds: readonly string[],
  mode: 'sequential' | 'allAtOnce',
): Promise<PeerFigures> {
  const accessToken = tenant.issueAccessToken();
  const client = Client.initWithMiddleware({
    authProvider: { getAccessToken: async () => accessToken },
    baseUrl: tenant.url,
    defaultVersion: 'beta',
    // The SDK sends its token only to Graph's own hosts and those named here.
    customHosts: new Set([new URL(tenant.url).hostname]),
  });
  const revoke = (id: string) =>
    client.api(`/deviceAppManagement/vppTokens/${id}/revokeLicenses`).post({ notifyManagedDevices: false, revokeUntrackedLicenses: false });
  const started = performance.now();
  let failures = 0;
  if (mode === 'sequential') {
    for (const id of tokenIds) {
      await revoke(id).catch(() => failures++);
    }
  } else {
    const results = await Promise.allSettled(tokenIds.map(revoke));
    failures = results.filter((result) => result.status === 'rejected').length;
  }
  const wallMs = performance.now() - started;
  const executions = new Map<string, number>();
  for (const write of tenant.executed.filter((entry) => entry.route === 'revoke')) {
    executions.set(write.tokenId ?? '', (executions.get(write.tokenId ?? '') ?? 0) + 1);
  }
  return {
    wallMs,
    posts: tenant.requestsFor('revoke').length,
    throttled: tenant.throttleViolations,
    failures,
    duplicateExecutions: [...executions.values()].reduce((sum, count) => sum + Math.max(0, count - 1), 0),
  };
}
