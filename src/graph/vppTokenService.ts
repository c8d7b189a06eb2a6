import { Client } from '@microsoft/microsoft-graph-client';
import type { IosVppAppRevokeLicensesActionResult } from '@microsoft/microsoft-graph-types-beta';
import * as l10n from '@vscode/l10n';
import { GraphRoute } from '../config/permissions';
import { plainText } from '../text';
import { AppAssignmentRecord, assignmentRecord, assignmentsPath, groupPath } from './appAssignments';
import { GraphWrite } from './exactRequest';
import { parseRetryAfter } from './errorFromResponse';
import { GraphTransport, ids, receipt } from './graphTransport';
import {
  APPS_PATH,
  appRecord,
  appRevokeRequest,
  AssignedLicenseRecord,
  AUDIT_EVENTS_PATH,
  BATCH_PATH,
  MAX_BATCH_REQUESTS,
  AuditEventRecord,
  createTokenRequest,
  EBOOKS_PATH,
  iosVppAppPath,
  licensedItem,
  MAX_AUDIT_EVENTS,
  graphName,
  NewVppToken,
  RevokeLicensesOptions,
  revokeLicensesRequest,
  TOKEN_FIELDS,
  TOKEN_NAME_FIELDS,
  tokenPath,
  TOKENS_PATH,
  VPP_APPS_FILTER,
  VPP_EBOOKS_FILTER,
  VppAppDetail,
  VppAppRecord,
  VppEBookRecord,
  VppTokenChanges,
  VppTokenRecord,
  withoutSecret,
  WriteReceipt,
} from './vppRecords';

/** A token's answer inside a JSON batch. */
export type BatchedToken =
  | { readonly kind: 'read'; readonly token: VppTokenRecord }
  /** Its own 429: Graph asks to wait (its Retry-After, when it sent one) before it is read again. */
  | { readonly kind: 'throttled'; readonly retryAfterSeconds: number | undefined }
  /** Any other answer (its status, when it had one), or none: read it alone. */
  | { readonly kind: 'notRead'; readonly status?: number };

/** A group's name as a batch read it, or the status of the answer that named none. */
export type GroupName = { readonly kind: 'named'; readonly name: string } | { readonly kind: 'unnamed'; readonly status?: number };

/** An app's assignments inside a JSON batch: as a token's answer there (see BatchedToken). */
export type BatchedAssignments =
  { readonly kind: 'read'; readonly assignments: AppAssignmentRecord[] } | Exclude<BatchedToken, { readonly kind: 'read' }>;

/** One request's answer inside a batch: its 200 body (with the batch's response, for errors), its own 429, or neither. */
type BatchAnswer =
  { readonly kind: 'read'; readonly body: unknown; readonly response: Response } | Exclude<BatchedToken, { readonly kind: 'read' }>;

/** A batch's inner answer, as far as its shape is known before it is checked. */
interface InnerAnswer {
  readonly id?: unknown;
  readonly status?: unknown;
  readonly headers?: unknown;
  readonly body?: unknown;
}

/**
 * The inner answers of a batch of `sent` requests (ids "0" to "sent - 1"), by request index: only an id exactly as
 * sent counts (not " 1", "1.0", "0x1", a number or null), and a request answered twice counts as not answered, as
 * neither answer can be trusted to be its own.
 */
function ownAnswers(responses: readonly unknown[], sent: number): Map<number, InnerAnswer> {
  const answers = new Map<number, InnerAnswer>();
  const repeated = new Set<number>();
  for (const answer of responses as (InnerAnswer | null | undefined)[]) {
    const id = answer?.id;
    const index = typeof id === 'string' && /^(0|[1-9][0-9]*)$/.test(id) ? Number(id) : -1;
    if (!answer || index < 0 || index >= sent) {
      continue;
    }
    if (answers.has(index)) {
      repeated.add(index);
    }
    answers.set(index, answer);
  }
  for (const index of repeated) {
    answers.delete(index);
  }
  return answers;
}

/** A header of a batch's inner answer: its `headers` is a plain object whose names' case Graph does not fix. */
function headerOf(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') {
    return undefined;
  }
  const value: unknown = Object.entries(headers as Record<string, unknown>).find(([key]) => key.toLowerCase() === name)?.[1];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/** The Graph actions that answer 204 No Content: the revokes. */
