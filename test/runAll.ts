// `npm test`: makes the test CA, then runs the unit suite, the integration suite inside a real VS Code's
// extension host, and the UI suite clicking that VS Code, each in a child process that trusts the test CA
// (NODE_EXTRA_CA_CERTS is read only when a process starts). `--unit` runs the unit suite alone.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { ensureTestCertificates } from './simulatedTenant/certificates';
import { CERT_DIR, PROJECT_ROOT } from './paths';
import { provisionTestVscode } from './vscode/provision';

function run(label: string, command: string, args: string[], env: NodeJS.ProcessEnv): void {
  console.log(`\n=== ${label} ===`);
  const result = spawnSync(command, args, { cwd: PROJECT_ROOT, env, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`${label} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
}

const certificates = ensureTestCertificates(CERT_DIR);
const env = { ...process.env, NODE_EXTRA_CA_CERTS: certificates.caFile };
const mocha = path.join(PROJECT_ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js');
const started = Date.now();
run('unit tests', process.execPath, [mocha, '--config', path.join(PROJECT_ROOT, 'test', 'unit', '.mocharc.json')], env);
if (!process.argv.includes('--unit')) {
  try {
    provisionTestVscode();
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
  run('package contents', process.execPath, [mocha, '--timeout', '20000', path.join(__dirname, 'package', 'vsix.test.js')], env);
  run('integration tests (extension host of a real VS Code)', process.execPath, [path.join(__dirname, 'vscode', 'runIntegration.js')], env);
  run('UI tests (Playwright driving a real VS Code)', process.execPath, [mocha, '--config', path.join(PROJECT_ROOT, 'test', 'ui', '.mocharc.json')], env);
}
console.log(`\nAll suites passed in ${Math.round((Date.now() - started) / 1000)} s.`);
