// `npm test`: makes the test CA, then runs the unit suite with it trusted (NODE_EXTRA_CA_CERTS is read only at
// process start, hence a child process per suite).
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { ensureTestCertificates } from './simulatedTenant/certificates';
import { CERT_DIR, PROJECT_ROOT } from './paths';

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
run('unit tests', process.execPath, [mocha, '--config', path.join(PROJECT_ROOT, 'test', 'unit', '.mocharc.json')], env);