export type ActionRoute = Extract<GraphRoute, 'revokeLicenses' | 'revokeAppLicenses' | 'revokeAppUserLicense' | 'revokeAppDeviceLicense'>;

/** Lists, reads and acts on a tenant's VPP tokens through Microsoft Graph (beta). */
export class VppTokenService {
  private readonly http: GraphTransport;

  constructor(
    client: Client,
    /** Origin of the cloud's Graph: paging links must stay on it. */
    graphEndpoint: string,
    /** Drops a refused access token; true when one retry with a fresh token is worth it (none: never retried). */
    onUnauthorized?: () => boolean,
    /** Whether the admin opted in to naming the groups app assignments target (`intuneVpp.readGroupNames`). */
    readonly namesGroups = false,
  ) {
    this.http = new GraphTransport(client, graphEndpoint, onUnauthorized);
  }

  /** Every token of the tenant, following every `@odata.nextLink`. */
  async listTokens(signal?: AbortSignal): Promise<VppTokenRecord[]> {
    return this.http.collect('listTokens', TOKENS_PATH, this.http.api(TOKENS_PATH).select([...TOKEN_FIELDS]), signal, (item, page) =>
      this.toRecord(item, page),
    );
  }

  /** Every iOS and macOS VPP app of the tenant; group them by `vppTokenId`. */
  async listVppApps(signal?: AbortSignal): Promise<VppAppRecord[]> {
    return this.http.collect<VppAppRecord>(
      'listVppApps',
      APPS_PATH,
      this.http.api(APPS_PATH).filter(VPP_APPS_FILTER),
      signal,
      (item, page) => {
        return appRecord(this.http.withId(item, page, APPS_PATH, l10n.t('an app has no id')));
      },
    );
  }

  /**
   * Intune's audit events since `since` (every write from the admin center, PowerShell or any app), at most
   * MAX_AUDIT_EVENTS: `truncated` says the period held more.
   */
  async listAuditEvents(since: Date, signal?: AbortSignal): Promise<{ events: AuditEventRecord[]; truncated: boolean }> {
    const events = await this.http.collect<AuditEventRecord>(
      'listAuditEvents',
      AUDIT_EVENTS_PATH,
      this.http.api(AUDIT_EVENTS_PATH).filter(`activityDateTime ge ${since.toISOString()}`),
      signal,
      (item, page) => {
        const event = this.http.withId(item, page, AUDIT_EVENTS_PATH, l10n.t('an audit event has no id'));
        const actor = (event.actor ?? {}) as Record<string, unknown>;
        const resources = Array.isArray(event.resources) ? (event.resources as Record<string, unknown>[]) : [];
        const text = (value: unknown, max = 200) => (typeof value === 'string' ? plainText(value, max) : undefined);
        return {
          id: event.id,
          activity: text(event.activity) ?? text(event.displayName),
          activityDateTime: text(event.activityDateTime, 40),
          activityOperationType: text(event.activityOperationType, 40),
          activityResult: text(event.activityResult, 40),
          activityType: text(event.activityType),
          actor: text(actor.userPrincipalName) || text(actor.applicationDisplayName) || text(actor.applicationId) || '-',
          resourceIds: resources.map((resource) => resource?.resourceId).filter((id): id is string => typeof id === 'string'),
        };
      },
      MAX_AUDIT_EVENTS + 1,
    );
    return { events: events.slice(0, MAX_AUDIT_EVENTS), truncated: events.length > MAX_AUDIT_EVENTS };
  }

  /** Every VPP eBook of the tenant; group them by `vppTokenId`. */
  async listVppEBooks(signal?: AbortSignal): Promise<VppEBookRecord[]> {
    return this.http.collect<VppEBookRecord>(
      'listVppEBooks',
      EBOOKS_PATH,
      this.http.api(EBOOKS_PATH).filter(VPP_EBOOKS_FILTER),
      signal,
      (item, page) => licensedItem(this.http.withId(item, page, EBOOKS_PATH, l10n.t('an eBook has no id'))),
    );
  }

  async getToken(id: string, signal?: AbortSignal): Promise<VppTokenRecord> {
    const path = tokenPath(id);
    const response = await this.http.send('getToken', 'GET', this.http.api(path).select([...TOKEN_FIELDS, 'tokenActionResults']), signal);
    return this.toRecord(await this.http.readJson(response, 'GET', path), response);
  }

