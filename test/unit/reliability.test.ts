// The reliability matrix of docs/RELIABILITY.md: every fault on every route the extension calls, hostile data,
// and the security properties. Each case asserts what the user sees, what the log keeps, what the tenant
// received, and that no rejection went unhandled and no secret leaked.
import * as assert from 'node:assert/strict';
import { fakeAccount } from '../support/fakeAccount';
import { ClientCredentialsTokenSource } from '../../src/auth/clientCredentialsTokenSource';
import { pickToken } from '../../src/commands/pickToken';
import { revokeLicenses } from '../../src/commands/licenses/revokeLicenses';
import { syncLicenses } from '../../src/commands/licenses/syncLicenses';
import { ConnectionSettings } from '../../src/config/settings';
import { createVppTokenService } from '../../src/graph/createService';
import { VppTokenRecord } from '../../src/graph/vppRecords';
import { presentToken } from '../../src/tree/tokenPresentation';
import { SECRET_TOKEN_PREFIX, seedTokens, StoredToken } from '../simulatedTenant/seed';
import { Fault, Route, SimulatedTenant, SIM_CLIENT_ID, SIM_CLIENT_SECRET, SIM_TENANT_ID } from '../simulatedTenant/server';
import { Answer } from '../support/scriptedUserInput';
import { startTenant, tenantSettings } from '../support/fixtures';
import { CommandHarness, commandHarness } from '../support/harness';

const MAX_RETRIES = 1;
const figures = { faults: 0, hostileInputs: 0, unhandled: 0, duplicateWrites: 0, leakedSecrets: 0 };

