// Runs the integration suite (test/integration) inside the extension host of a real VS Code (code-server),
// with the extension installed from the VSIX; exits with the suite's result.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ARTIFACTS_DIR, PROJECT_ROOT } from '../paths';
import { startCodeServer } from './codeServer';
import { provisionTestVscode } from './provision';
import { openWorkbench, remoteUri } from './workbench';
import { vsixPath } from './vsix';

const SUITE_TIMEOUT_MS = 5 * 60 * 1000;

async function main(): Promise<number> {
  const caFile = process.env.NODE_EXTRA_CA_CERTS;
  if (!caFile) {
    throw new Error('NODE_EXTRA_CA_CERTS must name the test CA (run through npm test).');
  }
  const vscode = provisionTestVscode();
  const server = await startCodeServer({
    vscode,
    vsix: vsixPath(),
    // VS Code's own fetch ignores NODE_EXTRA_CA_CERTS; Node's fetch trusts the simulated tenant's test CA.
    // The follow-through's background reads would land among the reads these tests count; unit tests cover it.
    userSettings: { 'http.fetchAdditionalSupport': false, 'intuneVpp.followRevokes': false },
    env: { NODE_EXTRA_CA_CERTS: caFile },
    smokeTestDriver: true,
  });
  let workbench: Awaited<ReturnType<typeof openWorkbench>> | undefined;
  try {
    const exitCode = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`The integration suite did not finish within ${SUITE_TIMEOUT_MS / 1000} s`)),
        SUITE_TIMEOUT_MS,
      );
      openWorkbench(server, vscode.chromium, {
        payload: [
          ['extensionDevelopmentPath', remoteUri(server, server.installedExtension)],
          ['extensionTestsPath', remoteUri(server, path.join(PROJECT_ROOT, 'out', 'test', 'integration', 'index'))],
          ['skipWelcome', 'true'],
        ],
        onExit: (code) => {
          clearTimeout(timer);
          resolve(code);
        },
        onLog: (_type, args) => console.log(...args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg)))),
      }).then((opened) => (workbench = opened), reject);
    });
    return exitCode;
  } catch (error) {
    fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
    fs.writeFileSync(path.join(ARTIFACTS_DIR, 'integration-code-server.log'), server.output());
    if (workbench) {
      await workbench.page.screenshot({ path: path.join(ARTIFACTS_DIR, 'integration-failure.png') }).catch(() => undefined);
    }
    throw error;
  } finally {
    await workbench?.close();
    await server.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error((error as Error).message);
    process.exit(1);
  },
);
