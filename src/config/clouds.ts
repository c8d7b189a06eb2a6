import { GRANTED_PERMISSIONS, GROUP_NAMES_PERMISSION } from './permissions';

/** The Microsoft clouds the extension can talk to, and where each one's Graph and login live. */
export type CloudName = 'global' | 'usGov' | 'usGovDoD' | 'china' | 'custom';

export const CLOUD_NAMES: readonly CloudName[] = ['global', 'usGov', 'usGovDoD', 'china', 'custom'];

export interface CloudEndpoints {
  /** Origin of Microsoft Graph, without a trailing slash, e.g. `https://graph.microsoft.com`. */
  readonly graphEndpoint: string;
  /** Origin of the Entra ID login authority, without a trailing slash. */
  readonly loginEndpoint: string;
}

export const WELL_KNOWN_CLOUDS: Readonly<Record<Exclude<CloudName, 'custom'>, CloudEndpoints>> = {
  global: { graphEndpoint: 'https://graph.microsoft.com', loginEndpoint: 'https://login.microsoftonline.com' },
  usGov: { graphEndpoint: 'https://graph.microsoft.us', loginEndpoint: 'https://login.microsoftonline.us' },
  usGovDoD: { graphEndpoint: 'https://dod-graph.microsoft.us', loginEndpoint: 'https://login.microsoftonline.us' },
  china: { graphEndpoint: 'https://microsoftgraph.chinacloudapi.cn', loginEndpoint: 'https://login.chinacloudapi.cn' },
};

/**
 * The hosts of each Microsoft cloud's login authority, as msal's instance metadata lists them (msal may send to any
 * of them). Device code sign-in also shows its page on `microsoft.com` (`/devicelogin`, `/deviceloginus`, …).
 */
export const LOGIN_HOST_ALIASES: Readonly<Record<Exclude<CloudName, 'custom'>, readonly string[]>> = {
  global: ['login.microsoftonline.com', 'login.windows.net', 'login.microsoft.com', 'sts.windows.net'],
  usGov: ['login.microsoftonline.us', 'login.usgovcloudapi.net'],
  usGovDoD: ['login.microsoftonline.us', 'login.usgovcloudapi.net'],
  china: ['login.chinacloudapi.cn', 'login.partner.microsoftonline.cn'],
};

/**
 * The delegated permissions this extension needs (see permissions.ts), and GroupMember.Read.All only when the admin
 * turned on naming groups, scoped to a cloud's Graph host.
 */
export function delegatedScopes(graphEndpoint: string, groupNames = false): string[] {
  return [...GRANTED_PERMISSIONS, ...(groupNames ? [GROUP_NAMES_PERMISSION] : [])].map((permission) => `${graphEndpoint}/${permission}`);
}

/** The app-only scope for a cloud's Graph host. */
export function defaultScope(graphEndpoint: string): string {
  return `${graphEndpoint}/.default`;
}
