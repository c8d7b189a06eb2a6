import {
  AuthenticationHandler,
  AuthenticationProvider,
  Client,
  HTTPMessageHandler,
  TelemetryHandler,
} from '@microsoft/microsoft-graph-client';
import { Logger } from '../log';
import { RequestObserver } from './requestObserver';
import { DEFAULT_RETRY_POLICY, GraphRetryHandler, RetryPolicy } from './retryHandler';
import { WriteThrottle, WriteThrottleHandler } from './writeThrottle';

export interface GraphClientOptions {
  /** Origin of the cloud's Graph, e.g. `https://graph.microsoft.com`. */
  readonly graphEndpoint: string;
  readonly getAccessToken: () => Promise<string>;
  readonly requestTimeoutMs: number;
  readonly acceptLanguage: string;
  readonly log: Logger;
  readonly retry?: RetryPolicy;
  /** Shared by every write to the tenant, so no burst exceeds Intune's write limit. */
  readonly writeThrottle: WriteThrottle;
}

/**
 * One Graph client for one cloud: auth, the retry policy of writes and reads, telemetry, then the write throttle and
 * the per-attempt observer (timeout, origin check, no redirects, failure log) just before the network, so that
 * retries pass them too. The SDK's redirect handler is left out on purpose: a redirect could carry the bearer token
 * (and a write's body) to another host.
 */
export function createGraphClient(options: GraphClientOptions): Client {
  const authProvider: AuthenticationProvider = { getAccessToken: options.getAccessToken };
  const retry = options.retry ?? DEFAULT_RETRY_POLICY;
  const chain = [
    new AuthenticationHandler(authProvider),
    new GraphRetryHandler(retry),
    new TelemetryHandler(),
    new WriteThrottleHandler(options.writeThrottle, retry.delaySeconds * 1000),
    new RequestObserver(options.graphEndpoint, options.requestTimeoutMs, options.log),
    new HTTPMessageHandler(),
  ];
  const host = new URL(options.graphEndpoint).hostname;
  return Client.initWithMiddleware({
    middleware: chain,
    baseUrl: `${options.graphEndpoint}/`,
    defaultVersion: 'beta',
    // The SDK only attaches the bearer token to hosts it knows; a custom cloud's host must be named.
    customHosts: new Set([host]),
    fetchOptions: { headers: { 'Accept-Language': options.acceptLanguage }, redirect: 'manual' },
  });
}
