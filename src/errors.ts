import { GraphClientError } from '@microsoft/microsoft-graph-client';

/** What went wrong, in the terms the UI and the log branch on. */
export type ErrorKind =
  | 'badRequest'
  | 'unauthorized'
  | 'forbidden'
  | 'notFound'
  | 'throttled'
  | 'server'
  | 'network'
  | 'timeout'
  | 'malformed'
  | 'redirected'
  | 'blocked'
  | 'unconfirmed'
  | 'signInRequired'
  | 'consentRequired'
  | 'configuration'
  | 'cancelled';

export interface RequestDetails {
  readonly method?: string;
  readonly path?: string;
  readonly status?: number;
  readonly code?: string;
  readonly requestId?: string;
  readonly clientRequestId?: string;
  readonly retryAfterSeconds?: number;
}

/**
 * The one error type the extension raises: a kind to branch on, a message written for people,
 * and the request ids support asks for. It extends GraphClientError because the Graph client
 * rethrows that type unchanged from its middleware and auth provider, and wraps any other.
 */
export class VppError extends GraphClientError {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly details: RequestDetails = {},
    /** Where a reader finds how to fix it, e.g. a README section anchor. */
    readonly helpTopic?: string,
  ) {
    super(message);
    // GraphClientError resets the prototype to its own; restore ours so instanceof works.
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = 'VppError';
  }
}

export class ConfigurationError extends VppError {
  constructor(message: string) {
    super('configuration', message, {}, 'settings');
  }
}

export class CancelledError extends VppError {
  constructor(message: string) {
    super('cancelled', message);
  }
}

/** One log line for a failure: kind, request and ids, never a header value or token. */
export function describeForLog(error: unknown): string {
  if (!(error instanceof VppError)) {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
  const d = error.details;
  const parts = [
    `kind=${error.kind}`,
    d.method && d.path ? `request=${d.method} ${d.path}` : undefined,
    d.status !== undefined ? `status=${d.status}` : undefined,
    d.code ? `code=${d.code}` : undefined,
    `request-id=${d.requestId ?? '-'}`,
    `client-request-id=${d.clientRequestId ?? '-'}`,
    d.retryAfterSeconds !== undefined ? `retry-after=${d.retryAfterSeconds}s` : undefined,
  ];
  return `${parts.filter(Boolean).join(' ')}: ${error.message}`;
}
