import { Client, ResponseType } from '@microsoft/microsoft-graph-client';
import type {
  AuditEvent,
  IosVppApp,
  IosVppAppAssignedDeviceLicense,
  IosVppAppRevokeLicensesActionResult,
  IosVppEBook,
  VppToken,
} from '@microsoft/microsoft-graph-types-beta';
import * as l10n from '@vscode/l10n';
import { VppError } from '../errors';
import { GraphRoute } from '../config/permissions';
import { logSafeId, plainText } from '../text';
import { errorFromResponse, isIntuneForbidden } from './errorFromResponse';
import { GraphWrite } from './exactRequest';
import { describePath } from './requestObserver';
import { WriteSlotOptions } from './writeThrottle';

/**
 * A VPP token as this extension holds it: every field but the secret `token` blob. The beta metadata also has
 * `appleDeviceAppDeliveryProtocolType` (fixed when the token is added), which the types package does not have yet.
 */
export type VppTokenRecord = Omit<VppToken, 'token'> & { readonly id: string; readonly appleDeviceAppDeliveryProtocolType?: string | null };

/**
 * The fields listed and shown. `token` (the secret blob) is deliberately absent, so Graph never sends it.
 * `tokenActionResults` is left to getToken, which shows one token's detail.
 */
export const TOKEN_FIELDS = [
  'id',
  'displayName',
  'organizationName',
  'appleId',
  'locationName',
  'countryOrRegion',
  'vppTokenAccountType',
  'state',
  'expirationDateTime',
  'lastSyncDateTime',
  'lastSyncStatus',
  'lastModifiedDateTime',
  'automaticallyUpdateApps',
  'dataSharingConsentGranted',
  'claimTokenManagementFromExternalMdm',
  'roleScopeTagIds',
  'appleDeviceAppDeliveryProtocolType',
] as const satisfies readonly (keyof VppTokenRecord)[];

/** The fields of a VPP app that are read: iosVppApp and macOsVppApp both have them (a contract test checks). */
export const VPP_APP_FIELDS = ['displayName', 'bundleId', 'vppTokenId', 'usedLicenseCount', 'totalLicenseCount'] as const;

/** An iOS or macOS app bought with a VPP token, as the tree shows it. Only iOS apps have per-app revokes in Graph. */
export type VppAppRecord = Pick<IosVppApp, (typeof VPP_APP_FIELDS)[number]> & { readonly id: string; readonly platform?: 'iOS' | 'macOS' };

/** An iOS VPP app with the results of its per-app revokes, read to learn a revoke's outcome. */
export type VppAppDetail = VppAppRecord & { readonly revokeLicenseActionResults: readonly IosVppAppRevokeLicensesActionResult[] };

/** One license of an iOS VPP app: assigned to a user, or to a device (which has `managedDeviceId`). */
export type AssignedLicenseRecord = Pick<
  IosVppAppAssignedDeviceLicense,
  'userId' | 'userName' | 'userPrincipalName' | 'userEmailAddress' | 'managedDeviceId' | 'deviceName'
> & { readonly id: string; readonly kind: 'user' | 'device' };

/** The fields an admin gives when adding a token; `token` is the Base64 of the `.vpptoken` file's text. */
export type NewVppToken = Required<
  Pick<VppToken, 'token' | 'appleId' | 'countryOrRegion' | 'vppTokenAccountType' | 'automaticallyUpdateApps' | 'dataSharingConsentGranted'>
> &
  Pick<VppToken, 'displayName'>;

/** The fields a PATCH may change: the admin's, never the ones Intune sets (organization, state, dates…). */
export type VppTokenChanges = Partial<
  Pick<
    VppToken,
    | 'token'
    | 'appleId'
    | 'displayName'
    | 'countryOrRegion'
    | 'automaticallyUpdateApps'
    | 'dataSharingConsentGranted'
    | 'claimTokenManagementFromExternalMdm'
  >
>;

/** The fields of a VPP eBook that are read (a contract test checks iosVppEBook has them). */
export const VPP_EBOOK_FIELDS = ['displayName', 'vppTokenId', 'usedLicenseCount', 'totalLicenseCount'] as const;

/** An eBook bought with a VPP token, as the tree shows it. */
export type VppEBookRecord = Pick<IosVppEBook, (typeof VPP_EBOOK_FIELDS)[number]> & { readonly id: string };

