// Runs the simulated tenants of the many-tenants figure in a worker thread, behind one HTTPS host as Microsoft's
// login and Graph hosts serve every tenant: a client then pays one TLS handshake, not one per tenant, and the
// tenants' answers take the other core, as a remote service's would, not the measured client's thread.
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
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
        pageSize: 100,
        tokens: generatedTokens(options.tokensEach),
        listingProbe: probe,
      }).start(),
    );
  }
  // Sign-in names its tenant in the path; Graph knows it from the access token, as the real services do.
  const front = https.createServer({ key: options.key, cert: options.cert }, (req, res) => {
    const tenant =
      tenants.find((candidate) => req.url?.startsWith(`/${candidate.tenantId}/`)) ??
      tenants.find((candidate) => candidate.issued(req.headers.authorization));
    if (!tenant) {
      res.statusCode = 404;
      res.end();
      return;
    }
    tenant.answer(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${(front.address() as AddressInfo).port}`;
  // `resource`: each simulated tenant checks the scope against its own address.
  parentPort?.postMessage({ tenants: tenants.map((tenant) => ({ url, tenantId: tenant.tenantId, resource: tenant.url })) });
  parentPort?.once('message', () => {
    front.closeAllConnections();
    front.close();
    void Promise.all(tenants.map((tenant) => tenant.stop())).then(() => parentPort?.postMessage({ mostAtOnce: probe.most }));
  });
}

void main();
