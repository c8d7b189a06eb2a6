import * as assert from 'node:assert/strict';
import { seedApps, seedTokens, vppTokenFile } from '../simulatedTenant/seed';
import { ensureTestCertificates } from '../simulatedTenant/certificates';
import { INTUNE_PACE, SimulatedTenant } from '../simulatedTenant/server';
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

  it("its defaults are Intune's pace: a revoke still active and a sync in progress long after their answers", async () => {
    const { keyPem, certPem } = ensureTestCertificates(CERT_DIR);
    tenant = await new SimulatedTenant({ key: keyPem, cert: certPem }).start();
    assert.deepEqual(
      { latencyMs: tenant.latencyMs, revokeCompletionMs: tenant.revokeCompletionMs, syncCompletionMs: tenant.syncCompletionMs },
      {
        latencyMs: INTUNE_PACE.latencyMs,
        revokeCompletionMs: INTUNE_PACE.revokeCompletionMs,
        syncCompletionMs: INTUNE_PACE.syncCompletionMs,
      },
    );
    const accessToken = tenant.issueAccessToken();
    const [hq] = seedTokens();
    const syncedBefore = tenant.tokens.get(hq.id)?.lastSyncDateTime;
    assert.equal(
      (await post(`/deviceAppManagement/vppTokens/${hq.id}/revokeLicenses`, { notifyManagedDevices: false }, accessToken)).status,
      204,
    );
    const synced = (await (await post(`/deviceAppManagement/vppTokens/${hq.id}/syncLicenses`, {}, accessToken)).json()) as {
      lastSyncStatus?: string;
    };
    assert.equal(synced.lastSyncStatus, 'inProgress', 'the answer says the sync has started, as the docs example does');
    const stored = tenant.tokens.get(hq.id);
    assert.equal(stored?.tokenActionResults?.at(-1)?.actionState, 'active');
    assert.equal(stored?.lastSyncStatus, 'inProgress');
    assert.equal(stored?.lastSyncDateTime, syncedBefore, 'the last sync changes only when it completes');
  });

  it('a sync completes after the delay the test chooses, with a new last sync', async () => {
    tenant = await startTenant({ syncCompletionMs: 50 });
    const [hq] = seedTokens();
    const syncedBefore = tenant.tokens.get(hq.id)?.lastSyncDateTime ?? '';
    await post(`/deviceAppManagement/vppTokens/${hq.id}/syncLicenses`, {}, tenant.issueAccessToken());
    await waitUntil(() => tenant.tokens.get(hq.id)?.lastSyncStatus === 'completed', 'the sync completes');
    assert.ok(Date.parse(tenant.tokens.get(hq.id)?.lastSyncDateTime ?? '') > Date.parse(syncedBefore));
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
    assert.deepEqual(
      tenant.throttled.map((record) => record.retryAfterSeconds !== undefined),
      [true, true, false, true, true, false],
    );
  });
});