  /**
   * Up to MAX_BATCH_REQUESTS tokens in one JSON batch (`POST /$batch`), with their action results: each token's answer
   * matched by its id, as a record, as throttled (its own 429, with the Retry-After of its own headers), or as not
   * read (any other answer: the caller reads that one alone, and gets its error).
   */
  async getTokensInBatch(ids: readonly string[], signal?: AbortSignal): Promise<Map<string, BatchedToken>> {
    const select = [...TOKEN_FIELDS, 'tokenActionResults'].join(',');
    const answers = await this.getInBatch(
      'getTokensInBatch',
      ids.map((id) => `${tokenPath(id)}?$select=${select}`),
      signal,
    );
    return new Map(
      ids.map((id, index): [string, BatchedToken] => {
        const answer = answers[index];
        const answered = (answer.kind === 'read' ? (answer.body as { id?: unknown } | undefined) : undefined)?.id;
        // A 200 counts only when its body is the token asked for: else that token is read alone.
        if (answer.kind === 'read' && typeof answered === 'string' && answered.toLowerCase() === id.toLowerCase()) {
          return [id, { kind: 'read', token: this.toRecord(answer.body, answer.response, 'POST') }];
        }
        return [id, answer.kind === 'throttled' ? answer : { kind: 'notRead' }];
      }),
    );
  }

  /**
   * The assignments of up to MAX_BATCH_REQUESTS apps in one JSON batch, each app's answer as its assignments (a
   * complete first page), as throttled, or as not read (any other answer, or a list with more pages: the caller reads
   * that app alone).
   */
  async getAssignmentsInBatch(appIds: readonly string[], signal?: AbortSignal): Promise<Map<string, BatchedAssignments>> {
    const answers = await this.getInBatch(
      'listAssignmentsInBatch',
      appIds.map((id) => assignmentsPath(id)),
      signal,
    );
    return new Map(
      appIds.map((id, index): [string, BatchedAssignments] => {
        const answer = answers[index];
        const body = (answer.kind === 'read' ? answer.body : undefined) as { value?: unknown; '@odata.nextLink'?: unknown } | undefined;
        if (answer.kind === 'read' && Array.isArray(body?.value) && body['@odata.nextLink'] === undefined) {
          const path = assignmentsPath(id);
          const assignments = body.value.map((item: unknown) =>
            assignmentRecord(this.http.withId(item, answer.response, path, l10n.t('an assignment has no id'))),
          );
          return [id, { kind: 'read', assignments }];
        }
        return [id, answer.kind === 'throttled' ? answer : { kind: 'notRead' }];
      }),
    );
  }

  /**
   * The display names of up to MAX_BATCH_REQUESTS groups in one JSON batch (`GET /groups/{id}`, GroupMember.Read.All):
   * each group's name, or its answer's status when it has none (403: the directory permission is not granted).
   */
  async getGroupNamesInBatch(ids: readonly string[], signal?: AbortSignal): Promise<Map<string, GroupName>> {
    const answers = await this.getInBatch(
      'getGroupsInBatch',
      ids.map((id) => `${groupPath(id)}?$select=id,displayName`),
      signal,
    );
    return new Map(
      ids.map((id, index): [string, GroupName] => {
        const answer = answers[index];
        const name = plainText(
          (answer.kind === 'read' ? (answer.body as { displayName?: unknown } | undefined) : undefined)?.displayName,
          120,
        );
        return [id, name ? { kind: 'named', name } : { kind: 'unnamed', status: answer.kind === 'notRead' ? answer.status : undefined }];
      }),
    );
  }

