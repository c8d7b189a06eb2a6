import * as assert from 'node:assert/strict';
import { seedApps, seedTokens, StoredToken, vppTokenFile } from '../simulatedTenant/seed';
import { ensureTestCertificates } from '../simulatedTenant/certificates';
import { INTUNE_PACE, SimulatedTenant } from '../simulatedTenant/server';
import { GRAPH_VPP_LIMITS, RequestWindows } from '../simulatedTenant/throttling';
import { CERT_DIR } from '../paths';
import { GraphContract } from '../support/graphContract';
import { waitUntil } from '../support/waitUntil';
import { startTenant } from '../support/fixtures';
import { useSimulatedTenant } from '../support/harness';

/**
 * The simulated tenant refuses what Graph refuses, with Graph's 400 shape, so that a test passing against it means
 * the request would pass against Graph: every refusal below is one the extension must never provoke.
 */
describe('the simulated tenant is as strict as Graph', () => {
  let tenant: SimulatedTenant;
  let accessToken: string;
  useSimulatedTenant(
    {},
    (started) => (tenant = started),
    () => {
      tenant.reset();
      accessToken = tenant.issueAccessToken();
    },
  );

  async function send(method: string, path: string, body?: unknown): Promise<{ status: number; code?: string; message?: string }> {
    const response = await fetch(`${tenant.url}/beta${path}`, {
      method,
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const error = text ? (JSON.parse(text) as { error?: { code?: string; message?: string } }).error : undefined;
    return { status: response.status, code: error?.code, message: error?.message };
  }

  const token = () => seedTokens()[0].id;
  const iosApp = () => seedApps(seedTokens()).find((app) => app['@odata.type'] === '#microsoft.graph.iosVppApp')?.id ?? '';
  const upload = () => Buffer.from(vppTokenFile({ location: 'Strict test' })).toString('base64');

  const refusals: [string, () => Promise<{ status: number; code?: string; message?: string }>, RegExp][] = [
    [
      'an unknown $select name',
      () => send('GET', '/deviceAppManagement/vppTokens?$select=displayName,secretField'),
      /vppToken has no property secretField/,
    ],
    [
      'a $select of a derived type property on the base collection',
      () => send('GET', "/deviceAppManagement/mobileApps?$filter=isof('microsoft.graph.iosVppApp')&$select=vppTokenId"),
      /mobileApp has no property vppTokenId/,
    ],
    [
      'assignedLicenses without the iosVppApp cast',
      () => send('GET', `/deviceAppManagement/mobileApps/${iosApp()}/assignedLicenses`),
      /mobileApp has no navigation property or bound action assignedLicenses/,
    ],
    [
      'a per-app revoke without the iosVppApp cast',
      () => send('POST', `/deviceAppManagement/mobileApps/${iosApp()}/revokeAllLicenses`, { notifyManagedDevices: false }),
      /mobileApp has no navigation property or bound action revokeAllLicenses/,
    ],
    [
      'a malformed $filter',
      () => send('GET', "/deviceAppManagement/mobileApps?$filter=isof('microsoft.graph.iosVppApp') or 1 eq 1"),
      /Invalid filter clause/,
    ],
    [
      'a $filter cast to a type that is not a mobileApp',
      () => send('GET', "/deviceAppManagement/mobileApps?$filter=isof('microsoft.graph.vppToken')"),
      /microsoft\.graph\.vppToken is not a type derived from microsoft\.graph\.mobileApp/,
    ],
    [
      'an unknown enum value on create',
      () =>
        send('POST', '/deviceAppManagement/vppTokens', {
          token: upload(),
          appleId: 'a@b.example',
          countryOrRegion: 'us',
          vppTokenAccountType: 'government',
        }),
      /government is not a member of microsoft\.graph\.vppTokenAccountType/,
    ],
    [
      'a create without its required Apple ID',
      () => send('POST', '/deviceAppManagement/vppTokens', { token: upload(), countryOrRegion: 'us' }),
      /appleId and countryOrRegion are required/,
    ],
    [
      'a read-only field on create',
      () =>
        send('POST', '/deviceAppManagement/vppTokens', { token: upload(), appleId: 'a@b.example', countryOrRegion: 'us', state: 'valid' }),
      /The property 'state' cannot be written/,
    ],
    [
      'a read-only field on PATCH',
      () => send('PATCH', `/deviceAppManagement/vppTokens/${token()}`, { lastSyncStatus: 'completed' }),
      /cannot be written/,
    ],
    [
      'a wrong @odata.type',
      () =>
        send('POST', '/deviceAppManagement/vppTokens', {
          '@odata.type': '#microsoft.graph.iosVppApp',
          token: upload(),
          appleId: 'a@b.example',
          countryOrRegion: 'us',
        }),
      /@odata\.type #microsoft\.graph\.iosVppApp is not microsoft\.graph\.vppToken/,
    ],
    [
      'a displayName that is not a string',
      () => send('PATCH', `/deviceAppManagement/vppTokens/${token()}`, { displayName: 42 }),
      /PATCH\.displayName/,
    ],
    [
      'an unknown parameter of revokeLicenses',
      () => send('POST', `/deviceAppManagement/vppTokens/${token()}/revokeLicenses`, { notifyManagedDevices: false, force: true }),
      /revokeLicenses has no parameter force/,
    ],
  ];

  for (const [name, request, message] of refusals) {
    it(`refuses ${name} with 400 BadRequest, and carries nothing out`, async () => {
      const answer = await request();
      assert.equal(answer.status, 400, JSON.stringify(answer));
      assert.equal(answer.code, 'BadRequest');
      assert.match(answer.message ?? '', message);
      assert.deepEqual(tenant.executed, []);
    });
  }

  it("answers in Graph's shapes: @odata.context on every collection page, and every non-nullable field of each item", async () => {
    const contract = new GraphContract();
    const pages: [string, string][] = [
      ['/deviceAppManagement/vppTokens', 'microsoft.graph.vppToken'],
      [
        "/deviceAppManagement/mobileApps?$filter=isof('microsoft.graph.iosVppApp') or isof('microsoft.graph.macOsVppApp')",
        'microsoft.graph.mobileApp',
      ],
      ["/deviceAppManagement/managedEBooks?$filter=isof('microsoft.graph.iosVppEBook')", 'microsoft.graph.managedEBook'],
      [
        `/deviceAppManagement/mobileApps/${iosApp()}/microsoft.graph.iosVppApp/assignedLicenses`,
        'microsoft.graph.iosVppAppAssignedLicense',
      ],
    ];
    for (const [path, baseType] of pages) {
      const response = await fetch(`${tenant.url}/beta${path}`, { headers: { authorization: `Bearer ${accessToken}` } });
      const page = (await response.json()) as { '@odata.context'?: string; value: Record<string, unknown>[] };
      assert.match(page['@odata.context'] ?? '', /\/beta\/\$metadata#deviceAppManagement\//, path);
      assert.ok(page.value.length > 0, path);
      for (const item of page.value) {
        const type = typeof item['@odata.type'] === 'string' ? item['@odata.type'].slice(1) : baseType;
        // A token's secret blob is non-nullable too, and never sent.
        const required = [...contract.properties(type).values()].filter(
          (property) => !property.nullable && !property.collection && property.name !== 'token',
        );
        assert.deepEqual(
          required.filter((property) => !(property.name in item)).map((property) => property.name),
          [],
          `${path}: ${type} ${String(item.id)}`,
        );
      }
    }
  });

  it('what the extension sends passes: the same routes written correctly are answered', async () => {
    assert.equal((await send('GET', '/deviceAppManagement/vppTokens?$select=displayName,state')).status, 200);
    assert.equal((await send('GET', `/deviceAppManagement/mobileApps/${iosApp()}/microsoft.graph.iosVppApp/assignedLicenses`)).status, 200);
    assert.equal(
      (
        await send(
          'GET',
          "/deviceAppManagement/mobileApps?$filter=isof('microsoft.graph.iosVppApp') or isof('microsoft.graph.macOsVppApp')",
        )
      ).status,
      200,
    );
    assert.equal((await send('PATCH', `/deviceAppManagement/vppTokens/${token()}`, { displayName: 'Renamed' })).status, 200);
  });
});

describe('the simulated tenant is as slow as Intune by default', () => {
  let tenant: SimulatedTenant;
  afterEach(async () => {
    await tenant.stop();
  });

  async function post(path: string, body: unknown, accessToken: string): Promise<Response> {
    return fetch(`${tenant.url}/beta${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  async function tokenAsRead(id: string, accessToken: string): Promise<StoredToken> {
    const response = await fetch(`${tenant.url}/beta/deviceAppManagement/vppTokens/${id}`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    return (await response.json()) as StoredToken;
  }

  it("its defaults are Intune's pace: a slow round trip, a revoke's result not there yet, a sync in progress long after", async () => {
    const { keyPem, certPem } = ensureTestCertificates(CERT_DIR);
    tenant = await new SimulatedTenant({ key: keyPem, cert: certPem }).start();
    const accessToken = tenant.issueAccessToken();
    const [hq] = seedTokens();
    const started = Date.now();
    const before = await tokenAsRead(hq.id, accessToken);
    // A lower bound only: the default latency is 150 ms give or take 100.
    assert.ok(Date.now() - started >= INTUNE_PACE.latencyMs - INTUNE_PACE.latencyJitterMs, `a read took ${Date.now() - started} ms`);
    assert.equal(
      (await post(`/deviceAppManagement/vppTokens/${hq.id}/revokeLicenses`, { notifyManagedDevices: false }, accessToken)).status,
      204,
    );
    const synced = (await (await post(`/deviceAppManagement/vppTokens/${hq.id}/syncLicenses`, {}, accessToken)).json()) as {
      lastSyncStatus?: string;
    };
    assert.equal(synced.lastSyncStatus, 'inProgress', 'the answer says the sync has started, as the docs example does');
    const after = await tokenAsRead(hq.id, accessToken);
    assert.deepEqual(after.tokenActionResults, before.tokenActionResults, "the revoke's result is not shown yet");
    assert.equal(after.lastSyncStatus, 'inProgress');
    assert.equal(after.lastSyncDateTime, before.lastSyncDateTime, 'the last sync changes only when it completes');
  });

  it('a sync completes after the delay the test chooses, with a new last sync', async () => {
    tenant = await startTenant({ syncCompletionMs: 50 });
    const accessToken = tenant.issueAccessToken();
    const [hq] = seedTokens();
    const syncedBefore = (await tokenAsRead(hq.id, accessToken)).lastSyncDateTime ?? '';
    await post(`/deviceAppManagement/vppTokens/${hq.id}/syncLicenses`, {}, accessToken);
    let read: StoredToken | undefined;
    await waitUntil(async () => (read = await tokenAsRead(hq.id, accessToken)).lastSyncStatus === 'completed', 'the sync completes');
    assert.ok(Date.parse(read?.lastSyncDateTime ?? '') > Date.parse(syncedBefore));
  });

  it("a revoke's result appears after the delay the test sets, stamped with Intune's clock", async () => {
    tenant = await startTenant({ resultDelayMs: 300, clockOffsetMs: -30_000, revokeCompletionMs: 60_000 });
    const accessToken = tenant.issueAccessToken();
    const [hq] = seedTokens();
    const known = ((await tokenAsRead(hq.id, accessToken)).tokenActionResults ?? []).length;
    const sent = Date.now();
    assert.equal(
      (await post(`/deviceAppManagement/vppTokens/${hq.id}/revokeLicenses`, { notifyManagedDevices: false }, accessToken)).status,
      204,
    );
    assert.equal(((await tokenAsRead(hq.id, accessToken)).tokenActionResults ?? []).length, known, 'nothing yet right after the 204');
    let results: NonNullable<StoredToken['tokenActionResults']> = [];
    await waitUntil(
      async () => (results = (await tokenAsRead(hq.id, accessToken)).tokenActionResults ?? []).length > known,
      "the revoke's result",
    );
    const started = Date.parse(results.at(-1)?.startDateTime ?? '');
    assert.ok(Math.abs(started - (sent - 30_000)) < 5_000, `started ${started - sent} ms from the send, on a clock 30 s behind`);
    assert.equal(results.at(-1)?.actionState, 'active');
  });

  it('by default one 429 in three comes without Retry-After, as Intune sometimes sends', async () => {
    tenant = await startTenant({
      writeLimit: { maxWrites: 1, windowMs: 60_000 },
      retryAfterOmittedEvery: INTUNE_PACE.retryAfterOmittedEvery,
    });
    const accessToken = tenant.issueAccessToken();
    const [hq] = seedTokens();
    const answers: (string | null)[] = [];
    for (let attempt = 0; attempt < 7; attempt++) {
      const response = await post(`/deviceAppManagement/vppTokens/${hq.id}/syncLicenses`, {}, accessToken);
      if (response.status === 429) {
        answers.push(response.headers.get('retry-after'));
      }
    }
    assert.equal(answers.length, 6);
    assert.deepEqual(
      answers.map((value) => value !== null),
      [true, true, false, true, true, false],
    );
  });
});

describe("the simulated tenant throttles as Graph does: Graph's windows, every request counted", () => {
  const LIMITS = { windowMs: 1000, appRequests: 3, appWrites: 1, tenantRequests: 5, tenantWrites: 4 };
  const windows = (other = { requests: 0, writes: 0 }, writeLimit?: { maxWrites: number; windowMs: number }) =>
    new RequestWindows(
      () => LIMITS,
      () => other,
      () => writeLimit,
    );

  it("Intune's documented numbers for VPP tokens and apps", () => {
    assert.deepEqual(GRAPH_VPP_LIMITS, { windowMs: 20_000, appRequests: 1000, appWrites: 100, tenantRequests: 2000, tenantWrites: 200 });
  });

  it('reads count: the request beyond the per-app limit is refused until the oldest leaves the window', () => {
    const counted = windows();
    assert.deepEqual(
      [0, 10, 20, 30].map((time) => counted.admit('app', false, time)),
      [undefined, undefined, undefined, 1],
    );
    assert.equal(counted.admit('app', false, 1001), 1, 'still refused: 10, 20 and the refused one at 30 fill the window');
  });

  it('a refused request counts too: a client that retries too early is refused again', () => {
    const counted = windows();
    for (const time of [0, 100, 200]) {
      counted.admit('app', false, time);
    }
    assert.equal(counted.admit('app', false, 300), 1, 'refused');
    // Had the refusal not counted, 100, 200 and this one would fit at 1050.
    assert.equal(counted.admit('app', false, 1050), 1);
  });

  it('its Retry-After is the time until enough of what the limit counted has left the window', () => {
    const counted = new RequestWindows(
      () => ({ ...LIMITS, windowMs: 10_000 }),
      () => ({ requests: 0, writes: 0 }),
      () => undefined,
    );
    for (const time of [0, 4000, 8000]) {
      counted.admit('app', false, time);
    }
    assert.equal(counted.admit('app', false, 8500), 2, 'the request at 0 leaves at 10,000: 1.5 s, rounded up');
    assert.equal(counted.admit('app', false, 8600), 6, 'now 0 and 4,000 must leave: 14,000 is 5.4 s away');
  });

  it('writes have their own, lower limit; a read still fits beside them', () => {
    const counted = windows();
    assert.equal(counted.admit('app', true, 0), undefined);
    assert.equal(counted.admit('app', false, 1), undefined);
    assert.equal(counted.admit('app', true, 2), 1);
  });

  it("another app's requests leave this app's window alone but fill the tenant's", () => {
    const counted = windows();
    for (const time of [0, 1, 2]) {
      assert.equal(counted.admit('other tool', false, time), undefined);
    }
    assert.equal(counted.admit('app', false, 3), undefined);
    assert.equal(counted.admit('app', false, 4), undefined);
    assert.equal(counted.admit('app', false, 5), 1, 'the tenant-wide limit of 5');
  });

  it("other tools' traffic fills the tenant-wide window: a 429 while this app is under its own limit", () => {
    const counted = windows({ requests: 4, writes: 4 });
    assert.equal(counted.admit('app', false, 0), undefined);
    assert.equal(counted.admit('app', false, 1), 1);
    assert.equal(windows({ requests: 0, writes: 4 }).admit('app', true, 0), 1, 'the writes of other tools');
    assert.equal(windows({ requests: 9, writes: 0 }).admit('app', false, 0), 1, 'a window full of other traffic alone: a whole window');
  });

  it("a test's own write limit applies on top of Graph's", () => {
    const counted = new RequestWindows(
      () => ({ ...LIMITS, appWrites: 100, tenantWrites: 100, appRequests: 100, tenantRequests: 100 }),
      () => ({ requests: 0, writes: 0 }),
      () => ({ maxWrites: 2, windowMs: 5000 }),
    );
    assert.deepEqual(
      [0, 1, 2].map((time) => counted.admit('app', true, time)),
      [undefined, undefined, 5],
    );
  });

  describe('over HTTP', () => {
    let tenant: SimulatedTenant;
    afterEach(async () => {
      await tenant.stop();
    });

    async function read(path: string, accessToken: string): Promise<Response> {
      return fetch(`${tenant.url}/beta${path}`, { headers: { authorization: `Bearer ${accessToken}` } });
    }

    it('reads are throttled, with Retry-After, and every response carries the status the client got', async () => {
      tenant = await startTenant({ throttleLimits: { ...GRAPH_VPP_LIMITS, appRequests: 2, windowMs: 60_000 } });
      const accessToken = tenant.issueAccessToken();
      const answers = [];
      for (let attempt = 0; attempt < 3; attempt++) {
        answers.push(await read('/deviceAppManagement/vppTokens', accessToken));
      }
      assert.deepEqual(
        answers.map((answer) => answer.status),
        [200, 200, 429],
      );
      assert.ok(Number(answers[2].headers.get('retry-after')) >= 59);
      assert.equal(((await answers[2].json()) as { error: { code: string } }).error.code, 'TooManyRequests');
    });
  });
});

describe('the simulated tenant batches as Graph does', () => {
  let tenant: SimulatedTenant;
  afterEach(async () => {
    await tenant.stop();
  });

  type Answered = { status: number; body: { responses?: { id: string; status: number; headers?: Record<string, string> }[] } };

  async function batch(requests: unknown[], accessToken = tenant.issueAccessToken()): Promise<Answered> {
    const response = await fetch(`${tenant.url}/beta/$batch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ requests }),
    });
    return { status: response.status, body: (await response.json()) as Answered['body'] };
  }

  const tokenRead = (id: string, index: number | string) => ({
    id: String(index),
    method: 'GET',
    url: `/deviceAppManagement/vppTokens/${id}?$select=displayName`,
  });

  it('an inner 429 carries its own Retry-After in its own headers; the batch itself is 200', async () => {
    tenant = await startTenant({ throttleLimits: { ...GRAPH_VPP_LIMITS, appRequests: 2, windowMs: 60_000 } });
    const answered = await batch(
      seedTokens()
        .slice(0, 3)
        .map((token, index) => tokenRead(token.id, index)),
    );
    assert.equal(answered.status, 200);
    const byStatus = (status: number) => (answered.body.responses ?? []).filter((answer) => answer.status === status);
    assert.equal(byStatus(200).length, 2);
    const [throttled] = byStatus(429);
    assert.ok(Number(throttled.headers?.['Retry-After']) >= 59, JSON.stringify(throttled.headers));
    assert.match(throttled.headers?.['content-type'] ?? '', /^application\/json/);
    assert.ok(
      byStatus(200).every(
        (answer) => /^application\/json/.test(answer.headers?.['content-type'] ?? '') && !answer.headers?.['Retry-After'],
      ),
    );
  });

  it('an inner 429 comes without Retry-After at times, as Intune sends them', async () => {
    tenant = await startTenant({ throttleLimits: { ...GRAPH_VPP_LIMITS, appRequests: 1, windowMs: 60_000 }, retryAfterOmittedEvery: 1 });
    const answered = await batch(
      seedTokens()
        .slice(0, 2)
        .map((token, index) => tokenRead(token.id, index)),
    );
    const throttled = (answered.body.responses ?? []).find((answer) => answer.status === 429);
    assert.ok(throttled);
    assert.equal(throttled.headers?.['Retry-After'], undefined);
  });

  it('answers come in an order of its seed: the same seed, the same order; another seed, another', async () => {
    const requests = seedTokens()
      .slice(0, 15)
      .map((token, index) => tokenRead(token.id, index));
    const orderWith = async (seed: number) => {
      tenant = await startTenant({ batchOrderSeed: seed });
      const order = ((await batch(requests)).body.responses ?? []).map((answer) => answer.id);
      await tenant.stop();
      return order;
    };
    const first = await orderWith(7);
    assert.deepEqual(await orderWith(7), first);
    assert.notDeepEqual(await orderWith(8), first);
    assert.notDeepEqual(
      first,
      requests.map((request) => request.id),
      'not the order asked',
    );
    assert.notDeepEqual(first, requests.map((request) => request.id).reverse(), 'nor simply reversed');
    assert.deepEqual([...first].sort(), requests.map((request) => request.id).sort(), 'each answered once');
    tenant = await startTenant();
  });

  it('dependsOn: a request runs after its dependency, and is answered 424 when the dependency failed', async () => {
    tenant = await startTenant();
    const [hq, branch] = seedTokens();
    const answered = await batch([
      tokenRead('no-such-token', 'a'),
      { ...tokenRead(hq.id, 'b'), dependsOn: ['a'] },
      tokenRead(branch.id, 'c'),
      { ...tokenRead(hq.id, 'd'), dependsOn: ['C'] },
    ]);
    const status = Object.fromEntries((answered.body.responses ?? []).map((answer) => [answer.id, answer.status]));
    assert.deepEqual(status, { a: 404, b: 424, c: 200, d: 200 });
    const reads = tenant.requestsFor('get').map((request) => request.tokenId);
    assert.ok(!reads.includes(hq.id) || reads.indexOf(branch.id) < reads.lastIndexOf(hq.id), 'd was read after c');
    assert.equal(reads.filter((id) => id === hq.id).length, 1, 'b was never sent');
  });

  for (const [what, requests, message] of [
    ['ids that differ only in letter case', [tokenRead('x', 'Token'), tokenRead('y', 'token')], /unique id \(regardless of letter case\)/],
    [
      'a dependsOn on a request not in the batch',
      [{ ...tokenRead('x', '1'), dependsOn: ['2'] }],
      /names a request that is not in the batch/,
    ],
    [
      'dependsOn that make a cycle',
      [
        { ...tokenRead('x', '1'), dependsOn: ['2'] },
        { ...tokenRead('y', '2'), dependsOn: ['1'] },
      ],
      /make a cycle/,
    ],
  ] as const) {
    it(`refuses ${what} with 400`, async () => {
      tenant = await startTenant();
      const answered = await batch([...requests]);
      assert.equal(answered.status, 400);
      assert.match((answered.body as { error?: { message?: string } }).error?.message ?? '', message);
      assert.deepEqual(tenant.requestsFor('get'), [], 'none of its requests was carried out');
    });
  }
});
