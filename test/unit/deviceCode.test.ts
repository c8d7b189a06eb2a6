import * as assert from 'node:assert/strict';
import { DeviceCodeTokenSource } from '../../src/auth/deviceCodeTokenSource';
import { VppError } from '../../src/errors';
import { createVppTokenService } from '../../src/graph/createService';
import { SimulatedTenant, SIM_CLIENT_ID, SIM_TENANT_ID } from '../simulatedTenant/server';
import { ScriptedUserInput } from '../support/scriptedUserInput';
import { RecordingLogger, startTenant, tenantSettings } from './fixtures';

describe('device code sign-in with msal-node against the simulated tenant', () => {
  let tenant: SimulatedTenant;
  let stored: string | undefined;
  let log: RecordingLogger;

  before(async () => {
    tenant = await startTenant();
  });
  after(async () => {
    await tenant.stop();
  });
  beforeEach(() => {
    tenant.reset();
    stored = undefined;
    log = new RecordingLogger();
  });

  function source(ui: ScriptedUserInput) {
    const settings = tenantSettings(tenant, { authMode: 'deviceCode', clientId: SIM_CLIENT_ID, tenantId: SIM_TENANT_ID });
    const cache = {
      get: async () => stored,
      set: async (value: string) => void (stored = value),
      delete: async () => void (stored = undefined),
    };
    return { settings, tokenSource: new DeviceCodeTokenSource(settings, cache, ui, log) };
  }

  it('shows the code, waits while authorization is pending, then lists tokens with the delegated token', async () => {
    const ui = new ScriptedUserInput();
    let polls = 0;
    ui.onDeviceCode = () => {
      // The person needs a moment: two polls stay pending before they approve.
      const timer = setInterval(() => {
        polls = tenant.requestsFor('token').length;
        if (polls >= 2) {
          clearInterval(timer);
          tenant.approveDeviceCodes();
        }
      }, 100);
    };
    const { settings, tokenSource } = source(ui);
    const who = await tokenSource.signIn();
    assert.equal(who, tenant.userName);
    const [shown] = ui.of('deviceCode');
    assert.match(shown.message ?? '', /enter the code SIMC0DE1/);
    assert.deepEqual(shown.buttons, ['SIMC0DE1']);
    assert.equal(shown.detail, `${tenant.url}/devicelogin`);
    assert.deepEqual(ui.of('progress')[0].buttons, ['Cancel']);
    const deviceCodeRequest = new URLSearchParams(tenant.requestsFor('devicecode')[0].body);
    assert.equal(deviceCodeRequest.get('client_id'), SIM_CLIENT_ID);
    const scopes = deviceCodeRequest.get('scope')?.split(' ') ?? [];
    assert.ok(scopes.includes(`${tenant.url}/DeviceManagementServiceConfig.ReadWrite.All`));
    assert.ok(
      scopes.includes(`${tenant.url}/DeviceManagementApps.ReadWrite.All`),
      'the apps permission is asked at sign-in, with the rest',
    );
    assert.ok(tenant.requestsFor('token').length >= 3, 'polled while pending');

    const service = createVppTokenService(settings, { getAccessToken: () => tokenSource.getAccessToken(), log, acceptLanguage: 'en-US' });
    assert.ok((await service.listTokens()).length > 10);
    assert.match(tenant.requestsFor('list')[0].headers.authorization, /^Bearer sim-at-/);
    assert.ok(stored && stored.length > 0, 'the token cache was persisted');
    assert.deepEqual(
      tenant.issuedAccessTokens().filter((secret) => log.text().includes(secret) || JSON.stringify(ui.shown).includes(secret)),
      [],
    );
  });

  it('signs in silently from the persisted cache, so a machine signs in once', async () => {
    const first = new ScriptedUserInput();
    first.onDeviceCode = () => tenant.approveDeviceCodes();
    await source(first).tokenSource.signIn();
    const second = new ScriptedUserInput();
    const again = source(second).tokenSource;
    assert.match(await again.getAccessToken(), /^sim-at-/);
    assert.deepEqual(second.shown, [], 'no prompt');
  });

  it('without a cached account asks to sign in, sending nothing', async () => {
    await assert.rejects(
      source(new ScriptedUserInput()).tokenSource.getAccessToken(),
      (error: unknown) => error instanceof VppError && error.kind === 'signInRequired',
    );
    assert.equal(tenant.requests.filter((request) => request.route === 'token' || request.route === 'devicecode').length, 0);
  });

  it('Cancel stops the wait and is a cancel, not an error', async () => {
    const ui = new ScriptedUserInput();
    ui.onDeviceCode = (_code, cancel) => cancel();
    await assert.rejects(source(ui).tokenSource.signIn(), (error: unknown) => error instanceof VppError && error.kind === 'cancelled');
    // Cancelled as the code was shown, before the first poll (one interval later): the token endpoint heard nothing.
    assert.equal(tenant.requestsFor('token').length, 0);
  });

  it('an expired code says to sign in again; slow_down says to wait', async () => {
    for (const [state, pattern] of [
      ['expired', /code expired/],
      ['slowDown', /slow down/],
    ] as const) {
      const ui = new ScriptedUserInput();
      ui.onDeviceCode = () => tenant.setDeviceCodes(state);
      await assert.rejects(source(ui).tokenSource.signIn(), (error: unknown) => error instanceof VppError && pattern.test(error.message));
    }
  });

  it('Sign Out removes the account and the persisted cache', async () => {
    const ui = new ScriptedUserInput();
    ui.onDeviceCode = () => tenant.approveDeviceCodes();
    const { tokenSource } = source(ui);
    await tokenSource.signIn();
    await tokenSource.signOut();
    assert.equal(stored, undefined);
    await assert.rejects(source(new ScriptedUserInput()).tokenSource.getAccessToken(), /not signed in/);
  });

  it('Switch Account signs in with a new code as another user and replaces the first account; Cancel keeps it', async () => {
    const ui = new ScriptedUserInput();
    ui.onDeviceCode = () => tenant.approveDeviceCodes();
    const { tokenSource } = source(ui);
    assert.equal(await tokenSource.signIn(), 'admin@contoso.example');

    const cancelled = new ScriptedUserInput();
    cancelled.onDeviceCode = (_code, cancel) => cancel();
    const again = source(cancelled).tokenSource;
    await assert.rejects(again.switchAccount(), (error: unknown) => error instanceof VppError && error.kind === 'cancelled');
    assert.equal(await again.account(), 'admin@contoso.example', 'a cancelled switch keeps the account in use');

    tenant.userName = 'helpdesk@fabrikam.example';
    const switching = new ScriptedUserInput();
    switching.onDeviceCode = () => tenant.approveDeviceCodes();
    const switched = source(switching).tokenSource;
    assert.equal(await switched.switchAccount(), 'helpdesk@fabrikam.example');
    assert.equal(switching.of('deviceCode').length, 1, 'a new code was shown');
    const later = source(new ScriptedUserInput()).tokenSource;
    assert.equal(await later.account(), 'helpdesk@fabrikam.example');
    assert.ok(stored && !stored.includes('admin@contoso.example'), 'the first account left the persisted cache');
  });
});
