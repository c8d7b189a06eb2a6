import * as l10n from '@vscode/l10n';
import { describeForLog } from '../../errors';
import { AppAssignmentRecord, AssignmentChange, assignmentWords, relicenses } from '../../graph/appAssignments';
import { readAssignments } from '../../graph/assignmentReads';
import { VppAppRecord, VppTokenRecord } from '../../graph/vppRecords';
import { plainText } from '../../text';
import { PickItem } from '../../ui/userInput';
import { tenantLines } from '../confirmations';
import { TenantContext } from '../context';
import { whyNotRead } from './licenseImpact';
import { assignmentChangeWrite } from '../writes/writeKinds';
import { runWrite, TENANT_LOST_ANSWER, WriteWords } from '../writes/writePipeline';
import { WritesFirstStep } from '../writes/tokenOperation';

/** An app still assigned so that Intune licenses it again after a revoke, with those assignments. */
export interface AssignedApp {
  readonly app: VppAppRecord;
  readonly assignments: readonly AppAssignmentRecord[];
}

/** What a revoke's confirmation knows of the assignments that would undo it. */
export interface Relicensing {
  readonly assigned: readonly AssignedApp[];
  /** Apps whose assignments could not be read: never counted as not assigned. */
  readonly unknown: readonly VppAppRecord[];
  /** Why they could not be read, in a few words. */
  readonly unknownReason?: string;
  /** Whether the admin opted in to naming groups (`intuneVpp.readGroupNames`): a group shown by id is then unnamed. */
  readonly namesGroups?: boolean;
}

/** How many apps a confirmation names before "and N more": a modal stays readable. */
const NAMED_APPS = 8;

/** Reads the assignments of the apps a revoke touches, in JSON batches, under a progress notification. */
export async function readRelicensing(context: TenantContext, apps: readonly VppAppRecord[]): Promise<Relicensing> {
  if (apps.length === 0) {
    return { assigned: [], unknown: [] };
  }
  const read = await context.ui.withProgress(l10n.t('Reading how the apps are assigned…'), (progress) =>
    readAssignments(
      context.service(),
      apps.map((app) => app.id),
      progress.signal,
    ),
  );
  const assigned: AssignedApp[] = [];
  const unknown: VppAppRecord[] = [];
  let unknownReason: string | undefined;
  for (const app of apps) {
    const assignments = read.get(app.id);
    if (assignments?.kind !== 'read') {
      unknown.push(app);
      unknownReason ??= whyNotRead(assignments?.error, 'listAppAssignments');
      context.log.warn(`The assignments of app ${plainText(app.id, 200)} could not be read: ${describeForLog(assignments?.error)}`);
      continue;
    }
    const relicensing = assignments.assignments.filter(relicenses);
    if (relicensing.length > 0) {
      assigned.push({ app, assignments: relicensing });
    }
  }
  return { assigned, unknown, unknownReason, namesGroups: context.service().namesGroups };
}

function appName(app: VppAppRecord): string {
  return plainText(app.displayName, 120) || app.id;
}

/** The lines of a confirmation that say what would license the apps again: none when nothing would. */
export function relicensingLines(relicensing: Relicensing): string[] {
  const { assigned, unknown } = relicensing;
  const lines: string[] = [];
  if (assigned.length > 0) {
    lines.push(
      l10n.t(
        'Still assigned: Intune licenses these apps again at the next check-in or sync, and the used count climbs back, unless the assignments are set to Uninstall or removed:',
      ),
      ...assigned
        .slice(0, NAMED_APPS)
        .map(({ app, assignments }) => `• ${appName(app)}: ${assignments.map((a) => assignmentWords(a)).join('; ')}`),
      ...(assigned.length > NAMED_APPS ? [l10n.t('… and {0} more apps', assigned.length - NAMED_APPS)] : []),
    );
    const unnamed = assigned.some(({ assignments }) =>
      assignments.some(({ target }) => target.kind === 'group' && target.groupName === undefined),
    );
    if (unnamed) {
      lines.push(
        relicensing.namesGroups
          ? l10n.t(
              'Groups shown by id could not be named: the directory permission GroupMember.Read.All is not granted to the app, or the group is gone.',
            )
          : l10n.t(
              'Groups are shown by id. To name them, turn on the setting intuneVpp.readGroupNames: the sign-in then also asks for the directory permission GroupMember.Read.All.',
            ),
      );
    }
  }
  if (unknown.length > 0) {
    lines.push(
      l10n.t(
        'How {0} apps are assigned is not known ({1}): they may be licensed again too. {2}',
        unknown.length,
        relicensing.unknownReason ?? l10n.t('not read'),
        unknown.slice(0, NAMED_APPS).map(appName).join(', '),
      ),
    );
  }
  return lines;
}

