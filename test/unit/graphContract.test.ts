import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { GraphRoute, permissionFor, ROUTE_PERMISSIONS } from '../../src/config/permissions';
import { VppError } from '../../src/errors';
import { assignmentChangeRequest } from '../../src/graph/appAssignments';
import { VppTokenService } from '../../src/graph/vppTokenService';
import { TOKEN_FIELDS, VPP_APP_FIELDS, VPP_EBOOK_FIELDS } from '../../src/graph/vppRecords';
import { PROJECT_ROOT } from '../paths';
import { SimulatedTenant, Route } from '../simulatedTenant/server';
import { seedTokens, vppAppFields, vppTokenFile } from '../simulatedTenant/seed';
import { GraphContract } from '../support/graphContract';
import { waitUntil } from '../support/waitUntil';
import { signedInService } from '../support/fixtures';
import { useSimulatedTenant } from '../support/harness';

/** The simulated tenant's name for each Graph call of the extension. */
const SIMULATED_ROUTES: Readonly<Record<GraphRoute, Route>> = {
  listTokens: 'list',
  getToken: 'get',
  createToken: 'create',
  updateToken: 'update',
  deleteToken: 'delete',
  revokeLicenses: 'revoke',
  syncLicenses: 'sync',
  listVppApps: 'apps',
  getVppApp: 'app',
  listAssignedLicenses: 'licenses',
  revokeAppLicenses: 'appRevoke',
  revokeAppUserLicense: 'appUserRevoke',
  revokeAppDeviceLicense: 'appDeviceRevoke',
  listAppAssignments: 'appAssignments',
  updateAppAssignment: 'assignmentUpdate',
  deleteAppAssignment: 'assignmentDelete',
  listVppEBooks: 'ebooks',
  listAuditEvents: 'auditEvents',
  getTokensInBatch: 'batch',
  listAssignmentsInBatch: 'batch',
  getGroupsInBatch: 'batch',
};
const TOKENS = '/beta/deviceAppManagement/vppTokens';
const TOKEN_ID = '7c0f0001-5e8a-4d21-9b1e-0a4c3d2e0001';
/** An iOS VPP app of the second seeded token (the first one's licenses are revoked above). */
const APP_ID = 'app-1-0';
/** An iOS VPP app of the tenth seeded token, assigned Required to a group, with a group excluded. */
const ASSIGNED_APP_ID = 'app-9-0';

