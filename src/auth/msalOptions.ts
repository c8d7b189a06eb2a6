import type { Configuration } from '@azure/msal-node';
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
 * msal's system options: its warnings go to the extension's log, never a line msal marks as holding personal
 * data, and its requests go through a network client that follows no redirect.
 */
export function msalSystemOptions(msal: Msal, log: Logger): SystemOptions {
  return {
    networkClient: new NoRedirectNetworkClient(msal),
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
