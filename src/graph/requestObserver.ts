import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import * as l10n from '@vscode/l10n';
import { randomUUID } from 'node:crypto';
import { VppError } from '../errors';
import { Logger } from '../log';
import { logSafeId, plainText } from '../text';

/** The SDK types `request` as the DOM's RequestInfo, which this Node build does not have: it is a URL or a Request. */
function contextRequest(context: Context): string | Request {
  return context.request as string | Request;
}

function requestUrl(context: Context): URL {
  const request = contextRequest(context);
  return new URL(typeof request === 'string' ? request : request.url);
}

function requestMethod(context: Context): string {
  const request = contextRequest(context);
  return (context.options?.method ?? (typeof request === 'string' ? 'GET' : request.method) ?? 'GET').toUpperCase();
}

/** Sets a header on the request's options, whatever form the SDK gave them. */
function setRequestHeader(context: Context, name: string, value: string): void {
  // The DOM's HeadersInit, which this Node build does not type: a Headers, entries, or a record.
  const headers = context.options?.headers as Headers | [string, string][] | Record<string, string> | undefined;
  if (headers instanceof Headers) {
    headers.set(name, value);
    return;
  }
  const record: Record<string, string> = Array.isArray(headers) ? Object.fromEntries(headers) : { ...headers };
  for (const key of Object.keys(record).filter((candidate) => candidate.toLowerCase() === name)) {
    delete record[key];
  }
  context.options = { ...context.options, headers: { ...record, [name]: value } };
}

/** Path and query of a request, which is what the log shows: never the host's credentials or a header. */
export function describePath(url: URL): string {
  return `${url.pathname}${url.search}`;
}

/**
 * Sits just before the network in the Graph client's chain, so it sees every attempt (retries included): sends
 * it only to the configured Graph origin, never follows a redirect, gives it its own `client-request-id` and
 * timeout, turns network failures and redirects into VppErrors, and logs each attempt's outcome with the ids
 * Microsoft support asks for.
 */
export class RequestObserver implements Middleware {
  private next: Middleware | undefined;

  private readonly graphOrigin: string;

  constructor(
    graphEndpoint: string,
    private readonly timeoutMs: number,
    private readonly log: Logger,
  ) {
    this.graphOrigin = new URL(graphEndpoint).origin;
  }

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
    this.refuseOtherOrigins(url, method, path);
    // Each attempt, retries included, has its own id: the log can then tell which attempt reached Intune.
    const clientRequestId = randomUUID();
    setRequestHeader(context, 'client-request-id', clientRequestId);
    context.options = { ...context.options, redirect: 'manual' };
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const callerSignal = context.options?.signal ?? undefined;
    context.options = { ...context.options, signal: callerSignal ? AbortSignal.any([callerSignal, timeout]) : timeout };
    const started = Date.now();
    try {
      await this.next.execute(context);
    } catch (error) {
      throw error instanceof VppError
        ? error
        : this.failureOf(error, { method, path, url, clientRequestId }, { callerSignal, timeout, elapsed: Date.now() - started });
    }
    // A retry passes through here again with these options: it must get the caller's signal, not this attempt's
    // timeout, which may have fired while the retry waited.
    context.options = { ...context.options, signal: callerSignal };
    const response = context.response;
    if (!response) {
      return;
    }
    await this.checkAnswer(response, { method, path, url, clientRequestId }, started);
  }

  /** Only the configured Graph receives the sign-in: any other origin is refused before anything is sent. */
  private refuseOtherOrigins(url: URL, method: string, path: string): void {
    if (url.origin === this.graphOrigin) {
      return;
    }
    this.log.error(`${method} to ${url.host} refused: not the configured Microsoft Graph (${this.graphOrigin})`);
    throw new VppError(
      'blocked',
      l10n.t('A request to {0} was refused: only the configured Microsoft Graph ({1}) receives your sign-in.', url.host, this.graphOrigin),
      { method, path },
    );
  }

  /** A request that got no answer: cancelled by the caller, timed out, or the network failed. */
  private failureOf(
    error: unknown,
    request: Attempt,
    why: { readonly callerSignal: AbortSignal | undefined; readonly timeout: AbortSignal; readonly elapsed: number },
  ): VppError {
    const { method, path, url, clientRequestId } = request;
    if (why.callerSignal?.aborted) {
      this.log.info(`${method} ${path} cancelled after ${why.elapsed} ms (client-request-id ${clientRequestId})`);
      return new VppError('cancelled', l10n.t('The request was cancelled.'), { method, path, clientRequestId });
    }
    if (why.timeout.aborted) {
      this.log.error(`${method} ${path} timed out after ${why.elapsed} ms (client-request-id ${clientRequestId})`);
      return new VppError(
        'timeout',
        l10n.t(
          'Microsoft Graph did not answer within {0} seconds. Try again, or raise the setting intuneVpp.requestTimeoutSeconds.',
          Math.round(this.timeoutMs / 1000),
        ),
        { method, path, clientRequestId },
      );
    }
    const cause = describeNetworkFailure(error);
    this.log.error(`${method} ${path} failed: ${plainText(cause, 200)} (client-request-id ${clientRequestId})`);
    return new VppError(
      'network',
      l10n.t('Could not reach Microsoft Graph at {0} ({1}). Check the network connection, proxy and the cloud setting.', url.host, cause),
      { method, path, clientRequestId },
    );
  }

  /** Logs the answer with its ids; a redirect is refused, never followed. */
  private async checkAnswer(response: Response, request: Attempt, started: number): Promise<void> {
    const { method, path, url, clientRequestId } = request;
    const ids = `request-id ${logSafeId(response.headers.get('request-id')) ?? '-'}, client-request-id ${clientRequestId}`;
    if (response.status >= 300 && response.status < 400) {
      const target = redirectTarget(response, url);
      await response.body?.cancel().catch(() => undefined);
      this.log.error(`${method} ${path} -> ${response.status} redirect to ${target}, not followed (${ids})`);
      throw new VppError(
        'redirected',
        l10n.t(
          'Microsoft Graph answered with a redirect to {0} ({1}), which is not followed: your sign-in goes only to the configured Graph.',
          target,
          response.status,
        ),
        { method, path, status: response.status, requestId: logSafeId(response.headers.get('request-id')), clientRequestId },
      );
    }
    if (!response.ok) {
      const retryAfter = plainText(response.headers.get('retry-after'), 40);
      this.log.error(`${method} ${path} -> ${response.status} (${ids}${retryAfter ? `, retry-after ${retryAfter}` : ''})`);
    } else {
      this.log.trace(`${method} ${path} -> ${response.status} in ${Date.now() - started} ms (${ids})`);
    }
  }
}

/** One attempt of a request, as its log lines and errors name it. */
interface Attempt {
  readonly method: string;
  readonly path: string;
  readonly url: URL;
  readonly clientRequestId: string;
}

/** The host a redirect points to, for the message: only the host, never a path or query that may carry data. */
function redirectTarget(response: Response, base: URL): string {
  try {
    return new URL(response.headers.get('location') ?? '', base).host || base.host;
  } catch {
    return l10n.t('an unreadable address');
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
