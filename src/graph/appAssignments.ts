import type { InstallIntent } from '@microsoft/microsoft-graph-types-beta';
import * as l10n from '@vscode/l10n';
import { VppError } from '../errors';
import { plainText } from '../text';
import { GraphWrite } from './exactRequest';
import { APPS_PATH } from './vppRecords';

/** Who an assignment targets: a group (or a group excluded), every licensed user, every device, or a kind not known here. */
export type AssignmentTarget =
  | { readonly kind: 'group' | 'exclusion'; readonly groupId: string; readonly groupName?: string }
  | { readonly kind: 'allUsers' | 'allDevices' }
  | { readonly kind: 'other'; readonly type: string };

/** One assignment of an app as the extension keeps it: Graph's record, cleaned, with only what a revoke needs. */
export interface AppAssignmentRecord {
  readonly id: string;
  readonly intent: InstallIntent | 'unknown';
  readonly target: AssignmentTarget;
  /** iosVppAppAssignmentSettings.useDeviceLicensing, when Graph sent it. */
  readonly useDeviceLicensing?: boolean;
  /** iosVppAppAssignmentSettings.uninstallOnDeviceRemoval, when Graph sent it. */
  readonly uninstallOnDeviceRemoval?: boolean;
}

const INTENTS: readonly string[] = ['available', 'required', 'uninstall', 'availableWithoutEnrollment'];

/** The path of a directory group. */
export function groupPath(groupId: string): string {
  if (groupId.length === 0 || groupId === '.' || groupId === '..') {
    throw new VppError('badRequest', l10n.t('The id "{0}" is not valid.', groupId));
  }
  return `/groups/${encodeURIComponent(groupId)}`;
}

/** The path of an app's assignments, or of one of them. */
export function assignmentsPath(appId: string, assignmentId?: string): string {
  for (const id of [appId, assignmentId]) {
    if (id !== undefined && (typeof id !== 'string' || id.length === 0 || id === '.' || id === '..')) {
      throw new VppError('badRequest', l10n.t('The id "{0}" is not valid.', String(id)));
    }
  }
  const one = assignmentId === undefined ? '' : `/${encodeURIComponent(assignmentId)}`;
  return `${APPS_PATH}/${encodeURIComponent(appId)}/assignments${one}`;
}

/**
 * The change of one assignment that stops Intune from licensing its app again: its intent set to Uninstall (a PATCH
 * of that assignment alone), or the assignment deleted. Never the app's `assign` action, which replaces every
 * assignment of the app.
 */
export function assignmentChangeRequest(appId: string, assignmentId: string, change: AssignmentChange): GraphWrite {
  const path = assignmentsPath(appId, assignmentId);
  return change === 'uninstall'
    ? { method: 'PATCH', path, body: { '@odata.type': '#microsoft.graph.mobileAppAssignment', intent: 'uninstall' } }
    : { method: 'DELETE', path };
}

/** What the admin chose to do with an assignment that would license its app again. */
export type AssignmentChange = 'uninstall' | 'remove';

