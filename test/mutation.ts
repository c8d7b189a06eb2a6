// `npm run mutation`: StrykerJS over the unit suite (stryker.config.json), with the simulated tenant's test CA
// trusted as `npm test` trusts it. Arguments go to Stryker: `npm run mutation -- --mutate src/text.ts` mutates one
// file; a run reuses the results of code and tests that did not change (incremental), so a second run is quick.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { ensureTestCertificates } from './simulatedTenant/certificates';
import { CERT_DIR, PROJECT_ROOT } from './paths';

const certificates = ensureTestCertificates(CERT_DIR);
const stryker = path.join(PROJECT_ROOT, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js');
const run = spawnSync(process.execPath, [stryker, 'run', ...process.argv.slice(2)], {
  cwd: PROJECT_ROOT,
  stdio: 'inherit',
  env: { ...process.env, NODE_EXTRA_CA_CERTS: certificates.caFile },
});
process.exit(run.status ?? 1);
