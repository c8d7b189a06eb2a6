import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { TestVscode } from './provision';

export interface CodeServerOptions {
  readonly vscode: TestVscode;
  /** The VSIX to install, as users get it. */
  readonly vsix: string;
  /** Further VSIX files the test needs installed beside it (a language pack, say). */
  readonly extraVsix?: readonly string[];
  /** User settings (settings.json of the isolated profile). */
  readonly userSettings: Record<string, unknown>;
  /** Extra environment for code-server and its extension host. */
  readonly env: Record<string, string>;
  /**
   * Lets the workbench run extension tests from its URL payload. The workbench then shows no notification toasts,
   * so UI tests leave it off.
   */
  readonly smokeTestDriver?: boolean;
  /** VS Code's display language, e.g. `ru`. */
  readonly locale?: string;
  /** Prints code-server's output as it comes. */
  readonly verbose?: boolean;
  /**
   * The folder of an earlier server that was killed (its profile, extensions and global storage): the next start
   * after a crash. The VSIX is already installed there.
   */
  readonly reuseRoot?: string;
}

export interface RunningCodeServer {
  readonly url: string;
  readonly port: number;
  /** The folder opened as the workspace. */
  readonly workspace: string;
  /** Where the VSIX was unpacked by --install-extension. */
  readonly installedExtension: string;
  /** The profile folder: settings and the workbench's and extension host's logs. */
  readonly userDataDir: string;
  /** Everything code-server printed, for failure reports. */
  output(): string;
  stop(): Promise<void>;
  /** Kills code-server and its extension host at once, as a crash does, and keeps its folder for the next start. */
  crash(): Promise<string>;
}

/** Synchronous last-resort stops of the code-servers still running, keyed by nothing but their existence. */
const running = new Set<() => void>();

/** Kills every code-server still running: on exit, Ctrl+C or a kill, nothing is left behind. */
function stopAllSync(): void {
  for (const kill of running) {
    kill();
  }
}
process.once('exit', stopAllSync);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    stopAllSync();
    process.exit(130);
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`code-server exited with ${child.exitCode} before it was ready`);
    }
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) {
        return;
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`code-server did not answer ${url}/healthz within ${timeoutMs} ms`);
}

/**
 * Writes `languagepacks.json`, which VS Code's server reads to choose a display language. The running server
 * writes it when it installs a language pack itself; packs installed by the CLI beforehand need it written.
 */
function registerLanguagePacks(extensionsDir: string, userDataDir: string): void {
  const packs: Record<string, unknown> = {};
  for (const name of fs.readdirSync(extensionsDir)) {
    const manifestFile = path.join(extensionsDir, name, 'package.json');
    if (!fs.existsSync(manifestFile)) {
      continue;
    }
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as {
      name: string;
      publisher: string;
      version: string;
      contributes?: {
        localizations?: { languageId: string; localizedLanguageName?: string; translations: { id: string; path: string }[] }[];
      };
    };
    for (const localization of manifest.contributes?.localizations ?? []) {
      packs[localization.languageId] = {
        hash: `${manifest.publisher}.${manifest.name}-${manifest.version}`,
        extensions: [{ extensionIdentifier: { id: `${manifest.publisher}.${manifest.name}` }, version: manifest.version }],
        translations: Object.fromEntries(localization.translations.map((entry) => [entry.id, path.join(extensionsDir, name, entry.path)])),
        label: localization.localizedLanguageName ?? localization.languageId,
      };
    }
  }
  if (Object.keys(packs).length > 0) {
    fs.writeFileSync(path.join(userDataDir, 'languagepacks.json'), JSON.stringify(packs));
  }
}

/**
 * Starts code-server on a free loopback port in its own process group, with HOME, XDG folders, user data and
 * extensions in a temp folder, after installing the VSIX into that profile.
 */
