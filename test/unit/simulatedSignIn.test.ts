import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import * as http from 'node:http';
import * as tls from 'node:tls';
import { ensureTestCertificates } from '../simulatedTenant/certificates';
import { EgressProxy, INSTANCE_DISCOVERY_HOST } from '../simulatedTenant/egressProxy';
import { SimulatedTenant, SIM_CLIENT_ID } from '../simulatedTenant/server';
import { CERT_DIR } from '../paths';
import { startTenant } from '../support/fixtures';
import { useSimulatedTenant } from '../support/harness';

/** What VS Code's provider sends to the sign-in page: its callback in `state`, PKCE, the Graph scopes. */
function signInQuery(tenant: SimulatedTenant, verifier: string, overrides: Record<string, string> = {}): URLSearchParams {
  return new URLSearchParams({
    client_id: SIM_CLIENT_ID,
    response_type: 'code',
    redirect_uri: 'https://vscode.dev/redirect',
    scope: `${tenant.url}/DeviceManagementApps.ReadWrite.All openid profile offline_access`,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    state: 'http://127.0.0.1:8080/stable/callback%3Fvscode-reqid=1',
    'vscode-scheme': 'code-oss',
    'vscode-authority': 'vscode.microsoft-authentication',
    ...overrides,
  });
}

describe('The simulated Entra sign-in page and token endpoint refuse what Entra refuses', () => {
  let tenant: SimulatedTenant;
  const authorizePath = () => `${tenant.url}/${tenant.tenantId}/oauth2/v2.0/authorize`;

  useSimulatedTenant({}, (started) => (tenant = started));

  async function signIn(verifier: string): Promise<URL> {
    const query = signInQuery(tenant, verifier);
    const page = await fetch(`${authorizePath()}?${query.toString()}`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /DeviceManagementApps\.ReadWrite\.All[\s\S]*<button id="accept"/);
    const answer = await fetch(`${authorizePath()}?${query.toString()}`, { method: 'POST', body: query, redirect: 'manual' });
    assert.equal(answer.status, 302);
    return new URL(answer.headers.get('location') ?? '');
  }

  async function redeem(code: string, verifier: string, redirectUri = 'https://vscode.dev/redirect'): Promise<Response> {
    const form = new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: SIM_CLIENT_ID,
      code,
      code_verifier: verifier,
      redirect_uri: redirectUri,
      scope: `${tenant.url}/DeviceManagementApps.ReadWrite.All`,
    });
    return fetch(`${tenant.url}/${tenant.tenantId}/oauth2/v2.0/token`, { method: 'POST', body: form });
  }

  it('signs in: the callback gets a code and state, and the code is redeemed once, with its PKCE verifier', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const callback = await signIn(verifier);
    assert.equal(`${callback.origin}${callback.pathname}`, 'http://127.0.0.1:8080/stable/callback');
    assert.equal(callback.searchParams.get('vscode-reqid'), '1');
    assert.equal(callback.searchParams.get('vscode-scheme'), 'code-oss');
    const code = callback.searchParams.get('code') ?? '';
    assert.match(code, /^sim-code-/);

    assert.equal((await redeem(code, 'not-the-verifier')).status, 400, 'a wrong verifier is refused');
    const fresh = (await signIn(verifier)).searchParams.get('code') ?? '';
    assert.equal((await redeem(fresh, verifier, 'https://elsewhere.example/')).status, 400, 'another redirect URI is refused');
    const again = (await signIn(verifier)).searchParams.get('code') ?? '';
    const tokens = (await (await redeem(again, verifier)).json()) as { access_token?: string; client_info?: string };
    assert.ok(tokens.access_token && tokens.client_info);
    assert.equal((await redeem(again, verifier)).status, 400, 'a code works once');
    const graph = await fetch(`${tenant.url}/beta/deviceAppManagement/vppTokens`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    assert.equal(graph.status, 200);
  });

  it('refuses an unknown app, a sign-in without PKCE and a callback that is not on this machine', async () => {
    const verifier = randomBytes(32).toString('base64url');
    for (const [overrides, error] of [
      [{ client_id: 'ffffffff-0000-0000-0000-000000000000' }, /AADSTS700016/],
      [{ code_challenge_method: 'plain' }, /AADSTS9002325/],
      [{ state: 'https://attacker.example/callback' }, /not name a callback on this machine/],
    ] as const) {
      const answer = await fetch(`${authorizePath()}?${signInQuery(tenant, verifier, overrides).toString()}`);
      assert.equal(answer.status, 400);
      assert.match(await answer.text(), error);
    }
  });
});

describe('EgressProxy: the only way out of a test VS Code', () => {
  let tenant: SimulatedTenant;
  let proxy: EgressProxy;

  before(async () => {
    tenant = await startTenant();
    proxy = await new EgressProxy(Number(new URL(tenant.url).port)).start();
  });
  after(async () => {
    await proxy.stop();
    await tenant.stop();
  });

  function connect(target: string): Promise<{ status: number; socket: import('node:net').Socket }> {
    return new Promise((resolve, reject) => {
      const request = http.request(proxy.url, { method: 'CONNECT', path: target });
      request.once('connect', (response, socket) => resolve({ status: response.statusCode ?? 0, socket }));
      request.once('error', reject);
      request.end();
    });
  }

  it('refuses every outside host but the instance discovery host, and records it', async () => {
    const { status, socket } = await connect('graph.microsoft.com:443');
    socket.destroy();
    assert.equal(status, 403);
    assert.deepEqual(proxy.refused, ['graph.microsoft.com:443']);
  });

  it('tunnels the instance discovery host to the simulated tenant, whose certificate names that host', async () => {
    const { status, socket } = await connect(`${INSTANCE_DISCOVERY_HOST}:443`);
    assert.equal(status, 200);
    const secure = tls.connect({ socket, servername: INSTANCE_DISCOVERY_HOST, ca: ensureTestCertificates(CERT_DIR).caPem });
    await new Promise<void>((resolve, reject) => secure.once('secureConnect', resolve).once('error', reject));
    secure.write(
      `GET /common/discovery/instance?api-version=1.1 HTTP/1.1\r\nHost: ${INSTANCE_DISCOVERY_HOST}\r\nConnection: close\r\n\r\n`,
    );
    const chunks: Buffer[] = [];
    for await (const chunk of secure) {
      chunks.push(chunk as Buffer);
    }
    assert.match(
      Buffer.concat(chunks).toString(),
      /"tenant_discovery_endpoint":"https:\/\/127\.0\.0\.1:\d+\/11111111-2222-3333-4444-555555555555\/v2\.0\/\.well-known\/openid-configuration"/,
    );
    assert.deepEqual(proxy.forwarded, [`${INSTANCE_DISCOVERY_HOST}:443`]);
  });
});
