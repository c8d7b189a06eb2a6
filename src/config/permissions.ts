/** The Microsoft Graph calls this extension makes, as the permission table names them. */
export type GraphRoute =
  | 'listTokens'
  | 'getToken'
  | 'createToken'
  | 'updateToken'
  | 'deleteToken'
  | 'revokeLicenses'
  | 'syncLicenses'
  | 'listVppApps'
  | 'getVppApp'
  | 'listAssignedLicenses'
  | 'revokeAppLicenses'
  | 'revokeAppUserLicense'
  | 'revokeAppDeviceLicense'
  | 'listAppAssignments'
  | 'updateAppAssignment'
  | 'deleteAppAssignment'
  | 'listVppEBooks'
  | 'listAuditEvents'
  | 'getTokensInBatch'
  | 'listAssignmentsInBatch'
  | 'getGroupsInBatch';

const APPS_READ = 'DeviceManagementApps.Read.All';
const APPS_READ_WRITE = 'DeviceManagementApps.ReadWrite.All';
const CONFIGURATION_READ = 'DeviceManagementConfiguration.Read.All';
const CONFIGURATION_READ_WRITE = 'DeviceManagementConfiguration.ReadWrite.All';
const SERVICE_CONFIG_READ = 'DeviceManagementServiceConfig.Read.All';
const SERVICE_CONFIG_READ_WRITE = 'DeviceManagementServiceConfig.ReadWrite.All';
/** Reads every group's properties and memberships: what names the groups app assignments target. */
export const GROUP_NAMES_PERMISSION = 'GroupMember.Read.All';

export interface RoutePermissions {
  /** Delegated permissions (a work or school account) that grant the call, least privileged first. */
  readonly delegated: readonly string[];
  /** Application permissions (app-only sign-in) that grant the call, least privileged first. */
  readonly application: readonly string[];
}

/** Graph documents the same permissions for delegated and application use of these routes. */
function either(...permissions: string[]): RoutePermissions {
  return { delegated: permissions, application: permissions };
}

/**
 * Which Microsoft Graph permissions grant each call, least privileged first, as the current beta reference pages
 * list them (checked 2026-12-06):
 * - "List vppTokens", "Get vppToken": DeviceManagementApps.Read.All, .ReadWrite.All,
 *   DeviceManagementServiceConfig.Read.All, .ReadWrite.All;
 * - "Create vppToken", "Update vppToken", "Delete vppToken", "revokeLicenses action", "syncLicenses action":
 *   DeviceManagementApps.ReadWrite.All, DeviceManagementServiceConfig.ReadWrite.All. Earlier pages listed
 *   DeviceManagementServiceConfig.ReadWrite.All and DeviceManagementConfiguration.ReadWrite.All for the two actions;
 * - "List iosVppApps", "Get iosVppApp", "List iosVppAppAssignedLicenses": DeviceManagementApps.Read.All,
 *   .ReadWrite.All, DeviceManagementConfiguration.Read.All, .ReadWrite.All;
 * - "revokeAllLicenses action", "revokeUserLicense action", "revokeDeviceLicense action" (iosVppApp):
 *   DeviceManagementConfiguration.ReadWrite.All, DeviceManagementApps.ReadWrite.All;
 * - "List mobileAppAssignments": DeviceManagementApps.Read.All, .ReadWrite.All, DeviceManagementConfiguration.Read.All,
 *   .ReadWrite.All; "Update mobileAppAssignment", "Delete mobileAppAssignment":
 *   DeviceManagementConfiguration.ReadWrite.All, DeviceManagementApps.ReadWrite.All;
 * - "List iosVppEBooks": DeviceManagementApps.Read.All, .ReadWrite.All;
 * - "List auditEvents": DeviceManagementApps.Read.All, .ReadWrite.All;
 * - "Combine multiple requests in one HTTP call using JSON batching": the batch needs no permission of its own; each
 *   request in it needs its own, so a batch of "Get vppToken" requests needs Get vppToken's, and one of "List
 *   mobileAppAssignments" requests needs that call's;
 * - "Get group" (v1.0 and beta): GroupMember.Read.All, Group.Read.All, Directory.Read.All, Group.ReadWrite.All,
 *   Directory.ReadWrite.All (delegated also Directory.AccessAsUser.All). Only asked for when the admin turns on
 *   `intuneVpp.readGroupNames`.
 */
