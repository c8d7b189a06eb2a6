// `npm start`: the simulated tenant and a real VS Code (code-server) with the packaged extension configured
// for it, for a person to try in a browser. Ctrl+C stops everything.
import { ensureTestCertificates } from '../simulatedTenant/certificates';
import { DEMO_PACE, SimulatedTenant, SIM_CLIENT_SECRET } from '../simulatedTenant/server';
import { simulatedTenantSettings } from '../vscode/tenantSettings';
import { CERT_DIR } from '../paths';
import { startCodeServer } from '../vscode/codeServer';
import { provisionTestVscode } from '../vscode/provision';
import { vsixPath } from '../vscode/vsix';
import { writeDemoTokenFiles } from './tokenFiles';

async function main(): Promise<void> {
  const certificates = ensureTestCertificates(CERT_DIR);
  const tenant = await new SimulatedTenant({
    key: certificates.keyPem,
    cert: certificates.certPem,
    ...DEMO_PACE,
    revokeSteps: 3,
  }).start();
  const vscode = provisionTestVscode();
  const server = await startCodeServer({
    vscode,
    vsix: vsixPath(),
    userSettings: simulatedTenantSettings(tenant),
    env: { NODE_EXTRA_CA_CERTS: certificates.caFile },
  });
  const url = `${server.url}/?folder=${encodeURIComponent(server.workspace)}`;
  const tokenFiles = writeDemoTokenFiles(server.workspace);
  console.log(`
Intune VPP Tokens demo is running.

  1. Open ${url} in a browser.
  2. Click the Intune VPP icon in the activity bar, then "Set Client Secret" and paste the simulated
     tenant's secret (it opens nothing real):  ${SIM_CLIENT_SECRET}
  3. Right-click a token > "Revoke Licenses…", or F1 > "Intune VPP: Revoke Licenses…".
  4. The token's life: "Add VPP Token…" (view title) and "Renew Token…" on "Contoso Labs" take the token files
     in the opened folder (${tokenFiles.join(', ')}); "Edit Token Settings…", "Take Over Management…" (on
     "Old MDM token"), "Retire Token…" and "Delete Token…" are on a token's context menu; expand a token, then
     an iOS app, for "Revoke App Licenses…" and "Revoke This License…". Once signed in, the expiry alert names
     the expired and expiring tokens, and the status bar counts them.

Simulated tenant: ${tenant.url} (${tenant.tokens.size} tokens; it keeps state until you stop the demo)
Press Ctrl+C to stop.`);
  const stop = async () => {
    await server.stop();
    await tenant.stop();
    process.exit(0);
  };
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
