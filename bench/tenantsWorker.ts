// Runs the simulated tenants of the many-tenants figure in a worker thread, behind one HTTPS host as Microsoft's
// login and Graph hosts serve every tenant: a client then pays one TLS handshake, not one per tenant, and the
// tenants' answers take the other core, as a remote service's would, not the measured client's thread.
import { parentPort, workerData } from 'node:worker_threads';
import { SimulatedFront } from '../test/simulatedTenant/front';
import { generatedTokens } from '../test/simulatedTenant/seed';
import { SimulatedTenant } from '../test/simulatedTenant/server';

interface Options {
  readonly key: string;
  readonly cert: string;
  readonly tenants: number;
  readonly tokensEach: number;
  readonly latencyMs: number;
}

async function main(): Promise<void> {
  const options = workerData as Options;
  const probe = { active: 0, most: 0 };
  const tenants: SimulatedTenant[] = [];
  for (let index = 0; index < options.tenants; index++) {
    tenants.push(
      await new SimulatedTenant({
        key: options.key,
        cert: options.cert,
        tenantId: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
        latencyMs: options.latencyMs,
        latencyJitterMs: 0,
        pageSize: 100,
        tokens: generatedTokens(options.tokensEach),
        listingProbe: probe,
      }).start(),
    );
  }
  const front = await new SimulatedFront(tenants, { key: options.key, cert: options.cert }).start();
  parentPort?.postMessage({ url: front.url, tenantIds: tenants.map((tenant) => tenant.tenantId) });
  parentPort?.once('message', () => {
    // What a tenant's sign-in and listing took, in requests: the same for every tenant.
    const requests = tenants[0].requests.length;
    const signIn = tenants[0].requests.filter((request) => !request.url.startsWith('/beta/')).length;
    void front
      .stop()
      .then(() => Promise.all(tenants.map((tenant) => tenant.stop())))
      .then(() => parentPort?.postMessage({ mostAtOnce: probe.most, requestsPerTenant: requests, signInRequestsPerTenant: signIn }));
  });
}

void main();
