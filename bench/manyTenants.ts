// 100 tenants of 30 tokens each, listed as the view lists them: each signs in through the product's own app-only
// token source (msal-node) and reads its tokens through the product's service, at most `concurrency` tenants at a
// time through the product's ConcurrencyLimit. The tenants run in a worker thread (see tenantsWorker.ts).
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ClientCredentialsTokenSource } from '../src/auth/clientCredentialsTokenSource';
import { resolveSettings } from '../src/config/settings';
import { createVppTokenService } from '../src/graph/createService';
import { VppTokenRecord } from '../src/graph/vppRecords';
import { ConcurrencyLimit } from '../src/tenants/concurrencyLimit';
import { silentLogger } from '../test/support/fakeAccount';
import { SIM_CLIENT_ID, SIM_CLIENT_SECRET } from '../test/simulatedTenant/server';

export interface ManyTenantsFigures {
  readonly wallMs: number;
  readonly tokens: number;
  /** Growth of the heap per 1,000 tokens listed (kept, as the view keeps them), in bytes. */
  readonly heapPerThousandTokens: number;
  /** The most listings the tenants saw running at once. */
  readonly mostAtOnce: number;
  /** Requests one tenant's sign-in and listing took (the same for each). */
  readonly requestsPerTenant: number;
  readonly signInRequestsPerTenant: number;
}

export async function listManyTenants(options: {
  key: string;
  cert: string;
  tenants: number;
  tokensEach: number;
  latencyMs: number;
  concurrency: number;
}): Promise<ManyTenantsFigures> {
  const worker = new Worker(path.join(__dirname, 'tenantsWorker.js'), { workerData: options });
  const next = () =>
    new Promise<unknown>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  const { url, tenantIds } = (await next()) as { url: string; tenantIds: string[] };
  try {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const limit = new ConcurrencyLimit(() => options.concurrency);
    const started = performance.now();
    const listed: VppTokenRecord[][] = await Promise.all(
      tenantIds.map((tenantId) =>
        limit.run(async () => {
          const settings = resolveSettings({
            cloud: 'custom',
            customGraphEndpoint: url,
            customLoginEndpoint: url,
            authMode: 'clientCredentials',
            clientId: SIM_CLIENT_ID,
            tenantId,
          });
          const source = new ClientCredentialsTokenSource(
            settings,
            { get: async () => SIM_CLIENT_SECRET, getCertificate: async () => undefined, delete: async () => undefined },
            silentLogger,
          );
          const service = createVppTokenService(settings, {
            getAccessToken: () => source.getAccessToken(),
            onUnauthorized: () => source.invalidate(),
            log: silentLogger,
            acceptLanguage: 'en-US',
          });
          return service.listTokens();
        }),
      ),
    );
    const wallMs = performance.now() - started;
    gc?.();
    const tokens = listed.reduce((sum, list) => sum + list.length, 0);
    const heapPerThousandTokens = ((process.memoryUsage().heapUsed - heapBefore) / tokens) * 1000;
    worker.postMessage('stop');
    const counts = (await next()) as { mostAtOnce: number; requestsPerTenant: number; signInRequestsPerTenant: number };
    return { wallMs, tokens, heapPerThousandTokens, ...counts };
  } finally {
    await worker.terminate();
  }
}
