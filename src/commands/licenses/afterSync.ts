import * as l10n from '@vscode/l10n';
import { describeForLog, VppError } from '../../errors';
import { AppAssignmentRecord, assignmentWords, relicenses } from '../../graph/appAssignments';
import { AppAssignments, readAssignments } from '../../graph/assignmentReads';
import { VppAppRecord, VppTokenRecord } from '../../graph/vppRecords';
import { plainText } from '../../text';
import { TenantContext } from '../context';

/** What a revoke freed and Intune may license again: the token's apps, or the one app of an app revoke. */
export interface RevokedScope {
  readonly tokenId: string;
  readonly appId?: string;
}

/** How the reads after a sync are paced: each Graph step runs through `run` with its count of requests. */
export interface AfterSyncReads {
  readonly run: <T>(requests: number, read: () => Promise<T>) => Promise<T>;
  /** The tenant's VPP apps, listed after the sync was seen: a caller following many revokes shares one listing. */
  readonly listApps?: (signal: AbortSignal) => Promise<readonly VppAppRecord[]>;
}

const DIRECT_READS: AfterSyncReads = { run: (_requests, read) => read() };

/** An app that uses licenses again after the sync, with the assignments that license it (undefined: not known). */
export interface CameBack {
  readonly app: VppAppRecord;
  readonly assignments: readonly AppAssignmentRecord[] | undefined;
}

/** The used licenses read after the token's next sync, or why they were not read yet. */
export type AfterSync =
  | { readonly kind: 'notSynced' }
  | { readonly kind: 'gone' }
  | { readonly kind: 'read'; readonly token: VppTokenRecord; readonly syncedAt: string; readonly back: readonly CameBack[] };

/**
 * After a revoke's result is final, Intune licenses again every app still assigned Required or Available at the
 * token's next sync (memdocs vpp-apps-ios.md, "Revoking app licenses"). Reads the token (GET only): before a sync
 * later than `since` (Intune's time of the final result), `notSynced`; after it, the apps that use licenses again,
 * each with the assignments that license it, read in JSON batches.
 */
export async function readAfterSync(
  context: TenantContext,
  scope: RevokedScope,
  since: string,
  signal: AbortSignal,
  reads: AfterSyncReads = DIRECT_READS,
): Promise<AfterSync> {
  let token: VppTokenRecord;
  try {
    token = await reads.run(1, () => context.service().getToken(scope.tokenId, signal));
  } catch (error) {
    if (error instanceof VppError && error.kind === 'notFound') {
      return { kind: 'gone' };
    }
    throw error;
  }
  const syncedAt = token.lastSyncDateTime ?? '';
  if (!(Date.parse(syncedAt) > Date.parse(since))) {
    return { kind: 'notSynced' };
  }
  const listed = await (reads.listApps ?? ((listSignal: AbortSignal) => reads.run(1, () => context.service().listVppApps(listSignal))))(
    signal,
  );
  const used = listed.filter(
    (app) =>
      app.vppTokenId?.toLowerCase() === scope.tokenId.toLowerCase() &&
      (scope.appId === undefined || app.id === scope.appId) &&
      (app.usedLicenseCount ?? 0) > 0,
  );
  const assignments =
    used.length > 0
      ? await reads.run(used.length, () =>
          readAssignments(
            context.service(),
            used.map((app) => app.id),
            signal,
          ),
        )
      : new Map<string, AppAssignments>();
  const back = used.map((app): CameBack => {
    const read = assignments.get(app.id);
    if (read?.kind !== 'read') {
      context.log.warn(`The assignments of app ${plainText(app.id, 200)} could not be read: ${describeForLog(read?.error)}`);
      return { app, assignments: undefined };
    }
    return { app, assignments: read.assignments.filter(relicenses) };
  });
  return { kind: 'read', token, syncedAt, back };
}

/** How many apps the words name before "and N more": a notification stays readable. */
const NAMED_APPS = 5;

/** "Teams: 5 used, Required: group 6f1c…" for each app that came back; what brought it back, or that it is not known. */
function cameBackWords({ app, assignments }: CameBack): string {
  const name = plainText(app.displayName, 120) || app.id;
  const why =
    assignments === undefined
      ? l10n.t('its assignments could not be read')
      : assignments.length === 0
        ? l10n.t('no Required or Available assignment')
        : assignments.map((assignment) => assignmentWords(assignment)).join('; ');
  return l10n.t('{0}: {1} used, {2}', name, app.usedLicenseCount ?? 0, why);
}

/**
 * What the read after the sync found, in one line for History and the notification: none came back, or how many
 * did, on which apps, and which assignments brought them back.
 */
export function afterSyncWords(found: Extract<AfterSync, { kind: 'read' }>): string {
  // "2026-12-08 02:58 UTC": the minute is enough to find the sync in Intune.
  const syncedAt = `${new Date(found.syncedAt).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  if (found.back.length === 0) {
    return l10n.t("No license came back after Intune's sync of {0}.", syncedAt);
  }
  const licenses = found.back.reduce((sum, { app }) => sum + (app.usedLicenseCount ?? 0), 0);
  return `${[
    l10n.t("{0} licenses came back after Intune's sync of {1}:", licenses, syncedAt),
    found.back.slice(0, NAMED_APPS).map(cameBackWords).join(' · '),
    ...(found.back.length > NAMED_APPS ? [l10n.t('… and {0} more apps', found.back.length - NAMED_APPS)] : []),
  ].join(' ')}.`;
}
