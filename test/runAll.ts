// `npm test`: makes the test CA, then runs the unit suite, the integration suite inside a real VS Code's
// extension host, and the UI suite clicking that VS Code, each in a child process that trusts the test CA
// (NODE_EXTRA_CA_CERTS is read only when a process starts). `--unit` runs the unit suite alone.
// Ends with one "N passed, N failed" line over all suites.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { ensureTestCertificates } from './simulatedTenant/certificates';
import { CERT_DIR, PROJECT_ROOT } from './paths';
import { provisionTestVscode } from './vscode/provision';

const totals = { passed: 0, failed: 0 };

/** Runs one suite, streaming its output and counting mocha's "N passing" / "N failing" lines. */
function run(label: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  console.log(`\n=== ${label} ===`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const count = /^\s*(\d+) (passing|failing)\b/.exec(line);
        if (count) {
          totals[count[2] === 'passing' ? 'passed' : 'failed'] += Number(count[1]);
        }
      }
    });
    child.on('close', (code, signal) => {
      if (code !== 0) {
        console.error(`${label} failed (exit ${code ?? signal})`);
        console.log(`\n${totals.passed} passed, ${Math.max(totals.failed, 1)} failed`);
        process.exit(code ?? 1);
      }
      resolve();
    });
  });
}

async function main(): Promise<void> {
  const certificates = ensureTestCertificates(CERT_DIR);
  const env = { ...process.env, NODE_EXTRA_CA_CERTS: certificates.caFile };
  const mocha = path.join(PROJECT_ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js');
  const started = Date.now();
  await run('unit tests', [mocha, '--config', path.join(PROJECT_ROOT, 'test', 'unit', '.mocharc.json')], env);
  if (!process.argv.includes('--unit')) {
    provisionTestVscode();
    await run('package contents', [mocha, '--timeout', '20000', path.join(__dirname, 'package', 'vsix.test.js')], env);
    await run('integration tests (extension host of a real VS Code)', [path.join(__dirname, 'vscode', 'runIntegration.js')], env);
    await run('UI tests (Playwright driving a real VS Code)', [mocha, '--config', path.join(PROJECT_ROOT, 'test', 'ui', '.mocharc.json')], env);
  }
  console.log(`\nAll suites passed in ${Math.round((Date.now() - started) / 1000)} s.`);
  console.log(`${totals.passed} passed, ${totals.failed} failed`);
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
