import * as assert from 'node:assert/strict';
import { setClientSecret } from '../../src/commands/account';
import { ClientCredentialsTokenSource } from '../../src/auth/clientCredentialsTokenSource';
import { resolveSettings } from '../../src/config/settings';
import { VppError } from '../../src/errors';
import { createVppTokenService } from '../../src/graph/createService';
import { SimulatedTenant, SIM_CLIENT_ID, SIM_CLIENT_SECRET, SIM_TENANT_ID } from '../simulatedTenant/server';
import { RecordingLogger, startTenant } from './fixtures';
import { ScriptedUserInput } from '../support/scriptedUserInput';

describe('client-credentials sign-in with msal-node against the simulated tenant', () => {
  let tenant: SimulatedTenant;
  let log: RecordingLogger;

  before(async () => {
    tenant = await startTenant();
  });
  after(async () => {
    await tenant.stop();
  });
  beforeEach(() => {
    tenant.reset();
    log = new RecordingLogger();
  });

  function source(secret: string | undefined, clientId = SIM_CLIENT_ID) {
    let stored = secret;
    const settings = resolveSettings({
      cloud: 'custom',
      customGraphEndpoint: tenant.url,
      customLoginEndpoint: tenant.url,
      authMode: 'clientCredentials',
      clientId,
      tenantId: SIM_TENANT_ID,
    });
    const tokenSource = new ClientCredentialsTokenSource(
      settings,
      { get: async () => stored, delete: async () => void (stored = undefined) },
      log,
    );
    return { settings, tokenSource, stored: () => stored };
  }

  it('gets an app-only token for the cloud\'s .default scope and lists the tokens with it', async () => {
    const { settings, tokenSource } = source(SIM_CLIENT_SECRET);
    const service = createVppTokenService(settings, { getAccessToken: () => tokenSource.getAccessToken(), log, acceptLanguage: 'en-US' });
    const tokens = await service.listTokens();
    assert.ok(tokens.length > 10);
    const [tokenRequest] = tenant.requestsFor('token');
    const form = new URLSearchParams(tokenRequest.body);
    assert.equal(new URL(tokenRequest.url, tenant.url).pathname, `/${SIM_TENANT_ID}/oauth2/v2.0/token`);
    assert.equal(form.get('grant_type'), 'client_credentials');
    assert.equal(form.get('client_id'), SIM_CLIENT_ID);
    assert.ok(form.get('scope')?.split(' ').includes(`${tenant.url}/.default`));
    assert.match(tenant.requestsFor('list')[0].headers.authorization, /^Bearer sim-at-/);
    // msal caches the token: one token request serves every page.
    assert.equal(tenant.requestsFor('token').length, 1);
    assert.ok(tenant.requests.every((request) => request.url.startsWith('/')), 'no request left the simulated tenant');
    assert.equal(log.text().includes(SIM_CLIENT_SECRET), false);
    assert.equal(log.text().includes('sim-at-'), false);
  });

  it('without a stored secret asks for one and sends nothing', async () => {
    const { tokenSource } = source(undefined);
    await assert.rejects(tokenSource.getAccessToken(), (error: unknown) => error instanceof VppError && error.kind === 'signInRequired' && /Set Client Secret/.test(error.message));
    assert.equal(tenant.requests.length, 0);
  });

  it('a wrong secret is reported with the Entra code, without the secret', async () => {
    const { tokenSource } = source('wrong-secret-value');
    await assert.rejects(tokenSource.getAccessToken(), (error: unknown) => {
      assert.ok(error instanceof VppError);
      assert.equal(error.kind, 'unauthorized');
      assert.match(error.message, /AADSTS7000215/);
      assert.doesNotMatch(error.message, /wrong-secret-value/);
      return true;
    });
    assert.equal(log.text().includes('wrong-secret-value'), false);
  });

  it('an unknown app is reported as missing registration or consent', async () => {
    const { tokenSource } = source(SIM_CLIENT_SECRET, 'ffffffff-0000-0000-0000-000000000000');
    await assert.rejects(tokenSource.getAccessToken(), (error: unknown) => error instanceof VppError && error.kind === 'consentRequired');
  });

  it('sign out forgets the stored secret', async () => {
    const { tokenSource, stored } = source(SIM_CLIENT_SECRET);
    await tokenSource.getAccessToken();
    await tokenSource.signOut();
    assert.equal(stored(), undefined);
    await assert.rejects(tokenSource.getAccessToken(), /Set Client Secret/);
  });

  it('Set Client Secret stores the trimmed secret, and Escape stores nothing', async () => {
    const stored: string[] = [];
    const account = { signIn: async () => '', signOut: async () => undefined, storeClientSecret: async (secret: string) => void stored.push(secret), clientId: () => 'app-1' };
    const ui = new ScriptedUserInput([{ text: '  s3cret  ' }, 'escape']);
    await setClientSecret(ui, account);
    await setClientSecret(ui, account);
    assert.deepEqual(stored, ['s3cret']);
    assert.match(ui.of('inputSecret')[0].message ?? '', /app-1/);
    assert.equal(ui.of('info').length, 1);
    assert.doesNotMatch(ui.of('info')[0].message ?? '', /s3cret/);
  });
});
