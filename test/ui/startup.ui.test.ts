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

  it('a window started with the view closed lists the tenant once, raises the alert, and the view then shows that listing', async () => {
    const { driver, tenant, workbench } = session;
    const page = workbench.page;
    const firstPages = () => tenant.requestsFor('list').filter((request) => !request.url.includes('skiptoken')).length;
    await driver.runCommand('Intune VPP: Set Client Secret…');
    await driver.answer('The client secret of the app', SIM_CLIENT_SECRET);
    await driver.notification(/client secret of the app .* was stored/).waitFor({ state: 'visible' });
    assert.equal(firstPages(), 0, 'nothing listed the tenant before the restart: no alert was raised yet today');
    // The Explorer is what the restarted window shows: the Intune VPP view stays closed.
    await driver.runCommand('View: Show Explorer');
    const explorer = page.locator('.part.sidebar .title-label').filter({ hasText: /Explorer/i });
    await explorer.waitFor({ state: 'visible' });

    await page.reload();
    await driver.waitForContainerEntry('Intune VPP');
    const alert = driver.notification('2 VPP tokens need renewal: Contoso Labs: expired 3 days ago; Contoso Retail: expires in');
    await alert.waitFor({ state: 'visible', timeout: 60_000 });
    assert.equal(await alert.locator('.monaco-button').filter({ hasText: 'Renew Token…' }).count(), 1);
    await driver.statusBarItem('2 VPP tokens need renewal').waitFor({ state: 'visible' });
    assert.ok(await explorer.isVisible(), 'the view stayed closed');
    assert.equal(firstPages(), 1, 'the start-up check listed the tenant once');

    // Opened now, the view draws the check's listing instead of signing in and listing again.
    await page.locator('.activitybar [aria-label^="Intune VPP"]').first().click();
    await driver.treeRow('Contoso HQ').waitFor({ state: 'visible' });
    assert.equal(firstPages(), 1);
  });
});