export const ROUTE_PERMISSIONS: Readonly<Record<GraphRoute, RoutePermissions>> = {
  listTokens: either(APPS_READ, APPS_READ_WRITE, SERVICE_CONFIG_READ, SERVICE_CONFIG_READ_WRITE),
  getToken: either(APPS_READ, APPS_READ_WRITE, SERVICE_CONFIG_READ, SERVICE_CONFIG_READ_WRITE),
  createToken: either(APPS_READ_WRITE, SERVICE_CONFIG_READ_WRITE),
  updateToken: either(APPS_READ_WRITE, SERVICE_CONFIG_READ_WRITE),
  deleteToken: either(APPS_READ_WRITE, SERVICE_CONFIG_READ_WRITE),
  revokeLicenses: either(APPS_READ_WRITE, SERVICE_CONFIG_READ_WRITE),
  syncLicenses: either(APPS_READ_WRITE, SERVICE_CONFIG_READ_WRITE),
  listVppApps: either(APPS_READ, APPS_READ_WRITE, CONFIGURATION_READ, CONFIGURATION_READ_WRITE),
  getVppApp: either(APPS_READ, APPS_READ_WRITE, CONFIGURATION_READ, CONFIGURATION_READ_WRITE),
  listAssignedLicenses: either(APPS_READ, APPS_READ_WRITE, CONFIGURATION_READ, CONFIGURATION_READ_WRITE),
  revokeAppLicenses: either(CONFIGURATION_READ_WRITE, APPS_READ_WRITE),
  revokeAppUserLicense: either(CONFIGURATION_READ_WRITE, APPS_READ_WRITE),
  revokeAppDeviceLicense: either(CONFIGURATION_READ_WRITE, APPS_READ_WRITE),
  listAppAssignments: either(APPS_READ, APPS_READ_WRITE, CONFIGURATION_READ, CONFIGURATION_READ_WRITE),
  updateAppAssignment: either(CONFIGURATION_READ_WRITE, APPS_READ_WRITE),
  deleteAppAssignment: either(CONFIGURATION_READ_WRITE, APPS_READ_WRITE),
  listVppEBooks: either(APPS_READ, APPS_READ_WRITE),
  listAuditEvents: either(APPS_READ, APPS_READ_WRITE),
  getTokensInBatch: either(APPS_READ, APPS_READ_WRITE, SERVICE_CONFIG_READ, SERVICE_CONFIG_READ_WRITE),
  listAssignmentsInBatch: either(APPS_READ, APPS_READ_WRITE, CONFIGURATION_READ, CONFIGURATION_READ_WRITE),
  getGroupsInBatch: {
    delegated: [
      GROUP_NAMES_PERMISSION,
      'Group.Read.All',
      'Directory.Read.All',
      'Group.ReadWrite.All',
      'Directory.ReadWrite.All',
      'Directory.AccessAsUser.All',
    ],
    application: [GROUP_NAMES_PERMISSION, 'Group.Read.All', 'Directory.Read.All', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'],
  },
};

/**
 * The one permission an admin grants (delegated, or application for app-only) and the delegated sign-in requests:
 * per the pages above, `DeviceManagementApps.ReadWrite.All` grants every call this extension makes, so no other is
 * asked for. A tenant that also granted `DeviceManagementServiceConfig.ReadWrite.All` (as earlier versions asked)
 * keeps working; that permission alone grants the token calls but not the apps.
 */
export const GRANTED_PERMISSIONS: readonly string[] = [APPS_READ_WRITE];

/** The permission a refused call needs, as messages name it: the one of the granted set that covers the route. */
export function permissionFor(route: GraphRoute): string {
  return (
    GRANTED_PERMISSIONS.find((permission) => ROUTE_PERMISSIONS[route].delegated.includes(permission)) ??
    ROUTE_PERMISSIONS[route].delegated[0]
  );
}
