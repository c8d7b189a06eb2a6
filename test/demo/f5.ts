// F5 "Run Extension (simulated tenant)" (.vscode/launch.json): starts the simulated tenant and writes the user
// settings of the Extension Development Host's own profile (.vscode-test/f5) to point at it. The launch waits for the
// ready line below; stopping the task (or Ctrl+C) stops the tenant.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureTestCertificates } from '../simulatedTenant/certificates';
import { DEMO_PACE, SimulatedTenant, SIM_CLIENT_SECRET } from '../simulatedTenant/server';
import { simulatedTenantSettings } from '../vscode/tenantSettings';
import { CACHE_DIR, CERT_DIR } from '../paths';
import { writeDemoTokenFiles } from './tokenFiles';

/** The profile and folder the launch configuration opens. */
const F5_DIR = path.join(CACHE_DIR, 'f5');

async function main(): Promise<void> {
  console.log('Starting the simulated tenant…');
  const certificates = ensureTestCertificates(CERT_DIR);
  const tenant = await new SimulatedTenant({ key: certificates.keyPem, cert: certificates.certPem, ...DEMO_PACE }).start();
  const userDir = path.join(F5_DIR, 'user-data', 'User');
  fs.mkdirSync(userDir, { recursive: true });
  writeDemoTokenFiles(path.join(F5_DIR, 'workspace'));
  fs.writeFileSync(
    path.join(userDir, 'settings.json'),
    JSON.stringify(
      { 'workbench.startupEditor': 'none', 'security.workspace.trust.enabled': false, ...simulatedTenantSettings(tenant) },
      null,
      2,
    ),
  );
  console.log(
    `Simulated tenant ready at ${tenant.url}. In the window that opens, run "Intune VPP: Set Client Secret…" with: ${SIM_CLIENT_SECRET}`,
  );
  const stop = async () => {
    await tenant.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