  /** GETs of up to MAX_BATCH_REQUESTS paths in one JSON batch: each one's 200 body, its own 429, or nothing usable. */
  private async getInBatch(route: GraphRoute, paths: readonly string[], signal: AbortSignal | undefined): Promise<BatchAnswer[]> {
    if (paths.length === 0 || paths.length > MAX_BATCH_REQUESTS) {
      throw new RangeError(`a JSON batch holds 1 to ${MAX_BATCH_REQUESTS} requests, not ${paths.length}`);
    }
    const body = { requests: paths.map((url, index) => ({ id: String(index), method: 'GET', url })) };
    // Graph's throttling page answers a batch whose requests were throttled 424, its batching page 200: both carry
    // each request's own answer.
    const response = await this.http.send(route, 'POST', this.http.api(BATCH_PATH), signal, body, [424]);
    const answers = (await this.http.readJson(response, 'POST', BATCH_PATH)) as { responses?: unknown };
    if (!Array.isArray(answers.responses)) {
      throw this.http.malformed('POST', BATCH_PATH, response, l10n.t('the batch has no responses'));
    }
    const own = ownAnswers(answers.responses, paths.length);
    return paths.map((_, index): BatchAnswer => {
      const answer = own.get(index);
      if (answer?.status === 200) {
        return { kind: 'read', body: answer.body, response };
      }
      return answer?.status === 429
        ? { kind: 'throttled', retryAfterSeconds: parseRetryAfter(headerOf(answer.headers, 'retry-after')) }
        : { kind: 'notRead', ...(typeof answer?.status === 'number' ? { status: answer.status } : {}) };
    });
  }

  async revokeLicenses(id: string, options: RevokeLicensesOptions, signal?: AbortSignal): Promise<WriteReceipt> {
    return this.postAction('revokeLicenses', revokeLicensesRequest(id, options), signal);
  }

  /**
   * Adds a token. Graph answers 201 with the new token (secret blob included): it is checked, and kept without the
   * blob. A lost answer is an `unconfirmed` error: the token may exist, so list before adding it again.
   */
  async createToken(fields: NewVppToken, signal?: AbortSignal): Promise<VppTokenRecord> {
    return (await this.createTokenWithReceipt(fields, signal)).token;
  }

  /** Adds a token (see createToken), with the ids Graph gave for the request, for the journal. */
  async createTokenWithReceipt(fields: NewVppToken, signal?: AbortSignal): Promise<{ token: VppTokenRecord; receipt: WriteReceipt }> {
    const { path, body } = createTokenRequest(fields);
    return this.http.write(async () => {
      const response = await this.http.send('createToken', 'POST', this.http.api(path), signal, body);
      const token = this.toRecord(await this.http.readJson(response, 'POST', path), response, 'POST');
      return { token, receipt: { status: response.status, ...ids(response) } };
    });
  }

  /**
   * Changes the given fields of a token, and only those. Graph answers 200 with the token (D24), or 204: both are
   * accepted; the answer's body, secret blob included, is dropped.
   */
  async updateToken(id: string, changes: VppTokenChanges, signal?: AbortSignal): Promise<WriteReceipt> {
    const path = tokenPath(id);
    return this.http.write(async () => receipt(await this.http.send('updateToken', 'PATCH', this.http.api(path), signal, changes)));
  }

  /** Deletes a token (204). Its apps and their assignments go with it in Intune. */
  async deleteToken(id: string, signal?: AbortSignal): Promise<WriteReceipt> {
    const path = tokenPath(id);
    return this.http.write(async () =>
      this.http.expectNoContent(await this.http.send('deleteToken', 'DELETE', this.http.api(path), signal), 'DELETE', path),
    );
  }

  /** One VPP app with the results of its per-app revokes. */
  async getVppApp(id: string, signal?: AbortSignal): Promise<VppAppDetail> {
    const path = `${APPS_PATH}/${encodeURIComponent(id)}`;
    const response = await this.http.send('getVppApp', 'GET', this.http.api(path), signal);
    const app = this.http.withId(await this.http.readJson(response, 'GET', path), response, path, l10n.t('an app has no id'));
    const results = app.revokeLicenseActionResults;
    return {
      ...appRecord(app),
      revokeLicenseActionResults: Array.isArray(results) ? (results as IosVppAppRevokeLicensesActionResult[]) : [],
    };
  }

  /** The licenses of an iOS VPP app, each assigned to a user or to a device. */
  async listAssignedLicenses(appId: string, signal?: AbortSignal): Promise<AssignedLicenseRecord[]> {
    const path = iosVppAppPath(appId, 'assignedLicenses');
    return this.http.collect('listAssignedLicenses', path, this.http.api(path), signal, (item, page) => {
      const license = this.http.withId(item, page, path, l10n.t('a license has no id'));
      const text = (key: string) => (typeof license[key] === 'string' ? license[key] : undefined);
      const managedDeviceId = text('managedDeviceId');
      return {
        id: license.id,
        kind: license['@odata.type'] === '#microsoft.graph.iosVppAppAssignedDeviceLicense' || managedDeviceId ? 'device' : 'user',
        userId: text('userId'),
        userName: graphName(license.userName),
        userPrincipalName: graphName(license.userPrincipalName),
        userEmailAddress: graphName(license.userEmailAddress),
        managedDeviceId,
        deviceName: graphName(license.deviceName),
      };
    });
  }