/** eBooks bought through Apple's volume purchase program; `vppTokenId` is a GUID here, a string on apps. */
const VPP_EBOOKS_FILTER = "isof('microsoft.graph.iosVppEBook')";
const EBOOKS_PATH = '/deviceAppManagement/managedEBooks';

/** iOS and macOS VPP apps. Their own fields cannot be `$select`ed on the base collection, so none are. */
const VPP_APPS_FILTER = "isof('microsoft.graph.iosVppApp') or isof('microsoft.graph.macOsVppApp')";
const APPS_PATH = '/deviceAppManagement/mobileApps';
/** The per-app actions are bound to iosVppApp, so the app's path is cast to it, as the SDKs do. */
const IOS_VPP_APP_CAST = 'microsoft.graph.iosVppApp';

/** The path of one iOS VPP app, cast to its type, with an action or navigation property after it. */
export function iosVppAppPath(id: string, tail: string): string {
  if (typeof id !== 'string' || id.length === 0 || id === '.' || id === '..') {
    throw new VppError('badRequest', l10n.t('The app id "{0}" is not valid.', String(id)));
  }
  return `${APPS_PATH}/${encodeURIComponent(id)}/${IOS_VPP_APP_CAST}/${tail}`;
}

export interface RevokeLicensesOptions {
  readonly notifyManagedDevices: boolean;
  readonly revokeUntrackedLicenses: boolean;
}

/** Ids Graph gave for a write, for the log and for support. */
export interface WriteReceipt {
  readonly status: number;
  readonly requestId?: string;
  readonly clientRequestId?: string;
}

const TOKENS_PATH = '/deviceAppManagement/vppTokens';
/** Failures after which a write may or may not have been carried out: only a 4xx says Intune did nothing. */
const UNCONFIRMED_KINDS = new Set<VppError['kind']>(['server', 'network', 'timeout', 'malformed', 'redirected']);
/** More pages than a 3,000-token tenant can produce at Graph's smallest page size: a loop guard, not a limit. */
const MAX_PAGES = 1000;

/** The path of one token: the id is data, so it is percent-encoded and may never be a dot segment. */
export function tokenPath(id: string, action?: string): string {
  if (typeof id !== 'string' || id.length === 0 || id === '.' || id === '..') {
    throw new VppError('badRequest', l10n.t('The VPP token id "{0}" is not valid.', String(id)));
  }
  return `${TOKENS_PATH}/${encodeURIComponent(id)}${action ? `/${action}` : ''}`;
}

/** Intune's audit log of every write, from any tool. */
const AUDIT_EVENTS_PATH = '/deviceManagement/auditEvents';
/** More events than any period an admin picks should hold for one tenant's VPP writes: past it, the list says so. */
export const MAX_AUDIT_EVENTS = 5000;

/** An event of Intune's audit log, its names cleaned at entry. */
export type AuditEventRecord = Pick<
  AuditEvent,
  'activity' | 'activityDateTime' | 'activityOperationType' | 'activityResult' | 'activityType'
> & {
  readonly id: string;
  /** The account's user name, or the app's name or id. */
  readonly actor: string;
  /** The ids of the resources the event names. */
  readonly resourceIds: readonly string[];
};

/** The creation of a token as Graph receives it. Its body holds the token file's content: copy it only through exactRequest. */
export function createTokenRequest(fields: NewVppToken): GraphWrite & { body: Record<string, unknown> } {
  return {
    method: 'POST',
    path: TOKENS_PATH,
    body: { '@odata.type': '#microsoft.graph.vppToken', ...fields, claimTokenManagementFromExternalMdm: false, roleScopeTagIds: ['0'] },
  };
}

/** Which licenses of an iOS VPP app a per-app revoke takes: all, or the one a user or a device holds. */
export type AppRevokeScope = { readonly kind: 'all' } | { readonly kind: 'user' | 'device'; readonly id: string };

/** A per-app revoke as Graph receives it. */
export function appRevokeRequest(
  appId: string,
  scope: AppRevokeScope,
  notifyManagedDevices: boolean,
): GraphWrite & { body: Record<string, unknown> } {
  if (scope.kind === 'all') {
    return { method: 'POST', path: iosVppAppPath(appId, 'revokeAllLicenses'), body: { notifyManagedDevices } };
  }
  return scope.kind === 'user'
    ? { method: 'POST', path: iosVppAppPath(appId, 'revokeUserLicense'), body: { userId: scope.id, notifyManagedDevices } }
    : { method: 'POST', path: iosVppAppPath(appId, 'revokeDeviceLicense'), body: { managedDeviceId: scope.id, notifyManagedDevices } };
}

