/**
 * What the extension keeps of Graph's VPP objects (never the token's secret blob), where they live, and the bodies of
 * its writes. Names from Graph are cleaned here, where they enter.
 */
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
import { plainText } from '../text';
import { GraphWrite } from './exactRequest';

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
export const VPP_EBOOKS_FILTER = "isof('microsoft.graph.iosVppEBook')";
export const EBOOKS_PATH = '/deviceAppManagement/managedEBooks';

/** iOS and macOS VPP apps. Their own fields cannot be `$select`ed on the base collection, so none are. */
export const VPP_APPS_FILTER = "isof('microsoft.graph.iosVppApp') or isof('microsoft.graph.macOsVppApp')";
export const APPS_PATH = '/deviceAppManagement/mobileApps';
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

/** Graph's JSON batching: one POST carries up to 20 requests. */
export const BATCH_PATH = '/$batch';
export const MAX_BATCH_REQUESTS = 20;

export const TOKENS_PATH = '/deviceAppManagement/vppTokens';

/** The path of one token: the id is data, so it is percent-encoded and may never be a dot segment. */
export function tokenPath(id: string, action?: string): string {
  if (typeof id !== 'string' || id.length === 0 || id === '.' || id === '..') {
    throw new VppError('badRequest', l10n.t('The VPP token id "{0}" is not valid.', String(id)));
  }
  return `${TOKENS_PATH}/${encodeURIComponent(id)}${action ? `/${action}` : ''}`;
}

/** Intune's audit log of every write, from any tool. */
export const AUDIT_EVENTS_PATH = '/deviceManagement/auditEvents';
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
export function graphName(value: unknown): string | undefined {
  return typeof value === 'string' ? plainText(value, MAX_NAME_LENGTH) : undefined;
}

/** The free-text fields of a token: cleaned as `graphName` cleans them. */
export const TOKEN_NAME_FIELDS = ['displayName', 'organizationName', 'appleId', 'locationName'] as const;

/** What the tree shows of an app or an eBook: its name, token and license counts, each only when of the right type. */
export function licensedItem(item: Record<string, unknown> & { id: string }) {
  const text = (key: string) => (typeof item[key] === 'string' ? item[key] : undefined);
  const count = (key: string) => (typeof item[key] === 'number' ? item[key] : undefined);
  return {
    id: item.id,
    displayName: graphName(item.displayName),
    vppTokenId: text('vppTokenId'),
    usedLicenseCount: count('usedLicenseCount'),
    totalLicenseCount: count('totalLicenseCount'),
  };
}

/** An app's listed fields, and its platform from its `@odata.type`. */
export function appRecord(app: Record<string, unknown> & { id: string }): VppAppRecord {
  const type = app['@odata.type'];
  return {
    ...licensedItem(app),
    bundleId: graphName(app.bundleId),
    platform: type === '#microsoft.graph.iosVppApp' ? 'iOS' : type === '#microsoft.graph.macOsVppApp' ? 'macOS' : undefined,
  };
}

/** Removes the secret `token` blob should a server send it despite `$select`. */
export function withoutSecret(raw: Record<string, unknown>): Record<string, unknown> {
  const { token: _secret, ...rest } = raw;
  return rest;
}
