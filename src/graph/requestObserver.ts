import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import * as l10n from '@vscode/l10n';
import { VppError } from '../errors';
import { Logger } from '../log';

function requestUrl(context: Context): URL {
  const request = context.request;
  return new URL(typeof request === 'string' ? request : request.url);
}

function requestMethod(context: Context): string {
  const request = context.request;
  return (context.options?.method ?? (typeof request === 'string' ? 'GET' : request.method) ?? 'GET').toUpperCase();
}

function requestHeader(context: Context, name: string): string | undefined {
  const headers = context.options?.headers;
  if (!headers) {
    return undefined;
  }
  if (headers instanceof Headers) {
    return headers.get(name) ?? undefined;
  }
  if (Array.isArray(headers)) {
    return headers.find(([key]) => key.toLowerCase() === name)?.[1];
  }
  const record = headers as Record<string, string>;
  const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === name);
  return key ? record[key] : undefined;
}

/** Path and query of a request, which is what the log shows: never the host's credentials or a header. */
export function describePath(url: URL): string {
  return `${url.pathname}${url.search}`;
}

/**
 * Sits just before the network in the Graph client's chain, so it sees every attempt (retries included):
 * gives each attempt its own timeout, turns network failures into VppErrors, and logs each failed attempt
 * with the ids Microsoft support asks for.
 */
export class RequestObserver implements Middleware {
  private next: Middleware | undefined;

  constructor(
    private readonly timeoutMs: number,
    private readonly log: Logger,
  ) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    if (!this.next) {
      throw new Error('RequestObserver must not be the last middleware');
    }
    const url = requestUrl(context);
    const method = requestMethod(context);
    const path = describePath(url);
    const clientRequestId = requestHeader(context, 'client-request-id');
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const callerSignal = context.options?.signal ?? undefined;
    context.options = { ...context.options, signal: callerSignal ? AbortSignal.any([callerSignal, timeout]) : timeout };
    const started = Date.now();
    try {
      await this.next.execute(context);
    } catch (error) {
      if (error instanceof VppError) {
        throw error;
      }
      const elapsed = Date.now() - started;
      if (callerSignal?.aborted) {
        this.log.info(`${method} ${path} cancelled after ${elapsed} ms (client-request-id ${clientRequestId ?? '-'})`);
        throw new VppError('cancelled', l10n.t('The request was cancelled.'), { method, path, clientRequestId });
      }
      if (timeout.aborted) {
        this.log.error(`${method} ${path} timed out after ${elapsed} ms (client-request-id ${clientRequestId ?? '-'})`);
        throw new VppError(
          'timeout',
          l10n.t(
            'Microsoft Graph did not answer within {0} seconds. Try again, or raise the setting intuneVpp.requestTimeoutSeconds.',
            Math.round(this.timeoutMs / 1000),
          ),
          { method, path, clientRequestId },
        );
      }
      const cause = describeNetworkFailure(error);
      this.log.error(`${method} ${path} failed: ${cause} (client-request-id ${clientRequestId ?? '-'})`);
      throw new VppError(
        'network',
        l10n.t('Could not reach Microsoft Graph at {0} ({1}). Check the network connection, proxy and the cloud setting.', url.host, cause),
        { method, path, clientRequestId },
      );
    }
    // A retry passes through here again with these options: it must get the caller's signal, not this attempt's
    // timeout, which may have fired while the retry waited.
    context.options = { ...context.options, signal: callerSignal };
    const response = context.response;
    if (response && !response.ok) {
      this.log.error(
        `${method} ${path} -> ${response.status} (request-id ${response.headers.get('request-id') ?? '-'}, ` +
          `client-request-id ${response.headers.get('client-request-id') ?? clientRequestId ?? '-'}` +
          `${response.headers.get('retry-after') ? `, retry-after ${response.headers.get('retry-after')}` : ''})`,
      );
    } else if (response) {
      this.log.trace(`${method} ${path} -> ${response.status} in ${Date.now() - started} ms`);
    }
  }
}

/** A short cause for a failed fetch ("ECONNRESET", "certificate has expired"), without any header or token. */
function describeNetworkFailure(error: unknown): string {
  const cause = error instanceof Error ? (error as Error & { cause?: unknown }).cause : undefined;
  if (cause && typeof cause === 'object') {
    const code = (cause as { code?: unknown }).code;
    const message = (cause as { message?: unknown }).message;
    if (typeof code === 'string') {
      return code;
    }
    if (typeof message === 'string') {
      return message;
    }
  }
  return error instanceof Error ? error.message : String(error);
}
