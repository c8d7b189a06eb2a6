import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import {
  AppAssignmentRecord,
  assignmentChangeRequest,
  assignmentRecord,
  assignmentSummary,
  assignmentWords,
  relicenses,
  withGroupName,
} from '../../src/graph/appAssignments';
import { asGraphPowerShell } from '../../src/graph/exactRequest';

const GROUP = '6f1c2a4e-0000-4000-8000-000000000001';

function graphAssignment(intent: string, target: Record<string, unknown>, settings: Record<string, unknown> | null = null) {
  return { id: `a-${intent}`, intent, target, settings };
}

describe("an app's assignments: what is read, what licenses again, and how it is said", () => {
  it('reads each target kind, the intent and the VPP settings that matter; anything else is named, never dropped', () => {
    const read = [
      graphAssignment(
        'required',
        { '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId: GROUP },
        {
          '@odata.type': '#microsoft.graph.iosVppAppAssignmentSettings',
          useDeviceLicensing: true,
          uninstallOnDeviceRemoval: false,
        },
      ),
      graphAssignment('required', { '@odata.type': '#microsoft.graph.exclusionGroupAssignmentTarget', groupId: GROUP }),
      graphAssignment('available', { '@odata.type': '#microsoft.graph.allLicensedUsersAssignmentTarget' }),
      graphAssignment('availableWithoutEnrollment', { '@odata.type': '#microsoft.graph.allDevicesAssignmentTarget' }),
      graphAssignment('uninstall', { '@odata.type': '#microsoft.graph.configurationManagerCollectionAssignmentTarget' }),
      graphAssignment('somethingNew', { '@odata.type': '#microsoft.graph.groupAssignmentTarget' }),
    ].map(assignmentRecord);
    assert.deepEqual(
      read.map((assignment) => [assignment.intent, assignment.target, assignment.useDeviceLicensing, assignment.uninstallOnDeviceRemoval]),
      [
        ['required', { kind: 'group', groupId: GROUP }, true, false],
        ['required', { kind: 'exclusion', groupId: GROUP }, undefined, undefined],
        ['available', { kind: 'allUsers' }, undefined, undefined],
        ['availableWithoutEnrollment', { kind: 'allDevices' }, undefined, undefined],
        ['uninstall', { kind: 'other', type: 'configurationManagerCollectionAssignmentTarget' }, undefined, undefined],
        ['unknown', { kind: 'other', type: '#microsoft.graph.groupAssignmentTarget' }, undefined, undefined],
      ],
    );
    assert.deepEqual(read.map(relicenses), [true, false, true, true, false, false]);
    assert.deepEqual(
      read.map((assignment) => assignmentWords(withGroupName(assignment, new Map([[GROUP, 'Tokyo iPads']])))),
      [
        'Required: group Tokyo iPads',
        'Required: excluded group Tokyo iPads',
        'Available: All users',
        'Available without enrollment: All devices',
        'Uninstall: a target of type configurationManagerCollectionAssignmentTarget',
        'an intent not known here: a target of type #microsoft.graph.groupAssignmentTarget',
      ],
    );
  });

  it('a name from Graph is text: no line break, no control character reaches a confirmation', () => {
    const sneaky = assignmentRecord(
      graphAssignment('required', { '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId: 'g\n[Click](command:x)' }),
    );
    assert.doesNotMatch(assignmentWords(sneaky), /\n/);
  });

  it('sums an app up in one line, exclusions left out ("Required: 2 groups · Available: All users")', () => {
    const group = (id: string, intent: AppAssignmentRecord['intent']): AppAssignmentRecord => ({
      id,
      intent,
      target: { kind: 'group', groupId: id },
    });
    assert.equal(
      assignmentSummary([
        group('g1', 'required'),
        group('g2', 'required'),
        { id: 'x', intent: 'required', target: { kind: 'exclusion', groupId: 'g3' } },
        { id: 'u', intent: 'available', target: { kind: 'allUsers' } },
      ]),
      'Required: 2 groups · Available: All users',
    );
    assert.equal(assignmentSummary([group('g1', 'uninstall')]), 'Uninstall: 1 group');
    assert.equal(assignmentSummary([]), 'not assigned');
    assert.equal(assignmentSummary([{ id: 'x', intent: 'required', target: { kind: 'exclusion', groupId: 'g3' } }]), 'not assigned');
  });

  it('an exclusion never licenses, whatever its intent; Uninstall never does, whatever its target', () => {
    const target = fc.oneof(
      fc.constant({ kind: 'allUsers' as const }),
      fc.constant({ kind: 'allDevices' as const }),
      fc.string().map((groupId) => ({ kind: 'group' as const, groupId })),
      fc.string().map((groupId) => ({ kind: 'exclusion' as const, groupId })),
    );
    const intent = fc.constantFrom('required', 'available', 'availableWithoutEnrollment', 'uninstall', 'unknown') as fc.Arbitrary<
      AppAssignmentRecord['intent']
    >;
    fc.assert(
      fc.property(intent, target, (chosen, aimed) => {
        const licensing = relicenses({ id: 'a', intent: chosen, target: aimed });
        assert.equal(licensing, aimed.kind !== 'exclusion' && chosen !== 'uninstall' && chosen !== 'unknown');
      }),
    );
  });

  it('changes one assignment by its own route, never the whole set: a PATCH of the intent, or a DELETE', () => {
    assert.deepEqual(assignmentChangeRequest('app/1', 'a 1', 'uninstall'), {
      method: 'PATCH',
      path: '/deviceAppManagement/mobileApps/app%2F1/assignments/a%201',
      body: { '@odata.type': '#microsoft.graph.mobileAppAssignment', intent: 'uninstall' },
    });
    assert.deepEqual(assignmentChangeRequest('app-1', 'a-1', 'remove'), {
      method: 'DELETE',
      path: '/deviceAppManagement/mobileApps/app-1/assignments/a-1',
    });
    assert.throws(() => assignmentChangeRequest('..', 'a-1', 'remove'), /not valid/);
    assert.throws(() => assignmentChangeRequest('app-1', '', 'remove'), /not valid/);
  });

  it("copies as the Graph PowerShell module's own cmdlets", () => {
    assert.equal(
      asGraphPowerShell(assignmentChangeRequest('app-1', "a'1", 'uninstall'), 'global', 'https://graph.microsoft.com'),
      "Update-MgBetaDeviceAppManagementMobileAppAssignment -MobileAppId 'app-1' -MobileAppAssignmentId 'a''1' -Intent 'uninstall'",
    );
    assert.equal(
      asGraphPowerShell(assignmentChangeRequest('app-1', 'a-1', 'remove'), 'global', 'https://graph.microsoft.com'),
      "Remove-MgBetaDeviceAppManagementMobileAppAssignment -MobileAppId 'app-1' -MobileAppAssignmentId 'a-1'",
    );
    const other = {
      method: 'PATCH' as const,
      path: '/deviceAppManagement/mobileApps/app-1/assignments/a-1',
      body: { intent: 'required', settings: {} },
    };
    assert.match(asGraphPowerShell(other, 'global', 'https://graph.microsoft.com'), /^Invoke-MgGraphRequest -Method PATCH/);
  });
});