/** The revoke of a token's licenses as Graph receives it: sent by the service, and copied for a change ticket. */
export function revokeLicensesRequest(id: string, options: RevokeLicensesOptions): GraphWrite & { body: Record<string, boolean> } {
  return {
    method: 'POST',
    path: tokenPath(id, 'revokeLicenses'),
    body: {
      notifyManagedDevices: options.notifyManagedDevices === true,
      revokeUntrackedLicenses: options.revokeUntrackedLicenses === true,
    },
  };
}

/** The longest name kept from Graph; far above what any view shows. */
const MAX_NAME_LENGTH = 500;

/**
 * A name from Graph, cleaned where it enters (see `plainText`): whoever can write in Intune chooses it, and it goes
 * into the tree, messages, the log and a language model's context. Undefined stays undefined.
 */
function name(value: unknown): string | undefined {
  return typeof value === 'string' ? plainText(value, MAX_NAME_LENGTH) : undefined;
}

/** The free-text fields of a token: cleaned as `name` cleans them. */
const TOKEN_NAME_FIELDS = ['displayName', 'organizationName', 'appleId', 'locationName'] as const;

/** What the tree shows of an app or an eBook: its name, token and license counts, each only when of the right type. */
function licensedItem(item: Record<string, unknown> & { id: string }) {
  const text = (key: string) => (typeof item[key] === 'string' ? item[key] : undefined);
  const count = (key: string) => (typeof item[key] === 'number' ? item[key] : undefined);
  return {
    id: item.id,
    displayName: name(item.displayName),
    vppTokenId: text('vppTokenId'),
    usedLicenseCount: count('usedLicenseCount'),
    totalLicenseCount: count('totalLicenseCount'),
  };
}

/** An app's listed fields, and its platform from its `@odata.type`. */
function appRecord(app: Record<string, unknown> & { id: string }): VppAppRecord {
  const type = app['@odata.type'];
  return {
    ...licensedItem(app),
    bundleId: name(app.bundleId),
    platform: type === '#microsoft.graph.iosVppApp' ? 'iOS' : type === '#microsoft.graph.macOsVppApp' ? 'macOS' : undefined,
  };
}

/** Removes the secret `token` blob should a server send it despite `$select`. */
function withoutSecret(raw: Record<string, unknown>): Record<string, unknown> {
  const { token: _secret, ...rest } = raw;
  return rest;
}

/** Lists, reads and acts on a tenant's VPP tokens through Microsoft Graph (beta). */
export class VppTokenService {
  constructor(
    private readonly client: Client,
    /** Origin of the cloud's Graph: paging links must stay on it. */
    private readonly graphEndpoint: string,
    /** Drops a refused access token; true when one retry with a fresh token is worth it. */
    private readonly onUnauthorized: () => boolean,
  ) {}

  /** Every token of the tenant, following every `@odata.nextLink`. */
  async listTokens(signal?: AbortSignal): Promise<VppTokenRecord[]> {
    return this.collect('listTokens', TOKENS_PATH, this.client.api(TOKENS_PATH).select([...TOKEN_FIELDS]), signal, (item, page) =>
      this.toRecord(item, page),
    );
  }

  /** Every iOS and macOS VPP app of the tenant; group them by `vppTokenId`. */
  async listVppApps(signal?: AbortSignal): Promise<VppAppRecord[]> {
    return this.collect<VppAppRecord>(
      'listVppApps',
      APPS_PATH,
      this.client.api(APPS_PATH).filter(VPP_APPS_FILTER),
      signal,
      (item, page) => {
        return appRecord(this.withId(item, page, APPS_PATH, l10n.t('an app has no id')));
      },
    );
  }

