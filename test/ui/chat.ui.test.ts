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

  /** Opens chat's Configure Tools… picker, expands the extension's group when it is there, and returns the text. */
  async function readToolPicker(): Promise<string> {
    const { driver, workbench } = session;
    const configureTools = workbench.page.locator('.interactive-input-part').getByRole('button', { name: /Configure Tools/ });
    if (!(await configureTools.isVisible())) {
      await driver.runCommand('Chat: Open Chat');
    }
    await configureTools.click();
    // The built-in tools are there as soon as the picker is.
    await driver.quickInput.locator('.monaco-list-row').filter({ hasText: 'Built-In' }).waitFor({ state: 'visible' });
    const group = driver.quickInput.locator('.monaco-list-row').filter({ hasText: TOOL_GROUP });
    if (await group.isVisible()) {
      await group.locator('.monaco-tl-twistie').click();
    }
    const text = await driver.quickInput.innerText();
    await driver.reset();
    return text;
  }

  /**
   * Reads the tool picker until it shows what `shows` expects: VS Code redraws its tools up to 750 ms after a `when`
   * clause changes, and while other extensions register theirs, so one reading may be out of date.
   */
  async function toolPickerShowing(shows: (text: string) => boolean, what: string): Promise<string> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const text = await readToolPicker();
      if (shows(text)) {
        return text;
      }
      if (Date.now() > deadline) {
        throw new Error(`The tool picker never showed ${what}; it last showed:\n${text}`);
      }
    }
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
    const configured = await toolPickerShowing(
      (text) => TOOL_REFERENCES.every((reference) => text.includes(reference)),
      'the four tools of Intune VPP',
    );
    assert.match(configured, new RegExp(TOOL_GROUP));
    await driver.runCommand('Intune VPP: Remove Tenant…');
    await driver.dialogButton('Remove Tenant');
    // The view (and its status bar item) says when the extension has read the settings without the tenant.
    await driver.openContainer('Intune VPP');
    await workbench.page.locator('.statusbar-item').filter({ hasText: 'Intune VPP: not configured' }).waitFor({ state: 'visible' });
    const unconfigured = await toolPickerShowing((text) => !text.includes(TOOL_GROUP), 'no tool of Intune VPP');
    assert.ok(TOOL_REFERENCES.every((reference) => !unconfigured.includes(reference)));
  });
});
