import * as assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { setClientCertificate, setClientSecret } from '../../src/commands/tenants/account';
import { parseClientCertificate } from '../../src/auth/clientCertificate';
import { ensureTestCertificates } from '../simulatedTenant/certificates';
import { CERT_DIR } from '../paths';
import { ClientCredentialsTokenSource } from '../../src/auth/clientCredentialsTokenSource';
import { VppError } from '../../src/errors';
import { createVppTokenService } from '../../src/graph/createService';
import { SimulatedTenant, SIM_CLIENT_ID, SIM_CLIENT_SECRET, SIM_TENANT_ID } from '../simulatedTenant/server';
import { metadataWithEndpointsOn, RecordingLogger, startTenant, tenantSettings } from '../support/fixtures';
import { useSimulatedTenant } from '../support/harness';
import { ScriptedUserInput } from '../support/scriptedUserInput';
import { accountContext, fakeAccount } from '../support/fakeAccount';

describe('client-credentials sign-in with msal-node against the simulated tenant', () => {
  let tenant: SimulatedTenant;
  let log: RecordingLogger;

  useSimulatedTenant(
    {},
    (started) => (tenant = started),
    () => {
      tenant.reset();
      log = new RecordingLogger();
    },
  );

  function source(secret: string | undefined, clientId = SIM_CLIENT_ID) {
    let stored = secret;
    const settings = tenantSettings(tenant, { authMode: 'clientCredentials', clientId, tenantId: SIM_TENANT_ID });
    const tokenSource = new ClientCredentialsTokenSource(
      settings,
      { get: async () => stored, getCertificate: async () => undefined, delete: async () => void (stored = undefined) },
      log,
    );
    return { settings, tokenSource, stored: () => stored };
  }

  it("gets an app-only token for the cloud's .default scope and lists the tokens with it", async () => {
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
    assert.ok(
      tenant.requests.every((request) => request.url.startsWith('/')),
      'no request left the simulated tenant',
    );
    assert.equal(log.text().includes(SIM_CLIENT_SECRET), false);
    assert.equal(log.text().includes('sim-at-'), false);
  });

  it('a redirect from the token endpoint is not followed: the secret never reaches the other host', async () => {
    const other = await startTenant();
    try {
      tenant.addFault({ route: 'token', status: 307, headers: { location: `${other.url}/${SIM_TENANT_ID}/oauth2/v2.0/token` } });
      const { tokenSource } = source(SIM_CLIENT_SECRET);
      await assert.rejects(tokenSource.getAccessToken(), (error: unknown) => {
        assert.ok(error instanceof VppError);
        assert.match(error.message, new RegExp(`redirect to ${other.url.replace('https://', '').replace(/\./g, '\\.')} \\(307\\)`));
        assert.doesNotMatch(error.message, new RegExp(SIM_CLIENT_SECRET));
        return true;
      });
      assert.equal(tenant.requestsFor('token').length, 1);
      assert.equal(other.requests.length, 0);
    } finally {
      await other.stop();
    }
  });

  it('a login host whose metadata names a token endpoint on another server: the secret is not sent there, or anywhere', async () => {
    const other = await startTenant();
    try {
      tenant.addFault({ route: 'openid', body: metadataWithEndpointsOn(tenant, other), contentType: 'application/json' });
      const { tokenSource } = source(SIM_CLIENT_SECRET);
      await assert.rejects(tokenSource.getAccessToken(), (error: unknown) => {
        assert.ok(error instanceof VppError);
        assert.equal(
          error.message,
          `The sign-in service pointed to ${new URL(other.url).host}, which is not its own address: nothing was sent there, as your credentials go only to the configured login host.`,
        );
        return true;
      });
      assert.equal(other.requests.length, 0, 'the other server received nothing');
      assert.equal(tenant.requestsFor('token').length, 0);
      assert.equal(log.text().includes(SIM_CLIENT_SECRET), false);
    } finally {
      await other.stop();
    }
  });

  it('without a stored secret asks for one and sends nothing', async () => {
    const { tokenSource } = source(undefined);
    await assert.rejects(
      tokenSource.getAccessToken(),
      (error: unknown) => error instanceof VppError && error.kind === 'signInRequired' && /Set Client Secret/.test(error.message),
    );
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

  describe('with a certificate', () => {
    /** A key and certificate made at run time (the test CA's server pair): PKCS#1 key, as openssl often writes it. */
    const pair = () => ensureTestCertificates(CERT_DIR);

    function certificateSource(pem: string) {
      const settings = tenantSettings(tenant, { authMode: 'clientCredentials', clientId: SIM_CLIENT_ID, tenantId: SIM_TENANT_ID });
      const certificate = parseClientCertificate(pem);
      const store = {
        get: async () => 'a-secret-that-must-not-be-used',
        getCertificate: async () => certificate,
        delete: async () => undefined,
      };
      return { settings, certificate, tokenSource: new ClientCredentialsTokenSource(settings, store, log) };
    }

    it('derives the thumbprint, signs a client assertion the tenant verifies, and lists the tokens', async () => {
      const { certPem, keyPem } = pair();
      tenant.clientCertificatePem = certPem;
      const { settings, certificate, tokenSource } = certificateSource(`${keyPem}\n${certPem}`);
      assert.match(certificate.thumbprintSha256, /^[0-9a-f]{64}$/);
      assert.match(certificate.privateKey, /^-----BEGIN PRIVATE KEY-----/);
      const service = createVppTokenService(settings, { getAccessToken: () => tokenSource.getAccessToken(), log, acceptLanguage: 'en-US' });
      assert.ok((await service.listTokens()).length > 10);
      const form = new URLSearchParams(tenant.requestsFor('token')[0].body);
      assert.equal(form.get('client_assertion_type'), 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
      assert.equal(form.get('client_secret'), null, 'the certificate is used instead of a secret');
      assert.equal(log.text().includes(keyPem.split('\n')[1]), false, 'the private key is never logged');
    });

    it('a certificate the app does not have registered is refused with the Entra code', async () => {
      const { certPem, keyPem } = pair();
      tenant.clientCertificatePem = undefined;
      const { tokenSource } = certificateSource(`${certPem}${keyPem}`);
      await assert.rejects(
        tokenSource.getAccessToken(),
        (error: unknown) => error instanceof VppError && /AADSTS700027/.test(error.message),
      );
    });

    it('refuses PEM text without a key, with a key of another certificate, or with an encrypted key', () => {
      const { certPem, keyPem } = pair();
      assert.throws(() => parseClientCertificate(certPem), /both the private key and the certificate/);
      const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      assert.throws(() => parseClientCertificate(`${otherKey}${certPem}`), /does not belong to the certificate/);
      assert.throws(
        () => parseClientCertificate(`-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n${certPem}`),
        /encrypted/,
      );
      assert.ok(keyPem.includes('PRIVATE KEY'));
    });

    it('Set Client Certificate stores the chosen PEM text and names the thumbprint; Escape stores nothing', async () => {
      const { certPem, keyPem } = pair();
      const stored: string[] = [];
      const account = fakeAccount({
        storeClientCertificate: async (pem: string) => {
          stored.push(pem);
          return parseClientCertificate(pem).thumbprintSha256;
        },
      });
      const ui = new ScriptedUserInput([{ text: `${keyPem}${certPem}` }, 'escape']);
      await setClientCertificate(accountContext(ui, account));
      await setClientCertificate(accountContext(ui, account));
      assert.equal(stored.length, 1);
      assert.match(ui.of('info')[0].message ?? '', /The certificate [0-9A-F]{64} of the app app-1 was stored/);
    });
  });

  it('Set Client Secret stores the trimmed secret, and Escape stores nothing', async () => {
    const stored: string[] = [];
    const account = fakeAccount({ storeClientSecret: async (secret: string) => void stored.push(secret) });
    const ui = new ScriptedUserInput([{ text: '  s3cret  ' }, 'escape']);
    await setClientSecret(accountContext(ui, account));
    await setClientSecret(accountContext(ui, account));
    assert.deepEqual(stored, ['s3cret']);
    assert.match(ui.of('inputSecret')[0].message ?? '', /app-1/);
    assert.equal(ui.of('info').length, 1);
    assert.doesNotMatch(ui.of('info')[0].message ?? '', /s3cret/);
  });
});