  /**
   * Intune's audit events since `since` (every write from the admin center, PowerShell or any app), at most
   * MAX_AUDIT_EVENTS: `truncated` says the period held more.
   */
  async listAuditEvents(since: Date, signal?: AbortSignal): Promise<{ events: AuditEventRecord[]; truncated: boolean }> {
    const events = await this.collect<AuditEventRecord>(
      'listAuditEvents',
      AUDIT_EVENTS_PATH,
      this.client.api(AUDIT_EVENTS_PATH).filter(`activityDateTime ge ${since.toISOString()}`),
      signal,
      (item, page) => {
        const event = this.withId(item, page, AUDIT_EVENTS_PATH, l10n.t('an audit event has no id'));
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
    return this.collect<VppEBookRecord>(
      'listVppEBooks',
      EBOOKS_PATH,
      this.client.api(EBOOKS_PATH).filter(VPP_EBOOKS_FILTER),
      signal,
      (item, page) => licensedItem(this.withId(item, page, EBOOKS_PATH, l10n.t('an eBook has no id'))),
    );
  }

  /** An item of a collection page with a string id; anything else is a malformed answer. */
  private withId(item: unknown, page: Response, path: string, what: string): Record<string, unknown> & { id: string } {
    if (!item || typeof item !== 'object' || typeof (item as { id?: unknown }).id !== 'string') {
      throw this.malformed('GET', path, page, what);
    }
    return item as Record<string, unknown> & { id: string };
  }

  /** Reads a collection page by page, following `@odata.nextLink` only on this cloud's Graph and never in a loop. */
  private async collect<T>(
    route: GraphRoute,
    path: string,
    first: ReturnType<Client['api']>,
    signal: AbortSignal | undefined,
    toItem: (item: unknown, page: Response) => T,
    /** Stops reading pages once this many items are in. */
    limit = Number.POSITIVE_INFINITY,
  ): Promise<T[]> {
    const items: T[] = [];
    const seenLinks = new Set<string>();
    let page = await this.send(route, 'GET', first, signal);
    for (let pages = 1; ; pages++) {
      const body = await this.readJson(page, 'GET', path);
      const value = (body as { value?: unknown }).value;
      if (!Array.isArray(value)) {
        throw this.malformed('GET', path, page, l10n.t('the list is missing'));
      }
      for (const item of value) {
        items.push(toItem(item, page));
      }
      const nextLink = (body as { '@odata.nextLink'?: unknown })['@odata.nextLink'];
      if (nextLink === undefined || nextLink === null || items.length >= limit) {
        return items;
      }
      this.checkNextLink(nextLink, seenLinks, pages, page, path);
      seenLinks.add(nextLink as string);
      page = await this.send(route, 'GET', this.client.api(nextLink as string), signal);
    }
  }

  async getToken(id: string, signal?: AbortSignal): Promise<VppTokenRecord> {
    const path = tokenPath(id);
    const response = await this.send('getToken', 'GET', this.client.api(path).select([...TOKEN_FIELDS, 'tokenActionResults']), signal);
    return this.toRecord(await this.readJson(response, 'GET', path), response);
  }

  async revokeLicenses(id: string, options: RevokeLicensesOptions, signal?: AbortSignal): Promise<WriteReceipt> {
    const { path, body } = revokeLicensesRequest(id, options);
    return this.write(async () => {
      return this.expectNoContent(await this.send('revokeLicenses', 'POST', this.client.api(path), signal, body), 'POST', path);
    });
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
    return this.write(async () => {
      const response = await this.send('createToken', 'POST', this.client.api(path), signal, body);
      const token = this.toRecord(await this.readJson(response, 'POST', path), response, 'POST');
      return { token, receipt: { status: response.status, ...ids(response) } };
    });
  }

  /**
   * Changes the given fields of a token, and only those. Graph answers 200 with the token (D24), or 204: both are
   * accepted; the answer's body, secret blob included, is dropped.
   */
  async updateToken(id: string, changes: VppTokenChanges, signal?: AbortSignal): Promise<WriteReceipt> {
    const path = tokenPath(id);
    return this.write(async () => receipt(await this.send('updateToken', 'PATCH', this.client.api(path), signal, changes)));
  }

  /** Deletes a token (204). Its apps and their assignments go with it in Intune. */
  async deleteToken(id: string, signal?: AbortSignal): Promise<WriteReceipt> {
    const path = tokenPath(id);
    return this.write(async () =>
      this.expectNoContent(await this.send('deleteToken', 'DELETE', this.client.api(path), signal), 'DELETE', path),
    );
  }

  /** One VPP app with the results of its per-app revokes. */
  async getVppApp(id: string, signal?: AbortSignal): Promise<VppAppDetail> {
    const path = `${APPS_PATH}/${encodeURIComponent(id)}`;
    const response = await this.send('getVppApp', 'GET', this.client.api(path), signal);
    const app = this.withId(await this.readJson(response, 'GET', path), response, path, l10n.t('an app has no id'));
    const results = app.revokeLicenseActionResults;
    return {
      ...appRecord(app),
      revokeLicenseActionResults: Array.isArray(results) ? (results as IosVppAppRevokeLicensesActionResult[]) : [],
    };
  }

  /** The licenses of an iOS VPP app, each assigned to a user or to a device. */
  async listAssignedLicenses(appId: string, signal?: AbortSignal): Promise<AssignedLicenseRecord[]> {
    const path = iosVppAppPath(appId, 'assignedLicenses');
    return this.collect('listAssignedLicenses', path, this.client.api(path), signal, (item, page) => {
      const license = this.withId(item, page, path, l10n.t('a license has no id'));
      const text = (key: string) => (typeof license[key] === 'string' ? license[key] : undefined);
      const managedDeviceId = text('managedDeviceId');
      return {
        id: license.id,
        kind: license['@odata.type'] === '#microsoft.graph.iosVppAppAssignedDeviceLicense' || managedDeviceId ? 'device' : 'user',
        userId: text('userId'),
        userName: name(license.userName),
        userPrincipalName: name(license.userPrincipalName),
        userEmailAddress: name(license.userEmailAddress),
        managedDeviceId,
        deviceName: name(license.deviceName),
      };
    });
  }

  /** Revokes every license of an iOS VPP app (204). */
  async revokeAppLicenses(appId: string, notifyManagedDevices: boolean, signal?: AbortSignal): Promise<WriteReceipt> {
    return this.appAction('revokeAppLicenses', appRevokeRequest(appId, { kind: 'all' }, notifyManagedDevices), signal);
  }

  /** Revokes the license of an iOS VPP app that one user holds (204). */
  async revokeAppUserLicense(appId: string, userId: string, notifyManagedDevices: boolean, signal?: AbortSignal): Promise<WriteReceipt> {
    return this.appAction('revokeAppUserLicense', appRevokeRequest(appId, { kind: 'user', id: userId }, notifyManagedDevices), signal);
  }

  /** Revokes the license of an iOS VPP app that one device holds (204). */
  async revokeAppDeviceLicense(
    appId: string,
    managedDeviceId: string,
    notifyManagedDevices: boolean,
    signal?: AbortSignal,
  ): Promise<WriteReceipt> {
    return this.appAction(
      'revokeAppDeviceLicense',
      appRevokeRequest(appId, { kind: 'device', id: managedDeviceId }, notifyManagedDevices),
      signal,
    );
  }

  private appAction(route: GraphRoute, { path, body }: GraphWrite, signal?: AbortSignal): Promise<WriteReceipt> {
    return this.write(async () => this.expectNoContent(await this.send(route, 'POST', this.client.api(path), signal, body), 'POST', path));
  }

  /** Graph answers these writes 204; anything else (a proxy's page, say) must not read as a write that happened. */
  private async expectNoContent(response: Response, method: string, path: string): Promise<WriteReceipt> {
    if (response.status !== 204) {
      await response.body?.cancel().catch(() => undefined);
      throw this.malformed(method, path, response, l10n.t('status {0} instead of 204 No Content', response.status));
    }
    return receipt(response);
  }

  async syncLicenses(id: string, signal?: AbortSignal): Promise<WriteReceipt> {
    const path = tokenPath(id, 'syncLicenses');
    return this.write(async () => {
      const response = await this.send('syncLicenses', 'POST', this.client.api(path), signal, undefined);
      // Graph answers with the token (secret blob included): checked to be one, then dropped, never kept. The
      // metadata returns it bare, the docs' examples inside `value`: both are accepted.
      const answer = (await this.readJson(response, 'POST', path)) as { value?: unknown };
      const token = answer.value && typeof answer.value === 'object' ? answer.value : answer;
      if (typeof (token as { id?: unknown }).id !== 'string') {
        throw this.malformed('POST', path, response, l10n.t('not the token Graph returns for a sync'));
      }
      return { status: response.status, ...ids(response) };
    });
  }

  /**
   * Runs one write. An answer that does not say whether Intune carried it out (a 5xx, a timeout, a reset
   * connection, a cut or unexpected body, a redirect) becomes an `unconfirmed` error: the write may have
   * happened, so it must not be resent before the token was read again.
   */
  private async write<T>(attempt: () => Promise<T>): Promise<T> {
    try {
      return await attempt();
    } catch (error) {
      if (error instanceof VppError && UNCONFIRMED_KINDS.has(error.kind)) {
        throw new VppError(
          'unconfirmed',
          l10n.t(
            "Intune may have carried out this request, but its answer did not say so: {0} Check the token's recent actions before you send it again.",
            error.message,
          ),
          error.details,
        );
      }
      throw error;
    }
  }

  /** Sends a request and returns the raw response when it is 2xx; any other status becomes a VppError. */
  private async send(
    route: GraphRoute,
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    request: ReturnType<Client['api']>,
    signal: AbortSignal | undefined,
    body?: unknown,
  ): Promise<Response> {
    request.responseType(ResponseType.RAW);
    if (method === 'GET') {
      if (signal) {
        request.option('signal', signal);
      }
    } else {
      // A write can be cancelled while it waits for a throttle slot, never once sent: its outcome must be known.
      request.middlewareOptions([new WriteSlotOptions(signal)]);
    }
    const sendOnce = async () =>
      (method === 'GET'
        ? await request.get()
        : method === 'POST'
          ? await request.post(body)
          : method === 'PATCH'
            ? await request.patch(body)
            : await request.delete()) as Response;
    const failure = async (failed: Response) => {
      const path = describePath(new URL(failed.url || this.graphEndpoint));
      const bodyText = await this.readText(failed, method, path);
      return { error: errorFromResponse({ route, method, path, status: failed.status, headers: failed.headers, bodyText }), bodyText };
    };
    let response = await sendOnce();
    if (response.status === 401) {
      const first = await failure(response);
      // A token that expired or was revoked since it was cached: Graph refused it before acting, so one retry with a
      // fresh token is safe, for writes too. Intune's 401 "Forbidden" (no Intune license or role) is no such token:
      // a fresh one gets the same answer, so it is told at once.
      if (isIntuneForbidden(first.bodyText) || !this.onUnauthorized()) {
        throw first.error;
      }
      response = await sendOnce();
    }
    if (!response.ok) {
      throw (await failure(response)).error;
    }
    return response;
  }

  private async readText(response: Response, method: string, path: string): Promise<string> {
    try {
      return await response.text();
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      throw new VppError(
        timedOut ? 'timeout' : 'network',
        timedOut
          ? l10n.t('Microsoft Graph stopped sending its answer before the timeout ran out. Try again.')
          : l10n.t('The connection to Microsoft Graph broke while its answer was arriving. Try again.'),
        { method, path, status: response.status, ...ids(response) },
      );
    }
  }

  private async readJson(response: Response, method: string, path: string): Promise<unknown> {
    const text = await this.readText(response, method, path);
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        return parsed;
      }
    } catch {
      // Reported below with the request ids.
    }
    throw this.malformed(method, path, response, l10n.t('the answer is not a JSON object'));
  }

