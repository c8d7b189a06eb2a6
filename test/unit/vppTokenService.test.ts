import * as assert from 'node:assert/strict';
import { describeForLog, VppError } from '../../src/errors';
import { createVppTokenService } from '../../src/graph/createService';
import { VppTokenService } from '../../src/graph/vppTokenService';
import { TOKEN_FIELDS, tokenPath } from '../../src/graph/vppRecords';
import { SECRET_TOKEN_PREFIX, seedTokens } from '../simulatedTenant/seed';
import { SimulatedTenant } from '../simulatedTenant/server';
import { RecordingLogger, startTenant, tenantSettings } from '../support/fixtures';
import { useSimulatedTenant } from '../support/harness';
import { waitUntil } from '../support/waitUntil';

const FAST_RETRY = { delaySeconds: 0, maxRetries: 2, maxWaitSeconds: 60 };

async function rejection(promise: Promise<unknown>): Promise<VppError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof VppError, `expected a VppError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the call to fail');
}

describe('VppTokenService against the simulated tenant', () => {
  let tenant: SimulatedTenant;
  let log: RecordingLogger;
  let accessToken: string;

  function service(timeoutSeconds = 30): VppTokenService {
    const settings = tenantSettings(tenant, { requestTimeoutSeconds: timeoutSeconds });
    return createVppTokenService(settings, {
      getAccessToken: async () => accessToken,
      log,
      acceptLanguage: 'en-US',
      retry: FAST_RETRY,
    });
  }

  useSimulatedTenant(
    {},
    (started) => (tenant = started),
    () => {
      tenant.reset();
      tenant.pageSize = 5;
      accessToken = tenant.issueAccessToken();
      log = new RecordingLogger();
    },
  );

  describe("Intune's 401 Forbidden (an account without an Intune license or role)", () => {
    it('is told as a missing role, at once: no fresh token, no second request, a write not sent again', async () => {
      tenant.intuneRole = false;
      let refreshes = 0;
      const settings = tenantSettings(tenant, {});
      const intune = createVppTokenService(settings, {
        getAccessToken: async () => accessToken,
        onUnauthorized: () => {
          refreshes++;
          return true;
        },
        log,
        acceptLanguage: 'en-US',
        retry: FAST_RETRY,
      });
      for (const call of [
        () => intune.listTokens(),
        () => intune.revokeLicenses(seedTokens()[0].id, { notifyManagedDevices: false, revokeUntrackedLicenses: false }),
      ]) {
        await assert.rejects(call(), (error: unknown) => {
          assert.ok(error instanceof VppError);
          assert.equal(error.kind, 'forbidden');
          assert.equal(error.helpTopic, 'permissions');
          assert.match(error.message, /^Intune refused the signed-in account or app \(401 Forbidden\)/);
          assert.equal(error.details.status, 401);
          assert.equal(error.details.code, 'Forbidden');
          assert.match(error.details.requestId ?? '', /^[0-9a-f-]{36}$/);
          return true;
        });
      }
      assert.equal(refreshes, 0);
      assert.equal(tenant.requestsFor('list').length, 1);
      assert.equal(tenant.requestsFor('revoke').length, 1);
    });

    it('an ordinary 401 (an expired token) still gets one fresh token and one more try', async () => {
      let refreshes = 0;
      const intune = createVppTokenService(tenantSettings(tenant, {}), {
        getAccessToken: async () => accessToken,
        onUnauthorized: () => {
          refreshes++;
          accessToken = tenant.issueAccessToken();
          return true;
        },
        log,
        acceptLanguage: 'en-US',
        retry: FAST_RETRY,
      });
      tenant.expireAccessTokens();
      assert.ok((await intune.listTokens()).length > 0);
      assert.equal(refreshes, 1);
    });
  });

  describe('listTokens', () => {
    it('follows every nextLink and returns all tokens', async () => {
      const tokens = await service().listTokens();
      assert.deepEqual(
        tokens.map((token) => token.id),
        seedTokens().map((token) => token.id),
      );
      const lists = tenant.requestsFor('list');
      assert.equal(lists.length, 3);
      assert.match(lists[1].url, /\$skiptoken=5/);
      assert.match(lists[2].url, /\$skiptoken=10/);
    });

    it('selects exactly the shown fields, so the secret token field is never sent', async () => {
      const tokens = await service().listTokens();
      for (const request of tenant.requestsFor('list')) {
        const select = new URL(request.url, 'https://x').searchParams.get('$select');
        assert.deepEqual(select?.split(','), [...TOKEN_FIELDS]);
        assert.ok(!select?.split(',').includes('token'));
      }
      for (const token of tokens) {
        assert.equal((token as Record<string, unknown>).token, undefined);
      }
    });

    it('cleans every name as it enters: no line break, invisible character or Markdown link reaches the rest of the extension', async () => {
      const hostile = '[Renew now](command:workbench.action.terminal.sendSequence?%7B%7D)\nline two\u{E0049}\u202e';
      tenant.addFault({
        route: 'list',
        status: 200,
        body: JSON.stringify({
          value: [
            { id: 'a', displayName: hostile, organizationName: hostile, appleId: hostile, locationName: hostile, countryOrRegion: 'us' },
          ],
        }),
      });
      const [token] = await service().listTokens();
      const cleaned = '[Renew now] (command:workbench.action.terminal.sendSequence?%7B%7D) line two';
      assert.deepEqual(
        [token.displayName, token.organizationName, token.appleId, token.locationName],
        [cleaned, cleaned, cleaned, cleaned],
      );
      assert.equal(token.countryOrRegion, 'us');
    });

    it('drops a secret token field that a server sends despite $select', async () => {
      tenant.addFault({
        route: 'list',
        status: 200,
        body: JSON.stringify({ value: [{ id: 'a', displayName: 'A', token: `${SECRET_TOKEN_PREFIX}leak` }] }),
      });
      const tokens = await service().listTokens();
      assert.equal(JSON.stringify(tokens).includes(SECRET_TOKEN_PREFIX), false);
    });

    it('sends the bearer token, a real Accept-Language and a client-request-id', async () => {
      await service().listTokens();
      const headers = tenant.requestsFor('list')[0].headers;
      assert.equal(headers.authorization, `Bearer ${accessToken}`);
      assert.equal(headers['accept-language'], 'en-US');
      assert.match(headers['client-request-id'], /^[0-9a-f-]{36}$/);
    });

    it('refuses a nextLink that points to another host and never calls it', async () => {
      tenant.addFault({
        route: 'list',
        status: 200,
        body: JSON.stringify({ value: [], '@odata.nextLink': 'https://evil.example/beta/deviceAppManagement/vppTokens?$skiptoken=1' }),
      });
      const error = await rejection(service().listTokens());
      assert.equal(error.kind, 'malformed');
      assert.match(error.message, /paging link/);
      assert.equal(tenant.requestsFor('list').length, 1);
    });

    it("refuses a nextLink on a look-alike of the tenant's Graph (user info before another host) by its own check", async () => {
      // `https://graph@evil.example/` starts with the Graph endpoint's text but its host is evil.example.
      tenant.addFault({
        route: 'list',
        status: 200,
        body: JSON.stringify({
          value: [],
          '@odata.nextLink': `${tenant.url}@evil.example/beta/deviceAppManagement/vppTokens?$skiptoken=1`,
        }),
      });
      const error = await rejection(service().listTokens());
      assert.equal(error.kind, 'malformed', 'refused as a bad paging link, before the request observer would see it');
      assert.match(error.message, /a paging link points away from/);
      assert.equal(tenant.requestsFor('list').length, 1);
    });

    it('stops a nextLink that loops back to itself', async () => {
      const loop = `${tenant.url}/beta/deviceAppManagement/vppTokens?$skiptoken=0`;
      const page = JSON.stringify({ value: [], '@odata.nextLink': loop });
      tenant.addFault({ route: 'list', status: 200, body: page, times: 5 });
      const error = await rejection(service().listTokens());
      assert.equal(error.kind, 'malformed');
      assert.match(error.message, /loop/);
      assert.equal(tenant.requestsFor('list').length, 2);
    });

    for (const [name, body] of [
      ['HTML instead of JSON', '<html><body>Service unavailable</body></html>'],
      ['an empty body', ''],
      ['value missing', '{"@odata.context":"x"}'],
      ['value not an array', '{"value":{"id":"a"}}'],
      ['a token without id', '{"value":[{"displayName":"no id"}]}'],
    ] as const) {
      it(`reports a malformed answer for ${name}`, async () => {
        tenant.addFault({ route: 'list', status: 200, body, contentType: 'text/html' });
        const error = await rejection(service().listTokens());
        assert.equal(error.kind, 'malformed');
        assert.equal(error.details.status, 200);
        assert.ok(error.details.requestId, 'the request id is kept for support');
      });
    }
  });

  describe('paths', () => {
    it('percent-encodes ids so they stay one path segment', async () => {
      const id = 'a/b?c#d%e';
      tenant.tokens.set(id, { ...seedTokens()[0], id });
      const token = await service().getToken(id);
      assert.equal(token.id, id);
      const request = tenant.requestsFor('get')[0];
      assert.ok(request.url.startsWith('/beta/deviceAppManagement/vppTokens/a%2Fb%3Fc%23d%25e?'), request.url);
      assert.equal(request.tokenId, id);
    });

    it('refuses dot-segment ids without sending anything', async () => {
      for (const id of ['..', '.', '']) {
        assert.throws(() => tokenPath(id), VppError);
        await rejection(service().revokeLicenses(id, { notifyManagedDevices: false, revokeUntrackedLicenses: false }));
      }
      assert.equal(tenant.requests.length, 0);
    });

    it('getToken selects the action results but never the secret', async () => {
      const id = seedTokens()[0].id;
      const token = await service().getToken(id);
      const select = new URL(tenant.requestsFor('get')[0].url, 'https://x').searchParams.get('$select') ?? '';
      assert.ok(select.split(',').includes('tokenActionResults'));
      assert.ok(!select.split(',').includes('token'));
      assert.equal((token as Record<string, unknown>).token, undefined);
    });
  });

  describe('revokeLicenses and syncLicenses', () => {
    for (const notifyManagedDevices of [false, true]) {
      for (const revokeUntrackedLicenses of [false, true]) {
        it(`posts exactly {notifyManagedDevices:${notifyManagedDevices}, revokeUntrackedLicenses:${revokeUntrackedLicenses}}`, async () => {
          const id = seedTokens()[1].id;
          const receipt = await service().revokeLicenses(id, { notifyManagedDevices, revokeUntrackedLicenses });
          const [post] = tenant.requestsFor('revoke');
          assert.equal(post.method, 'POST');
          assert.equal(post.url, `/beta/deviceAppManagement/vppTokens/${id}/revokeLicenses`);
          assert.deepEqual(JSON.parse(post.body), { notifyManagedDevices, revokeUntrackedLicenses });
          assert.match(post.headers['content-type'], /application\/json/);
          assert.equal(receipt.status, 204);
          assert.ok(receipt.requestId);
        });
      }
    }

    it('syncLicenses posts once, checks that the answer is the token, and keeps nothing of it but the ids', async () => {
      const id = seedTokens()[0].id;
      const receipt = await service().syncLicenses(id);
      assert.equal(tenant.requestsFor('sync').length, 1);
      assert.deepEqual(Object.keys(receipt).sort(), ['clientRequestId', 'requestId', 'status']);
      assert.equal(receipt.status, 200);
      assert.equal(receipt.requestId, tenant.requestsFor('sync')[0].requestId);
      assert.equal(JSON.stringify(receipt).includes(SECRET_TOKEN_PREFIX), false);
      assert.equal(log.text().includes(SECRET_TOKEN_PREFIX), false);
    });
  });

  describe('permissions, checked by the simulated tenant as Graph does', () => {
    const hq = () => seedTokens()[0].id;
    const calls = (s: VppTokenService) => ({
      list: () => s.listTokens(),
      get: () => s.getToken(hq()),
      apps: () => s.listVppApps(),
      revoke: () => s.revokeLicenses(hq(), { notifyManagedDevices: false, revokeUntrackedLicenses: false }),
      sync: () => s.syncLicenses(hq()),
    });
    const APPS_WRITE = 'DeviceManagementApps.ReadWrite.All';
    const cases: { granted: string[]; refused: Record<string, string>; writes: number }[] = [
      { granted: [], refused: { list: APPS_WRITE, get: APPS_WRITE, apps: APPS_WRITE, revoke: APPS_WRITE, sync: APPS_WRITE }, writes: 0 },
      // The setup earlier versions asked for first: the tokens and their actions work, their apps are refused.
      { granted: ['DeviceManagementServiceConfig.ReadWrite.All'], refused: { apps: APPS_WRITE }, writes: 2 },
      // The apps read permission reads the tokens too, but cannot write.
      { granted: ['DeviceManagementApps.Read.All'], refused: { revoke: APPS_WRITE, sync: APPS_WRITE }, writes: 0 },
      // The per-app permission of the older pages grants the apps, not the token actions (the current pages).
      {
        granted: ['DeviceManagementConfiguration.ReadWrite.All'],
        refused: { list: APPS_WRITE, get: APPS_WRITE, revoke: APPS_WRITE, sync: APPS_WRITE },
        writes: 0,
      },
      // The one permission the README asks for now: every call.
      { granted: [APPS_WRITE], refused: {}, writes: 2 },
      { granted: ['DeviceManagementServiceConfig.ReadWrite.All', APPS_WRITE], refused: {}, writes: 2 },
    ];
    for (const { granted, refused, writes } of cases) {
      it(`granted [${granted.join(', ')}]: ${Object.keys(refused).join(', ') || 'nothing'} refused, each naming the permission it needs`, async () => {
        accessToken = tenant.issueAccessToken(3600, granted);
        for (const [route, call] of Object.entries(calls(service()))) {
          const permission = refused[route];
          if (permission) {
            const error = await rejection(call());
            assert.equal(error.kind, 'forbidden', route);
            assert.match(error.message, new RegExp(`needs the Microsoft Graph permission ${permission.replace(/\./g, '\\.')} `), route);
          } else {
            await call();
          }
        }
        assert.equal(tenant.executed.length, writes, 'writes carried out only when permitted');
      });
    }
  });

  describe('the simulated tenant answers in the shapes Graph uses', () => {
    it('an audit event is read with the fallbacks Graph leaves room for: name, actor and resources, each cleaned and bounded', async () => {
      const events = [
        {
          id: 'e1',
          activity: 'Revoke',
          displayName: 'unused',
          activityDateTime: '2026-12-07T10:00:00Z',
          actor: { userPrincipalName: 'a@x.example', applicationDisplayName: 'App' },
          resources: [{ resourceId: 'r1' }, { resourceId: 7 }, null],
        },
        {
          id: 'e2',
          displayName: 'Only a display name',
          actor: { applicationDisplayName: 'Graph Explorer', applicationId: 'app-id' },
          resources: 'not a list',
        },
        { id: 'e3', activity: 42, displayName: 'Shown instead', actor: { applicationId: 'app-id' } },
        {
          id: 'e4',
          actor: null,
          activityType: 'x'.repeat(250),
          activityResult: 'y'.repeat(50),
          activityOperationType: 'Delete\n[x](command:y)',
        },
        { id: 'e5', actor: { userPrincipalName: '', applicationDisplayName: '' } },
      ];
      tenant.addFault({ route: 'auditEvents', status: 200, body: JSON.stringify({ value: events }) });
      const read = await service().listAuditEvents(new Date(0));
      assert.equal(read.truncated, false);
      assert.deepEqual(
        read.events.map((event) => [event.activity, event.actor, event.resourceIds]),
        [
          ['Revoke', 'a@x.example', ['r1']],
          ['Only a display name', 'Graph Explorer', []],
          ['Shown instead', 'app-id', []],
          [undefined, '-', []],
          [undefined, '-', []],
        ],
      );
      const [first, , , odd] = read.events;
      assert.equal(first.activityDateTime, '2026-12-07T10:00:00Z');
      assert.equal(odd.activityType, `${'x'.repeat(199)}…`);
      assert.equal(odd.activityResult, `${'y'.repeat(39)}…`);
      assert.equal(odd.activityOperationType, 'Delete [x] (command:y)');
    });

    const post = (path: string, body: string) =>
      fetch(`${tenant.url}/beta/deviceAppManagement/vppTokens/${seedTokens()[0].id}/${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
        body,
      });

    it('revokeLicenses: notifyManagedDevices is required, revokeUntrackedLicenses optional (the metadata), nothing else allowed', async () => {
      assert.equal((await post('revokeLicenses', '{"notifyManagedDevices":false}')).status, 204);
      assert.equal((await post('revokeLicenses', '{"notifyManagedDevices":true,"revokeUntrackedLicenses":null}')).status, 204);
      assert.equal((await post('revokeLicenses', '{"revokeUntrackedLicenses":true}')).status, 400);
      assert.equal((await post('revokeLicenses', '{"notifyManagedDevices":"yes"}')).status, 400);
      assert.equal((await post('revokeLicenses', '{"notifyManagedDevices":true,"force":true}')).status, 400);
      assert.equal(tenant.executed.length, 2);
    });

    it('a token read without $select carries its tokenActionResults, as Graph returns them by default', async () => {
      const response = await fetch(`${tenant.url}/beta/deviceAppManagement/vppTokens/${seedTokens()[0].id}`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      const body = (await response.json()) as Record<string, unknown>;
      assert.ok(Array.isArray(body.tokenActionResults));
    });

    for (const shape of ['entity', 'value'] as const) {
      it(`syncLicenses answered with the token ${shape === 'value' ? 'inside "value" (the docs)' : 'bare (the metadata)'} is accepted`, async () => {
        tenant.syncAnswer = shape;
        try {
          const receipt = await service().syncLicenses(seedTokens()[0].id);
          assert.equal(receipt.status, 200);
          assert.equal(tenant.executed.length, 1);
        } finally {
          tenant.syncAnswer = 'entity';
        }
      });
    }
  });

  describe('errors', () => {
    const id = () => seedTokens()[0].id;
    const revoke = (s: VppTokenService) => s.revokeLicenses(id(), { notifyManagedDevices: false, revokeUntrackedLicenses: false });

    it('401 asks to sign in again, and is not retried when nothing can drop the refused token', async () => {
      accessToken = 'expired-or-unknown';
      const error = await rejection(service().listTokens());
      assert.equal(error.kind, 'unauthorized');
      assert.equal(error.details.status, 401);
      assert.match(error.message, /Sign In/);
      assert.equal(tenant.requestsFor('list').length, 1);
    });

    it('403 names the permission, the license and admin consent', async () => {
      tenant.addFault({ route: 'revoke', status: 403 });
      const error = await rejection(revoke(service()));
      assert.equal(error.kind, 'forbidden');
      assert.match(error.message, /DeviceManagementApps\.ReadWrite\.All/);
      assert.match(error.message, /admin consent/);
      assert.match(error.message, /Intune license/);
      assert.equal(error.helpTopic, 'permissions', 'the message offers the setup guide');
      assert.equal(tenant.requestsFor('revoke').length, 1);
    });

    it('unwraps Intune UnknownError messages that are JSON, nested twice', async () => {
      const inner = JSON.stringify({ _version: 3, Message: 'An error has occurred - Operation ID (for customer support): 1234' });
      const message = JSON.stringify({ ErrorCode: 'Forbidden', Message: inner, CustomApiErrorPhrase: '' });
      tenant.addFault({ route: 'revoke', status: 403, body: JSON.stringify({ error: { code: 'UnknownError', message } }) });
      const error = await rejection(revoke(service()));
      assert.equal(error.details.code, 'Forbidden');
      assert.match(error.message, /Intune said: An error has occurred - Operation ID \(for customer support\): 1234/);
      assert.doesNotMatch(error.message, /ErrorCode|\{/);
    });

    it('404 says the item may have been deleted', async () => {
      const error = await rejection(service().getToken('no-such-token'));
      assert.equal(error.kind, 'notFound');
      assert.match(error.message, /deleted/);
    });

    it('400 reports the refused request', async () => {
      tenant.addFault({ route: 'revoke', status: 400 });
      const error = await rejection(revoke(service()));
      assert.equal(error.kind, 'badRequest');
      assert.equal(tenant.requestsFor('revoke').length, 1);
    });

    it('429 is retried as Retry-After says, then reported with when to retry', async () => {
      tenant.addFault({ route: 'revoke', status: 429, retryAfter: '1', times: 10 });
      const started = Date.now();
      const error = await rejection(revoke(service()));
      assert.equal(error.kind, 'throttled');
      assert.match(error.message, /Try again in 1 seconds/);
      assert.equal(tenant.requestsFor('revoke').length, 1 + FAST_RETRY.maxRetries);
      assert.ok(Date.now() - started >= 2000, 'each retry waited for Retry-After');
    });

    it('429 with a Retry-After beyond the wait limit is reported at once, not waited out', async () => {
      tenant.addFault({ route: 'list', status: 429, retryAfter: '3600', times: 10 });
      const error = await rejection(service().listTokens());
      assert.equal(error.kind, 'throttled');
      assert.equal(error.details.retryAfterSeconds, 3600);
      assert.equal(tenant.requestsFor('list').length, 1);
    });

    it('a read answered 503 is asked again and succeeds', async () => {
      tenant.addFault({ route: 'get', status: 503, retryAfter: '0' });
      const token = await service().getToken(seedTokens()[0].id);
      assert.equal(token.id, seedTokens()[0].id);
      assert.equal(tenant.requestsFor('get').length, 2);
    });

    it('a read retry that waits longer than the timeout gets a fresh timeout, not the spent one', async () => {
      tenant.addFault({ route: 'get', status: 503, retryAfter: '2' });
      await service(1).getToken(seedTokens()[0].id);
      const [first, second] = tenant.requestsFor('get');
      assert.ok(second, 'asked again after the wait');
      assert.ok(second.time - first.time >= 2000, `the retry waited ${second.time - first.time} ms, past the 1 s timeout`);
    });

    for (const status of [500, 502, 503, 504]) {
      it(`a revoke answered ${status} is sent once and unconfirmed, never resent`, async () => {
        tenant.addFault({ route: 'revoke', status, retryAfter: '0', times: 5 });
        const error = await rejection(revoke(service()));
        assert.equal(error.kind, 'unconfirmed');
        assert.match(error.message, new RegExp(`may have carried out this request.*server error \\(${status}\\)`));
        assert.equal(tenant.requestsFor('revoke').length, 1);
      });
    }

    it('429 with an HTTP-date Retry-After waits until then and is sent again', async () => {
      // HTTP dates have whole seconds: 2.5 s ahead is at least 1.5 s ahead once rounded down.
      tenant.addFault({ route: 'revoke', status: 429, retryAfter: new Date(Date.now() + 2500).toUTCString() });
      await revoke(service());
      const [first, second] = tenant.requestsFor('revoke');
      assert.ok(second, 'sent again once the date passed');
      assert.ok(second.time - first.time >= 1000, `waited ${second.time - first.time} ms`);
    });

    it('429 with an unreadable Retry-After backs off, never retries at once', async () => {
      tenant.addFault({ route: 'revoke', status: 429, retryAfter: 'soon' });
      await revoke(service());
      const [first, second] = tenant.requestsFor('revoke');
      assert.ok(second, 'sent again after the back-off');
      assert.ok(second.time - first.time >= 100, `waited ${second.time - first.time} ms`);
    });

    it('a write cancelled while it waits to be resent after a 429 is throttled, not "not sent": one POST went out', async () => {
      tenant.addFault({ route: 'revoke', status: 429, retryAfter: '1' });
      const cancel = new AbortController();
      const pending = service().revokeLicenses(id(), { notifyManagedDevices: false, revokeUntrackedLicenses: false }, cancel.signal);
      await waitUntil(() => tenant.requestsFor('revoke').length === 1, 'the first attempt to reach the tenant');
      cancel.abort();
      const error = await rejection(pending);
      assert.equal(error.kind, 'throttled');
      assert.match(error.message, /cancelled before it was sent again; nothing was carried out/);
      assert.equal(tenant.requestsFor('revoke').length, 1);
      assert.equal(tenant.executed.length, 0);
    });

    it('each attempt has its own client-request-id', async () => {
      tenant.addFault({ route: 'revoke', status: 429, retryAfter: '0' });
      await revoke(service());
      const ids = tenant.requestsFor('revoke').map((request) => request.headers['client-request-id']);
      assert.equal(ids.length, 2);
      assert.notEqual(ids[0], ids[1]);
      for (const id of ids) {
        assert.match(id, /^[0-9a-f-]{36}$/);
      }
    });

    it('a redirect is not followed: the other host receives nothing, and the error names it', async () => {
      const other = await startTenant();
      try {
        tenant.addFault({
          route: 'revoke',
          status: 307,
          headers: { location: `${other.url}/beta/deviceAppManagement/vppTokens/x/revokeLicenses` },
        });
        const error = await rejection(revoke(service()));
        assert.equal(error.kind, 'unconfirmed');
        assert.match(error.message, new RegExp(`redirect to ${other.url.replace('https://', '').replace(/\./g, '\\.')}`));
        assert.equal(other.requests.length, 0);
        for (const location of ['https:other.example/x', 'https:/other.example/x', 'https:\\\\other.example/x', '//other.example/x']) {
          tenant.addFault({ route: 'list', status: 302, headers: { location } });
          const listing = await rejection(service().listTokens());
          assert.equal(listing.kind, 'redirected', location);
        }
        assert.equal(other.requests.length, 0);
      } finally {
        await other.stop();
      }
    });

    it('an error body cannot forge a log line: codes and ids keep only safe characters', async () => {
      const forged = 'Forbidden\n2026-01-01 00:00:00.000 [info] Revoke licenses of token x: 204\u001b[2K';
      tenant.addFault({
        route: 'revoke',
        status: 403,
        body: JSON.stringify({ error: { code: forged, message: 'no', innerError: { 'request-id': 'id\r\nfake' } } }),
      });
      const error = await rejection(revoke(service()));
      assert.match(error.details.code ?? '', /^Forbidden[A-Za-z0-9._-]+$/);
      assert.match(error.details.requestId ?? '', /^[A-Za-z0-9-]+$/);
      const logged = `${describeForLog(error)}\n${log.text()}`;
      assert.doesNotMatch(logged, /\n2026-01-01|\u001b|\r|\[info\] Revoke/);
    });

    it('a dropped connection is a network error', async () => {
      tenant.addFault({ route: 'list', drop: true });
      const error = await rejection(service().listTokens());
      assert.equal(error.kind, 'network');
      assert.match(error.message, /Could not reach Microsoft Graph at 127\.0\.0\.1/);
    });

    it('a server that never answers times out after the configured seconds', async () => {
      tenant.addFault({ route: 'revoke', hang: true });
      const started = Date.now();
      const error = await rejection(revoke(service(1)));
      // The revoke may have reached Intune before the answer stopped: unconfirmed, naming the timeout.
      assert.equal(error.kind, 'unconfirmed');
      assert.match(error.message, /within 1 seconds/);
      assert.ok(Date.now() - started < 5000);
      assert.equal(tenant.requestsFor('revoke').length, 1);
    });

    it('a body cut in the middle is reported, not parsed', async () => {
      tenant.addFault({ route: 'list', status: 200, body: JSON.stringify({ value: seedTokens() }), cutBody: true });
      const error = await rejection(service().listTokens());
      assert.ok(['network', 'malformed'].includes(error.kind), error.kind);
    });

    it('logs each failure with method, path, status and both request ids, and never the access token', async () => {
      tenant.addFault({ route: 'revoke', status: 403 });
      await rejection(revoke(service()));
      const line = log.lines.find((entry) => entry.level === 'error');
      assert.ok(line, 'a failure line was logged');
      const post = tenant.requestsFor('revoke')[0];
      assert.match(line.message, new RegExp(`^POST /beta/deviceAppManagement/vppTokens/${id()}/revokeLicenses -> 403`));
      assert.match(line.message, /request-id [0-9a-f-]{36}/);
      assert.ok(line.message.includes(`client-request-id ${post.headers['client-request-id']}`));
      assert.equal(log.text().includes(accessToken), false);
    });
  });
});
