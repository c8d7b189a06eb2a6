import * as assert from 'node:assert/strict';
import { readAssignments } from '../../src/graph/assignmentReads';
import { VppError } from '../../src/errors';
import { VppTokenService } from '../../src/graph/vppTokenService';
import { SimulatedTenant } from '../simulatedTenant/server';
import { signedInService } from '../support/fixtures';
import { useSimulatedTenant } from '../support/harness';

describe("reading many apps' assignments for a confirmation: JSON batches, and each app alone where a batch could not answer", () => {
  let tenant: SimulatedTenant;
  let service: VppTokenService;

  useSimulatedTenant(
    {},
    (started) => (tenant = started),
    () => {
      tenant.reset();
      service = signedInService(tenant);
    },
  );

  function intents(read: Awaited<ReturnType<typeof readAssignments>>, id: string): string[] | string {
    const app = read.get(id);
    return app?.kind === 'read' ? app.assignments.map((assignment) => assignment.intent) : 'unknown';
  }

  it('every app once, 20 to a batch, and no app read alone when the batches answered', async () => {
    const unique = tenant.apps.filter((app) => app.vppTokenId).map((app) => app.id);
    const apps = [...unique, ...unique.slice(0, 5)];
    assert.ok(unique.length > 20);
    const read = await readAssignments(service, apps, new AbortController().signal, 0);
    assert.equal(read.size, unique.length);
    assert.equal(tenant.requestsFor('batch').length, Math.ceil(unique.length / 20));
    assert.ok(tenant.requestsFor('appAssignments').every((request) => request.headers['x-sim-batch']));
    assert.deepEqual(intents(read, 'app-9-0'), ['required', 'required']);
    assert.deepEqual(intents(read, 'app-8-2'), ['uninstall']);
    assert.deepEqual(intents(read, 'app-0-0'), []);
  });

  it('an app throttled inside the batch is read alone after the wait Graph asked for; every other app is not read again', async () => {
    tenant.addFault({ route: 'appAssignments', status: 429, retryAfter: '0', times: 1 });
    const read = await readAssignments(service, ['app-9-0', 'app-9-1', 'app-8-2'], new AbortController().signal, 0);
    assert.deepEqual(
      [...read.values()].map((app) => app.kind),
      ['read', 'read', 'read'],
    );
    const alone = tenant.requestsFor('appAssignments').filter((request) => !request.headers['x-sim-batch']);
    assert.equal(alone.length, 1);
    assert.equal(tenant.requestsFor('appAssignments').filter((request) => request.appId === alone[0].appId).length, 2);
  });

  it("the wait before that read is the throttled answer's own Retry-After (at least)", async () => {
    tenant.addFault({ route: 'appAssignments', status: 429, retryAfter: '1', times: 1 });
    await readAssignments(service, ['app-9-0', 'app-9-1'], new AbortController().signal, 0);
    const [batch] = tenant.requestsFor('batch');
    const [alone] = tenant.requestsFor('appAssignments').filter((request) => !request.headers['x-sim-batch']);
    assert.ok(alone.time - batch.time >= 1000, `read alone ${alone.time - batch.time} ms after the batch`);
  });

  it('a batch that failed: each of its apps read alone; an app with more than one page: read alone, every page', async () => {
    tenant.addFault({ route: 'batch', status: 500, times: 1 });
    const failed = await readAssignments(service, ['app-9-0', 'app-9-1'], new AbortController().signal, 0);
    assert.deepEqual(intents(failed, 'app-9-1'), ['available']);
    assert.deepEqual(
      tenant.requestsFor('appAssignments').map((request) => [request.appId, request.headers['x-sim-batch'] === undefined]),
      [
        ['app-9-0', true],
        ['app-9-1', true],
      ],
      'the batch failed as a whole: each app read alone',
    );
    tenant.requests.length = 0;
    tenant.pageSize = 1;
    const paged = await readAssignments(service, ['app-9-0', 'app-9-1'], new AbortController().signal, 0);
    assert.deepEqual(intents(paged, 'app-9-0'), ['required', 'required']);
    assert.deepEqual(
      tenant
        .requestsFor('appAssignments')
        .filter((request) => !request.headers['x-sim-batch'])
        .map((request) => request.url),
      ['/beta/deviceAppManagement/mobileApps/app-9-0/assignments', '/beta/deviceAppManagement/mobileApps/app-9-0/assignments?$skiptoken=1'],
      'its two pages, read alone',
    );
  });

  it('an app that cannot be read is unknown with its error; cancelling stops and throws', async () => {
    tenant.addFault({ route: 'appAssignments', status: 404, times: 2 });
    const read = await readAssignments(service, ['app-9-0'], new AbortController().signal, 0);
    const app = read.get('app-9-0');
    assert.ok(app?.kind === 'unknown' && app.error instanceof VppError && app.error.kind === 'notFound');
    const stop = new AbortController();
    stop.abort();
    await assert.rejects(
      readAssignments(service, ['app-9-0', 'app-9-1'], stop.signal, 0),
      (error) => error instanceof VppError && error.kind === 'cancelled',
    );
  });

  it('with group names on: every group named, twenty to a batch; an app whose assignments could not be read stays not known', async () => {
    const apps = tenant.apps.filter((app) => app.vppTokenId).slice(0, 25);
    apps.forEach((app, index) => {
      const groupId = `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`;
      tenant.groups.set(groupId, `Group ${index}`);
      tenant.assignments.set(app.id, [
        {
          '@odata.type': '#microsoft.graph.mobileAppAssignment',
          id: `${app.id}-a`,
          intent: 'required',
          source: 'direct',
          sourceId: null,
          target: { '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId },
          settings: null,
        },
      ]);
    });
    // The first app's assignments are refused, in the batch and alone.
    tenant.addFault({ route: 'appAssignments', tokenId: apps[0].id, status: 403, times: 2 });
    const naming = signedInService(tenant, undefined, [...tenant.permissions, 'GroupMember.Read.All']);
    const read = await readAssignments(
      naming,
      apps.map((app) => app.id),
      new AbortController().signal,
      0,
    );
    const named = [...read.values()].flatMap((app) =>
      app.kind === 'read' ? app.assignments.map(({ target }) => (target.kind === 'group' ? target.groupName : undefined)) : [],
    );
    assert.equal([...read.values()].filter((app) => app.kind === 'unknown').length, 1, 'the refused app, not known');
    assert.equal(named.length, 24);
    assert.ok(named.every((name) => name?.startsWith('Group ')));
    const groupBatches = tenant
      .requestsFor('batch')
      .filter((batch) => batch.body.includes('/groups/'))
      .map((batch) => (JSON.parse(batch.body) as { requests: unknown[] }).requests.length);
    assert.deepEqual(groupBatches, [20, 4]);
  });
});
