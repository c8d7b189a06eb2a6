import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BrowserContext, chromium, Page } from 'playwright-core';
import { RunningCodeServer } from './codeServer';

export interface OpenWorkbench {
  readonly page: Page;
  close(): Promise<void>;
}

export interface WorkbenchOptions {
  /** Workbench payload entries (extensionDevelopmentPath, extensionTestsPath, …). */
  readonly payload?: [string, string][];
  /** Called with the exit code when the workbench runs extension tests. */
  readonly onExit?: (code: number) => void;
  /** Receives the extension host's console. */
  readonly onLog?: (type: string, args: unknown[]) => void;
  readonly locale?: string;
}

/** Opens the workbench of a running code-server in headless Debian Chromium, in a throw-away profile. */
export async function openWorkbench(
  server: RunningCodeServer,
  chromiumPath: string,
  options: WorkbenchOptions = {},
): Promise<OpenWorkbench> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'intune-vpp-chromium-'));
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      viewport: { width: 1400, height: 900 },
      locale: options.locale ?? 'en-US',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
      ],
    });
    const page = context.pages()[0] ?? (await context.newPage());
    if (options.onExit) {
      const onExit = options.onExit;
      await page.exposeFunction('codeAutomationExit', (code: number) => onExit(code));
    }
    if (options.onLog) {
      const onLog = options.onLog;
      await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => onLog(type, args));
    }
    const query = new URLSearchParams({ folder: server.workspace });
    if (options.payload) {
      query.set('payload', JSON.stringify(options.payload));
    }
    await page.goto(`${server.url}/?${query.toString()}`);
    const opened = context;
    return {
      page,
      close: async () => {
        await opened.close().catch(() => undefined);
        fs.rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await context?.close().catch(() => undefined);
    fs.rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}

/** A `vscode-remote://` URI for a path on the machine that runs code-server. */
export function remoteUri(server: RunningCodeServer, absolutePath: string): string {
  return `vscode-remote://127.0.0.1:${server.port}${absolutePath}`;
}
