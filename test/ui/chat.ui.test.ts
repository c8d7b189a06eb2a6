import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../paths';
import { seedTokens } from '../simulatedTenant/seed';
import { SIM_CLIENT_SECRET } from '../simulatedTenant/server';
import { waitUntil } from '../support/waitUntil';
import { buildChatCallerVsix, INVOKE_REVOKE_TOOL } from './chatCaller';
import { startUiSession, UiSession } from './session';

const TOOL_GROUP = 'Intune VPP Tokens';
const TOOL_REFERENCES = ['vppTokens', 'vppTokenDetails', 'vppAppLicenses', 'revokeVppLicenses'];

describe('UI: chat tools in a real VS Code', function () {
  this.timeout(120_000);
  let session: UiSession;
  let helper: { vsix: string; dispose(): void };
  const hq = seedTokens()[0];

  before(async () => {
    // The helper calls the revoke tool on "Contoso HQ" as a model in chat would (none is reachable offline).
    helper = await buildChatCallerVsix({ tokenId: hq.id, notifyManagedDevices: true });
    session = await startUiSession({ extraVsix: [helper.vsix], userSettings: { 'chat.disableAIFeatures': false } });
    const { driver } = session;
    await driver.runCommand('Intune VPP: Set Client Secret…');
    await driver.answer('The client secret of the app', SIM_CLIENT_SECRET);
    await driver.notification(/client secret of the app .* was stored/).waitFor({ state: 'visible' });
  });

  after(async () => {
    await session?.stop();
    helper?.dispose();
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

  /** Opens chat's Configure Tools… picker and returns its text. */
  async function toolPickerText(): Promise<string> {
    const { driver, workbench } = session;
    const configureTools = workbench.page.locator('.interactive-input-part').getByRole('button', { name: /Configure Tools/ });
    if (!(await configureTools.isVisible())) {
      await driver.runCommand('Chat: Open Chat');
    }
    await configureTools.click();
    await driver.quickInput.getByText('Configure Tools', { exact: true }).waitFor({ state: 'visible' });
    // The extensions' tools come after the built-in ones, which are there as soon as the picker is.
    await driver.quickInput.locator('.monaco-list-row').filter({ hasText: 'Built-In' }).waitFor({ state: 'visible' });
    const group = driver.quickInput.locator('.monaco-list-row').filter({ hasText: TOOL_GROUP });
    if (await group.isVisible()) {
      await group.locator('.monaco-tl-twistie').click();
      await driver.quickInput.locator('.monaco-list-row').filter({ hasText: TOOL_REFERENCES[0] }).waitFor({ state: 'visible' });
    }
    return driver.quickInput.innerText();
  }

  it("Cancel in VS Code's confirmation of the revoke tool sends nothing", async () => {
    const { driver, tenant } = session;
    await driver.runCommand(INVOKE_REVOKE_TOOL);
    await driver.dialog.waitFor({ state: 'visible' });
    const question = await driver.dialog.innerText();
    assert.match(question, /Revoke all app licenses of the VPP token "Contoso HQ"\?/);
    assert.match(question, /The VPP apps of this token: 2, licenses used: 13 of 50/);
    assert.match(question, /Notify managed devices: yes/);
    assert.match(question, /nothing is sent before you confirm there/);
    await session.workbench.page.screenshot({ path: path.join(PROJECT_ROOT, 'media', 'screenshots', 'chat-confirmation.png') });
    await driver.dialogButton('Cancel');
    await driver.notification(/Tool not run: /).waitFor({ state: 'visible' });
    await session.afterNextListing();
    assert.equal(tenant.requestsFor('revoke').length, 0);
  });

  it("Yes in VS Code's confirmation, then Revoke Licenses in the extension's own modal: exactly one POST, and the tool tells the outcome", async () => {
    const { driver, tenant } = session;
    await driver.runCommand(INVOKE_REVOKE_TOOL);
    await driver.dialog.waitFor({ state: 'visible' });
    await driver.dialog.locator('.monaco-button').filter({ hasText: 'Yes' }).click();
    // The extension's modal follows: the tool sent nothing on chat's confirmation alone.
    await driver.dialog.locator('.monaco-button').filter({ hasText: 'Revoke Licenses' }).waitFor({ state: 'visible' });
    assert.match(await driver.dialog.innerText(), /Revoke all app licenses of the VPP token "Contoso HQ"\?/);
    assert.equal(tenant.requestsFor('revoke').length, 0);
    await driver.dialogButton('Revoke Licenses');
    await driver
      .notification(/Tool result: Intune accepted the revoke of the licenses of "Contoso HQ"/)
      .waitFor({ state: 'visible', timeout: 60_000 });
    await waitUntil(() => tenant.requestsFor('revoke').length === 1, 'the revoke to reach the simulated tenant');
    const [post] = tenant.requestsFor('revoke');
    assert.equal(post.tokenId, hq.id);
    assert.equal(post.body, '{"notifyManagedDevices":true,"revokeUntrackedLicenses":false}');
  });

  // Last: it removes the tenant.
  it("lists the tools in VS Code's tool picker while a tenant is configured, and not once it is removed", async () => {
    const { driver, workbench } = session;
    const configured = await toolPickerText();
    assert.match(configured, new RegExp(TOOL_GROUP));
    for (const reference of TOOL_REFERENCES) {
      assert.match(configured, new RegExp(reference));
    }
    await driver.reset();
    await driver.runCommand('Intune VPP: Remove Tenant…');
    await driver.dialogButton('Remove Tenant');
    // The view (and its status bar item) says when the extension has read the settings without the tenant.
    await driver.openContainer('Intune VPP');
    await workbench.page.locator('.statusbar-item').filter({ hasText: 'Intune VPP: not configured' }).waitFor({ state: 'visible' });
    assert.doesNotMatch(await toolPickerText(), new RegExp(TOOL_GROUP));
  });
});
