import * as l10n from '@vscode/l10n';
import { VppError } from '../errors';
import { AppAssignmentRecord, withGroupName } from './appAssignments';
import { delay } from './delay';
import { DEFAULT_RETRY_POLICY } from './retryHandler';
import { MAX_BATCH_REQUESTS } from './vppRecords';
import { BatchedAssignments, VppTokenService } from './vppTokenService';

/** An app's assignments as read for a confirmation: read, or not known and why (never taken as "not assigned"). */
export type AppAssignments =
  { readonly kind: 'read'; readonly assignments: readonly AppAssignmentRecord[] } | { readonly kind: 'unknown'; readonly error: unknown };

/**
 * Reads the assignments of many apps in JSON batches of up to 20 apps: an app the batch could not answer (another
 * status, a list with more pages), or every app of a batch that failed, is read alone, so its error and retries are
 * those of a plain read; an app Graph throttled inside the batch is read alone after the wait Graph asked for (or a
 * back-off when it named none). An app that could not be read at all is `unknown`, with its error. Cancelling stops
 * the reads and throws.
 */
export async function readAssignments(
  service: VppTokenService,
  appIds: readonly string[],
  signal: AbortSignal,
  backOffMs = DEFAULT_RETRY_POLICY.delaySeconds * 1000,
): Promise<Map<string, AppAssignments>> {
  const ids = [...new Set(appIds)];
  const read = new Map<string, AppAssignments>();
  for (let start = 0; start < ids.length; start += MAX_BATCH_REQUESTS) {
    const chunk = ids.slice(start, start + MAX_BATCH_REQUESTS);
    const batch =
      chunk.length > 1
        ? await service.getAssignmentsInBatch(chunk, signal).catch((error: unknown) => {
            if (error instanceof VppError && error.kind === 'cancelled') {
              throw error;
            }
            return new Map<string, BatchedAssignments>();
          })
        : new Map<string, BatchedAssignments>();
    for (const id of chunk) {
      read.set(id, await oneApp(service, id, batch.get(id), signal, backOffMs));
    }
  }
  return service.namesGroups ? nameGroups(service, read, signal) : read;
}

/**
 * The assignments with their groups named, twenty groups to a JSON batch (GroupMember.Read.All, which the admin opted
 * in to). A group the directory would not name (the permission not granted, a group gone, a failed batch) keeps its
 * id: a name is a courtesy, never a reason to fail the read.
 */
async function nameGroups(
  service: VppTokenService,
  read: Map<string, AppAssignments>,
  signal: AbortSignal,
): Promise<Map<string, AppAssignments>> {
  const groupIds = new Set<string>();
  for (const app of read.values()) {
    for (const { target } of app.kind === 'read' ? app.assignments : []) {
      if (target.kind === 'group' || target.kind === 'exclusion') {
        groupIds.add(target.groupId);
      }
    }
  }
  const ids = [...groupIds];
  const names = new Map<string, string>();
  for (let start = 0; start < ids.length; start += MAX_BATCH_REQUESTS) {
    try {
      for (const [id, group] of await service.getGroupNamesInBatch(ids.slice(start, start + MAX_BATCH_REQUESTS), signal)) {
        if (group.kind === 'named') {
          names.set(id, group.name);
        }
      }
    } catch (error) {
      if (error instanceof VppError && error.kind === 'cancelled') {
        throw error;
      }
    }
  }
  return new Map(
    [...read].map(([appId, app]) => [
      appId,
      app.kind === 'read' ? { kind: 'read', assignments: app.assignments.map((assignment) => withGroupName(assignment, names)) } : app,
    ]),
  );
}

async function oneApp(
  service: VppTokenService,
  id: string,
  batched: BatchedAssignments | undefined,
  signal: AbortSignal,
  backOffMs: number,
): Promise<AppAssignments> {
  if (batched?.kind === 'read') {
    return batched;
  }
  if (batched?.kind === 'throttled') {
    const waitMs = batched.retryAfterSeconds === undefined ? backOffMs : batched.retryAfterSeconds * 1000;
    if (!(await delay(waitMs, signal))) {
      throw new VppError('cancelled', l10n.t('The request was cancelled.'));
    }
  }
  try {
    return { kind: 'read', assignments: await service.listAppAssignments(id, signal) };
  } catch (error) {
    if (error instanceof VppError && error.kind === 'cancelled') {
      throw error;
    }
    return { kind: 'unknown', error };
  }
}
