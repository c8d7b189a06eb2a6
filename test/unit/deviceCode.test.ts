import * as assert from 'node:assert/strict';
import { DeviceCodeTokenSource } from '../../src/auth/deviceCodeTokenSource';
import { VppError } from '../../src/errors';
import { createVppTokenService } from '../../src/graph/createService';
import { SimulatedTenant, SIM_CLIENT_ID, SIM_TENANT_ID } from '../simulatedTenant/server';
import { ScriptedUserInput } from '../support/scriptedUserInput';
import { metadataWithEndpointsOn, RecordingLogger, startTenant, tenantSettings } from '../support/fixtures';
import { useSimulatedTenant } from '../support/harness';
import { verificationPage } from '../../src/auth/deviceCodeTokenSource';
import { resolveSettings } from '../../src/config/settings';

describe('device code sign-in with msal-node against the simulated tenant', () => {
  let tenant: SimulatedTenant;
  let stored: string | undefined;
  let log: RecordingLogger;

  useSimulatedTenant(
    {},
    (started) => (tenant = started),
    () => {
      tenant.reset();
      stored = undefined;
      log = new RecordingLogger();
    },
  );

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
    assert.deepEqual(
      scopes.filter((scope) => scope.startsWith(tenant.url)),
      [`${tenant.url}/DeviceManagementApps.ReadWrite.All`],
      'the one permission that grants every call, and no other',
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

  describe('what the login host returns cannot steer the admin', () => {
    function deviceCodeAnswer(fields: Record<string, unknown>): string {
      return JSON.stringify({
        device_code: 'sim-device-code',
        user_code: 'SIMC0DE1',
        verification_uri: `${tenant.url}/devicelogin`,
        expires_in: 900,
        interval: 1,
        message: 'To sign in, use a web browser to open the page https://attacker.example and enter the code SIMC0DE1.',
        ...fields,
      });
    }

    for (const [name, uri] of [
      ['a file: address', 'file:///etc/passwd'],
      ['a command: link', 'command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22rm%22%7D'],
      ['http on the login host', 'http://127.0.0.1/devicelogin'],
      ['https on another server', 'https://login.attacker.example/devicelogin'],
    ] as const) {
      it(`a verification page that is ${name} is neither shown nor opened, and the sign-in stops saying why`, async () => {
        tenant.addFault({ route: 'devicecode', body: deviceCodeAnswer({ verification_uri: uri }), contentType: 'application/json' });
        const ui = new ScriptedUserInput();
        await assert.rejects(source(ui).tokenSource.signIn(), (error: unknown) => {
          assert.ok(error instanceof VppError);
          assert.match(
            error.message,
            /^The sign-in service asked to open .*, which is not a sign-in page of 127\.0\.0\.1:\d+\. It was not opened, and the sign-in was stopped\.$/,
          );
          return true;
        });
        assert.deepEqual(ui.of('deviceCode'), []);
        assert.equal(tenant.requestsFor('token').length, 0, 'no poll for a code the admin never saw');
      });
    }

    it("the login host's own message is not shown: the prompt names the checked page and code only", async () => {
      tenant.addFault({ route: 'devicecode', body: deviceCodeAnswer({}), contentType: 'application/json' });
      const ui = new ScriptedUserInput();
      ui.onDeviceCode = () => tenant.approveDeviceCodes();
      await source(ui)
        .tokenSource.signIn()
        .catch(() => undefined);
      const [shown] = ui.of('deviceCode');
      assert.equal(shown.message, `To sign in, open ${tenant.url}/devicelogin and enter the code SIMC0DE1.`);
      assert.equal(shown.message?.includes('attacker'), false);
    });

    it('a user code that is not letters, digits and dashes stops the sign-in', async () => {
      tenant.addFault({ route: 'devicecode', body: deviceCodeAnswer({ user_code: '[x](command:y)' }), contentType: 'application/json' });
      const ui = new ScriptedUserInput();
      await assert.rejects(source(ui).tokenSource.signIn(), /sent a code that cannot be shown/);
      assert.deepEqual(ui.of('deviceCode'), []);
    });

    it("metadata naming another server's token and device code endpoints: nothing is sent there", async () => {
      const other = await startTenant();
      try {
        tenant.addFault({ route: 'openid', body: metadataWithEndpointsOn(tenant, other), contentType: 'application/json' });
        const ui = new ScriptedUserInput();
        await assert.rejects(source(ui).tokenSource.signIn(), /which is not its own address: nothing was sent there/);
        assert.equal(other.requests.length, 0);
        assert.deepEqual(ui.of('deviceCode'), []);
      } finally {
        await other.stop();
      }
    });

    it("Microsoft's clouds may show the page on microsoft.com or their login hosts; a custom cloud only on its own login origin", () => {
      const global = resolveSettings({ cloud: 'global', clientId: SIM_CLIENT_ID });
      const usGov = resolveSettings({ cloud: 'usGov', clientId: SIM_CLIENT_ID });
      const custom = resolveSettings({
        cloud: 'custom',
        customGraphEndpoint: 'https://graph.lab.example',
        customLoginEndpoint: 'https://login.lab.example:8443',
        clientId: SIM_CLIENT_ID,
      });
      assert.equal(verificationPage('https://microsoft.com/devicelogin', global), 'https://microsoft.com/devicelogin');
      assert.equal(
        verificationPage('https://login.microsoftonline.com/common/oauth2/deviceauth', global),
        'https://login.microsoftonline.com/common/oauth2/deviceauth',
      );
      assert.equal(verificationPage('https://microsoft.com/deviceloginus', usGov), 'https://microsoft.com/deviceloginus');
      assert.throws(() => verificationPage('https://login.microsoftonline.com/common/oauth2/deviceauth', usGov), /not a sign-in page/);
      assert.equal(verificationPage('https://login.lab.example:8443/devicelogin', custom), 'https://login.lab.example:8443/devicelogin');
      for (const refused of [
        'https://login.lab.example/devicelogin',
        'https://microsoft.com/devicelogin',
        'https://user@login.lab.example:8443/x',
        42,
      ]) {
        assert.throws(() => verificationPage(refused, custom), /not a sign-in page/, String(refused));
      }
    });
  });
});