  private toRecord(item: unknown, response: Response, method = 'GET'): VppTokenRecord {
    if (!item || typeof item !== 'object' || typeof (item as { id?: unknown }).id !== 'string') {
      throw this.malformed(method, TOKENS_PATH, response, l10n.t('a token has no id'));
    }
    const record = withoutSecret(item as Record<string, unknown>);
    for (const field of TOKEN_NAME_FIELDS) {
      if (typeof record[field] === 'string') {
        record[field] = name(record[field]);
      }
    }
    return record as VppTokenRecord;
  }

  private checkNextLink(nextLink: unknown, seen: Set<string>, pages: number, response: Response, path: string): void {
    if (typeof nextLink !== 'string' || !nextLink.startsWith(`${this.graphEndpoint}/`)) {
      throw this.malformed('GET', path, response, l10n.t('a paging link points away from {0}', this.graphEndpoint));
    }
    if (seen.has(nextLink) || pages >= MAX_PAGES) {
      throw this.malformed('GET', path, response, l10n.t('the paging links loop'));
    }
  }

  private malformed(method: string, path: string, response: Response, what: string): VppError {
    return new VppError(
      'malformed',
      l10n.t(
        'Microsoft Graph sent an answer that could not be used ({0}). Try again; if it persists, see the log for the request id.',
        what,
      ),
      { method, path, status: response.status, ...ids(response) },
    );
  }
}

function ids(response: Response): { requestId?: string; clientRequestId?: string } {
  return {
    requestId: logSafeId(response.headers.get('request-id')),
    clientRequestId: logSafeId(response.headers.get('client-request-id')),
  };
}

/** The ids of a write's response; its body (syncLicenses returns the whole token, secret included) is discarded unread. */
async function receipt(response: Response): Promise<WriteReceipt> {
  await response.body?.cancel().catch(() => undefined);
  return { status: response.status, ...ids(response) };
}
