import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureTestCertificates } from '../simulatedTenant/certificates';
import type { BrowserContext } from 'playwright-core';
import { EgressProxy } from '../simulatedTenant/egressProxy';
import { SIM_CLIENT_SECRET, SUITE_PACE, SimulatedTenant } from '../simulatedTenant/server';
import { simulatedTenantSettings, vscodeSignInSettings } from '../vscode/tenantSettings';
import { ARTIFACTS_DIR, CERT_DIR } from '../paths';
import { RunningCodeServer, startCodeServer } from '../vscode/codeServer';
import { provisionTestVscode } from '../vscode/provision';
import { vsixPath } from '../vscode/vsix';
import { OpenWorkbench, openWorkbench } from '../vscode/workbench';
import { WorkbenchDriver } from './driver';
import { waitUntil } from '../support/waitUntil';

export interface UiSession {
  readonly tenant: SimulatedTenant;
  /** VS Code's only way out (with `vscodeSignIn`): what it tried to reach outside the machine. */
  readonly proxy?: EgressProxy;
  readonly server: RunningCodeServer;
  readonly workbench: OpenWorkbench;
  readonly driver: WorkbenchDriver;
  stop(): Promise<void>;
  /**
   * Kills VS Code (code-server, its extension host and the browser) at once, as a crash does; the simulated tenant
   * runs on. Returns what `startUiSession({ after })` needs to start again on the same profile.
   */
  crash(): Promise<{ readonly tenant: SimulatedTenant; readonly root: string }>;
  /** Saves a screenshot and the extension's log for a failed test. */
  saveArtifacts(name: string): Promise<void>;
  /**
   * A barrier for tests that check "nothing was sent": starts the palette's Revoke Licenses… (titled `command`),
   * waits until its token listing reached the tenant, and closes its token pick (titled `pickTitle`). The extension
   * host handles one message at a time, so whatever a flow ended before it would have sent has arrived by then.
   * It leaves the tree alone, so no redraw races the next test's clicks.
   */
  afterNextListing(command?: string, pickTitle?: string): Promise<void>;
}

export interface UiSessionOptions {
  readonly locale?: string;
  /** More extensions to install, e.g. a language pack. */
  readonly extraVsix?: string[];
  /**
   * Mode `vscode` with VS Code's own Microsoft provider against the simulated Entra: VS Code reaches the outside
   * only through an EgressProxy (which sends Entra's instance discovery to the simulated tenant), and the sign-in page
   * the provider opens is served by the simulated tenant.
   */
  readonly vscodeSignIn?: boolean;
  /** More user settings, over the ones every session has. */
  readonly userSettings?: Record<string, unknown>;
  /** Starts again after `crash()`: the same simulated tenant, and the same VS Code profile and global storage. */
  readonly after?: { readonly tenant: SimulatedTenant; readonly root: string };
}

/**
 * code-server shows a page that a remote extension opens at `https://127.0.0.1:PORT/…` through its own `/proxy/PORT/`
 * route, which forwards without TLS. The simulated tenant speaks only HTTPS, so the browser's requests on that route
 * are passed to it over HTTPS, and its answers (redirects included) back unchanged.
 */
async function forwardPagesToTenant(context: BrowserContext, tenant: SimulatedTenant): Promise<void> {
  const port = new URL(tenant.url).port;
  await context.route(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/proxy/${port}/`), async (route) => {
    const request = route.request();
    const target = request.url().replace(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/proxy/${port}`), tenant.url);
    const contentType = request.headers()['content-type'];
    const answer = await fetch(target, {
      method: request.method(),
      headers: contentType ? { 'content-type': contentType } : {},
      body: request.method() === 'POST' ? (request.postData() ?? '') : undefined,
      redirect: 'manual',
    });
    await route.fulfill({
      status: answer.status,
      headers: Object.fromEntries(answer.headers),
      body: Buffer.from(await answer.arrayBuffer()),
    });
  });
}

