// `npm test`: makes the test CA, then runs the unit suite, the integration suite inside a real VS Code's
// extension host, and the UI suite clicking that VS Code, each in a child process that trusts the test CA
// (NODE_EXTRA_CA_CERTS is read only when a process starts). `--unit` runs the unit suite alone, `--ui` the UI
// suite alone, and `--repeat N` runs the chosen suites N times in a row and says how many runs passed.
// Ends with one "N passed, N failed" line over all suites.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { ensureTestCertificates } from './simulatedTenant/certificates';
import { CERT_DIR, PROJECT_ROOT } from './paths';
import { provisionTestVscode } from './vscode/provision';

/** A suite's label and the node arguments that run it. */
type Suite = [string, string[]];

interface Counts {
  passed: number;
  failed: number;
}

/** Runs one suite, streaming its output and counting mocha's "N passing" / "N failing" lines; false when it failed. */
function run(label: string, args: string[], env: NodeJS.ProcessEnv, counts: Counts): Promise<boolean> {
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
          counts[count[2] === 'passing' ? 'passed' : 'failed'] += Number(count[1]);
        }
      }
    });
    child.on('close', (code, signal) => {
      if (code !== 0) {
        console.error(`${label} failed (exit ${code ?? signal})`);
        // A suite that died before mocha's summary still counts as a failure.
        counts.failed = Math.max(counts.failed, 1);
      }
      resolve(code === 0);
    });
  });
}

function repeatCount(argv: readonly string[]): number {
  const index = argv.indexOf('--repeat');
  if (index < 0) {
    return 1;
  }
  const count = Number(argv[index + 1]);
  if (!Number.isInteger(count) || count < 1) {
    throw new Error(`--repeat needs a whole number of runs, such as --repeat 10 (got "${argv[index + 1] ?? ''}").`);
  }
  return count;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const repeat = repeatCount(argv);
  const unitOnly = argv.includes('--unit');
  const uiOnly = argv.includes('--ui');
  const certificates = ensureTestCertificates(CERT_DIR);
  const env = { ...process.env, NODE_EXTRA_CA_CERTS: certificates.caFile };
  const mocha = path.join(PROJECT_ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js');
  if (!unitOnly) {
    provisionTestVscode();
  }
  const unit: Suite = ['unit tests', [mocha, '--config', path.join(PROJECT_ROOT, 'test', 'unit', '.mocharc.json')]];
  const vsix: Suite = ['package contents', [mocha, '--timeout', '20000', path.join(__dirname, 'package', 'vsix.test.js')]];
  const integration: Suite = [
    'integration tests (extension host of a real VS Code)',
    [path.join(__dirname, 'vscode', 'runIntegration.js')],
  ];
  const ui: Suite = [
    'UI tests (Playwright driving a real VS Code)',
    [mocha, '--config', path.join(PROJECT_ROOT, 'test', 'ui', '.mocharc.json')],
  ];
  const suites = unitOnly ? [unit] : uiOnly ? [ui] : [unit, vsix, integration, ui];
  const totals: Counts = { passed: 0, failed: 0 };
  let cleanRuns = 0;
  for (let round = 1; round <= repeat; round++) {
    const started = Date.now();
    const counts: Counts = { passed: 0, failed: 0 };
    if (repeat > 1) {
      console.log(`\n##### run ${round} of ${repeat} #####`);
    }
    let ok = true;
    for (const [label, args] of suites) {
      ok = (await run(label, args, env, counts)) && ok;
      // Within one run, a failed suite ends it, as CI would; a repeated run goes on to the next round.
      if (!ok) {
        break;
      }
    }
    totals.passed += counts.passed;
    totals.failed += counts.failed;
    cleanRuns += ok && counts.failed === 0 ? 1 : 0;
    const seconds = Math.round((Date.now() - started) / 1000);
    console.log(ok ? `\nAll suites passed in ${seconds} s.` : `\nRun ${round} failed after ${seconds} s.`);
  }
  if (repeat > 1) {
    console.log(`\n${cleanRuns} of ${repeat} runs passed with no failing test.`);
  }
  console.log(`${totals.passed} passed, ${totals.failed} failed`);
  process.exit(cleanRuns === repeat ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  console.log('0 passed, 1 failed');
  process.exit(1);
});