function changeItems(): PickItem<AssignmentChange>[] {
  return [
    {
      label: l10n.t('Set them to Uninstall'),
      detail: l10n.t('Intune reclaims each license and removes the app from the devices and users the assignment targets.'),
      value: 'uninstall',
    },
    {
      label: l10n.t('Remove them'),
      detail: l10n.t('Intune stops licensing the app again; the app stays installed where it is, without a license after the revoke.'),
      value: 'remove',
    },
  ];
}

/**
 * The confirmation's other way on when apps are still assigned: Change Assignments First…, then a step that asks
 * whether to set those assignments to Uninstall or remove them; the changes then run one by one through the write
 * pipeline before the revoke. Undefined when no app would be licensed again.
 */
export function changeAssignmentsFirst(
  context: TenantContext,
  relicensing: Relicensing,
  tokens: readonly VppTokenRecord[],
): WritesFirstStep | undefined {
  const { assigned } = relicensing;
  if (assigned.length === 0) {
    return undefined;
  }
  const count = assigned.reduce((sum, { assignments }) => sum + assignments.length, 0);
  return {
    button: l10n.t('Change Assignments First…'),
    ask: async (position) => {
      const answer = await context.ui.stepPick(changeItems(), {
        title: l10n.t('Before the revoke: {0} assignments of {1} apps', count, assigned.length),
        placeHolder: l10n.t('Each assignment is changed alone, then the licenses are revoked'),
        ...position,
      });
      if (answer === 'back' || answer === undefined) {
        return answer;
      }
      const change = answer.value;
      return { value: () => changeAssignments(context, assigned, change, tokens) };
    },
  };
}

/**
 * Sends each assignment change once through the write pipeline, in turn; stops at the first one left unconfirmed,
 * and then says that the revoke was not sent. A refusal is thrown, and the revoke is not sent either.
 */
async function changeAssignments(
  context: TenantContext,
  assigned: readonly AssignedApp[],
  change: AssignmentChange,
  tokens: readonly VppTokenRecord[],
): Promise<boolean> {
  for (const { app, assignments } of assigned) {
    const token = tokens.find((candidate) => candidate.id.toLowerCase() === app.vppTokenId?.toLowerCase());
    for (const assignment of assignments) {
      const spec = assignmentChangeWrite(context, app, token, assignment, change);
      if (!(await runWrite(context, spec, changeWords(context, app, assignment, change)))) {
        await context.ui.info(
          l10n.t('The licenses were not revoked: the change of an assignment of "{0}" is not confirmed. See History.', appName(app)),
        );
        return false;
      }
    }
  }
  return true;
}

function changeWords(context: TenantContext, app: VppAppRecord, assignment: AppAssignmentRecord, change: AssignmentChange): WriteWords {
  const name = appName(app);
  const what = assignmentWords(assignment);
  return {
    title:
      change === 'uninstall'
        ? l10n.t('Setting the assignment of "{0}" ({1}) to Uninstall…', name, what)
        : l10n.t('Removing the assignment of "{0}" ({1})…', name, what),
    lostAnswer: TENANT_LOST_ANSWER(),
    unconfirmed: (reason) => l10n.t('The change of the assignment of "{0}" ({1}) is not confirmed. {2}', name, what, reason),
    sendAgain: {
      message: l10n.t('Send the change of the assignment of "{0}" again?', name),
      detail: [...tenantLines(context), l10n.t('The earlier attempt may have reached Intune although it was not confirmed.'), what].join(
        '\n',
      ),
    },
  };
}

/** A modal confirmation outside a multi-step input: its question, facts, and its button and the one beside Change. */
export interface AssignedConfirmation {
  readonly message: string;
  readonly detail: string;
  /** The button when no app is still assigned. */
  readonly button: string;
  /** The same button beside Change Assignments First… ("Revoke Anyway"). */
  readonly anyway: string;
}

/**
 * A modal that names the apps still assigned and, when some are, offers Change Assignments First… beside its button:
 * true to go on (after the changes went through, when chosen), false to stop. Back from the change step shows the
 * modal again.
 */
export async function confirmWithAssignments(
  context: TenantContext,
  confirmation: AssignedConfirmation,
  relicensing: Relicensing,
  tokens: readonly VppTokenRecord[],
): Promise<boolean> {
  const first = changeAssignmentsFirst(context, relicensing, tokens);
  const lines = relicensingLines(relicensing);
  const detail = lines.length > 0 ? [confirmation.detail, '', ...lines].join('\n') : confirmation.detail;
  const buttons = first ? [confirmation.anyway, first.button] : [confirmation.button];
  for (;;) {
    const answer = await context.ui.stepChoose(confirmation.message, detail, buttons, false);
    if (answer === undefined || answer === 'back') {
      return false;
    }
    if (!first || answer.value !== first.button) {
      return true;
    }
    const writes = await first.ask({ step: 2, totalSteps: 2 });
    if (writes === undefined) {
      return false;
    }
    if (writes !== 'back') {
      return writes.value();
    }
  }
}
