import { ConnectionSettings } from '../config/settings';
import { Logger } from '../log';
import { createGraphClient } from './graphClient';
import { RetryPolicy } from './retryHandler';
import { VppTokenService } from './vppTokenService';
import { INTUNE_WRITE_LIMIT, WriteThrottle } from './writeThrottle';

export interface ServiceDependencies {
  readonly getAccessToken: () => Promise<string>;
  /** Drops the access token Graph refused; true when a retry with a fresh one may succeed. */
  readonly onUnauthorized?: () => boolean;
  readonly log: Logger;
  /** A real language tag (fetch's default `*` is refused by some Graph services). */
  readonly acceptLanguage: string;
  readonly retry?: RetryPolicy;
  /** Defaults to Intune's documented limit; tests and the benchmark scale it down. */
  readonly writeThrottle?: WriteThrottle;
}

/** The VPP token service for the cloud and timeout of the given settings. */
export function createVppTokenService(settings: ConnectionSettings, dependencies: ServiceDependencies): VppTokenService {
  const client = createGraphClient({
    graphEndpoint: settings.endpoints.graphEndpoint,
    getAccessToken: dependencies.getAccessToken,
    requestTimeoutMs: settings.requestTimeoutMs,
    acceptLanguage: dependencies.acceptLanguage,
    log: dependencies.log,
    retry: dependencies.retry,
    writeThrottle: dependencies.writeThrottle ?? new WriteThrottle(INTUNE_WRITE_LIMIT),
  });
  return new VppTokenService(client, settings.endpoints.graphEndpoint, dependencies.onUnauthorized, settings.groupNames === true);
}
