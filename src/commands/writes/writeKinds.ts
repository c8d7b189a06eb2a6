import * as l10n from '@vscode/l10n';
import { describeForLog, VppError } from '../../errors';
import {
  ActionResult,
  ActionSnapshot,
  CLOCK_SKEW_MS,
  describeActionResult,
  isFinal,
  newResultAmong,
  pollForResult,
  newRevokeResult,
  snapshotActions,
  snapshotResults,
} from '../../graph/actionResults';
import { AppAssignmentRecord, AssignmentChange, assignmentChangeRequest, assignmentWords } from '../../graph/appAssignments';
import { VppTokenService } from '../../graph/vppTokenService';
import {
  AppRevokeScope,
  appRevokeRequest,
  createTokenRequest,
  NewVppToken,
  RevokeLicensesOptions,
  revokeLicensesRequest,
  tokenPath,
  VppAppRecord,
  VppTokenChanges,
  VppTokenRecord,
} from '../../graph/vppRecords';
import { JournalDetails, JournalEvidence, JournalTarget, WriteOperation } from '../../journal/journalRecords';
import { plainText } from '../../text';
import { tokenLabel } from '../../tree/tokenPresentation';
import { TenantContext } from '../context';
import { AfterAccepted, Received, WriteSpec } from './writePipeline';

/**
 * Each kind of write, as the pipeline needs it: the request, what to read before it is sent, and how a reading of
 * the tenant shows that Intune received it. The reading works from what the journal keeps (target, details,
 * evidence, time), so that a window started after a crash reconciles a write exactly as the window that sent it.
 */

/** What the journal keeps of a write that a reading needs. */
export interface WriteFacts {
  readonly target: JournalTarget;
  readonly details: JournalDetails;
  readonly evidence: JournalEvidence;
  /** When it was sent (the intent's time). */
  readonly sentAt: number;
}

type Check<T> = (service: VppTokenService, facts: WriteFacts, signal?: AbortSignal) => Promise<Received<T> | undefined>;

