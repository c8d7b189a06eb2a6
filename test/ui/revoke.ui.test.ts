import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../paths';
import { seedTokens } from '../simulatedTenant/seed';
import { SIM_CLIENT_SECRET } from '../simulatedTenant/server';
import { SECRET_TOKEN_PREFIX } from '../simulatedTenant/seed';
import { findLogs, startUiSession, UiSession } from './session';
import * as fs from 'node:fs';

const SCREENSHOTS = path.join(PROJECT_ROOT, 'media', 'screenshots');

describe('UI: a person revokes licenses in a real VS Code', function () {
  this.timeout(120_000);
  let session: UiSession;
  const seed = seedTokens();

  before(async () => {
    session = await startUiSession();
    const { driver } = session;
    // The secret goes in as a user enters it: through the palette and a password box.
    await driver.runCommand('Intune VPP: Set Client Secret…');
    const secretStep = driver.quickInputStep('The client secret of the app');
    await secretStep.waitFor({ state: 'visible' });
    assert.equal(await secretStep.locator('input').getAttribute('type'), 'password');
    await driver.answer('The client secret of the app', SIM_CLIENT_SECRET);
    await driver.notification(/client secret of the app .* was stored/).waitFor({ state: 'visible' });
  });

  after(async () => {
    await session?.stop();
  });

  beforeEach(async () => {
    await session.driver.reset();
    session.tenant.clearFaults();
    session.tenant.requests.length = 0;
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      await session.saveArtifacts(`ui-${this.currentTest.title}`);
    }
  });

  it("opens the Intune VPP container and shows the tenant's tokens with state and expiry", async () => {
    const { driver } = session;
    await driver.openContainer('Intune VPP');
    const hq = driver.treeRow('Contoso HQ');
    await hq.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await hq.innerText(), /Contoso HQ\s*valid · expires in (199|200) days/);
    assert.match(await driver.treeRow('Contoso Labs').innerText(), /expired 3 days ago/);
    assert.match(await driver.treeRow('Contoso Retail').innerText(), /valid · expires in 1[12] days/);
    assert.match(await driver.treeRow('Fabrikam School District').innerText(), /Fabrikam School District/);
    // The listing feeds the expiry alert. Its notification may come before this test's reset clears notifications
    // (the listing can start as soon as the secret is set), so the count in the status bar, which stays, is checked.
    await session.workbench.page.locator('.statusbar-item').filter({ hasText: '2 VPP tokens need renewal' }).waitFor({ state: 'visible' });
    await session.workbench.page.screenshot({ path: path.join(SCREENSHOTS, 'tree.png') });
    assert.ok(session.tenant.requestsFor('list').length >= 3, 'all pages were read');
  });

  it('right-click > Revoke Licenses…, Notify managed devices, confirm: one POST with that body and a success notification', async () => {
    const { driver, tenant } = session;
    await driver.openContainer('Intune VPP');
    await driver.contextMenu('Contoso HQ', 'Revoke Licenses…');
    await driver.waitForQuickPick('Revoke licenses of "Contoso HQ"');
    await driver.quickInputRow('Revoke untracked licenses').waitFor({ state: 'visible' });
    await driver.toggle('Notify managed devices');
    await session.workbench.page.screenshot({ path: path.join(SCREENSHOTS, 'options.png') });
    await driver.acceptQuickPick();
    await driver.dialog.waitFor({ state: 'visible' });
    const dialogText = await driver.dialog.innerText();
    assert.match(dialogText, /Revoke all app licenses of the VPP token "Contoso HQ"\?/);
    assert.match(dialogText, /The VPP apps of this token: 2, licenses used: 13 of 50/);
    assert.match(dialogText, /Notify managed devices: yes/);
    assert.match(dialogText, /cannot be undone/);
    await driver.dialogButton('Revoke Licenses');
    await driver.notification(/accepted the revoke of the licenses of "Contoso HQ"/).waitFor({ state: 'visible' });
    const posts = tenant.requestsFor('revoke');
    assert.equal(posts.length, 1);
    assert.equal(posts[0].tokenId, seed[0].id);
    assert.equal(posts[0].body, '{"notifyManagedDevices":true,"revokeUntrackedLicenses":false}');
    assert.match(posts[0].headers.authorization, /^Bearer sim-at-/);
  });

  it('a token with assigned apps: the modal names each assignment; Change Assignments First… > Set them to Uninstall changes exactly those, once each, before the one revoke', async () => {
    const { driver, tenant } = session;
    const school = seed[9];
    await driver.openContainer('Intune VPP');
    await driver.contextMenu(school.displayName ?? '', 'Revoke Licenses…');
    await driver.waitForQuickPick(`Revoke licenses of "${school.displayName}"`);
    await driver.acceptQuickPick();
    await driver.dialog.waitFor({ state: 'visible' });
    const dialogText = await driver.dialog.innerText();
    assert.match(dialogText, /Still assigned: Intune licenses these apps again/);
    assert.match(dialogText, /• Microsoft Teams: Required: group 6f1c2a4e-0000-4000-8000-000000000001/);
    assert.match(dialogText, /• Microsoft Outlook: Available: All users/);
    assert.doesNotMatch(dialogText, /excluded group/);
    await session.workbench.page.screenshot({ path: path.join(SCREENSHOTS, 'assigned.png') });
    await driver.dialogButton('Change Assignments First…');
    await driver.choose('Before the revoke: 2 assignments of 2 apps', 'Set them to Uninstall');
    await driver.notification(new RegExp(`accepted the revoke of the licenses of "${school.displayName}"`)).waitFor({ state: 'visible' });
    const changes = tenant.requestsFor('assignmentUpdate');
    assert.deepEqual(
      changes.map((change) => [change.method, change.url, change.body]),
      ['app-9-0/assignments/app-9-0-required', 'app-9-1/assignments/app-9-1-available'].map((tail) => [
        'PATCH',
        `/beta/deviceAppManagement/mobileApps/${tail}`,
        '{"@odata.type":"#microsoft.graph.mobileAppAssignment","intent":"uninstall"}',
      ]),
    );
    const [revoke] = tenant.requestsFor('revoke');
    assert.equal(tenant.requestsFor('revoke').length, 1);
    assert.equal(revoke.tokenId, school.id);
    assert.ok(
      changes.every((change) => change.time < revoke.time),
      'the assignments changed before the revoke was sent',
    );
    assert.deepEqual(tenant.requestsFor('assignmentDelete'), []);
  });

  it('F1 > Intune VPP: Revoke Licenses…, pick a token, both options, confirm: the body has both', async () => {
    const { driver, tenant } = session;
    await driver.runCommand('Intune VPP: Revoke Licenses…');
    await driver.waitForQuickPick('Revoke Licenses: choose a VPP token');
    await driver.quickInput.locator('input').fill('Fabrikam');
    await driver.quickInputRow('Fabrikam School District').waitFor({ state: 'visible' });
    await session.workbench.page.keyboard.press('Enter');
    await driver.waitForQuickPick('Revoke licenses of "Fabrikam School District"');
    await driver.toggle('Notify managed devices');
    await driver.toggle('Revoke untracked licenses');
    await driver.acceptQuickPick();
    await driver.dialogButton('Revoke Licenses');
    await driver.notification(/accepted the revoke of the licenses of "Fabrikam School District"/).waitFor({ state: 'visible' });
    const posts = tenant.requestsFor('revoke');
    assert.equal(posts.length, 1);
    assert.equal(posts[0].tokenId, seed[7].id);
    assert.equal(posts[0].body, '{"notifyManagedDevices":true,"revokeUntrackedLicenses":true}');
  });

  it('while a revoke runs, its row in the tree says "Revoking…"; once the admin stops watching, the row is as before', async () => {
    const { driver, tenant } = session;
    const completion = tenant.revokeCompletionMs;
    // Apple is slow today: the revoke's result stays active, so the watch runs until the admin stops it.
    tenant.revokeCompletionMs = 600_000;
    try {
      await driver.openContainer('Intune VPP');
      const row = driver.treeRowLabelled('Contoso Retail');
      await row.waitFor({ state: 'visible' });
      assert.doesNotMatch(await row.innerText(), /Revoking/);
      await driver.contextMenu(row, 'Revoke Licenses…');
      await driver.waitForQuickPick('Revoke licenses of "Contoso Retail"');
      await driver.acceptQuickPick();
      await driver.dialogButton('Revoke Licenses');
      const watching = driver.notification(/waiting for its outcome/);
      await watching.waitFor({ state: 'visible' });
      await row.filter({ hasText: 'Revoking…' }).waitFor({ state: 'visible' });
      assert.match(await row.innerText(), /Contoso Retail\s*Revoking… · valid/);
      await session.workbench.page.screenshot({ path: path.join(SCREENSHOTS, 'revoking.png') });
      await watching.locator('.monaco-button').filter({ hasText: 'Cancel' }).click();
      await driver.notification(/accepted the revoke of the licenses of "Contoso Retail"/).waitFor({ state: 'visible' });
      await row.filter({ hasNotText: 'Revoking…' }).waitFor({ state: 'visible' });
      assert.match(await row.innerText(), /Contoso Retail\s*valid · expires in/);
      const posts = tenant.requestsFor('revoke');
      assert.deepEqual(
        posts.map((post) => post.tokenId),
        [seed.find((token) => token.displayName === 'Contoso Retail')?.id],
      );
    } finally {
      tenant.revokeCompletionMs = completion;
    }
  });

  it('Escape in the options pick sends nothing', async () => {
    const { driver, tenant } = session;
    await driver.openContainer('Intune VPP');
    await driver.contextMenu('Contoso Retail', 'Revoke Licenses…');
    await driver.waitForQuickPick('Revoke licenses of "Contoso Retail"');
    await session.workbench.page.keyboard.press('Escape');
    await driver.quickInput.waitFor({ state: 'hidden' });
    await session.afterNextListing();
    assert.equal(tenant.requestsFor('revoke').length, 0);
  });

  it('Cancel in the modal sends nothing', async () => {
    const { driver, tenant } = session;
    await driver.openContainer('Intune VPP');
    await driver.contextMenu('Contoso Retail', 'Revoke Licenses…');
    await driver.waitForQuickPick('Revoke licenses of "Contoso Retail"');
    await session.workbench.page.keyboard.press('Enter');
    await driver.dialogButton('Cancel');
    await session.afterNextListing();
    assert.equal(tenant.requestsFor('revoke').length, 0);
  });

  it('Ctrl+click two tokens > Revoke Licenses…: one confirmation for both, then the per-token report', async () => {
    const { driver, tenant } = session;
    const page = session.workbench.page;
    await driver.openContainer('Intune VPP');
    await driver.treeRow('Tailspin Toys').click();
    await driver.treeRow('Contoso Retail').click({ modifiers: ['Control'] });
    await driver.contextMenu('Contoso Retail', 'Revoke Licenses…');
    await driver.waitForQuickPick('Revoke licenses of 2 VPP tokens');
    await driver.acceptQuickPick();
    await driver.dialog.waitFor({ state: 'visible' });
    assert.match(await driver.dialog.innerText(), /Revoke all app licenses of 2 VPP tokens\?[\s\S]*Contoso Retail[\s\S]*Tailspin Toys/);
    await driver.dialogButton('Revoke Licenses');
    await driver.notification(/2 of 2 tokens accepted by Intune, 0 failed, 0 unconfirmed, 0 not sent/).waitFor({ state: 'visible' });
    await page.locator('.editor-instance .view-lines').filter({ hasText: 'Revoked (2)' }).waitFor({ state: 'visible' });
    // The click on Tailspin Toys also expanded it (single-click expand); the view is redrawn after the revoke and
    // shows it under the token. The next test clicks the tree only once that redraw is done.
    await driver.treeRow('Recent actions (1)').waitFor({ state: 'visible' });
    const posts = tenant.requestsFor('revoke');
    assert.deepEqual(posts.map((post) => post.tokenId).sort(), [seed[1].id, seed[12].id].sort());
  });

  it('expanding a token shows the apps bought with it and their licenses', async () => {
    const { driver } = session;
    await driver.openContainer('Intune VPP');
    await driver.treeRow('Fabrikam School District').locator('.monaco-tl-twistie').click();
    await driver.treeRow('Apps (3)').waitFor({ state: 'visible' });
    assert.match(await driver.treeRow('Keynote').innerText(), /Keynote\s*\d+\/40 licenses used/);
    await driver.treeRow('Fabrikam School District').locator('.monaco-tl-twistie').click();
  });

  it('the whole revoke works from the keyboard alone', async () => {
    const { driver, tenant } = session;
    const page = session.workbench.page;
    await driver.runCommand('Intune VPP: Focus on VPP Tokens View');
    // A screen reader hears the focused row's accessible name: name, state and expiry in words.
    const focusedRow = `document.getElementById(document.activeElement?.getAttribute('aria-activedescendant') ?? '')?.getAttribute('aria-label') ?? ''`;
    await page.waitForFunction(`!!document.activeElement?.closest('.part.sidebar .monaco-list')`);
    await page.keyboard.press('Home');
    await page.waitForFunction(`${focusedRow}.startsWith('Contoso HQ,')`);
    assert.match(await page.evaluate(focusedRow), /^Contoso HQ, state valid, expires in \d+ days$/);
    // The context menu, its entry Revoke Licenses…, all by keys.
    await page.keyboard.press('Shift+F10');
    await driver.chooseMenuEntry('Revoke Licenses…');
    await driver.waitForQuickPick('Revoke licenses of "Contoso HQ"');
    // Into the options, tick the first (Notify managed devices), accept.
    await page.keyboard.press('ArrowDown');
    await driver.quickInput.locator('.monaco-list-row.focused').filter({ hasText: 'Notify managed devices' }).waitFor({ state: 'visible' });
    await page.keyboard.press('Space');
    await driver.waitForTicked('Notify managed devices');
    await page.keyboard.press('Enter');
    await driver.dialog.waitFor({ state: 'visible' });
    await page.waitForFunction(`document.activeElement?.textContent === 'Revoke Licenses'`);
    await page.keyboard.press('Enter');
    await driver.notification(/accepted the revoke of the licenses of "Contoso HQ"/).waitFor({ state: 'visible' });
    const posts = tenant.requestsFor('revoke');
    assert.equal(posts.length, 1);
    assert.equal(posts[0].body, '{"notifyManagedDevices":true,"revokeUntrackedLicenses":false}');
  });

  it('right-click a token > Copy Revoke Request…: options, then the format; it says what was copied and sends nothing', async () => {
    const { driver, tenant } = session;
    await driver.openContainer('Intune VPP');
    await driver.contextMenu('Contoso HQ', 'Copy Revoke Request…');
    await driver.waitForQuickPick('Copy the revoke of "Contoso HQ": its options');
    await driver.toggle('Notify managed devices');
    await driver.acceptQuickPick();
    await driver.waitForQuickPick('Copy the revoke of "Contoso HQ" as…');
    await driver.quickInputRow('HTTP request').waitFor({ state: 'visible' });
    await session.workbench.page.keyboard.type('HTTP request');
    await session.workbench.page.keyboard.press('Enter');
    await driver
      .notification(/Copied the revoke of "Contoso HQ" as an HTTP request\. Nothing was sent to Intune\./)
      .waitFor({ state: 'visible' });
    assert.equal(tenant.requestsFor('revoke').length, 0);
  });

  it('a 403 shows the message naming the missing permission', async () => {
    const { driver, tenant } = session;
    tenant.addFault({ route: 'revoke', status: 403 });
    await driver.openContainer('Intune VPP');
    await driver.contextMenu('Contoso HQ', 'Revoke Licenses…');
    await driver.waitForQuickPick('Revoke licenses of "Contoso HQ"');
    await session.workbench.page.keyboard.press('Enter');
    await driver.dialogButton('Revoke Licenses');
    const toast = driver.notification(/DeviceManagementApps\.ReadWrite\.All/);
    await toast.waitFor({ state: 'visible' });
    assert.match(await toast.innerText(), /Access denied \(403\)/);
    assert.equal(tenant.requestsFor('revoke').length, 1);
  });

  it('a revoke whose answer is lost: Cancel the wait, "not confirmed", Send Again, confirm: exactly one more POST', async () => {
    const { driver, tenant } = session;
    tenant.addFault({ route: 'revoke', status: 504 });
    const executedBefore = tenant.executed.length;
    await driver.openContainer('Intune VPP');
    // A token outside the earlier multi-selection, so the menu acts on it alone.
    await driver.contextMenu('Fabrikam School District', 'Revoke Licenses…');
    await driver.waitForQuickPick('Revoke licenses of "Fabrikam School District"');
    await driver.acceptQuickPick();
    await driver.dialogButton('Revoke Licenses');
    // The progress says the answer was lost and it is reading the token; the admin stops waiting.
    const reading = driver.notification(/answer was lost; reading the token/);
    await reading.waitFor({ state: 'visible' });
    await reading.locator('.monaco-button').filter({ hasText: 'Cancel' }).click();
    const notConfirmed = driver.notification(/The revoke of the licenses of "Fabrikam School District" is not confirmed/);
    await notConfirmed.waitFor({ state: 'visible' });
    assert.equal(await notConfirmed.locator('.monaco-button').filter({ hasText: 'Check Again' }).count(), 1);
    assert.equal(tenant.requestsFor('revoke').length, 1);
    await notConfirmed.locator('.monaco-button').filter({ hasText: 'Send Again' }).click();
    await driver.dialog.waitFor({ state: 'visible' });
    assert.match(
      await driver.dialog.innerText(),
      /Send the revoke of the licenses of "Fabrikam School District" again\?[\s\S]*may have reached Intune/,
    );
    await driver.dialogButton('Send Again');
    await driver.notification(/accepted the revoke of the licenses of "Fabrikam School District"/).waitFor({ state: 'visible' });
    assert.equal(tenant.requestsFor('revoke').length, 2);
    // The first attempt was refused before Intune acted on it; the second was carried out.
    assert.equal(tenant.executed.length - executedBefore, 1);
  });

  it('right-click > Retire Token…: one revoke, the licenses fall to none, a final confirmation, one DELETE and one report', async () => {
    const { driver, tenant } = session;
    const page = session.workbench.page;
    // Earlier tests revoked Contoso HQ: its licenses and recent actions come back, and Apple frees them in three steps.
    tenant.restoreSeed();
    tenant.revokeCompletionMs = 12_000;
    tenant.revokeSteps = 3;
    try {
      await driver.openContainer('Intune VPP');
      await driver.contextMenu('Contoso HQ', 'Retire Token…');
      await driver.waitForQuickPick('Retire "Contoso HQ": revoke options');
      await driver.acceptQuickPick();
      await driver.dialog.waitFor({ state: 'visible' });
      const confirmation = await driver.dialog.innerText();
      assert.match(confirmation, /Retire the VPP token "Contoso HQ"\?/);
      assert.match(confirmation, /The VPP apps of this token: 2, licenses used: 13 of 50/);
      assert.match(confirmation, /after a last confirmation, deletes the token/);
      await driver.dialogButton('Retire Token');
      // The progress shows licenses still in use while Apple frees them...
      await driver.notification(/Licenses still used: [1-9]\d* of 50/).waitFor({ state: 'visible', timeout: 60_000 });
      // ...and asks once none is left.
      await page
        .locator('.monaco-dialog-box')
        .filter({ hasText: 'Its licenses are revoked.' })
        .waitFor({ state: 'visible', timeout: 60_000 });
      assert.match(await driver.dialog.innerText(), /Delete the VPP token "Contoso HQ" now\? Its licenses are revoked\./);
      assert.deepEqual(
        tenant.apps.filter((app) => app.vppTokenId === seed[0].id).map((app) => app.usedLicenseCount),
        [0, 0],
      );
      await driver.dialogButton('Delete Token');
      const report = page.locator('.editor-instance .view-lines');
      await report.filter({ hasText: 'Deleted: yes' }).waitFor({ state: 'visible' });
      // The editor draws spaces as no-break spaces.
      assert.match((await report.innerText()).replace(/\u00a0/g, ' '), /Licenses used before: 13[\s\S]*Licenses used now: 0/);
      assert.deepEqual(
        // A JSON batch is a POST of reads (the apps' assignments): not a write.
        tenant.requests
          .filter((request) => request.method !== 'GET' && request.route !== 'batch' && request.url.startsWith('/beta/'))
          .map((request) => `${request.method} ${request.route}`),
        ['POST revoke', 'DELETE delete'],
      );
      await driver.treeRow('Contoso HQ').waitFor({ state: 'hidden' });
    } finally {
      tenant.revokeCompletionMs = 300;
      tenant.revokeSteps = 1;
      tenant.restoreSeed();
    }
  });

  // Last, so that it reads everything the other tests made the extension write.
  it("never wrote a secret to the extension's log, the settings or the screen", async () => {
    const { tenant } = session;
    const secrets = [...tenant.issuedAccessTokens(), SIM_CLIENT_SECRET, SECRET_TOKEN_PREFIX];
    const logs = findLogs(session.server.userDataDir);
    assert.ok(logs.length > 0, "the extension's log was found");
    const text = [
      ...logs.map((file) => fs.readFileSync(file, 'utf8')),
      fs.readFileSync(path.join(session.server.userDataDir, 'User', 'settings.json'), 'utf8'),
      await session.workbench.page.locator('body').innerText(),
    ].join('\n');
    assert.match(text, /Revoke licenses of token/, 'the log holds the revoke attempts');
    assert.deepEqual(
      secrets.filter((secret) => text.includes(secret)),
      [],
    );
  });
});
