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
  | 'listVppEBooks';

const APPS_READ = 'DeviceManagementApps.Read.All';
const APPS_READ_WRITE = 'DeviceManagementApps.ReadWrite.All';
const CONFIGURATION_READ = 'DeviceManagementConfiguration.Read.All';
const CONFIGURATION_READ_WRITE = 'DeviceManagementConfiguration.ReadWrite.All';
const SERVICE_CONFIG_READ = 'DeviceManagementServiceConfig.Read.All';
const SERVICE_CONFIG_READ_WRITE = 'DeviceManagementServiceConfig.ReadWrite.All';

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
 * Which Microsoft Graph permissions grant each call, from Microsoft's Graph reference (see
 * shared/reference/graph-vpp-lifecycle.md). Reading the apps bought with a token needs an apps permission:
 * `DeviceManagementServiceConfig.*` alone is refused there.
 */
export const ROUTE_PERMISSIONS: Readonly<Record<GraphRoute, RoutePermissions>> = {
  listTokens: either(APPS_READ, APPS_READ_WRITE, SERVICE_CONFIG_READ, SERVICE_CONFIG_READ_WRITE),
  getToken: either(APPS_READ, APPS_READ_WRITE, SERVICE_CONFIG_READ, SERVICE_CONFIG_READ_WRITE),
  createToken: either(APPS_READ_WRITE, SERVICE_CONFIG_READ_WRITE),
  updateToken: either(APPS_READ_WRITE, SERVICE_CONFIG_READ_WRITE),
  deleteToken: either(APPS_READ_WRITE, SERVICE_CONFIG_READ_WRITE),
  revokeLicenses: either(SERVICE_CONFIG_READ_WRITE, CONFIGURATION_READ_WRITE),
  syncLicenses: either(SERVICE_CONFIG_READ_WRITE, CONFIGURATION_READ_WRITE),
  listVppApps: either(APPS_READ, APPS_READ_WRITE, CONFIGURATION_READ, CONFIGURATION_READ_WRITE),
  getVppApp: either(APPS_READ, APPS_READ_WRITE, CONFIGURATION_READ, CONFIGURATION_READ_WRITE),
  listAssignedLicenses: either(CONFIGURATION_READ, CONFIGURATION_READ_WRITE, APPS_READ, APPS_READ_WRITE),
  revokeAppLicenses: either(CONFIGURATION_READ_WRITE, APPS_READ_WRITE),
  revokeAppUserLicense: either(CONFIGURATION_READ_WRITE, APPS_READ_WRITE),
  revokeAppDeviceLicense: either(CONFIGURATION_READ_WRITE, APPS_READ_WRITE),
  listVppEBooks: either(APPS_READ, APPS_READ_WRITE),
};

/**
 * The permissions an admin grants (delegated, or application for app-only) and the delegated sign-in requests, all at
 * once: the tokens and their writes, and the apps bought with each token and their per-app revokes. Asked together
 * so that no command stops at a second consent prompt.
 */
export const GRANTED_PERMISSIONS: readonly string[] = [SERVICE_CONFIG_READ_WRITE, APPS_READ_WRITE];

/** The permission a refused call needs, as messages name it: the one of the granted set that covers the route. */
export function permissionFor(route: GraphRoute): string {
  return (
    GRANTED_PERMISSIONS.find((permission) => ROUTE_PERMISSIONS[route].delegated.includes(permission)) ??
    ROUTE_PERMISSIONS[route].delegated[0]
  );
}
