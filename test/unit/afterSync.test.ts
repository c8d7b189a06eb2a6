import * as assert from 'node:assert/strict';
import { afterSyncWords, CameBack, readAfterSync } from '../../src/commands/licenses/afterSync';
import { assignmentRecord } from '../../src/graph/appAssignments';
import { VppTokenRecord } from '../../src/graph/vppRecords';
import { seedTokens } from '../simulatedTenant/seed';
import { SimulatedTenant } from '../simulatedTenant/server';
import { commandHarness, useSimulatedTenant } from '../support/harness';

const SYNCED = '2026-12-08T02:58:03.807Z';
const TOKEN = { id: 't' } as VppTokenRecord;

function came(name: string, used: number, assignments: CameBack['assignments']): CameBack {
  return { app: { id: `id-${name}`, displayName: name, usedLicenseCount: used }, assignments };
}

const required = assignmentRecord({
  id: 'r',
  intent: 'required',
  target: { '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId: 'g-1' },
});

describe("the used licenses read after a revoke's next sync", () => {
  it('says none came back, or how many did, on which apps, and what brought each back (or that it is not known)', () => {
    assert.equal(
      afterSyncWords({ kind: 'read', token: TOKEN, syncedAt: SYNCED, back: [] }),
      "No license came back after Intune's sync of 2026-12-08 02:58 UTC.",
    );
    assert.equal(
      afterSyncWords({
        kind: 'read',
        token: TOKEN,
        syncedAt: SYNCED,
        back: [came('Teams', 5, [required]), came('Keynote', 2, []), came('Pages', 1, undefined)],
      }),
      "8 licenses came back after Intune's sync of 2026-12-08 02:58 UTC: Teams: 5 used, Required: group g-1 · " +
        'Keynote: 2 used, no Required or Available assignment · Pages: 1 used, its assignments could not be read.',
    );
  });

  it("an app's several assignments are each named; five apps are named whole, without 'and more'", () => {
    const available = assignmentRecord({
      id: 'v',
      intent: 'available',
      target: { '@odata.type': '#microsoft.graph.allLicensedUsersAssignmentTarget' },
    });
    const words = afterSyncWords({
      kind: 'read',
      token: TOKEN,
      syncedAt: SYNCED,
      back: Array.from({ length: 5 }, (_, index) => came(`App ${index}`, 1, [required, available])),
    });
    assert.match(words, /App 0: 1 used, Required: group g-1; Available: All users · App 1/);
    assert.doesNotMatch(words, /more apps/);
  });

  it('names five apps and counts the rest, with every license in the total', () => {
    const back = Array.from({ length: 7 }, (_, index) => came(`App ${index}`, 1, [required]));
    const words = afterSyncWords({ kind: 'read', token: TOKEN, syncedAt: SYNCED, back });
    assert.match(words, /^7 licenses came back/);
    assert.match(words, /App 4: 1 used/);
    assert.doesNotMatch(words, /App 5/);
    assert.match(words, / … and 2 more apps\.$/);
  });

  describe('reading the tenant (simulated tenant)', () => {
    let tenant: SimulatedTenant;
    const school = seedTokens()[9];
    useSimulatedTenant(
      { revokeCompletionMs: 0 },
      (started) => (tenant = started),
      () => tenant.reset(),
    );

    it("before a sync later than the revoke's result: not synced, and nothing but the token is read", async () => {
      const { context } = commandHarness(tenant, []);
      const syncedAt = tenant.tokens.get(school.id)?.lastSyncDateTime ?? '';
      const found = await readAfterSync(context, { tokenId: school.id }, syncedAt, new AbortController().signal);
      assert.deepEqual(found, { kind: 'notSynced' });
      assert.deepEqual(
        tenant.requests.map((request) => request.route),
        ['get'],
      );
    });

    it('after the sync: only the apps that use licenses are named; an app whose assignments cannot be read is not known', async () => {
      const { context } = commandHarness(tenant, []);
      tenant.apps.filter((app) => app.id === 'app-9-1').forEach((app) => (app.usedLicenseCount = 0));
      tenant.addFault({ route: 'appAssignments', status: 403, times: 5 });
      const found = await readAfterSync(context, { tokenId: school.id }, '2000-01-01T00:00:00Z', new AbortController().signal);
      assert.equal(found.kind, 'read');
      assert.deepEqual(found.kind === 'read' ? found.back.map(({ app, assignments }) => [app.id, assignments]) : [], [
        ['app-9-0', undefined],
      ]);
    });

    it('a token read refused is an error, not a token gone', async () => {
      const { context } = commandHarness(tenant, []);
      tenant.addFault({ route: 'get', status: 403 });
      await assert.rejects(
        readAfterSync(context, { tokenId: school.id }, '2000-01-01T00:00:00Z', new AbortController().signal),
        /permission/,
      );
    });

    it('for an app revoke, only that app; a token gone is gone', async () => {
      const { context } = commandHarness(tenant, []);
      const found = await readAfterSync(
        context,
        { tokenId: school.id, appId: 'app-9-1' },
        '2000-01-01T00:00:00Z',
        new AbortController().signal,
      );
      assert.deepEqual(found.kind === 'read' ? found.back.map(({ app, assignments }) => [app.id, assignments?.map((a) => a.intent)]) : [], [
        ['app-9-1', ['available']],
      ]);
      tenant.tokens.delete(school.id);
      assert.deepEqual(await readAfterSync(context, { tokenId: school.id }, '2000-01-01T00:00:00Z', new AbortController().signal), {
        kind: 'gone',
      });
    });
  });
});
