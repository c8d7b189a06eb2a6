import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../paths';
import { ensureTestCertificates } from '../simulatedTenant/certificates';
import { SECRET_TOKEN_PREFIX, seedTokens } from '../simulatedTenant/seed';
import { SUITE_PACE, SimulatedTenant, SIM_CLIENT_ID, SIM_CLIENT_SECRET } from '../simulatedTenant/server';
import { CERT_DIR } from '../paths';
import { findLogs, startUiSession, UiSession } from './session';

const SCREENSHOTS = path.join(PROJECT_ROOT, 'media', 'screenshots');
const SECOND_TENANT_ID = '22222222-3333-4444-5555-666666666666';
const SECOND_SECRET = 'second-tenant-secret-do-not-log';

describe('UI: a consultant adds a second tenant and revokes there', function () {
  this.timeout(120_000);
  let session: UiSession;
  let second: SimulatedTenant;

  before(async () => {
    const { keyPem, certPem } = ensureTestCertificates(CERT_DIR);
    second = await new SimulatedTenant({
      key: keyPem,
      cert: certPem,
      tenantId: SECOND_TENANT_ID,
      clientSecret: SECOND_SECRET,
      ...SUITE_PACE,
    }).start();
    session = await startUiSession();
  });

  after(async () => {
    await session?.stop();
    await second?.stop();
  });

  beforeEach(async () => {
    await session.driver.reset();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      await session.saveArtifacts(`ui-tenants-${this.currentTest.title}`);
    }
  });

  const SECRET_PROMPT = 'The client secret of the app';

  it('while the view is open, the status bar says who is signed in to which tenant', async () => {
    const { driver } = session;
    await driver.runCommand('Intune VPP: Set Client Secret…');
    await driver.answer(SECRET_PROMPT, SIM_CLIENT_SECRET);
    await driver.openContainer('Intune VPP');
    await driver.treeRow('Contoso HQ').waitFor({ state: 'visible', timeout: 30_000 });
    await driver.statusBarItem(`app ${SIM_CLIENT_ID} · Contoso`).waitFor({ state: 'visible' });
    // The title bar's account actions follow the tenant's mode: app-only has credentials, no account to switch.
    const page = session.workbench.page;
    await (await driver.viewTitleAction('VPP Tokens', 'More Actions')).click();
    const menu = page.locator('.monaco-menu');
    await menu.locator('.action-item').filter({ hasText: 'Set Client Secret…' }).first().waitFor({ state: 'visible' });
    assert.equal(await menu.locator('.action-item').filter({ hasText: 'Switch Account…' }).count(), 0);
    assert.equal(await menu.locator('.action-item').filter({ hasText: 'Sign Out' }).count(), 1);
    await page.keyboard.press('Escape');
  });

  it("Add Tenant… from the view's title bar: name, cloud, endpoints, mode, app and tenant; both tenants become roots", async () => {
    const { driver } = session;
    const page = session.workbench.page;
    await (await driver.viewTitleAction('VPP Tokens', 'Add Tenant')).click();
    // Each answer waits for its own step's prompt: the input box is reused from one step to the next.
    await driver.answer('A name for the tenant', 'Fabrikam');
    await driver.choose('Which Microsoft cloud is the tenant in?', 'Custom endpoints');
    await driver.answer('The https address of Microsoft Graph in this cloud', second.url);
    // Back to the Graph address: the step shows where it stands, and starts from the address typed before.
    const login = driver.quickInputStep('The https address of the Microsoft Entra ID login in this cloud');
    await login.waitFor({ state: 'visible' });
    assert.match(await login.innerText(), /4\s*\/\s*7/);
    await driver.back('The https address of the Microsoft Entra ID login in this cloud');
    const graph = driver.quickInputStep('The https address of Microsoft Graph in this cloud');
    await graph.waitFor({ state: 'visible' });
    assert.equal(await graph.locator('input').inputValue(), second.url);
    await page.keyboard.press('Enter');
    await graph.waitFor({ state: 'hidden' });
    await driver.answer('The https address of the Microsoft Entra ID login in this cloud', second.url);
    await driver.choose('How do you sign in to this tenant?', 'App-only (client credentials)');
    await driver.answer('The application (client) ID of your app registration', SIM_CLIENT_ID);
    await driver.answer('The directory (tenant) ID or a verified domain', SECOND_TENANT_ID);
    await driver.notification(/Added the tenant "Fabrikam"/).waitFor({ state: 'visible' });
    await driver.treeRowLabelled('Fabrikam').filter({ hasText: 'needs a client secret or certificate' }).waitFor({ state: 'visible' });
    // Adding a tenant lists both again: the first root shows "loading…" until its listing is back.
    await driver
      .treeRowLabelled('Contoso')
      .filter({ hasText: `app ${SIM_CLIENT_ID}` })
      .waitFor({ state: 'visible' });
    await driver.statusBarItem('Intune VPP: 1 of 2 tenants signed in').waitFor({ state: 'visible' });
    assert.equal(second.requestsFor('list').length, 0);
  });

  it('right-click the new tenant > Set Client Secret…: its tokens appear under it', async () => {
    const { driver } = session;
    await driver.contextMenu(driver.treeRowLabelled('Fabrikam'), 'Set Client Secret…');
    await driver.answer(SECRET_PROMPT, SECOND_SECRET);
    await driver.notification(/client secret of the app .* was stored/).waitFor({ state: 'visible' });
    await driver
      .treeRowLabelled('Fabrikam')
      .filter({ hasText: `app ${SIM_CLIENT_ID}` })
      .waitFor({ state: 'visible' });
    await driver.statusBarItem('Intune VPP: 2 of 2 tenants signed in').waitFor({ state: 'visible' });
    // Needs Attention comes first, with the tokens of both tenants that need it, and its count is the view's badge.
    await driver.treeRow('Needs Attention (8)').waitFor({ state: 'visible', timeout: 30_000 });
    await session.workbench.page.locator('.activitybar .badge-content').filter({ hasText: /^8$/ }).waitFor({ state: 'visible' });
    // Fold it and the first tenant away, so that the second tenant's rows are the ones found.
    await driver.treeRow('Needs Attention (8)').locator('.monaco-tl-twistie').click();
    await driver.treeRowLabelled('Contoso').locator('.monaco-tl-twistie').click();
    await driver.treeRow('Contoso Retail').waitFor({ state: 'visible', timeout: 30_000 });
    await session.workbench.page.screenshot({ path: path.join(SCREENSHOTS, 'tenants.png') });
    assert.equal(new URLSearchParams(second.requestsFor('token')[0]?.body ?? '').get('client_secret'), SECOND_SECRET);
  });

  it('right-click a token of the second tenant > Revoke Licenses…: the dialog names the tenant, only that tenant gets the POST', async () => {
    const { driver, tenant } = session;
    tenant.requests.length = 0;
    second.requests.length = 0;
    await driver.contextMenu('Contoso Retail', 'Revoke Licenses…');
    await driver.waitForQuickPick('Revoke licenses of "Contoso Retail"');
    await driver.acceptQuickPick();
    await driver.dialog.waitFor({ state: 'visible' });
    assert.match(await driver.dialog.innerText(), /Tenant: Fabrikam/);
    await driver.dialogButton('Revoke Licenses');
    await driver.notification(/accepted the revoke of the licenses of "Contoso Retail"/).waitFor({ state: 'visible' });
    const posts = second.requestsFor('revoke');
    assert.equal(posts.length, 1);
    assert.equal(posts[0].tokenId, seedTokens()[1].id);
    assert.equal(posts[0].body, '{"notifyManagedDevices":false,"revokeUntrackedLicenses":false}');
    assert.equal(tenant.requestsFor('revoke').length, 0);
  });

  it("Show Overview from the view's title bar, All tenants: both tenants' tokens from the view's listings, and the apps that could not be read named", async () => {
    const { driver, tenant } = session;
    const page = session.workbench.page;
    const firstPages = (of: typeof tenant, route: 'list' | 'apps') =>
      of.requestsFor(route).filter((request) => !request.url.includes('skiptoken')).length;
    tenant.requests.length = 0;
    second.requests.length = 0;
    second.addFault({ route: 'apps', status: 403 });
    await (await driver.viewTitleAction('VPP Tokens', 'Show Overview')).click();
    await driver.choose('Show Overview: Choose the tenant', 'All tenants');
    const overview = page.frameLocator('iframe.webview').frameLocator('iframe#active-frame');
    const rows = overview.locator('#tokens tbody tr');
    await rows.nth(2 * seedTokens().length - 1).waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await rows.count(), 2 * seedTokens().length);
    assert.deepEqual(await overview.locator('#tokens thead th').allInnerTexts(), [
      'Tenant',
      'Token',
      'State',
      'Expires',
      'Used',
      'Total',
      'Note',
    ]);
    const retail = await Promise.all(
      (await rows.filter({ hasText: 'Contoso Retail' }).all()).map(async (row) =>
        (await row.locator('th, td').allInnerTexts()).map((cell) => cell.trim()),
      ),
    );
    const retailToken = seedTokens()[1];
    const bought = session.tenant.apps
      .filter((app) => app.vppTokenId === retailToken.id)
      .reduce((sum, app) => sum + app.totalLicenseCount, 0);
    assert.deepEqual(
      retail.map((cells) => [cells[0], cells[5], cells[6]]),
      [
        ['Contoso', String(bought), ''],
        ['Fabrikam', '', 'apps not read'],
      ],
    );
    assert.match(await overview.locator('#unread').innerText(), /Fabrikam: Apps not read: /);
    assert.match(await overview.locator('p.scope').innerText(), /^All tenants \(2\)/);
    // Both tenants were already listed by the view: the Overview read their apps, and listed neither again.
    assert.deepEqual([firstPages(tenant, 'list'), firstPages(second, 'list')], [0, 0]);
    assert.deepEqual([firstPages(tenant, 'apps'), firstPages(second, 'apps')], [1, 1]);
    await driver.reset();
  });

  // Last, so that it reads everything the other tests made the extension write.
  it("never wrote either tenant's secret or access tokens to the log, the settings or the screen", async () => {
    const secrets = [
      ...session.tenant.issuedAccessTokens(),
      ...second.issuedAccessTokens(),
      SIM_CLIENT_SECRET,
      SECOND_SECRET,
      SECRET_TOKEN_PREFIX,
    ];
    const logs = findLogs(session.server.userDataDir);
    assert.ok(logs.length > 0, "the extension's log was found");
    const text = [
      ...logs.map((file) => fs.readFileSync(file, 'utf8')),
      fs.readFileSync(path.join(session.server.userDataDir, 'User', 'settings.json'), 'utf8'),
      await session.workbench.page.locator('body').innerText(),
    ].join('\n');
    assert.match(text, /Added tenant Fabrikam/, 'the log holds the added tenant');
    assert.match(text, /"intuneVpp\.additionalTenants"/, 'the settings hold the added tenant');
    assert.deepEqual(
      secrets.filter((secret) => text.includes(secret)),
      [],
    );
  });
});