  /** An app's assignments: intent, target and VPP settings of each. */
  async listAppAssignments(appId: string, signal?: AbortSignal): Promise<AppAssignmentRecord[]> {
    const path = assignmentsPath(appId);
    return this.http.collect('listAppAssignments', path, this.http.api(path), signal, (item, page) =>
      assignmentRecord(this.http.withId(item, page, path, l10n.t('an assignment has no id'))),
    );
  }

  /**
   * Changes one assignment exactly as built (its intent set to Uninstall, or the assignment deleted): Graph answers
   * 200 with the assignment or 204, and the body is dropped.
   */
  changeAssignment(request: GraphWrite, signal?: AbortSignal): Promise<WriteReceipt> {
    const route = request.method === 'DELETE' ? 'deleteAppAssignment' : 'updateAppAssignment';
    return this.http.write(async () =>
      receipt(await this.http.send(route, request.method, this.http.api(request.path), signal, request.body)),
    );
  }

  /** Revokes every license of an iOS VPP app (204). */
  async revokeAppLicenses(appId: string, notifyManagedDevices: boolean, signal?: AbortSignal): Promise<WriteReceipt> {
    return this.postAction('revokeAppLicenses', appRevokeRequest(appId, { kind: 'all' }, notifyManagedDevices), signal);
  }

  /** Revokes the license of an iOS VPP app that one user holds (204). */
  async revokeAppUserLicense(appId: string, userId: string, notifyManagedDevices: boolean, signal?: AbortSignal): Promise<WriteReceipt> {
    return this.postAction('revokeAppUserLicense', appRevokeRequest(appId, { kind: 'user', id: userId }, notifyManagedDevices), signal);
  }

  /** Revokes the license of an iOS VPP app that one device holds (204). */
  async revokeAppDeviceLicense(
    appId: string,
    managedDeviceId: string,
    notifyManagedDevices: boolean,
    signal?: AbortSignal,
  ): Promise<WriteReceipt> {
    return this.postAction(
      'revokeAppDeviceLicense',
      appRevokeRequest(appId, { kind: 'device', id: managedDeviceId }, notifyManagedDevices),
      signal,
    );
  }

  /**
   * Posts an action Graph answers with 204 (a revoke), exactly as built: the write pipeline builds a request once
   * and hands the same one to the journal and here.
   */
  postAction(route: ActionRoute, { path, body }: GraphWrite, signal?: AbortSignal): Promise<WriteReceipt> {
    return this.http.write(async () =>
      this.http.expectNoContent(await this.http.send(route, 'POST', this.http.api(path), signal, body), 'POST', path),
    );
  }

  async syncLicenses(id: string, signal?: AbortSignal): Promise<WriteReceipt> {
    const path = tokenPath(id, 'syncLicenses');
    return this.http.write(async () => {
      const response = await this.http.send('syncLicenses', 'POST', this.http.api(path), signal, undefined);
      // Graph answers with the token (secret blob included): checked to be one, then dropped, never kept. The
      // metadata returns it bare, the docs' examples inside `value`: both are accepted.
      const answer = (await this.http.readJson(response, 'POST', path)) as { value?: unknown };
      const token = answer.value && typeof answer.value === 'object' ? answer.value : answer;
      if (typeof (token as { id?: unknown }).id !== 'string') {
        throw this.http.malformed('POST', path, response, l10n.t('not the token Graph returns for a sync'));
      }
      return { status: response.status, ...ids(response) };
    });
  }

  private toRecord(item: unknown, response: Response, method = 'GET'): VppTokenRecord {
    if (!item || typeof item !== 'object' || typeof (item as { id?: unknown }).id !== 'string') {
      throw this.http.malformed(method, TOKENS_PATH, response, l10n.t('a token has no id'));
    }
    const record = withoutSecret(item as Record<string, unknown>);
    for (const field of TOKEN_NAME_FIELDS) {
      if (typeof record[field] === 'string') {
        record[field] = graphName(record[field]);
      }
    }
    return record as VppTokenRecord;
  }
}
