import type { Configuration } from '@azure/msal-node';
import { LOGIN_HOST_ALIASES } from '../config/clouds';
import { ConnectionSettings } from '../config/settings';
import { Logger } from '../log';
import { NoRedirectNetworkClient } from './msalNetworkClient';

type Msal = typeof import('@azure/msal-node');
type SystemOptions = NonNullable<Configuration['system']>;

/** The authority of the configured cloud and tenant; a custom cloud's login host is trusted as given, so no instance discovery leaves the machine. */
export function msalAuthority(settings: ConnectionSettings): Pick<Configuration['auth'], 'authority' | 'knownAuthorities'> {
  const { loginEndpoint } = settings.endpoints;
  return {
    authority: `${loginEndpoint}/${encodeURIComponent(settings.tenantId)}`,
    knownAuthorities: settings.cloud === 'custom' ? [new URL(loginEndpoint).host] : [],
  };
}

/**
 * Where msal may send requests for this tenant: the configured login origin and, for a Microsoft cloud, the other
 * hosts of that cloud's authority (msal's own instance metadata lists them, and may prefer one of them).
 */
export function loginOrigins(settings: ConnectionSettings): string[] {
  const own = new URL(settings.endpoints.loginEndpoint).origin.toLowerCase();
  const aliases = settings.cloud === 'custom' ? [] : LOGIN_HOST_ALIASES[settings.cloud].map((host) => `https://${host}`);
  return [...new Set([own, ...aliases])];
}

/**
 * msal's system options: its warnings go to the extension's log, never a line msal marks as holding personal
 * data, and its requests go through a network client that follows no redirect and reaches only `loginOrigins`.
 */
export function msalSystemOptions(msal: Msal, log: Logger, settings: ConnectionSettings): SystemOptions {
  return {
    networkClient: new NoRedirectNetworkClient(msal, loginOrigins(settings)),
    loggerOptions: {
      piiLoggingEnabled: false,
      logLevel: msal.LogLevel.Warning,
      loggerCallback: (_level: unknown, message: string, containsPii: boolean) => {
        if (!containsPii) {
          log.debug(`msal: ${message}`);
        }
      },
    },
  };
}
