import type { Configuration } from '@azure/msal-node';
import { ConnectionSettings } from '../config/settings';
import { Logger } from '../log';

type Msal = typeof import('@azure/msal-node');
type LoggerOptions = NonNullable<NonNullable<Configuration['system']>['loggerOptions']>;

/** The authority of the configured cloud and tenant; a custom cloud's login host is trusted as given, so no instance discovery leaves the machine. */
export function msalAuthority(settings: ConnectionSettings): Pick<Configuration['auth'], 'authority' | 'knownAuthorities'> {
  const { loginEndpoint } = settings.endpoints;
  return {
    authority: `${loginEndpoint}/${encodeURIComponent(settings.tenantId)}`,
    knownAuthorities: settings.cloud === 'custom' ? [new URL(loginEndpoint).host] : [],
  };
}

/** msal's warnings go to the extension's log, never a line msal marks as holding personal data. */
export function msalLoggerOptions(msal: Msal, log: Logger): LoggerOptions {
  return {
    piiLoggingEnabled: false,
    logLevel: msal.LogLevel.Warning,
    loggerCallback: (_level: unknown, message: string, containsPii: boolean) => {
      if (!containsPii) {
        log.debug(`msal: ${message}`);
      }
    },
  };
}
