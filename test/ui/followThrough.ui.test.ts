import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../paths';
import { seedTokens } from '../simulatedTenant/seed';
import { SimulatedTenant } from '../simulatedTenant/server';
import { startUiSession, storeSecret, UiSession } from './session';

const SCREENSHOTS = path.join(PROJECT_ROOT, 'media', 'screenshots');

describe('UI: a revoke followed to its end, across a restart', function () {
  this.timeout(300_000);
  const hq = seedTokens()[0];
  // As admins get it: on (the other UI suites turn it off, so that its reads stay out of what they count).
  const userSettings = { 'intuneVpp.followRevokes': true };
  let first: UiSession | undefined;
  let second: UiSession | undefined;
  let tenant: SimulatedTenant | undefined;

  after(async () => {
    await first?.stop().catch(() => undefined);
    await second?.stop();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      await (second ?? first)?.saveArtifacts(`ui-${this.currentTest.title}`);
    }
  });

  it("a revoke Apple is still working on when the admin stops watching is reported done after a restart, once, and History shows Intune's result", async () => {
    first = await startUiSession({ userSettings });
    tenant = first.tenant;
    await storeSecret(first);
    const { driver } = first;
    // Apple takes an hour today: the revoke's result stays active while this window runs.
    tenant.revokeCompletionMs = 3_600_000;
    await driver.openContainer('Intune VPP');
    await driver.contextMenu('Contoso HQ', 'Revoke Licenses…');
    await driver.waitForQuickPick('Revoke licenses of "Contoso HQ"');
    await driver.acceptQuickPick();
    await driver.dialogButton('Revoke Licenses');
    const watching = driver.notification(/waiting for its outcome/);
    await watching.waitFor({ state: 'visible' });
    await watching.locator('.monaco-button').filter({ hasText: 'Cancel' }).click();
    await driver.notification(/accepted the revoke of the licenses of "Contoso HQ"/).waitFor({ state: 'visible' });
    const after = await first.crash();
    first = undefined;
    // While no window ran, Apple finished.
    tenant.finishPendingWork();
    assert.equal(tenant.tokens.get(hq.id)?.tokenActionResults?.at(-1)?.actionState, 'done');
    tenant.requests.length = 0;

    second = await startUiSession({ after, userSettings });
    await storeSecret(second);
    const restarted = second.driver;
    const done = restarted.notification(/Intune finished: Revoke licenses "Contoso HQ": done · 13 licenses, 0 failed/);
    await done.waitFor({ state: 'visible', timeout: 60_000 });
    await done.locator('.monaco-button').filter({ hasText: 'Show History' }).waitFor({ state: 'visible' });
    assert.equal(await restarted.notification(/Intune finished/).count(), 1, 'told once');
    await done.locator('.monaco-button').filter({ hasText: 'Show History' }).click();
    const entry = restarted.treeRow('Revoke licenses · Contoso HQ');
    await entry.waitFor({ state: 'visible' });
    assert.match(await entry.innerText(), /accepted · done · /);
    await entry.hover();
    await second.workbench.page.locator('.monaco-hover').filter({ hasText: "Intune's result" }).waitFor({ state: 'visible' });
    await second.workbench.page.screenshot({ path: path.join(SCREENSHOTS, 'followed.png') });
    // The follow-through read the token, and wrote nothing.
    assert.deepEqual(
      tenant.requests.filter((request) => request.method !== 'GET' && request.route !== 'token' && request.route !== 'batch'),
      [],
    );
    assert.equal(tenant.requestsFor('revoke').length, 0);
  });
});