function targetOf(value: unknown): AssignmentTarget {
  const target = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  const type = typeof target['@odata.type'] === 'string' ? target['@odata.type'] : '';
  const groupId = plainText(target.groupId, 100);
  switch (type) {
    case '#microsoft.graph.groupAssignmentTarget':
      return groupId ? { kind: 'group', groupId } : { kind: 'other', type };
    case '#microsoft.graph.exclusionGroupAssignmentTarget':
      return groupId ? { kind: 'exclusion', groupId } : { kind: 'other', type };
    case '#microsoft.graph.allLicensedUsersAssignmentTarget':
      return { kind: 'allUsers' };
    case '#microsoft.graph.allDevicesAssignmentTarget':
      return { kind: 'allDevices' };
    default:
      return { kind: 'other', type: plainText(type.replace(/^#microsoft\.graph\./, ''), 100) };
  }
}

/** An assignment as Graph answered it, cleaned: its id (required), intent, target and the VPP settings that matter here. */
export function assignmentRecord(item: Record<string, unknown> & { id: string }): AppAssignmentRecord {
  const settings = (item.settings && typeof item.settings === 'object' ? item.settings : {}) as Record<string, unknown>;
  const flag = (name: string) => (typeof settings[name] === 'boolean' ? settings[name] : undefined);
  return {
    id: item.id,
    intent: INTENTS.includes(item.intent as string) ? (item.intent as InstallIntent) : 'unknown',
    target: targetOf(item.target),
    useDeviceLicensing: flag('useDeviceLicensing'),
    uninstallOnDeviceRemoval: flag('uninstallOnDeviceRemoval'),
  };
}

/**
 * Whether Intune licenses the app again through this assignment after a revoke: Required or Available (with or
 * without enrollment) to a group, all users or all devices. An exclusion targets nobody; Uninstall reclaims.
 */
export function relicenses(assignment: AppAssignmentRecord): boolean {
  return (
    (assignment.intent === 'required' || assignment.intent === 'available' || assignment.intent === 'availableWithoutEnrollment') &&
    assignment.target.kind !== 'exclusion'
  );
}

/** An intent in the admin center's words. */
export function intentWords(intent: AppAssignmentRecord['intent']): string {
  switch (intent) {
    case 'required':
      return l10n.t('Required');
    case 'available':
      return l10n.t('Available');
    case 'availableWithoutEnrollment':
      return l10n.t('Available without enrollment');
    case 'uninstall':
      return l10n.t('Uninstall');
    default:
      return l10n.t('an intent not known here');
  }
}

/** Who an assignment targets, for a person: a group by its name where it was read, else its id. */
export function targetWords(target: AssignmentTarget): string {
  switch (target.kind) {
    case 'group':
      return l10n.t('group {0}', target.groupName ?? target.groupId);
    case 'exclusion':
      return l10n.t('excluded group {0}', target.groupName ?? target.groupId);
    case 'allUsers':
      return l10n.t('All users');
    case 'allDevices':
      return l10n.t('All devices');
    default:
      return l10n.t('a target of type {0}', target.type || '?');
  }
}

/** "Required: group Tokyo iPads" */
export function assignmentWords(assignment: AppAssignmentRecord): string {
  return `${intentWords(assignment.intent)}: ${targetWords(assignment.target)}`;
}

/** The assignment with its group's name, when the group was named. */
export function withGroupName(assignment: AppAssignmentRecord, names: ReadonlyMap<string, string>): AppAssignmentRecord {
  const { target } = assignment;
  const name = target.kind === 'group' || target.kind === 'exclusion' ? names.get(target.groupId) : undefined;
  return name === undefined || (target.kind !== 'group' && target.kind !== 'exclusion')
    ? assignment
    : { ...assignment, target: { ...target, groupName: name } };
}

/** How an app is assigned, in one line: "Required: 2 groups · Available: All users" (none: "not assigned"). */
export function assignmentSummary(assignments: readonly AppAssignmentRecord[]): string {
  const byIntent = new Map<string, AppAssignmentRecord[]>();
  for (const assignment of assignments.filter((candidate) => candidate.target.kind !== 'exclusion')) {
    const words = intentWords(assignment.intent);
    byIntent.set(words, [...(byIntent.get(words) ?? []), assignment]);
  }
  if (byIntent.size === 0) {
    return l10n.t('not assigned');
  }
  return [...byIntent]
    .map(([intent, group]) => {
      const groups = group.filter((assignment) => assignment.target.kind === 'group').length;
      const others = group.filter((assignment) => assignment.target.kind !== 'group').map((assignment) => targetWords(assignment.target));
      const parts = [...(groups === 1 ? [l10n.t('1 group')] : groups > 1 ? [l10n.t('{0} groups', groups)] : []), ...others];
      return `${intent}: ${parts.join(', ')}`;
    })
    .join(' · ');
}
