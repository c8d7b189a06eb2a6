import * as assert from 'node:assert/strict';
import { revokeAppLicenses } from '../../src/commands/licenses/appLicenses';
import { revokeLicenses } from '../../src/commands/licenses/revokeLicenses';
import { retireToken } from '../../src/commands/tokens/retireToken';
import { VppTokenRecord } from '../../src/graph/vppRecords';
import { MemoryJournal, testJournal } from '../support/memoryJournal';
import { seedTokens } from '../simulatedTenant/seed';
import { SimulatedTenant } from '../simulatedTenant/server';
import { commandHarness, useSimulatedTenant } from '../support/harness';
import { Answer } from '../support/scriptedUserInput';

const TOKYO_IPADS = '6f1c2a4e-0000-4000-8000-000000000001';
const CHANGE_FIRST = 'Change Assignments First…';

describe('a revoke of a token whose apps are still assigned (scripted UI, simulated tenant)', () => {
  let tenant: SimulatedTenant;
  const seed = seedTokens();
  /** The tenth token: Teams required for a group (another group excluded), Outlook available to all users. */
  const school = seed[9];
  const hq = seed[0];

  useSimulatedTenant(
    { revokeCompletionMs: 20 },
    (started) => (tenant = started),
    () => tenant.reset(),
  );

  function setup(answers: Answer[]) {
    const sink = new MemoryJournal();
    const harness = commandHarness(tenant, answers, { journal: testJournal(sink), polling: { delaysMs: [20, 40, 80] } });
    return { ...harness, sink };
  }

  function revoke(harness: ReturnType<typeof setup>, token: VppTokenRecord) {
    return harness.run(revokeLicenses(harness.context, [token]));
  }

  /** The writes the tenant received, in order, as "METHOD path body". */
  function writes(): string[] {
    return tenant.requests
      .filter((request) => request.method !== 'GET' && request.route !== 'batch')
      .map((request) => `${request.method} ${request.url} ${request.body}`);
  }

  it('the confirmation names each app still assigned Required or Available, and its targets; not the exclusion or an Uninstall', async () => {
    const harness = setup([{ pickMany: [] }, 'escape']);
    await revoke(harness, school);
    const [confirmation] = harness.ui.of('confirm');
    const detail = confirmation.detail ?? '';
    assert.match(detail, /Still assigned: Intune licenses these apps again at the next check-in or sync/);
    assert.match(detail, new RegExp(`• Microsoft Teams: Required: group ${TOKYO_IPADS}\\n`));
    assert.match(detail, /• Microsoft Outlook: Available: All users\n/);
    assert.doesNotMatch(detail, /excluded group/);
    assert.match(
      detail,
      /turn on the setting intuneVpp\.readGroupNames: the sign-in then also asks for the directory permission GroupMember\.Read\.All/,
    );
    assert.ok(
      tenant.requests.every((request) => !request.url.includes('/groups/')),
      'no group is read unless the admin turned it on',
    );
    assert.deepEqual(confirmation.buttons, ['Revoke Anyway', CHANGE_FIRST, 'Back']);
    // The token's two apps were read in one JSON batch.
    const [batch] = tenant.requestsFor('batch');
    assert.equal((JSON.parse(batch.body) as { requests: unknown[] }).requests.length, 2);
    assert.deepEqual(writes(), [], 'Escape sends nothing');
  });

  it('with intuneVpp.readGroupNames on and the permission granted, groups are named, read in one batch; without the permission, the line says why', async () => {
    tenant.permissions = [...tenant.permissions, 'GroupMember.Read.All'];
    const named = commandHarness(tenant, [{ pickMany: [] }, 'escape'], { groupNames: true });
    await named.run(revokeLicenses(named.context, [school]));
    const detail = named.ui.of('confirm')[0]?.detail ?? '';
    assert.match(detail, /• Microsoft Teams: Required: group Grade 5 iPads\n/);
    assert.doesNotMatch(detail, /shown by id/);
    const groupReads = tenant.requests.filter((request) => request.route === 'group');
    assert.deepEqual(
      groupReads.map((request) => request.url).sort(),
      [
        `/beta/groups/${TOKYO_IPADS}?$select=id,displayName`,
        '/beta/groups/6f1c2a4e-0000-4000-8000-000000000002?$select=id,displayName',
      ].sort(),
      'the two groups of the assignments, each once',
    );
    assert.equal(new Set(groupReads.map((request) => request.headers['x-sim-batch'])).size, 1, 'in one JSON batch');

    tenant.reset();
    const refused = commandHarness(tenant, [{ pickMany: [] }, 'escape'], { groupNames: true });
    await refused.run(revokeLicenses(refused.context, [school]));
    const refusedDetail = refused.ui.of('confirm')[0]?.detail ?? '';
    assert.match(refusedDetail, new RegExp(`• Microsoft Teams: Required: group ${TOKYO_IPADS}\\n`));
    assert.match(refusedDetail, /could not be named: the directory permission GroupMember\.Read\.All is not granted to the app/);
  });

  it('a token none of whose apps is assigned to be licensed again: the usual confirmation, one button', async () => {
    const harness = setup([{ pickMany: [] }, { confirm: false }]);
    await revoke(harness, hq);
    const [confirmation] = harness.ui.of('confirm');
    assert.doesNotMatch(confirmation.detail ?? '', /Still assigned|not known/);
    assert.deepEqual(confirmation.buttons, ['Revoke Licenses', 'Back']);
  });

  it('Revoke Anyway: the revoke alone, no assignment changed', async () => {
    const harness = setup([{ pickMany: [] }, { button: 'Revoke Anyway' }]);
    await revoke(harness, school);
    assert.deepEqual(writes(), [
      `POST /beta/deviceAppManagement/vppTokens/${school.id}/revokeLicenses {"notifyManagedDevices":false,"revokeUntrackedLicenses":false}`,
    ]);
  });

  it('Set them to Uninstall: each of those assignments changed once, alone, before the revoke; each in History', async () => {
    const harness = setup([{ pickMany: [] }, { button: CHANGE_FIRST }, { pick: 'Set them to Uninstall' }]);
    await revoke(harness, school);
    const uninstall = '{"@odata.type":"#microsoft.graph.mobileAppAssignment","intent":"uninstall"}';
    assert.deepEqual(writes(), [
      `PATCH /beta/deviceAppManagement/mobileApps/app-9-0/assignments/app-9-0-required ${uninstall}`,
      `PATCH /beta/deviceAppManagement/mobileApps/app-9-1/assignments/app-9-1-available ${uninstall}`,
      `POST /beta/deviceAppManagement/vppTokens/${school.id}/revokeLicenses {"notifyManagedDevices":false,"revokeUntrackedLicenses":false}`,
    ]);
    assert.deepEqual(
      tenant.assignments.get('app-9-0')?.map((assignment) => [assignment.id, assignment.intent]),
      [
        ['app-9-0-required', 'uninstall'],
        ['app-9-0-excluded', 'required'],
      ],
      'the exclusion is left as it was',
    );
    const entries = harness.sink.entries();
    assert.deepEqual(
      entries.map((entry) => [entry.intent.operation, entry.intent.target.appName, entry.intent.target.holderName, entry.outcome?.outcome]),
      [
        ['uninstallAssignment', 'Microsoft Teams', `Required: group ${TOKYO_IPADS}`, 'accepted'],
        ['uninstallAssignment', 'Microsoft Outlook', 'Available: All users', 'accepted'],
        ['revokeLicenses', undefined, undefined, 'accepted'],
      ],
    );
    assert.equal(entries[0].intent.target.tokenId, school.id);
    const [pick] = harness.ui.of('pickOne');
    assert.deepEqual(
      [pick.title, pick.step, pick.items?.map((item) => [item.label, item.detail, item.value])],
      [
        'Before the revoke: 2 assignments of 2 apps',
        '3/3',
        [
          [
            'Set them to Uninstall',
            'Intune reclaims each license and removes the app from the devices and users the assignment targets.',
            'uninstall',
          ],
          [
            'Remove them',
            'Intune stops licensing the app again; the app stays installed where it is, without a license after the revoke.',
            'remove',
          ],
        ],
      ],
    );
    assert.deepEqual(
      harness.ui
        .of('progress')
        .map((progress) => progress.title)
        .filter((title) => title?.startsWith('Setting')),
      [
        `Setting the assignment of "Microsoft Teams" (Required: group ${TOKYO_IPADS}) to Uninstall…`,
        'Setting the assignment of "Microsoft Outlook" (Available: All users) to Uninstall…',
      ],
    );
  });

  it('Remove them: each of those assignments deleted once, alone, then the revoke', async () => {
    const harness = setup([{ pickMany: [] }, { button: CHANGE_FIRST }, { pick: 'Remove them' }]);
    await revoke(harness, school);
    assert.deepEqual(writes().slice(0, 2), [
      'DELETE /beta/deviceAppManagement/mobileApps/app-9-0/assignments/app-9-0-required ',
      'DELETE /beta/deviceAppManagement/mobileApps/app-9-1/assignments/app-9-1-available ',
    ]);
    assert.equal(tenant.requestsFor('revoke').length, 1);
    assert.ok(
      harness.ui
        .of('progress')
        .some((progress) => progress.title === 'Removing the assignment of "Microsoft Outlook" (Available: All users)…'),
    );
    assert.deepEqual(
      [...tenant.assignments]
        .filter(([, assignments]) => assignments.length > 0)
        .map(([app, assignments]) => [app, assignments.map((a) => a.id)]),
      [
        ['app-8-2', ['app-8-2-uninstall']],
        ['app-9-0', ['app-9-0-excluded']],
      ],
    );
  });

  it('Back from the change step returns to the confirmation; Escape there sends nothing', async () => {
    const harness = setup([{ pickMany: [] }, { button: CHANGE_FIRST }, 'back', 'escape']);
    await revoke(harness, school);
    assert.equal(harness.ui.of('confirm').length, 2);
    assert.deepEqual(writes(), []);
  });

  it("a change whose answer is lost is reconciled by reading the app's assignments, never sent twice", async () => {
    tenant.addFault({ route: 'assignmentUpdate', status: 504, afterExecute: true, times: 1 });
    const harness = setup([{ pickMany: [] }, { button: CHANGE_FIRST }, { pick: 'Set them to Uninstall' }]);
    await revoke(harness, school);
    assert.equal(tenant.requestsFor('assignmentUpdate').filter((request) => request.url.endsWith('app-9-0-required')).length, 1);
    assert.ok(
      tenant.requestsFor('appAssignments').some((request) => !request.headers['x-sim-batch']),
      'the app was read alone',
    );
    assert.equal(tenant.requestsFor('revoke').length, 1);
    assert.match(harness.sink.entries()[0].outcome?.reason ?? '', /the assignment is set to Uninstall/);
  });

  it('a change left unconfirmed (its answer lost, the app shows no change, the admin dismisses): the revoke is not sent', async () => {
    tenant.addFault({ route: 'assignmentUpdate', status: 504, times: 1 });
    const harness = setup([{ pickMany: [] }, { button: CHANGE_FIRST }, { pick: 'Set them to Uninstall' }]);
    await revoke(harness, school);
    assert.equal(tenant.requestsFor('assignmentUpdate').length, 1, 'sent once, never again on its own');
    assert.equal(tenant.requestsFor('revoke').length, 0);
    assert.match(
      harness.ui.of('error')[0]?.message ?? '',
      /The change of the assignment of "Microsoft Teams" \(Required: group .*\) is not confirmed/,
    );
    assert.deepEqual(
      harness.ui.of('info').map((info) => info.message),
      ['The licenses were not revoked: the change of an assignment of "Microsoft Teams" is not confirmed. See History.'],
    );
    assert.equal(harness.sink.entries()[0].outcome?.outcome, 'unconfirmed');
  });

  it('a token without apps: no assignment read, no progress for it', async () => {
    const harness = setup([{ pickMany: [] }, 'escape']);
    await revoke(harness, seed[12]);
    assert.deepEqual(tenant.requestsFor('appAssignments'), []);
    assert.ok(!harness.ui.of('progress').some((progress) => progress.title === 'Reading how the apps are assigned…'));
  });

  it('a change refused: the revoke is not sent, and the error says why', async () => {
    tenant.addFault({ route: 'assignmentUpdate', status: 403 });
    const harness = setup([{ pickMany: [] }, { button: CHANGE_FIRST }, { pick: 'Set them to Uninstall' }]);
    await revoke(harness, school);
    assert.equal(tenant.requestsFor('revoke').length, 0);
    assert.match(harness.ui.of('error')[0]?.message ?? '', /DeviceManagementApps\.ReadWrite\.All/);
  });

  it('assignments that cannot be read are named as not known, never counted as not assigned', async () => {
    // Refused inside the batch, and again when each app is read alone.
    tenant.addFault({ route: 'appAssignments', status: 403, times: 4 });
    const harness = setup([{ pickMany: [] }, 'escape']);
    await revoke(harness, school);
    const [confirmation] = harness.ui.of('confirm');
    assert.match(
      confirmation.detail ?? '',
      /How 2 apps are assigned is not known \(it needs the permission DeviceManagementApps\.ReadWrite\.All\): they may be licensed again too\. Microsoft Teams, Microsoft Outlook/,
    );
    assert.deepEqual(confirmation.buttons, ['Revoke Licenses', 'Back']);
  });

  it('Retire Token…: the same names and choice; the changes go first, then the one revoke, and the delete still asks', async () => {
    const harness = setup([{ pickMany: [] }, { button: CHANGE_FIRST }, { pick: 'Set them to Uninstall' }, { confirm: false }]);
    await harness.run(retireToken(harness.context, school, 'en'));
    const [confirmation] = harness.ui.of('confirm');
    assert.equal(confirmation.message, `Retire the VPP token "${school.displayName}"?`);
    assert.match(confirmation.detail ?? '', /• Microsoft Teams: Required: group .*\n• Microsoft Outlook: Available: All users/);
    assert.deepEqual(confirmation.buttons, ['Retire Anyway', CHANGE_FIRST]);
    assert.deepEqual(
      writes().map((write) => write.split(' ').slice(0, 2).join(' ')),
      [
        'PATCH /beta/deviceAppManagement/mobileApps/app-9-0/assignments/app-9-0-required',
        'PATCH /beta/deviceAppManagement/mobileApps/app-9-1/assignments/app-9-1-available',
        `POST /beta/deviceAppManagement/vppTokens/${school.id}/revokeLicenses`,
      ],
      'the delete was declined: not sent',
    );
  });

  it("Revoke App Licenses…: only that app's assignments are named and changed, then the app's revoke", async () => {
    const teams = (await setup([]).context.service().listVppApps()).find((app) => app.id === 'app-9-0');
    assert.ok(teams);
    tenant.requests.length = 0;
    const harness = setup([{ pick: 'Do not notify devices' }, { button: CHANGE_FIRST }, { pick: 'Remove them' }]);
    await harness.run(revokeAppLicenses(harness.context, teams, school));
    const [confirmation] = harness.ui.of('confirm');
    assert.match(confirmation.detail ?? '', /• Microsoft Teams: Required: group /);
    assert.doesNotMatch(confirmation.detail ?? '', /Outlook/);
    assert.deepEqual(
      writes().map((write) => write.split(' ').slice(0, 2).join(' ')),
      [
        'DELETE /beta/deviceAppManagement/mobileApps/app-9-0/assignments/app-9-0-required',
        'POST /beta/deviceAppManagement/mobileApps/app-9-0/microsoft.graph.iosVppApp/revokeAllLicenses',
      ],
    );
    // One app: its assignments read alone, not in a batch.
    assert.deepEqual(tenant.requestsFor('batch'), []);
    assert.equal(harness.sink.entries()[0].intent.target.tokenId, school.id);
  });

  it('Back from the change step of Retire Token… shows its confirmation again, with the same choice', async () => {
    const harness = setup([{ pickMany: [] }, { button: CHANGE_FIRST }, 'back', { button: 'Retire Anyway' }, { confirm: false }]);
    await harness.run(retireToken(harness.context, school, 'en'));
    const [first, again] = harness.ui.of('confirm');
    assert.deepEqual([again.message, again.detail, again.buttons], [first.message, first.detail, first.buttons]);
    assert.deepEqual(
      writes().map((write) => write.split(' ')[0]),
      ['POST'],
      'Retire Anyway: the revoke alone',
    );
  });

  it('Escape in the change step of Retire Token… sends nothing', async () => {
    const harness = setup([{ pickMany: [] }, { button: CHANGE_FIRST }, 'escape']);
    await harness.run(retireToken(harness.context, school, 'en'));
    assert.deepEqual(writes(), []);
  });
});
