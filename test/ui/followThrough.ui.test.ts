import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../paths';
import { seedTokens } from '../simulatedTenant/seed';
import { SimulatedTenant } from '../simulatedTenant/server';
import { waitUntil } from '../support/waitUntil';
import { startUiSession, storeSecret, UiSession } from './session';

const SCREENSHOTS = path.join(PROJECT_ROOT, 'media', 'screenshots');

describe('UI: a revoke followed to its end, across a restart', function () {
  this.timeout(300_000);
  const hq = seedTokens()[0];
  // As admins get it: on (the other UI suites turn it off, so that its reads stay out of what they count).
  const userSettings = { 'intuneVpp.followRevokes': true };
  let first: UiSession | undefined;
  let second: UiSession | undefined;
  let third: UiSession | undefined;
  let tenant: SimulatedTenant | undefined;

  after(async () => {
    await first?.stop().catch(() => undefined);
    await second?.stop().catch(() => undefined);
    await third?.stop();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      await (third ?? second ?? first)?.saveArtifacts(`ui-${this.currentTest.title}`);
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

  it("licenses that come back at the token's next sync are told with the app and assignment; Revoke Licenses… opens the revoke, nothing sent by itself", async () => {
    await second?.stop();
    second = undefined;
    third = await startUiSession({ userSettings });
    await storeSecret(third);
    const { driver } = third;
    const school = seedTokens()[9];
    const name = school.displayName ?? '';
    await driver.openContainer('Intune VPP');
    await driver.contextMenu(name, 'Revoke Licenses…');
    await driver.waitForQuickPick(`Revoke licenses of "${name}"`);
    await driver.acceptQuickPick();
    await driver.dialogButton('Revoke Anyway');
    await driver.notification(new RegExp(`accepted the revoke of the licenses of "${name}"`)).waitFor({ state: 'visible' });
    // Apple has freed the licenses; then Intune's scheduled sync licenses the still-assigned apps again.
    await waitUntil(() => third?.tenant.tokens.get(school.id)?.tokenActionResults?.at(-1)?.actionState === 'done', 'Apple to finish');
    third.tenant.scheduledSync(school.id);
    const cameBack = driver.notification(/13 licenses came back after Intune's sync/);
    await cameBack.waitFor({ state: 'visible', timeout: 120_000 });
    const text = await cameBack.innerText();
    assert.match(text, /Microsoft Teams: 5 used, Required: group 6f1c2a4e-0000-4000-8000-000000000001/);
    assert.match(text, /Microsoft Outlook: 8 used, Available: All users/);
    await third.workbench.page.screenshot({ path: path.join(SCREENSHOTS, 'came-back.png') });
    await cameBack.locator('.monaco-button').filter({ hasText: 'Revoke Licenses…' }).click();
    await driver.waitForQuickPick(`Revoke licenses of "${name}"`);
    await third.workbench.page.keyboard.press('Escape');
    await driver.quickInput.waitFor({ state: 'hidden' });
    assert.equal(third.tenant.requestsFor('revoke').length, 1, 'the one revoke the admin confirmed; none from the follow-through');
    assert.deepEqual(
      third.tenant.requests.filter(
        (request) => request.method !== 'GET' && request.route !== 'token' && request.route !== 'batch' && request.route !== 'revoke',
      ),
      [],
    );
  });
});
