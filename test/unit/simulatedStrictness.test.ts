import * as assert from 'node:assert/strict';
import { seedApps, seedTokens, vppTokenFile } from '../simulatedTenant/seed';
import { SimulatedTenant } from '../simulatedTenant/server';
import { startTenant } from './fixtures';

/**
 * The simulated tenant refuses what Graph refuses, with Graph's 400 shape, so that a test passing against it means
 * the request would pass against Graph: every refusal below is one the extension must never provoke.
 */
describe('the simulated tenant is as strict as Graph', () => {
  let tenant: SimulatedTenant;
  let accessToken: string;
  before(async () => {
    tenant = await startTenant();
  });
  after(async () => {
    await tenant.stop();
  });
  beforeEach(() => {
    tenant.reset();
    accessToken = tenant.issueAccessToken();
  });

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