describe('reliability matrix', () => {
  let tenant: SimulatedTenant;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  const fetched: string[] = [];
  const realFetch = globalThis.fetch;

  before(async () => {
    tenant = await startTenant({ revokeCompletionMs: 10 });
    process.on('unhandledRejection', onUnhandled);
    globalThis.fetch = (input: string | URL | Request, init?: RequestInit) => {
      fetched.push(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
      return realFetch(input, init);
    };
  });
  after(async () => {
    globalThis.fetch = realFetch;
    process.off('unhandledRejection', onUnhandled);
    await tenant.stop();
    console.log(
      `      reliability figures: ${figures.faults} faults tried, ${figures.hostileInputs} hostile inputs tried, ` +
        `${figures.unhandled} unhandled errors, ${figures.duplicateWrites} duplicate writes, ${figures.leakedSecrets} leaked secrets`,
    );
  });
  beforeEach(() => {
    tenant.reset();
  });

  function harness(answers: Answer[], mode: 'token' | 'clientCredentials' = 'token'): CommandHarness {
    return commandHarness(tenant, answers, {
      account: fakeAccount({ signIn: async () => 'app' }),
      service: (log) => {
        const settings: ConnectionSettings = tenantSettings(tenant, {
          authMode: 'clientCredentials',
          clientId: SIM_CLIENT_ID,
          tenantId: SIM_TENANT_ID,
          requestTimeoutSeconds: 1,
        });
        const fixed = tenant.issueAccessToken();
        const source = new ClientCredentialsTokenSource(
          settings,
          { get: async () => SIM_CLIENT_SECRET, getCertificate: async () => undefined, delete: async () => undefined },
          log,
        );
        return createVppTokenService(settings, {
          getAccessToken: mode === 'token' ? async () => fixed : () => source.getAccessToken(),
          onUnauthorized: mode === 'token' ? () => false : () => source.invalidate(),
          log,
          acceptLanguage: 'en-US',
          retry: { delaySeconds: 0, maxRetries: MAX_RETRIES, maxWaitSeconds: 60 },
        });
      },
    });
  }

  /** No secret in anything the user saw or the log kept. */
  function assertNoSecrets(h: CommandHarness, extra = ''): void {
    const everything = `${JSON.stringify(h.ui.shown)}\n${h.log.text()}\n${extra}`;
    const secrets = [...tenant.issuedAccessTokens(), SIM_CLIENT_SECRET, SECRET_TOKEN_PREFIX];
    const leaked = secrets.filter((secret) => everything.includes(secret));
    figures.leakedSecrets += leaked.length;
    assert.deepEqual(leaked, [], 'no secret reaches the UI or the log');
  }

  function assertOnlyConfiguredHost(): void {
    const stray = fetched.filter((url) => !url.startsWith(`${tenant.url}/`));
    assert.deepEqual(stray, [], 'requests go only to the configured Graph host, over https');
  }

  const hq = () => seedTokens()[0];
  type Operation = {
    route: Route;
    name: string;
    answers: Answer[];
    mode?: 'clientCredentials';
    act: (h: CommandHarness) => Promise<unknown>;
    write: boolean;
  };
  const operations: Operation[] = [
    { route: 'list', name: 'list (palette: which token?)', answers: [], act: (h) => pickToken(h.context, 'pick'), write: false },
    { route: 'get', name: 'get one token', answers: [], act: (h) => h.context.service().getToken(hq().id), write: false },
    { route: 'apps', name: 'list VPP apps', answers: [], act: (h) => h.context.service().listVppApps(), write: false },
    {
      route: 'revoke',
      name: 'revoke',
      answers: [{ pickMany: [] }, { confirm: true }],
      act: (h) => revokeLicenses(h.context, [hq()]),
      write: true,
    },
    { route: 'sync', name: 'sync', answers: [], act: (h) => syncLicenses(h.context, [hq()]), write: true },
    {
      route: 'token',
      name: 'sign in (token endpoint)',
      answers: [],
      mode: 'clientCredentials',
      act: (h) => pickToken(h.context, 'pick'),
      write: false,
    },
  ];

  /**
   * `attempts`: requests a read makes (its retries included). A write is resent only after a 429: after any other
   * fault it is sent once and reported as unconfirmed (it may have been carried out).
   */
  type FaultCase = { name: string; fault: Omit<Fault, 'route'>; kinds: RegExp; attempts: number; routes?: Route[]; responded: boolean };
  const throttled = (testCase: FaultCase) => testCase.fault.status === 429;
  const allowedAttempts = (operation: Operation, testCase: FaultCase) => (operation.write && !throttled(testCase) ? 1 : testCase.attempts);
  const faults: FaultCase[] = [
    {
      name: '429 with Retry-After',
      fault: { status: 429, retryAfter: '0', times: 10 },
      kinds: /throttl/,
      attempts: 1 + MAX_RETRIES,
      responded: true,
    },
    { name: '429 without Retry-After', fault: { status: 429, times: 10 }, kinds: /throttl/, attempts: 1 + MAX_RETRIES, responded: true },
    {
      name: '429 with a Retry-After a day away',
      fault: { status: 429, retryAfter: '86400', times: 10 },
      kinds: /until \d{4}-\d\d-\d\d \d\d:\d\d UTC|sign-in service is throttling/,
      attempts: 1,
      responded: true,
    },
    { name: '500', fault: { status: 500, times: 10 }, kinds: /server error \(500\)/, attempts: 1, responded: true },
    { name: '502', fault: { status: 502, times: 10 }, kinds: /server error \(502\)/, attempts: 1, responded: true },
    {
      name: '503',
      fault: { status: 503, retryAfter: '0', times: 10 },
      kinds: /server error \(503\)/,
      attempts: 1 + MAX_RETRIES,
      responded: true,
    },
    {
      name: '504',
      fault: { status: 504, retryAfter: '0', times: 10 },
      kinds: /server error \(504\)/,
      attempts: 1 + MAX_RETRIES,
      responded: true,
    },
    {
      name: 'connection reset',
      fault: { drop: true, times: 10 },
      kinds: /Could not reach (Microsoft Graph|the sign-in service)/,
      attempts: 1,
      responded: false,
    },
    {
      name: 'a server that never answers',
      fault: { hang: true, times: 10 },
      kinds: /did not answer within 1 seconds/,
      attempts: 1,
      responded: false,
    },
    {
      name: 'a body cut mid-way',
      fault: { status: 200, body: JSON.stringify({ value: seedTokens() }), cutBody: true, times: 10 },
      kinds: /broke while|could not be used|Could not reach the sign-in service/,
      attempts: 1,
      responded: true,
    },
    {
      name: 'HTML instead of JSON',
      fault: { status: 200, body: '<html>Sign in to the Wi-Fi</html>', contentType: 'text/html', times: 10 },
      kinds: /could not be used/,
      attempts: 1,
      responded: true,
    },
    { name: 'an empty 200', fault: { status: 200, body: '', times: 10 }, kinds: /could not be used/, attempts: 1, responded: true },
    {
      name: 'value missing',
      fault: { status: 200, body: '{}', times: 10 },
      kinds: /could not be used/,
      attempts: 1,
      routes: ['list', 'apps'],
      responded: true,
    },
    {
      name: 'value not an array',
      fault: { status: 200, body: '{"value":"x"}', times: 10 },
      kinds: /could not be used/,
      attempts: 1,
      routes: ['list', 'apps'],
      responded: true,
    },
  ];

  for (const operation of operations) {
    for (const testCase of faults.filter((candidate) => !candidate.routes || candidate.routes.includes(operation.route))) {
      it(`${operation.name}: ${testCase.name} gives one clear message, the request ids in the log, no extra write`, async () => {
        figures.faults++;
        const h = harness(operation.answers, operation.mode);
        tenant.addFault({ ...testCase.fault, route: operation.route });
        const before = unhandled.length;
        await h.run(() => operation.act(h));
        // Unhandled rejections are reported once the event loop turns.
        await new Promise((resolve) => setImmediate(resolve));
        // The figures come from the tenant's own record and the process hook, before any assert can stop the test.
        const tried = tenant.requestsFor(operation.route);
        figures.unhandled += unhandled.length - before;
        // Every attempt is answered by the fault before Intune acts, so what counts is how many were sent.
        if (operation.write) {
          figures.duplicateWrites += Math.max(0, tried.length - allowedAttempts(operation, testCase));
        }
        const errors = h.ui.of('error');
        assert.equal(errors.length, 1, 'one message');
        assert.match(errors[0].message ?? '', testCase.kinds);
        assert.doesNotMatch(errors[0].message ?? '', /undefined|\[object|^Error:/);
        // A write whose answer was lost offers to check or send again (see revokeLicenses.test); others, the log.
        const unconfirmed = operation.write && !throttled(testCase);
        assert.deepEqual(
          unconfirmed ? errors[0].buttons : errors[0].buttons?.filter((button) => button === 'Show Log'),
          unconfirmed ? ['Check Again', 'Send Again'] : ['Show Log'],
        );
        if (operation.route === 'token') {
          // msal-node keeps its own retry policy for the token endpoint: at most one retry.
          assert.ok(tried.length >= 1 && tried.length <= 2, `${tried.length} token requests`);
        } else {
          assert.equal(tried.length, allowedAttempts(operation, testCase), 'requests as the retry policy allows, no more');
        }
        if (operation.write) {
          if (!throttled(testCase)) {
            assert.match(
              errors[0].message ?? '',
              /may have carried out this request/,
              'a write whose answer was lost is unconfirmed, not failed',
            );
          }
        }
        const last = tried.at(-1);
        assert.ok(last);
        const logText = h.log.text();
        if (operation.route !== 'token') {
          assert.ok(
            logText.includes(testCase.responded ? last.requestId : last.headers['client-request-id']),
            `the log names the ${testCase.responded ? 'request-id' : 'client-request-id'}`,
          );
        }
        assert.equal(h.store.changes, 0, 'the tree is left as it was');
        assert.equal(unhandled.length, before, 'no unhandled rejection');
        assertNoSecrets(h);
        assertOnlyConfiguredHost();
      });
    }
  }

  const lostAnswers: { name: string; fault: Omit<Fault, 'route'> }[] = [
    { name: '500', fault: { status: 500 } },
    { name: '503', fault: { status: 503, retryAfter: '0' } },
    { name: '504', fault: { status: 504, retryAfter: '0' } },
    { name: 'connection reset', fault: { drop: true } },
    { name: 'a server that never answers', fault: { hang: true } },
    { name: 'a body cut mid-way', fault: { status: 200, body: JSON.stringify(seedTokens()[0]), cutBody: true } },
  ];
  for (const operation of operations.filter((candidate) => candidate.write)) {
    for (const testCase of lostAnswers) {
      it(`${operation.name}: carried out, then ${testCase.name}: received once, carried out once, reported as accepted`, async () => {
        figures.faults++;
        const h = harness(operation.answers, operation.mode);
        tenant.addFault({ ...testCase.fault, route: operation.route, afterExecute: true });
        const before = unhandled.length;
        await h.run(() => operation.act(h));
        await new Promise((resolve) => setImmediate(resolve));
        const received = tenant.requestsFor(operation.route).length;
        figures.unhandled += unhandled.length - before;
        figures.duplicateWrites += Math.max(0, received - 1) + Math.max(0, tenant.executed.length - 1);
        assert.equal(received, 1, 'sent once, never resent');
        assert.equal(tenant.executed.length, 1);
        assert.deepEqual(h.ui.of('error'), []);
        assert.match(h.ui.of('info')[0]?.message ?? '', /accepted the revoke|started syncing/);
        assert.equal(unhandled.length, before, 'no unhandled rejection');
        assertNoSecrets(h);
        assertOnlyConfiguredHost();
      });
    }
  }

  it('sync: carried out, then 504, while Intune is still syncing (as it answers): the sync in progress proves it, accepted', async () => {
    tenant.syncCompletionMs = 60_000;
    const h = harness([]);
    tenant.addFault({ route: 'sync', status: 504, afterExecute: true });
    await h.run(() => syncLicenses(h.context, [hq()]));
    assert.equal(tenant.requestsFor('sync').length, 1, 'sent once, never resent');
    assert.equal(tenant.executed.length, 1);
    assert.deepEqual(h.ui.of('error'), []);
    assert.match(h.ui.of('info')[0]?.message ?? '', /started syncing/);
    assert.match(h.log.text(), /reconciled, Intune received it \(its answer was lost, but the token shows a sync in progress\)/);
  });

  it('sync: a lost answer while another sync was already in progress is not taken for proof', async () => {
    tenant.syncCompletionMs = 60_000;
    const warmUp = harness([]);
    await warmUp.run(() => syncLicenses(warmUp.context, [hq()]));
    tenant.executed.length = 0;
    const h = harness([]);
    tenant.addFault({ route: 'sync', status: 504 });
    await h.run(() => syncLicenses(h.context, [hq()]));
    assert.equal(tenant.executed.length, 0, 'the fault kept this sync from Intune');
    assert.match(
      h.ui.of('error')[0]?.message ?? '',
      /The sync of the licenses of "Contoso HQ" is not confirmed: the token shows no newer sync/,
    );
  });

  for (const [name, link] of [
    ['an @odata.nextLink that loops back to itself', (url: string) => `${url}/beta/deviceAppManagement/vppTokens?$skiptoken=0`],
    ['an @odata.nextLink to another host', () => 'https://graph.evil.example/beta/deviceAppManagement/vppTokens?$skiptoken=5'],
  ] as const) {
    it(`list: ${name} is refused, and the token never goes there`, async () => {
      figures.faults++;
      const h = harness([]);
      tenant.addFault({ route: 'list', status: 200, body: JSON.stringify({ value: [], '@odata.nextLink': link(tenant.url) }), times: 10 });
      await h.run(() => pickToken(h.context, 'pick'));
      assert.match(h.ui.of('error')[0].message ?? '', /paging link|loop/);
      assert.ok(tenant.requestsFor('list').length <= 2);
      assertOnlyConfiguredHost();
      assertNoSecrets(h);
    });
  }

  it('token endpoint returning a token Graph already refuses: one fresh try, then "sign in again", no write sent', async () => {
    figures.faults++;
    await tenant.stop();
    tenant = await startTenant({ revokeCompletionMs: 10, tokenLifetimeSeconds: 0 });
    const h = harness([{ pickMany: [] }], 'clientCredentials');
    await h.run(() => revokeLicenses(h.context, [hq()]));
    assert.match(h.ui.of('error')[0].message ?? '', /no longer accepts your sign-in \(401\)/);
    // The first read (the apps, for the license impact in the confirmation) was refused twice: the flow stopped
    // there, before the confirmation, and the revoke was never sent.
    assert.equal(tenant.requestsFor('apps').length, 2, 'the refused read and one retry with a fresh token');
    assert.equal(h.ui.of('confirm').length, 0);
    assert.equal(tenant.requestsFor('revoke').length, 0);
    assert.equal(tenant.requestsFor('token').length, 2);
    await tenant.stop();
    tenant = await startTenant({ revokeCompletionMs: 10 });
  });

  it('a session that expires between listing and revoking is renewed once and the revoke goes through', async () => {
    figures.faults++;
    const h = harness([{ pick: 'Contoso HQ' }, { pickMany: [] }, { confirm: true }], 'clientCredentials');
    h.ui.onConfirm = () => tenant.expireAccessTokens();
    await h.run(() => revokeLicenses(h.context, []));
    assert.deepEqual(h.ui.of('error'), []);
    const [refused, renewed] = tenant.requestsFor('get');
    assert.notEqual(refused.headers.authorization, renewed.headers.authorization, 'the refused read is retried once with a fresh token');
    const posts = tenant.requestsFor('revoke');
    assert.equal(posts.length, 1);
    assert.equal(posts[0].headers.authorization, renewed.headers.authorization);
    assert.match(h.ui.of('info')[0].message ?? '', /accepted the revoke/);
    assertNoSecrets(h);
  });

  it('a revoke refused with 401 is sent once more with a fresh token, and carried out once', async () => {
    figures.faults++;
    const h = harness([{ pickMany: [] }, { confirm: true }], 'clientCredentials');
    tenant.addFault({ route: 'revoke', status: 401 });
    await h.run(() => revokeLicenses(h.context, [hq()]));
    assert.deepEqual(h.ui.of('error'), []);
    const posts = tenant.requestsFor('revoke');
    assert.equal(posts.length, 2, 'the refused attempt, then the revoke');
    assert.notEqual(posts[0].headers.authorization, posts[1].headers.authorization);
    assert.equal(tenant.executed.length, 1);
    assert.match(h.ui.of('info')[0].message ?? '', /accepted the revoke/);
    assertNoSecrets(h);
  });

  describe('hostile and odd data', () => {
    const base = seedTokens()[0];
    const hostile: StoredToken[] = [
      { ...base, id: 'md-1', displayName: '**bold** [link](https://evil.example) ![img](https://evil.example/x.png)' },
      { ...base, id: 'html-1', displayName: '<script>alert(1)</script><img src=x onerror=alert(1)>' },
      { ...base, id: 'cmd-1', displayName: '[Run](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22rm%20-rf%22%7D)' },
      { ...base, id: 'ansi-1', displayName: '\u001b[31mred\u001b[0m\u0007bell\r\nnewline' },
      { ...base, id: 'rtl-1', displayName: 'invoice\u202egnp.exe \u200b\u200d\ufeffzero-width' },
      { ...base, id: 'long-1', displayName: 'L'.repeat(10_000), locationName: 'x'.repeat(10_000) },
      { ...base, id: 'a/b?c#d%e', displayName: 'Id with path syntax' },
      { ...base, id: '..', displayName: 'Dot-dot id' },
      {
        id: 'nulls-1',
        displayName: null,
        organizationName: null,
        appleId: null,
        locationName: null,
        state: null as unknown as undefined,
        expirationDateTime: null as unknown as undefined,
      },
      {
        ...base,
        id: 'enum-1',
        displayName: 'Future enums',
        state: 'quantumEntangled' as StoredToken['state'],
        vppTokenAccountType: 'government' as StoredToken['vppTokenAccountType'],
        lastSyncStatus: 'teleporting' as StoredToken['lastSyncStatus'],
      },
      {
        ...base,
        id: 'date-1',
        displayName: 'Bad dates',
        expirationDateTime: 'the day after tomorrow',
        lastSyncDateTime: '2026-13-45T99:99:99Z',
      },
      { ...base, id: 'y9999-1', displayName: 'Far future', expirationDateTime: '9999-12-31T23:59:59Z' },
    ];

    it('lists, presents, picks and revokes every hostile token without crashing, rendering or mis-addressing', async () => {
      figures.hostileInputs += hostile.length;
      tenant.reset(hostile);
      const h = harness([{ pickMany: [] }, { confirm: true }]);
      const tokens = await h.context.service().listTokens();
      assert.equal(tokens.length, hostile.length);
      const now = Date.now();
      for (const token of tokens) {
        const look = presentToken(token, now, 'en');
        const everything = [look.label, look.description, look.accessibilityLabel, ...look.tooltipRows.flat()].join(' | ');
        assert.doesNotMatch(
          everything,
          /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/,
          `${token.id}: ${JSON.stringify(everything)}`,
        );
        assert.doesNotMatch(everything, /\]\(/, 'no Markdown link syntax survives');
        assert.ok(look.label.length <= 120);
        assert.match(look.contextValue, /^vppToken state-[A-Za-z0-9]+( expiringSoon)?$/);
      }
      assert.equal(
        presentToken(tokens.find((token) => token.id === 'y9999-1') as VppTokenRecord, now, 'en').description,
        'valid · expires on 9999-12-31',
      );
      assert.equal(
        presentToken(tokens.find((token) => token.id === 'date-1') as VppTokenRecord, now, 'en').description,
        'valid · no expiry date',
      );
      assert.equal(presentToken(tokens.find((token) => token.id === 'nulls-1') as VppTokenRecord, now, 'en').label, 'nulls-1');

      await h.run(() => revokeLicenses(h.context, tokens));
      const posts = tenant.requestsFor('revoke');
      const expected = tokens.filter((token) => token.id !== '..').map((token) => token.id);
      assert.deepEqual(posts.map((post) => post.tokenId).sort(), expected.sort(), 'each POST reached exactly the token it was for');
      assert.ok(posts.some((post) => post.url === '/beta/deviceAppManagement/vppTokens/a%2Fb%3Fc%23d%25e/revokeLicenses'));
      const report = h.ui.of('report')[0].message ?? '';
      assert.match(report, /Failed \(1\)\n- Dot-dot id \(\.\.\): The VPP token id "\.\." is not valid\./);
      assert.doesNotMatch(report + h.log.text(), /\u001b|\u202e/);
      assertNoSecrets(h);
    });

    it('duplicate ids in a selection get one write each', async () => {
      figures.hostileInputs++;
      const h = harness([{ pickMany: [] }, { confirm: true }]);
      const twin = { ...seedTokens()[0], displayName: 'Same id, other name' } as VppTokenRecord;
      await h.run(() => revokeLicenses(h.context, [seedTokens()[0], twin]));
      assert.equal(tenant.requestsFor('revoke').length, 1);
    });

    it('offers hostile tokens in the palette pick as plain text', async () => {
      figures.hostileInputs++;
      tenant.reset(hostile);
      const h = harness(['escape']);
      await h.run(() => pickToken(h.context, 'pick'));
      const items = h.ui.of('pickOne')[0].items ?? [];
      assert.equal(items.length, hostile.length);
      for (const item of items) {
        assert.doesNotMatch(`${item.label}${item.description}${item.detail}`, /[\u0000-\u001f\u202a-\u202e]|\]\(/);
      }
    });
  });
});