/** A simulated tenant, a real VS Code with the VSIX installed and configured for it, and Chromium showing it. */
export async function startUiSession({ locale, extraVsix, vscodeSignIn, userSettings, after }: UiSessionOptions = {}): Promise<UiSession> {
  const certificates = ensureTestCertificates(CERT_DIR);
  // Intune's behaviour at the suites' pace (see SUITE_PACE): late results, slow syncs, latency, throttling.
  const tenant =
    after?.tenant ?? (await new SimulatedTenant({ key: certificates.keyPem, cert: certificates.certPem, ...SUITE_PACE }).start());
  const proxy = vscodeSignIn ? await new EgressProxy(Number(new URL(tenant.url).port)).start() : undefined;
  const vscode = provisionTestVscode();
  let server: RunningCodeServer | undefined;
  let workbench: OpenWorkbench | undefined;
  try {
    server = await startCodeServer({
      vscode,
      vsix: vsixPath(),
      userSettings: {
        ...(vscodeSignIn ? vscodeSignInSettings(tenant) : simulatedTenantSettings(tenant)),
        'workbench.colorTheme': 'Default Dark Modern',
        // Off unless a test is about it: its background reads would land among the requests the other tests count.
        'intuneVpp.followRevokes': false,
        ...userSettings,
      },
      env: { NODE_EXTRA_CA_CERTS: certificates.caFile, ...proxy?.environment() },
      locale,
      extraVsix,
      reuseRoot: after?.root,
    });
    workbench = await openWorkbench(server, vscode.chromium, { locale });
    if (vscodeSignIn) {
      await forwardPagesToTenant(workbench.page.context(), tenant);
    }
    const driver = new WorkbenchDriver(workbench.page);
    await driver.waitForContainerEntry('Intune VPP');
    const session: UiSession = {
      tenant,
      proxy,
      server,
      workbench,
      driver,
      stop: async () => {
        await workbench?.close();
        await server?.stop();
        await proxy?.stop();
        await tenant.stop();
      },
      crash: async () => {
        const root = (await server?.crash()) ?? '';
        await workbench?.close().catch(() => undefined);
        await proxy?.stop();
        return { tenant, root };
      },
      afterNextListing: async (command = 'Intune VPP: Revoke Licenses…', pickTitle = 'Revoke Licenses: choose a VPP token') => {
        const listed = tenant.requestsFor('list').length;
        await driver.runCommand(command);
        await driver.waitForQuickPick(pickTitle);
        await waitUntil(() => tenant.requestsFor('list').length > listed, 'the token listing to reach the simulated tenant');
        await workbench?.page.keyboard.press('Escape');
        await driver.quickInput.waitFor({ state: 'hidden' });
      },
      saveArtifacts: async (name) => {
        const safe = name.replace(/[^A-Za-z0-9-]+/g, '-').slice(0, 80);
        fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
        await workbench?.page.screenshot({ path: path.join(ARTIFACTS_DIR, `${safe}.png`) }).catch(() => undefined);
        for (const log of findLogs(server?.userDataDir ?? '')) {
          fs.copyFileSync(log, path.join(ARTIFACTS_DIR, `${safe}-${path.basename(log)}`));
        }
        fs.writeFileSync(path.join(ARTIFACTS_DIR, `${safe}-code-server.log`), server?.output() ?? '');
      },
    };
    return session;
  } catch (error) {
    await workbench?.close();
    await server?.stop();
    await proxy?.stop();
    await tenant.stop();
    throw error;
  }
}

/** The extension's "Intune VPP" log files in a profile's log folders. */
export function findLogs(dir: string): string[] {
  if (!dir || !fs.existsSync(dir)) {
    return [];
  }
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.includes('Intune VPP')) {
      found.push(path.join(entry.parentPath, entry.name));
    }
  }
  return found;
}

/** Sets the client secret through the palette, as the admin does after a restart that lost the window. */
export async function storeSecret(session: UiSession): Promise<void> {
  const { driver } = session;
  await driver.runCommand('Intune VPP: Set Client Secret…');
  await driver.answer('The client secret of the app', SIM_CLIENT_SECRET);
  await driver.notification(/client secret of the app .* was stored/).waitFor({ state: 'visible' });
}
