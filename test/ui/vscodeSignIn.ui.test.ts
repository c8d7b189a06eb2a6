import * as assert from 'node:assert/strict';
import { INSTANCE_DISCOVERY_HOST } from '../simulatedTenant/egressProxy';
import { SIM_CLIENT_ID } from '../simulatedTenant/server';
import { seedTokens } from '../simulatedTenant/seed';
import { waitUntil } from '../support/waitUntil';
import { startUiSession, UiSession } from './session';

const ACCOUNT = 'admin@contoso.example';
const OTHER_ACCOUNT = 'second.admin@contoso.example';

describe("UI: mode vscode signs in with VS Code's own Microsoft provider against the simulated Entra", function () {
  this.timeout(180_000);
  let session: UiSession;

  before(async () => {
    session = await startUiSession({ vscodeSignIn: true });
  });

  after(async () => {
    await session?.stop();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      await session.saveArtifacts(`ui-vscode-sign-in-${this.currentTest.title}`);
    }
  });

  it('the status bar signs in through the built-in provider (discovery, sign-in page, PKCE); the tree then lists and revokes with that session', async () => {
    const { driver, tenant, proxy } = session;
    const page = session.workbench.page;
    await driver.openContainer('Intune VPP');
    const signedOut = driver.statusBarItem('Intune VPP: not signed in');
    await signedOut.waitFor({ state: 'visible' });

    const signInPageOpened = page.context().waitForEvent('page');
    await signedOut.click();
    // VS Code's own consent, naming the custom environment of the user settings.
    await driver.dialog.waitFor({ state: 'visible' });
    assert.match(await driver.dialog.innerText(), /wants to sign in using Simulated tenant/);
    await driver.dialogButton('Allow');

    const signInPage = await signInPageOpened;
    const accept = signInPage.locator('#accept');
    await accept.waitFor({ state: 'visible' });
    const asked = await signInPage.locator('li').allInnerTexts();
    assert.deepEqual(
      asked.filter((scope) => scope.startsWith(tenant.url)),
      [`${tenant.url}/DeviceManagementApps.ReadWrite.All`],
    );
    await accept.click();

    // The session reaches the extension through onDidChangeSessions: the tree fills without a refresh.
    await driver.treeRow('Contoso HQ').waitFor({ state: 'visible', timeout: 60_000 });
    await driver.statusBarItem(`${ACCOUNT} · Contoso`).waitFor({ state: 'visible' });

    // One sign-in lists once: VS Code's session event during the extension's own sign-in is no news. The barrier
    // lists once more; the extension host handles one message at a time, so an extra listing would be in by then.
    await session.afterNextListing();
    const firstPages = tenant.requestsFor('list').filter((request) => !request.url.includes('skiptoken'));
    assert.equal(firstPages.length, 2, "the sign-in's listing and the barrier's, nothing more");

    // Entra's instance discovery was the only request that left for the outside, and it reached the simulated tenant.
    assert.ok(proxy && proxy.forwarded.length > 0 && proxy.forwarded.every((target) => target === `${INSTANCE_DISCOVERY_HOST}:443`));
    assert.equal(tenant.requestsFor('discovery').length > 0, true);

    // getSession's scopes: VSCODE_CLIENT_ID and VSCODE_TENANT chose the app and the tenant, and never left VS Code.
    const [authorize] = tenant.requestsFor('authorize');
    const query = new URL(authorize.url, tenant.url).searchParams;
    assert.equal(new URL(authorize.url, tenant.url).pathname, `/${tenant.tenantId}/oauth2/v2.0/authorize`);
    assert.equal(query.get('client_id'), SIM_CLIENT_ID);
    assert.equal(query.get('code_challenge_method'), 'S256');
    assert.doesNotMatch(query.get('scope') ?? '', /VSCODE_/);
    const redemption = tenant
      .requestsFor('token')
      .map((request) => new URLSearchParams(request.body))
      .find((form) => form.get('grant_type') === 'authorization_code');
    assert.ok(redemption?.get('code_verifier'), 'the code was redeemed with its PKCE verifier');
    assert.equal(redemption?.get('redirect_uri'), 'https://vscode.dev/redirect');

    // Every Graph call carried the access token of that sign-in, asked for silently on each request.
    const issued = tenant.issuedAccessTokens();
    const bearers = new Set(tenant.requestsFor('list').map((request) => request.headers.authorization));
    assert.equal(bearers.size, 1);
    assert.ok(issued.includes([...bearers][0].replace(/^Bearer /, '')));

    await driver.contextMenu('Contoso HQ', 'Revoke Licenses…');
    await driver.waitForQuickPick('Revoke licenses of "Contoso HQ"');
    await driver.acceptQuickPick();
    await driver.dialogButton('Revoke Licenses');
    await waitUntil(() => tenant.requestsFor('revoke').length === 1, 'the revoke to reach the simulated tenant');
    const [revoke] = tenant.requestsFor('revoke');
    assert.equal(revoke.tokenId, seedTokens()[0].id);
    assert.ok(bearers.has(revoke.headers.authorization));
  });

  it('Switch Account… asks VS Code again (clearSessionPreference): signing in as another person switches the tree to that account', async () => {
    const { driver, tenant } = session;
    const page = session.workbench.page;
    const listedBefore = tenant.requestsFor('list').length;
    const signInPageOpened = page.context().waitForEvent('page');
    await driver.statusBarItem(`${ACCOUNT} · Contoso`).click();
    await driver.dialogButton('Allow');
    // VS Code's own account picker, which a remembered preference would have skipped.
    await driver.choose("The extension 'Intune VPP Tokens' wants to access a Simulated tenant account", 'Sign in to another account');
    const signInPage = await signInPageOpened;
    tenant.userName = OTHER_ACCOUNT;
    await signInPage.locator('#accept').click();
    await driver.statusBarItem(`${OTHER_ACCOUNT} · Contoso`).waitFor({ state: 'visible', timeout: 60_000 });
    await waitUntil(() => tenant.requestsFor('list').length > listedBefore, 'the tree to list again with the other account');
    const latest = tenant.requestsFor('list').at(-1);
    const firstBearer = tenant.requestsFor('list')[0].headers.authorization;
    assert.notEqual(latest?.headers.authorization, firstBearer, "the new listing carries the new account's token");
  });
});