describe('The Graph beta metadata as a contract', () => {
  const contract = new GraphContract();
  let tenant: SimulatedTenant;
  let service: VppTokenService;

  useSimulatedTenant(
    { recordResponses: true },
    (started) => (tenant = started),
    () => {
      tenant.reset();
      service = signedInService(tenant, { delaySeconds: 0, maxRetries: 0, maxWaitSeconds: 0 });
    },
  );

  /** Every Graph request the tenant received, with its problems and those of the answer it got. */
  function problems(): string[] {
    return (
      tenant.requests
        // A batch is not in the metadata: its requests are recorded (and checked) one by one, and its shape below.
        .filter((request) => request.url.startsWith('/beta/') && request.route !== 'batch')
        .flatMap((request) => {
          const answer = tenant.responses.find((response) => response.requestId === request.requestId);
          assert.ok(answer, `no answer was recorded for ${request.method} ${request.url}`);
          return [
            ...contract
              .checkRequest(request.method, request.url, request.body)
              .map((problem) => `request ${request.method} ${request.url}: ${problem}`),
            ...contract
              .checkResponse(request.url, answer.status, answer.body)
              .map((problem) => `answer to ${request.method} ${request.url}: ${problem}`),
          ];
        })
    );
  }

  it('is an extract of the beta metadata that names its source repository and commit', () => {
    const extract = readFileSync(path.join(PROJECT_ROOT, 'test', 'fixtures', 'graph-beta-vpp.csdl.xml'), 'utf8');
    assert.match(extract, /microsoftgraph\/msgraph-metadata, schemas\/beta-Prod\.csdl at commit [0-9a-f]{40}/);
    assert.equal(contract.properties('microsoft.graph.vppToken').get('revokeUntrackedLicenses'), undefined);
    assert.equal(contract.properties('microsoft.graph.vppToken').get('state')?.type, 'microsoft.graph.vppTokenState');
    assert.equal(contract.properties('microsoft.graph.iosVppApp').get('id')?.nullable, false, 'base type properties are inherited');
  });

  it('is closed: every type the extract names, through a property, a navigation, a base type or a parameter, is in it', () => {
    const extract = readFileSync(path.join(PROJECT_ROOT, 'test', 'fixtures', 'graph-beta-vpp.csdl.xml'), 'utf8');
    const defined = new Set([...extract.matchAll(/<(?:EntityType|ComplexType|EnumType) Name="(\w+)"/g)].map((match) => match[1]));
    const named = [...extract.matchAll(/(?:Type|BaseType|EntityType)="(?:Collection\()?graph\.(\w+)/g)].map((match) => match[1]);
    assert.ok(named.length > 60, `only ${named.length} references were found: the pattern no longer matches the extract`);
    assert.deepEqual([...new Set(named.filter((name) => !defined.has(name)))], []);
  });

  it('validates a full VPP app, eBook and audit event, with the icon, the macOS revoke results and the scope tags', () => {
    const macApp = {
      '@odata.type': '#microsoft.graph.macOsVppApp',
      id: 'm',
      ...vppAppFields('#microsoft.graph.macOsVppApp', '2025-09-01T08:00:00Z'),
      totalLicenseCount: 10,
      usedLicenseCount: 2,
      vppTokenAccountType: 'business',
      revokeLicenseActionResults: [
        {
          actionName: 'RevokeUserLicense',
          actionState: 'done',
          actionFailureReason: 'none',
          failedLicensesCount: 0,
          totalLicensesCount: 1,
          startDateTime: '2026-12-01T10:00:00Z',
          lastUpdatedDateTime: '2026-12-01T10:05:00Z',
          managedDeviceId: null,
          userId: 'u',
        },
      ],
    };
    assert.deepEqual(contract.checkResponse('/beta/deviceAppManagement/mobileApps', 200, JSON.stringify({ value: [macApp] })), []);
    const badIcon = { ...macApp, largeIcon: { type: 'image/png', value: 'not base64!' } };
    assert.deepEqual(contract.checkResponse('/beta/deviceAppManagement/mobileApps', 200, JSON.stringify({ value: [badIcon] })), [
      'value[0].largeIcon.value: "not base64!" is not an Edm.Binary',
    ]);
    tenant.addAuditEvent({
      activity: 'Revoke licenses VppToken',
      activityType: 'Revoke licenses VppToken',
      activityOperationType: 'Action',
      userPrincipalName: 'admin@contoso.example',
      resource: { displayName: 'Contoso', type: 'VppToken', resourceId: TOKEN_ID },
    });
    assert.deepEqual(contract.checkResponse('/beta/deviceManagement/auditEvents', 200, JSON.stringify({ value: tenant.auditEvents })), []);
  });

  it('every field the extension selects or reads is in the metadata, on every type it reads it from', () => {
    const tokenProperties = contract.properties('microsoft.graph.vppToken');
    assert.deepEqual(
      TOKEN_FIELDS.filter((field) => !tokenProperties.has(field)),
      [],
    );
    for (const type of ['microsoft.graph.iosVppApp', 'microsoft.graph.macOsVppApp']) {
      const appProperties = contract.properties(type);
      assert.deepEqual(
        VPP_APP_FIELDS.filter((field) => !appProperties.has(field)),
        [],
        type,
      );
    }
    const bookProperties = contract.properties('microsoft.graph.iosVppEBook');
    assert.deepEqual(
      VPP_EBOOK_FIELDS.filter((field) => !bookProperties.has(field)),
      [],
    );
  });

  it('every request the extension sends, and every answer the simulated tenant gives, matches the metadata', async () => {
    await service.listTokens();
    await service.listVppApps();
    await service.listVppEBooks();
    await service.getToken(TOKEN_ID);
    await service.revokeLicenses(TOKEN_ID, { notifyManagedDevices: true, revokeUntrackedLicenses: false });
    await waitUntil(() => tenant.tokens.get(TOKEN_ID)?.tokenActionResults?.[0]?.actionState === 'done', 'the revoke to finish');
    await service.getToken(TOKEN_ID);
    await service.syncLicenses(TOKEN_ID);
    tenant.syncAnswer = 'value';
    await service.syncLicenses(TOKEN_ID);
    const upload = (location: string) => Buffer.from(vppTokenFile({ location })).toString('base64');
    const added = await service.createToken({
      token: upload('Berlin'),
      appleId: 'vpp-berlin@contoso.example',
      displayName: 'Berlin',
      countryOrRegion: 'de',
      vppTokenAccountType: 'business',
      automaticallyUpdateApps: true,
      dataSharingConsentGranted: true,
    });
    await service.updateToken(added.id, { displayName: 'Berlin office', automaticallyUpdateApps: false });
    tenant.patchAnswer = 'noContent';
    await service.updateToken(added.id, { token: upload('Berlin') });
    await service.deleteToken(added.id);
    const [license] = await service.listAssignedLicenses(APP_ID);
    const deviceLicense = (await service.listAssignedLicenses(APP_ID)).find((candidate) => candidate.kind === 'device');
    await service.revokeAppUserLicense(APP_ID, license.userId ?? '', false);
    await service.revokeAppDeviceLicense(APP_ID, deviceLicense?.managedDeviceId ?? '', true);
    await service.revokeAppLicenses(APP_ID, true);
    await waitUntil(() => tenant.apps.find((app) => app.id === APP_ID)?.usedLicenseCount === 0, 'the app revokes to finish');
    await service.getVppApp(APP_ID);
    const assignments = await service.listAppAssignments(ASSIGNED_APP_ID);
    assert.deepEqual(
      assignments.map((assignment) => [assignment.intent, assignment.target.kind]),
      [
        ['required', 'group'],
        ['required', 'exclusion'],
      ],
    );
    await service.changeAssignment(assignmentChangeRequest(ASSIGNED_APP_ID, assignments[0].id, 'uninstall'));
    await service.changeAssignment(assignmentChangeRequest(ASSIGNED_APP_ID, assignments[1].id, 'remove'));
    // A JSON batch: each request in it reaches the tenant as a GET of its own (checked like the others).
    const batched = await service.getTokensInBatch([TOKEN_ID, seedTokens()[0].id]);
    const answer = batched.get(TOKEN_ID);
    assert.equal(answer?.kind === 'read' && answer.token.id, TOKEN_ID);
    const assigned = await service.getAssignmentsInBatch([ASSIGNED_APP_ID, 'app-9-1']);
    assert.deepEqual(
      [...assigned].map(([id, read]) => [id, read.kind === 'read' ? read.assignments.map((assignment) => assignment.intent) : read.kind]),
      [
        [ASSIGNED_APP_ID, ['uninstall']],
        ['app-9-1', ['available']],
      ],
    );
    // The groups an assignment targets, named where the directory permission is granted.
    const directory = signedInService(tenant, undefined, [...tenant.permissions, 'GroupMember.Read.All']);
    const named = await directory.getGroupNamesInBatch(['6f1c2a4e-0000-4000-8000-000000000001', '00000000-0000-4000-8000-00000000dead']);
    assert.deepEqual(
      [...named.values()],
      [
        { kind: 'named', name: 'Grade 5 iPads' },
        { kind: 'unnamed', status: 404 },
      ],
    );
    // The audit log the writes above left, over several pages.
    const { events } = await service.listAuditEvents(new Date(Date.now() - 24 * 3600 * 1000));
    assert.ok(events.length > 5);

    const exercised = new Set(tenant.requests.map((request) => request.route));
    const missing = (Object.keys(ROUTE_PERMISSIONS) as GraphRoute[]).filter((route) => !exercised.has(SIMULATED_ROUTES[route]));
    assert.deepEqual(missing, [], 'every Graph call of the extension is checked here; add a new one above');
    assert.ok(tenant.requestsFor('list').length > 1 && tenant.requestsFor('apps').length > 1, 'paging links are checked too');
    assert.match(JSON.stringify(tenant.responses), /vppTokenRevokeLicensesActionResult/, 'a revoke result was checked');
    assert.match(JSON.stringify(tenant.responses), /RevokeDeviceLicense/, "an app's revoke results were checked");
    assert.ok(
      tenant.responses.some((response) => response.status === 201) &&
        tenant.responses.some((response) => response.body.includes('DeviceLicense')),
      'a created token and the licenses of both kinds were checked',
    );
    assert.deepEqual(problems(), []);
  });

  it('each call refused with 403 names the permission that grants it, from the permission table', async () => {
    const upload = Buffer.from(vppTokenFile({ location: 'Berlin' })).toString('base64');
    const calls: Readonly<Record<GraphRoute, () => Promise<unknown>>> = {
      listTokens: () => service.listTokens(),
      getToken: () => service.getToken(TOKEN_ID),
      getTokensInBatch: () => service.getTokensInBatch([TOKEN_ID]),
      listAssignmentsInBatch: () => service.getAssignmentsInBatch([ASSIGNED_APP_ID, APP_ID]),
      getGroupsInBatch: () => service.getGroupNamesInBatch(['6f1c2a4e-0000-4000-8000-000000000001']),
      createToken: () =>
        service.createToken({
          token: upload,
          appleId: 'a@contoso.example',
          displayName: 'B',
          countryOrRegion: 'de',
          vppTokenAccountType: 'business',
          automaticallyUpdateApps: true,
          dataSharingConsentGranted: true,
        }),
      updateToken: () => service.updateToken(TOKEN_ID, { displayName: 'x' }),
      deleteToken: () => service.deleteToken(TOKEN_ID),
      revokeLicenses: () => service.revokeLicenses(TOKEN_ID, { notifyManagedDevices: false, revokeUntrackedLicenses: false }),
      syncLicenses: () => service.syncLicenses(TOKEN_ID),
      listVppApps: () => service.listVppApps(),
      getVppApp: () => service.getVppApp(APP_ID),
      listAssignedLicenses: () => service.listAssignedLicenses(APP_ID),
      revokeAppLicenses: () => service.revokeAppLicenses(APP_ID, false),
      revokeAppUserLicense: () => service.revokeAppUserLicense(APP_ID, 'user-1', false),
      revokeAppDeviceLicense: () => service.revokeAppDeviceLicense(APP_ID, 'device-1', false),
      listAppAssignments: () => service.listAppAssignments(ASSIGNED_APP_ID),
      updateAppAssignment: () => service.changeAssignment(assignmentChangeRequest(ASSIGNED_APP_ID, 'app-9-0-required', 'uninstall')),
      deleteAppAssignment: () => service.changeAssignment(assignmentChangeRequest(ASSIGNED_APP_ID, 'app-9-0-required', 'remove')),
      listVppEBooks: () => service.listVppEBooks(),
      listAuditEvents: () => service.listAuditEvents(new Date(0)),
    };
    for (const [route, call] of Object.entries(calls) as [GraphRoute, () => Promise<unknown>][]) {
      tenant.addFault({ route: SIMULATED_ROUTES[route], status: 403 });
      const error: unknown = await call().then(
        () => assert.fail(`${route} was not refused`),
        (thrown: unknown) => thrown,
      );
      assert.ok(error instanceof VppError && error.kind === 'forbidden', `${route}: ${String(error)}`);
      assert.match(error.message, new RegExp(`permission ${permissionFor(route).replace(/\./g, '\\.')} with admin consent`), route);
      assert.ok(ROUTE_PERMISSIONS[route].delegated.includes(permissionFor(route)), route);
    }
  });

  it('the simulated tenant answers without $select in the shape of the metadata: every stored token and app', async () => {
    const headers = { authorization: `Bearer ${tenant.issueAccessToken()}` };
    await service.revokeLicenses(TOKEN_ID, { notifyManagedDevices: false, revokeUntrackedLicenses: true });
    tenant.pageSize = 100;
    for (const url of [
      TOKENS,
      `${TOKENS}/${TOKEN_ID}`,
      "/beta/deviceAppManagement/mobileApps?$filter=isof('microsoft.graph.iosVppApp') or isof('microsoft.graph.macOsVppApp')",
    ]) {
      const response = await fetch(`${tenant.url}${url}`, { headers });
      assert.equal(response.status, 200, url);
    }
    const listed = tenant.responses.find((response) => response.body.includes('"value"'));
    assert.match(listed?.body ?? '', /"token":"SIMULATED-VPP-SECRET-/, 'without $select, Graph returns every property');
    assert.deepEqual(problems(), []);
  });

  describe('catches what the metadata does not allow', () => {
    it('a $select of a property only the docs list (lastAppCount)', () => {
      assert.deepEqual(contract.checkRequest('GET', `${TOKENS}?$select=id,lastAppCount`, ''), [
        '$select: microsoft.graph.vppToken has no property lastAppCount',
      ]);
    });

    it('an action body with a missing, mistyped or unknown parameter', () => {
      const revoke = `${TOKENS}/${TOKEN_ID}/revokeLicenses`;
      assert.deepEqual(contract.checkRequest('POST', revoke, '{"revokeUntrackedLicenses":true}'), [
        'revokeLicenses requires notifyManagedDevices',
      ]);
      assert.deepEqual(contract.checkRequest('POST', revoke, '{"notifyManagedDevices":"yes"}'), [
        'revokeLicenses.notifyManagedDevices: "yes" is not an Edm.Boolean',
      ]);
      assert.deepEqual(contract.checkRequest('POST', revoke, '{"notifyManagedDevices":true,"force":true}'), [
        'revokeLicenses has no parameter force',
      ]);
      assert.deepEqual(
        contract.checkRequest('POST', revoke, '{"notifyManagedDevices":true}'),
        [],
        'revokeUntrackedLicenses may be left out',
      );
    });

    it('a path Graph does not have, and an action bound to another type', () => {
      assert.deepEqual(contract.checkRequest('POST', '/beta/deviceAppManagement/mobileApps/app-1/revokeLicenses', '{}'), [
        '/beta/deviceAppManagement/mobileApps/app-1/revokeLicenses: microsoft.graph.mobileApp has no navigation property or bound action revokeLicenses',
      ]);
      assert.deepEqual(contract.checkRequest('GET', '/beta/deviceManagement/vppTokens', ''), [
        '/beta/deviceManagement/vppTokens: microsoft.graph.deviceManagement has no navigation property or bound action vppTokens',
      ]);
      assert.deepEqual(
        contract.checkRequest('POST', `${TOKENS}/${TOKEN_ID}/microsoft.graph.syncLicenses`, ''),
        [],
        'the qualified form is the same action',
      );
    });

    it('a cast to a type that is not derived from the collection', () => {
      assert.deepEqual(contract.checkRequest('GET', "/beta/deviceAppManagement/vppTokens?$filter=isof('microsoft.graph.iosVppApp')", ''), [
        '$filter: microsoft.graph.iosVppApp is not a type derived from microsoft.graph.vppToken',
      ]);
    });

    it('an answer with an enum value, a property or a type the metadata does not have', () => {
      const token = { id: 'a', state: 'someFutureState', lastAppCount: 3, expirationDateTime: 'soon', automaticallyUpdateApps: null };
      assert.deepEqual(contract.checkResponse(`${TOKENS}/a`, 200, JSON.stringify(token)), [
        'entity.state: "someFutureState" is not a member of microsoft.graph.vppTokenState',
        'entity: microsoft.graph.vppToken has no property lastAppCount',
        'entity.expirationDateTime: "soon" is not an Edm.DateTimeOffset',
        'entity.automaticallyUpdateApps is null, but Edm.Boolean there is not nullable',
      ]);
      const apps = {
        value: [
          { id: 'x', '@odata.type': '#microsoft.graph.vppToken' },
          { id: 'y', displayName: 'No type' },
          { id: 'z', '@odata.type': '#microsoft.graph.iosStoreApp' },
        ],
      };
      assert.deepEqual(contract.checkResponse('/beta/deviceAppManagement/mobileApps', 200, JSON.stringify(apps)), [
        'value[0]: @odata.type #microsoft.graph.vppToken is not microsoft.graph.mobileApp or a type derived from it',
        'value[1]: microsoft.graph.mobileApp is abstract, so the object must name its type in @odata.type',
        // iosStoreApp is a mobileApp in Graph; the extract holds only the VPP subtypes, and says so.
        'value[2]: @odata.type #microsoft.graph.iosStoreApp is not in the metadata extract; add it to test/fixtures before a payload uses it',
      ]);
    });

    it('a revoke answered with a body, and a sync answered with something other than the token', () => {
      assert.deepEqual(contract.checkResponse(`${TOKENS}/a/revokeLicenses`, 200, '{}'), [
        'revokeLicenses returns nothing, so Graph answers 204 with no body, not 200',
      ]);
      assert.deepEqual(contract.checkResponse(`${TOKENS}/a/syncLicenses`, 200, '{"value":{"id":"a","state":"fine"}}'), [
        'syncLicenses.state: "fine" is not a member of microsoft.graph.vppTokenState',
      ]);
    });
  });
});
