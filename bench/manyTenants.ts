// 100 tenants of 30 tokens each, listed as the view lists them: each signs in (one token request) and reads its
// tokens, at most `concurrency` tenants at a time. The tenants run in a worker thread (see tenantsWorker.ts).
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
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
  readonly mostAtOnce: number;
}

/** One client-credentials token request, the round trip a sign-in costs once msal knows the authority. */
async function signIn(tenant: { url: string; tenantId: string; resource: string }): Promise<string> {
  const response = await fetch(`${tenant.url}/${tenant.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: SIM_CLIENT_ID,
      client_secret: SIM_CLIENT_SECRET,
      scope: `${tenant.resource}/.default`,
    }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
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
  const { tenants } = (await next()) as { tenants: { url: string; tenantId: string; resource: string }[] };
  try {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const limit = new ConcurrencyLimit(() => options.concurrency);
    const started = performance.now();
    const listed: VppTokenRecord[][] = await Promise.all(
      tenants.map((tenant) =>
        limit.run(async () => {
          const accessToken = await signIn(tenant);
          const settings = resolveSettings({
            cloud: 'custom',
            customGraphEndpoint: tenant.url,
            customLoginEndpoint: tenant.url,
            clientId: SIM_CLIENT_ID,
          });
          const service = createVppTokenService(settings, {
            getAccessToken: async () => accessToken,
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
    const { mostAtOnce } = (await next()) as { mostAtOnce: number };
    return { wallMs, tokens, heapPerThousandTokens, mostAtOnce };
  } finally {
    await worker.terminate();
  }
}
