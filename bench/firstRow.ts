// Time to first row in a real VS Code: code-server with the VSIX installed and Chromium showing it, the simulated
// tenant at the bench's latency. Each run reloads the window (the extension activates again and forgets its sign-in),
// lets its start-up expiry check (a sign-in and a listing) finish, reads VS Code's own measure of the activation
// (Developer: Show Running Extensions), runs Refresh so that the view cannot draw the check's listing, opens the
// Intune VPP container, and times until the first token's row is drawn.
import { seedTokens } from '../test/simulatedTenant/seed';
import { SimulatedTenant, SIM_CLIENT_SECRET } from '../test/simulatedTenant/server';
import { startUiSession } from '../test/ui/session';
import { WorkbenchDriver } from '../test/ui/driver';
import { waitUntil } from '../test/support/waitUntil';
import { sortTokens, tokenLabel } from '../src/tree/tokenPresentation';

export interface FirstRowFigures {
  readonly runsMs: readonly number[];
  /** VS Code's activation time of the extension after each reload, as its Running Extensions editor shows it. */
  readonly activationsMs: readonly number[];
  /** Whether VS Code counted an activation as part of start-up ("Startup Activation") rather than after it. */
  readonly startupActivation: boolean;
  /** Requests one opening took before its first row: the sign-in's and the listing's. */
  readonly requestsBeforeRow: number;
}

export async function timeToFirstRow(latencyMs: number, runs: number): Promise<FirstRowFigures> {
  const session = await startUiSession();
  try {
    const { driver, tenant, workbench } = session;
    // The app's secret, entered once as an admin does; it outlives the reloads.
    await driver.runCommand('Intune VPP: Set Client Secret…');
    await driver.answer('The client secret of the app', SIM_CLIENT_SECRET);
    await driver.notification(/client secret of the app .* was stored/).waitFor({ state: 'visible' });
    tenant.latencyMs = latencyMs;
    // One page of tokens, as Graph's page of 100 holds a small tenant's.
    tenant.pageSize = 100;
    const first = tokenLabel(sortTokens(seedTokens(), 'en')[0]);
    const runsMs: number[] = [];
    const activationsMs: number[] = [];
    let startupActivation = false;
    let requestsBeforeRow = 0;
    for (let run = 0; run < runs; run++) {
      // The Explorer first (a command, which shows it, where a click could hide the side bar), so that the reloaded
      // window does not open Intune VPP by itself.
      await driver.runCommand('View: Show Explorer');
      await workbench.page
        .locator('.part.sidebar .title-label')
        .filter({ hasText: /Explorer/i })
        .waitFor({ state: 'visible' });
      const reloaded = tenant.requests.length;
      await workbench.page.reload();
      await driver.waitForContainerEntry('Intune VPP');
      await workbench.page
        .locator('.part.sidebar .title-label')
        .filter({ hasText: /Explorer/i })
        .waitFor({ state: 'visible' });
      // The start-up expiry check signs in and lists the tenant: the view is opened once it is done.
      await waitUntil(() => tenant.requests.slice(reloaded).some((request) => request.route === 'list'), 'the start-up expiry check');
      await quiet(tenant);
      const activation = await activationTime(session.driver);
      activationsMs.push(activation.ms);
      startupActivation ||= activation.startup;
      // The view would draw the check's listing: Refresh forgets it, so that the view lists as it opens.
      await driver.runCommand('Intune VPP: Refresh');
      const before = tenant.requests.length;
      const started = performance.now();
      await workbench.page.locator('.activitybar [aria-label^="Intune VPP"]').first().click();
      await driver.treeRow(first).waitFor({ state: 'visible', timeout: 60_000 });
      runsMs.push(performance.now() - started);
      requestsBeforeRow = tenant.requests.length - before;
    }
    return { runsMs, activationsMs, startupActivation, requestsBeforeRow };
  } finally {
    await session.stop();
  }
}

/** The extension's activation time as VS Code measured it (loading its code and running activate), and its kind. */
async function activationTime(driver: WorkbenchDriver): Promise<{ ms: number; startup: boolean }> {
  await driver.runCommand('Developer: Show Running Extensions');
  const row = driver.page.locator('.monaco-list-row').filter({ hasText: 'Intune VPP Tokens' }).first();
  const time = row.locator('.activation-time');
  await time.waitFor({ state: 'visible' });
  const text = await time.innerText();
  const match = /(Startup )?Activation: (\d+)ms/.exec(text);
  if (!match) {
    throw new Error(`Unexpected activation time: ${text}`);
  }
  // It opens as a modal editor: Escape closes it.
  await driver.page.keyboard.press('Escape');
  await row.waitFor({ state: 'hidden' });
  return { ms: Number(match[2]), startup: match[1] !== undefined };
}

/** Resolves once the tenant has received no request for a second (the check's last page has been answered). */
async function quiet(tenant: SimulatedTenant): Promise<void> {
  for (;;) {
    const seen = tenant.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    if (tenant.requests.length === seen) {
      return;
    }
  }
}