function stringsOf(value: JournalEvidence[string] | undefined): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function textOf(value: JournalEvidence[string] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The token a write names: reading it is how most writes are reconciled. */
function tokenIdOf(facts: WriteFacts): string {
  if (!facts.target.tokenId) {
    throw new VppError('badRequest', l10n.t('The write names no VPP token.'));
  }
  return facts.target.tokenId;
}

/** A PATCH shows in the token's `lastModifiedDateTime`: one no older than the send (give or take clock skew). */
export function modifiedSince(token: VppTokenRecord, sentAt: number): boolean {
  const modified = Date.parse(token.lastModifiedDateTime ?? '');
  return !Number.isNaN(modified) && modified >= sentAt - CLOCK_SKEW_MS;
}

/**
 * What shows that Intune received a sync: a last sync newer than before the request (allowing for clock skew), or a
 * sync in progress where none was. Intune answers a sync `inProgress` and sets the new last sync only when Apple has
 * answered, which can take a while.
 */
export function syncedSince(fresh: VppTokenRecord, evidence: JournalEvidence, sentAt: number): string | undefined {
  const synced = fresh.lastSyncDateTime;
  if (synced && synced !== evidence.syncedBefore && Date.parse(synced) >= sentAt - CLOCK_SKEW_MS) {
    return l10n.t('a sync at {0}', plainText(synced, 40));
  }
  return fresh.lastSyncStatus === 'inProgress' && evidence.statusBefore !== 'inProgress' ? l10n.t('a sync in progress') : undefined;
}

type EditableField = Exclude<keyof VppTokenChanges, 'token'>;

/** Whether the token shows every changed field with its new value (names compared as they are kept, cleaned). */
export function showsChanges(token: VppTokenRecord, changes: VppTokenChanges): boolean {
  return Object.entries(changes).every(([field, value]) => {
    const shown = token[field as EditableField];
    return typeof value === 'string' && typeof shown === 'string' ? plainText(value, 500) === plainText(shown, 500) : shown === value;
  });
}

/** The action results a token showed before a revoke, as its evidence keeps them. */
export function revokeSnapshot(evidence: JournalEvidence): ActionSnapshot {
  return new Set(stringsOf(evidence.actions));
}

const checkRevoke: Check<ActionResult> = async (service, facts, signal) => {
  const result = newRevokeResult(await service.getToken(tokenIdOf(facts), signal), revokeSnapshot(facts.evidence), facts.sentAt);
  return (
    result && { note: l10n.t('its answer was lost, but the token shows the revoke ({0})', describeActionResult(result)), value: result }
  );
};

const checkSync: Check<undefined> = async (service, facts, signal) => {
  const synced = syncedSince(await service.getToken(tokenIdOf(facts), signal), facts.evidence, facts.sentAt);
  return synced ? { note: l10n.t('its answer was lost, but the token shows {0}', synced), value: undefined } : undefined;
};

const checkModified: Check<VppTokenRecord> = async (service, facts, signal) => {
  const fresh = await service.getToken(tokenIdOf(facts), signal);
  return modifiedSince(fresh, facts.sentAt) ? { note: l10n.t('the token shows a change since it was sent'), value: fresh } : undefined;
};

const checkEdit: Check<VppTokenRecord> = async (service, facts, signal) => {
  const fresh = await service.getToken(tokenIdOf(facts), signal);
  const changes = JSON.parse(textOf(facts.evidence.changes) ?? '{}') as VppTokenChanges;
  return showsChanges(fresh, changes) ? { note: l10n.t('the token shows the change'), value: fresh } : undefined;
};

const checkTakeOver: Check<VppTokenRecord> = async (service, facts, signal) => {
  const fresh = await service.getToken(tokenIdOf(facts), signal);
  return fresh.claimTokenManagementFromExternalMdm === true || modifiedSince(fresh, facts.sentAt)
    ? { note: l10n.t('the token shows it is managed by Intune'), value: fresh }
    : undefined;
};

const checkDelete: Check<true> = async (service, facts, signal) => {
  try {
    await service.getToken(tokenIdOf(facts), signal);
    return undefined;
  } catch (error) {
    if (error instanceof VppError && error.kind === 'notFound') {
      return { note: l10n.t('the token is gone'), value: true };
    }
    throw error;
  }
};

const checkCreate: Check<VppTokenRecord> = async (service, facts, signal) => {
  const known = new Set(stringsOf(facts.evidence.known));
  const appleId = (textOf(facts.evidence.appleId) ?? '').toLowerCase();
  const added = (await service.listTokens(signal)).find((token) => !known.has(token.id) && token.appleId?.toLowerCase() === appleId);
  return added && { note: l10n.t('the tenant shows a new token with its Apple ID'), value: added };
};

/** Which of an app's new revoke results is a per-app revoke's own: a single revoke's names its user or device. */
function isOwnAppRevoke(operation: WriteOperation, holderId: string | undefined): (result: ActionResult) => boolean {
  if (operation === 'revokeAppDeviceLicense') {
    return (result) => result.managedDeviceId === holderId;
  }
  if (operation === 'revokeAppUserLicense') {
    return (result) => result.userId === holderId;
  }
  return (result) => !result.userId && !result.managedDeviceId;
}

function checkAppRevoke(operation: WriteOperation): Check<ActionResult> {
  return async (service, facts, signal) => {
    if (!facts.target.appId) {
      throw new VppError('badRequest', l10n.t('The write names no app.'));
    }
    const app = await service.getVppApp(facts.target.appId, signal);
    const result = newResultAmong(
      app.revokeLicenseActionResults,
      new Set(stringsOf(facts.evidence.results)),
      facts.sentAt,
      isOwnAppRevoke(operation, facts.target.holderId),
    );
    return (
      result && { note: l10n.t('its answer was lost, but the app shows the revoke ({0})', describeActionResult(result)), value: result }
    );
  };
}

/**
 * An assignment change shows in the app's assignments: the assignment gone (removed), or there with intent Uninstall.
 * A lost answer is reconciled by reading them, never by sending again.
 */
function checkAssignment(change: AssignmentChange): Check<true> {
  return async (service, facts, signal) => {
    const { appId, holderId } = facts.target;
    if (!appId || !holderId) {
      throw new VppError('badRequest', l10n.t('The write names no app assignment.'));
    }
    const now = (await service.listAppAssignments(appId, signal)).find((assignment) => assignment.id === holderId);
    if (change === 'remove') {
      return now ? undefined : { note: l10n.t('the assignment is gone'), value: true };
    }
    return now?.intent === 'uninstall' ? { note: l10n.t('the assignment is set to Uninstall'), value: true } : undefined;
  };
}

/** How each kind of write is recognised in the tenant: for the window that sent it, and for a later one. */
const WRITE_CHECKS: { readonly [operation in WriteOperation]: Check<unknown> } = {
  revokeLicenses: checkRevoke,
  syncLicenses: checkSync,
  createToken: checkCreate,
  renewToken: checkModified,
  editToken: checkEdit,
  takeOverToken: checkTakeOver,
  deleteToken: checkDelete,
  revokeAppLicenses: checkAppRevoke('revokeAppLicenses'),
  revokeAppDeviceLicense: checkAppRevoke('revokeAppDeviceLicense'),
  revokeAppUserLicense: checkAppRevoke('revokeAppUserLicense'),
  uninstallAssignment: checkAssignment('uninstall'),
  removeAssignment: checkAssignment('remove'),
};

function tokenTarget(token: VppTokenRecord): JournalTarget {
  return { tokenId: token.id, tokenName: tokenLabel(token) };
}

/** The parts every kind builds the same way: the reading goes through the kind's check with what the journal keeps. */
function spec<T>(context: TenantContext, parts: Omit<WriteSpec<T>, 'received'> & { readonly check: Check<T> }): WriteSpec<T> {
  const { check, ...rest } = parts;
  return { ...rest, received: readingWith(context, check, parts.target, parts.details) };
}

/** A write's reading of the tenant through its kind's check, from what the journal keeps of it. */
function readingWith<T>(context: TenantContext, check: Check<T>, target: JournalTarget, details: JournalDetails): WriteSpec<T>['received'] {
  return (evidence, sentAt, signal) => check(context.service(), { target, details, evidence, sentAt }, signal);
}

/** How a recorded write of `operation` is recognised in the tenant: for a window that did not send it. */
export function readingOf(
  context: TenantContext,
  operation: WriteOperation,
  target: JournalTarget,
  details: JournalDetails,
): WriteSpec<unknown>['received'] {
  return readingWith(context, WRITE_CHECKS[operation], target, details);
}

/** The writes whose result Intune reports later (Apple frees licenses in the background): the revokes. */
const RESULT_LATER: ReadonlySet<WriteOperation> = new Set([
  'revokeLicenses',
  'revokeAppLicenses',
  'revokeAppUserLicense',
  'revokeAppDeviceLicense',
]);

/** Whether Intune reports the result of an accepted write of `operation` later: the follow-through reads it until final. */
export function resultComesLater(operation: WriteOperation): boolean {
  return RESULT_LATER.has(operation);
}

/** The revokes whose licenses Intune gives back at the token's next sync while their apps stay assigned. */
const UNDONE_BY_SYNC: ReadonlySet<WriteOperation> = new Set(['revokeLicenses', 'revokeAppLicenses']);

/**
 * For a token or app revoke Intune did: Intune's time of its result, after which the token's next sync licenses
 * again the apps still assigned (the follow-through then reads the used licenses). Otherwise undefined.
 */
export function syncAfterOf(
  operation: WriteOperation,
  target: JournalTarget,
  result: ActionResult | undefined,
  now: number,
): string | undefined {
  return UNDONE_BY_SYNC.has(operation) && target.tokenId && result?.actionState === 'done'
    ? (result.lastUpdatedDateTime ?? new Date(now).toISOString())
    : undefined;
}

/** How a write reads its token before the send: alone, or (in a bulk run) batched with the others' reads. */
export type TokenRead = (signal: AbortSignal) => Promise<VppTokenRecord>;

/** A revoke of a token's licenses. Its value is the result Intune reported for it, once seen. */
export function revokeWrite(
  context: TenantContext,
  token: VppTokenRecord,
  options: RevokeLicensesOptions,
  read: TokenRead = (signal) => context.service().getToken(token.id, signal),
): WriteSpec<ActionResult | undefined> {
  // Built once: the journal keeps this request, and this request is what is sent.
  const request = revokeLicensesRequest(token.id, options);
  return spec<ActionResult | undefined>(context, {
    operation: 'revokeLicenses',
    target: tokenTarget(token),
    details: { notifyManagedDevices: options.notifyManagedDevices, revokeUntrackedLicenses: options.revokeUntrackedLicenses },
    request,
    logName: `Revoke licenses of token ${plainText(token.id, 200)} (notifyManagedDevices=${options.notifyManagedDevices}, revokeUntrackedLicenses=${options.revokeUntrackedLicenses})`,
    before: async (signal) => ({ actions: [...snapshotActions(await read(signal))] }),
    send: async (signal) => ({ receipt: await context.service().postAction('revokeLicenses', request, signal), value: undefined }),
    check: checkRevoke,
  });
}

/** A sync of a token's licenses with Apple. */
export function syncWrite(
  context: TenantContext,
  token: VppTokenRecord,
  read: TokenRead = (signal) => context.service().getToken(token.id, signal),
): WriteSpec<undefined> {
  return spec<undefined>(context, {
    operation: 'syncLicenses',
    target: tokenTarget(token),
    details: {},
    request: { method: 'POST', path: tokenPath(token.id, 'syncLicenses') },
    logName: `Sync licenses of token ${plainText(token.id, 200)}`,
    before: async (signal) => {
      const fresh = await read(signal);
      return { syncedBefore: fresh.lastSyncDateTime ?? null, statusBefore: fresh.lastSyncStatus ?? null };
    },
    send: async (signal) => ({ receipt: await context.service().syncLicenses(token.id, signal), value: undefined }),
    check: checkSync,
  });
}

/** The deletion of a token: gone (404) means deleted. */
export function deleteWrite(context: TenantContext, token: VppTokenRecord): WriteSpec<true> {
  return spec<true>(context, {
    operation: 'deleteToken',
    target: tokenTarget(token),
    details: {},
    request: { method: 'DELETE', path: tokenPath(token.id) },
    logName: `Delete token ${plainText(token.id, 200)}`,
    before: () => Promise.resolve({}),
    send: async (signal) => ({ receipt: await context.service().deleteToken(token.id, signal), value: true }),
    check: checkDelete,
  });
}

/** A change of a token's fields (never the token file: see renewWrite). */
export function editWrite(context: TenantContext, token: VppTokenRecord, changes: VppTokenChanges): WriteSpec<VppTokenRecord | undefined> {
  const shown = Object.fromEntries(
    Object.entries(changes).map(([field, value]) => [field, Array.isArray(value) ? value.join(', ') : (value as string | boolean)]),
  );
  return spec<VppTokenRecord | undefined>(context, {
    operation: 'editToken',
    target: tokenTarget(token),
    details: shown,
    request: { method: 'PATCH', path: tokenPath(token.id), body: changes },
    logName: `Edit token ${plainText(token.id, 200)} (${Object.keys(changes).join(', ')})`,
    before: () => Promise.resolve({ changes: JSON.stringify(changes) }),
    send: async (signal) => ({ receipt: await context.service().updateToken(token.id, changes, signal), value: undefined }),
    check: checkEdit,
  });
}

/** The upload of a re-downloaded token file onto a token. The file's content is sent, never kept or shown. */
export function renewWrite(context: TenantContext, token: VppTokenRecord, encodedFile: string): WriteSpec<VppTokenRecord | undefined> {
  return spec<VppTokenRecord | undefined>(context, {
    operation: 'renewToken',
    target: tokenTarget(token),
    details: {},
    request: { method: 'PATCH', path: tokenPath(token.id), body: { token: encodedFile } },
    logName: `Renew token ${plainText(token.id, 200)}`,
    before: () => Promise.resolve({}),
    send: async (signal) => ({ receipt: await context.service().updateToken(token.id, { token: encodedFile }, signal), value: undefined }),
    check: checkModified,
  });
}

/** Taking a token over from another MDM. */
export function takeOverWrite(context: TenantContext, token: VppTokenRecord): WriteSpec<VppTokenRecord | undefined> {
  const changes = { claimTokenManagementFromExternalMdm: true };
  return spec<VppTokenRecord | undefined>(context, {
    operation: 'takeOverToken',
    target: tokenTarget(token),
    details: changes,
    request: { method: 'PATCH', path: tokenPath(token.id), body: changes },
    logName: `Take over token ${plainText(token.id, 200)}`,
    before: () => Promise.resolve({}),
    send: async (signal) => ({ receipt: await context.service().updateToken(token.id, changes, signal), value: undefined }),
    check: checkTakeOver,
  });
}

/** The creation of a token: after a lost answer, a new token with its Apple ID is the one added. */
export function createWrite(context: TenantContext, fields: NewVppToken): WriteSpec<VppTokenRecord> {
  return spec<VppTokenRecord>(context, {
    operation: 'createToken',
    target: { tokenName: plainText(fields.displayName, 120) },
    details: {
      displayName: plainText(fields.displayName, 120),
      appleId: plainText(fields.appleId, 200),
      vppTokenAccountType: String(fields.vppTokenAccountType),
      countryOrRegion: String(fields.countryOrRegion),
      automaticallyUpdateApps: fields.automaticallyUpdateApps === true,
      dataSharingConsentGranted: fields.dataSharingConsentGranted === true,
    },
    request: createTokenRequest(fields),
    logName: `Add VPP token (Apple ID ${plainText(fields.appleId, 200)})`,
    before: async (signal) => ({ known: (await context.service().listTokens(signal)).map((token) => token.id), appleId: fields.appleId }),
    send: async (signal) => {
      const { token, receipt } = await context.service().createTokenWithReceipt(fields, signal);
      return { receipt, value: token };
    },
    check: checkCreate,
  });
}

const APP_OPERATIONS = { all: 'revokeAppLicenses', user: 'revokeAppUserLicense', device: 'revokeAppDeviceLicense' } as const;

/** A per-app revoke of an iOS VPP app: all its licenses, or the one a user or device holds. */
export function appRevokeWrite(
  context: TenantContext,
  app: VppAppRecord,
  scope: AppRevokeScope,
  holderName: string | undefined,
  notifyManagedDevices: boolean,
): WriteSpec<ActionResult | undefined> {
  const operation = APP_OPERATIONS[scope.kind];
  const holderId = scope.kind === 'all' ? undefined : scope.id;
  const request = appRevokeRequest(app.id, scope, notifyManagedDevices);
  return spec<ActionResult | undefined>(context, {
    operation,
    target: {
      tokenId: app.vppTokenId ?? undefined,
      appId: app.id,
      appName: plainText(app.displayName, 120) || plainText(app.bundleId, 120) || app.id,
      ...(holderId ? { holderId, holderName } : {}),
    },
    details: { notifyManagedDevices },
    request,
    logName:
      scope.kind === 'all'
        ? `Revoke all licenses of app ${plainText(app.id, 200)} (notifyManagedDevices=${notifyManagedDevices})`
        : `Revoke the ${scope.kind} license of ${plainText(scope.id, 200)} for app ${plainText(app.id, 200)} (notifyManagedDevices=${notifyManagedDevices})`,
    before: async (signal) => ({
      results: [...snapshotResults((await context.service().getVppApp(app.id, signal)).revokeLicenseActionResults)],
    }),
    send: async (signal) => ({ receipt: await context.service().postAction(operation, request, signal), value: undefined }),
    check: checkAppRevoke(operation),
  });
}

/**
 * After Intune accepted a revoke (of a token, or per app): watches for the result it created until it is final, the
 * reads run out or the admin stops watching. Reading failures end the watch without failing the revoke.
 */
export function watchingResult(
  context: TenantContext,
  write: WriteSpec<ActionResult | undefined>,
): AfterAccepted<ActionResult | undefined, ActionResult | undefined> {
  return {
    progress: l10n.t('Intune accepted it; waiting for its outcome (Cancel stops waiting, not the revoke)'),
    watch: async (accepted, signal) => {
      let result = accepted.value;
      if (!result || !isFinal(result)) {
        try {
          const read = async (readSignal?: AbortSignal) =>
            (await write.received(accepted.evidence, accepted.sentAt, readSignal ?? signal))?.value;
          result = (await pollForResult(read, context.outcomePolling, { signal, until: 'final' })) ?? result;
        } catch (error) {
          // Failing to read the result must not read as a failed revoke.
          if (!(error instanceof VppError && error.kind === 'cancelled')) {
            context.log.warn(`${write.logName}: could not read its outcome: ${describeForLog(error)}`);
          }
        }
      }
      context.log.info(
        `${write.logName}: ${result ? describeActionResult(result) : 'Intune reported no action result for it while it was watched'}`,
      );
      return result;
    },
    describe: (result) => result && describeActionResult(result),
    pending: (result) => !result || !isFinal(result),
    syncAfter: (result) => syncAfterOf(write.operation, write.target, result, context.now()),
  };
}

/**
 * The change of one assignment of an app before a revoke: its intent set to Uninstall, or the assignment removed.
 * Only that assignment is sent; the app's other assignments are untouched.
 */
export function assignmentChangeWrite(
  context: TenantContext,
  app: VppAppRecord,
  token: VppTokenRecord | undefined,
  assignment: AppAssignmentRecord,
  change: AssignmentChange,
): WriteSpec<true> {
  const request = assignmentChangeRequest(app.id, assignment.id, change);
  return spec<true>(context, {
    operation: change === 'uninstall' ? 'uninstallAssignment' : 'removeAssignment',
    target: {
      ...(token ? tokenTarget(token) : {}),
      appId: app.id,
      appName: plainText(app.displayName, 120) || app.id,
      holderId: assignment.id,
      holderName: assignmentWords(assignment),
    },
    details: { intentBefore: assignment.intent },
    request,
    logName: `${change === 'uninstall' ? 'Set to Uninstall' : 'Remove'} assignment ${plainText(assignment.id, 200)} of app ${plainText(app.id, 200)}`,
    before: () => Promise.resolve({}),
    send: async (signal) => ({ receipt: await context.service().changeAssignment(request, signal), value: true }),
    check: checkAssignment(change),
  });
}
