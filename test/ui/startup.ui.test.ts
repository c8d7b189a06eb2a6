import * as assert from 'node:assert/strict';
import { SIM_CLIENT_SECRET } from '../simulatedTenant/server';
import { startUiSession, UiSession } from './session';

/**
 * The start-up alert as an admin meets it: the VSIX installed in a real VS Code (not in test mode, where the
 * automatic check is off so that it cannot race a test's requests), the window reloaded with the Intune VPP view
 * closed, and the alert raised by the extension's activation after start-up alone.
 */
describe('UI: expiry alerts come at start-up, with the view closed', function () {
  this.timeout(180_000);
  let session: UiSession;

  before(async () => {
    session = await startUiSession();
  });

  after(async () => {
    await session?.stop();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      await session.saveArtifacts(`ui-startup-${this.currentTest.title}`);
    }
  });

  it('a window started with the view closed lists the tenant once and alerts about what expires; the view then shows that listing', async () => {
    const { driver, tenant, workbench } = session;
    const page = workbench.page;
    const firstPages = () => tenant.requestsFor('list').filter((request) => !request.url.includes('skiptoken')).length;
    await driver.runCommand('Intune VPP: Set Client Secret…');
    await driver.answer('The client secret of the app', SIM_CLIENT_SECRET);
    await driver.notification(/client secret of the app .* was stored/).waitFor({ state: 'visible' });
    // The Explorer is what each restarted window shows: the Intune VPP view stays closed.
    await driver.runCommand('View: Show Explorer');
    const explorer = page.locator('.part.sidebar .title-label').filter({ hasText: /Explorer/i });
    await explorer.waitFor({ state: 'visible' });
    const restart = async () => {
      await page.reload();
      await driver.waitForContainerEntry('Intune VPP');
    };

    // A first start with the secret stored alerts about the seed's two tokens (at most once a day, so maybe already
    // when the secret was stored); the count in the status bar stays.
    await restart();
    await driver.statusBarItem('2 VPP tokens need renewal').waitFor({ state: 'visible', timeout: 60_000 });

    // Another token now expires within the warning window: the next start alerts about that one alone.
    const neverSynced = [...tenant.tokens.values()].find((token) => token.displayName === 'Never synced');
    assert.ok(neverSynced);
    neverSynced.expirationDateTime = new Date(Date.now() + 5 * 24 * 3600 * 1000 - 3600 * 1000).toISOString();
    await driver.runCommand('Notifications: Clear All Notifications');
    const listedBefore = firstPages();
    await restart();
    // The count comes with the alert; a notification raised while the window starts goes to the notification center.
    await driver.statusBarItem('3 VPP tokens need renewal').waitFor({ state: 'visible', timeout: 60_000 });
    const alert = await driver.centerNotification('A VPP token needs renewal: Never synced: expires in 5 days.');
    await alert.waitFor({ state: 'visible' });
    assert.equal(await alert.locator('.monaco-button').filter({ hasText: 'Renew Token…' }).count(), 1);
    assert.ok(await explorer.isVisible(), 'the view stayed closed');
    assert.equal(firstPages() - listedBefore, 1, 'the start-up check listed the tenant once');

    // Opened now, the view draws the check's listing instead of signing in and listing again.
    await page.locator('.activitybar [aria-label^="Intune VPP"]').first().click();
    await driver.treeRow('Contoso HQ').waitFor({ state: 'visible' });
    assert.equal(firstPages() - listedBefore, 1);
  });
});