export async function startCodeServer(options: CodeServerOptions): Promise<RunningCodeServer> {
  const root = options.reuseRoot ?? fs.mkdtempSync(path.join(os.tmpdir(), 'intune-vpp-vscode-'));
  const dirs = Object.fromEntries(
    ['home', 'config', 'data', 'cache', 'runtime', 'user-data', 'extensions', 'workspace'].map((name) => {
      const dir = path.join(root, name);
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      return [name, dir];
    }),
  );
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: dirs.home,
    XDG_CONFIG_HOME: dirs.config,
    XDG_DATA_HOME: dirs.data,
    XDG_CACHE_HOME: dirs.cache,
    XDG_RUNTIME_DIR: dirs.runtime,
    PATH: `${path.dirname(options.vscode.node)}${path.delimiter}${process.env.PATH ?? ''}`,
    ...options.env,
  };
  const common = ['--user-data-dir', dirs['user-data'], '--extensions-dir', dirs.extensions];
  for (const vsix of options.reuseRoot ? [] : [...(options.extraVsix ?? []), options.vsix]) {
    const install = spawnSync(options.vscode.node, [options.vscode.codeServerEntry, ...common, '--install-extension', vsix], {
      env,
      encoding: 'utf8',
    });
    if (install.status !== 0) {
      fs.rmSync(root, { recursive: true, force: true });
      throw new Error(`Installing ${vsix} failed: ${install.stderr || install.stdout}`);
    }
  }
  const extensionName = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { name: string };
  const installedExtension = fs
    .readdirSync(dirs.extensions)
    .filter((name) => name.includes(extensionName.name))
    .map((name) => path.join(dirs.extensions, name))
    .find((dir) => fs.existsSync(path.join(dir, 'package.json')));
  if (!installedExtension) {
    throw new Error(`The VSIX installed nothing into ${dirs.extensions}`);
  }
  registerLanguagePacks(dirs.extensions, dirs['user-data']);
  fs.mkdirSync(path.join(dirs['user-data'], 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(dirs['user-data'], 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'telemetry.telemetryLevel': 'off',
        'extensions.autoUpdate': false,
        'extensions.autoCheckUpdates': false,
        'update.mode': 'none',
        'chat.disableAIFeatures': true,
        'workbench.tips.enabled': false,
        'security.workspace.trust.enabled': false,
        ...options.userSettings,
      },
      null,
      2,
    ),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    options.vscode.node,
    [
      options.vscode.codeServerEntry,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--reconnection-grace-time',
      '10',
      '--ignore-last-opened',
      ...common,
      ...(options.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
      ...(options.locale ? ['--locale', options.locale] : []),
    ],
    { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (options.verbose) {
      process.stdout.write(chunk);
    }
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  const killNow = () => {
    running.delete(killNow);
    if (child.pid) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    fs.rmSync(root, { recursive: true, force: true });
  };
  running.add(killNow);
  let stopped: Promise<void> | undefined;
  const exitedNow = () =>
    new Promise<void>((resolve) =>
      child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
    );
  const server: RunningCodeServer = {
    crash: async () => {
      running.delete(killNow);
      stopped = Promise.resolve();
      const exited = exitedNow();
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        // Already gone.
      }
      await exited;
      return root;
    },
    url,
    port,
    workspace: dirs.workspace,
    installedExtension,
    userDataDir: dirs['user-data'],
    output: () => output,
    stop: () => {
      stopped ??= (async () => {
        running.delete(killNow);
        const group = child.pid;
        const exited = new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
        if (group) {
          try {
            process.kill(-group, 'SIGTERM');
          } catch {
            // Already gone.
          }
          const timer = setTimeout(() => {
            try {
              process.kill(-group, 'SIGKILL');
            } catch {
              // Already gone.
            }
          }, 3000);
          await exited;
          clearTimeout(timer);
          try {
            // Stray children (file watchers) share the group.
            process.kill(-group, 'SIGKILL');
          } catch {
            // None left.
          }
        }
        fs.rmSync(root, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
  try {
    await waitForHealth(url, child, 60_000);
  } catch (error) {
    await server.stop();
    throw new Error(`${(error as Error).message}\n${output.slice(-2000)}`, { cause: error });
  }
  return server;
}
