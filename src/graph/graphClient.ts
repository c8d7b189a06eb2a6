import {
  AuthenticationHandler,
  AuthenticationProvider,
  Client,
  HTTPMessageHandler,
  RedirectHandler,
  RetryHandler,
  RetryHandlerOptions,
  TelemetryHandler,
} from '@microsoft/microsoft-graph-client';
import { Logger } from '../log';
import { parseRetryAfter } from './errorFromResponse';
import { RequestObserver } from './requestObserver';
import { WriteThrottle, WriteThrottleHandler } from './writeThrottle';

export interface RetryPolicy {
  /** Extra seconds added to each back-off when Graph sends no Retry-After. */
  readonly delaySeconds: number;
  readonly maxRetries: number;
  /** A Retry-After longer than this is not waited out: the error reaches the user with the time to retry. */
  readonly maxWaitSeconds: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { delaySeconds: 3, maxRetries: 3, maxWaitSeconds: 60 };

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
 * One Graph client for one cloud: the SDK's default chain (auth, retry, redirect, telemetry) with the write
 * throttle and a per-attempt timeout and failure log inserted just before the network, so retries pass them too.
 */
export function createGraphClient(options: GraphClientOptions): Client {
  const retry = options.retry ?? DEFAULT_RETRY_POLICY;
  const authProvider: AuthenticationProvider = { getAccessToken: options.getAccessToken };
  const chain = [
    new AuthenticationHandler(authProvider),
    new RetryHandler(
      new RetryHandlerOptions(retry.delaySeconds, retry.maxRetries, (_delay, _attempt, _request, _options, response) => {
        const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
        return retryAfter === undefined || retryAfter <= retry.maxWaitSeconds;
      }),
    ),
    new RedirectHandler(),
    new TelemetryHandler(),
    new WriteThrottleHandler(options.writeThrottle),
    new RequestObserver(options.requestTimeoutMs, options.log),
    new HTTPMessageHandler(),
  ];
  const host = new URL(options.graphEndpoint).hostname;
  return Client.initWithMiddleware({
    middleware: chain,
    baseUrl: `${options.graphEndpoint}/`,
    defaultVersion: 'beta',
    // The SDK only attaches the bearer token to hosts it knows; a custom cloud's host must be named.
    customHosts: new Set([host]),
    fetchOptions: { headers: { 'Accept-Language': options.acceptLanguage } },
  });
}
