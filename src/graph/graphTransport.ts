import { Client, ResponseType } from '@microsoft/microsoft-graph-client';
import * as l10n from '@vscode/l10n';
import { GraphRoute } from '../config/permissions';
import { VppError } from '../errors';
import { logSafeId } from '../text';
import { errorFromResponse, isIntuneForbidden } from './errorFromResponse';
import { describePath } from './requestObserver';
import { WriteReceipt } from './vppRecords';
import { WriteSlotOptions } from './writeThrottle';

/** Failures after which a write may or may not have been carried out: only a 4xx says Intune did nothing. */
const UNCONFIRMED_KINDS = new Set<VppError['kind']>(['server', 'network', 'timeout', 'malformed', 'redirected']);
/** More pages than a 3,000-token tenant can produce at Graph's smallest page size: a loop guard, not a limit. */
const MAX_PAGES = 1000;

/**
 * How the service talks to Graph: sends a request and turns any status but 2xx into a VppError (one retry after a
 * stale access token), reads and checks an answer's JSON, follows a collection's pages, and marks a write whose
 * answer was lost as unconfirmed.
 */
export class GraphTransport {
  constructor(
    private readonly client: Client,
    /** Origin of the cloud's Graph: paging links must stay on it. */
    private readonly graphEndpoint: string,
    /** Drops a refused access token; true when one retry with a fresh token is worth it (none: never retried). */
    private readonly onUnauthorized?: () => boolean,
  ) {}

  /** A request to a path of this cloud's Graph. */
  api(path: string): ReturnType<Client['api']> {
    return this.client.api(path);
  }

  /** An item of a collection page with a string id; anything else is a malformed answer. */
  withId(item: unknown, page: Response, path: string, what: string): Record<string, unknown> & { id: string } {
    if (!item || typeof item !== 'object' || typeof (item as { id?: unknown }).id !== 'string') {
      throw this.malformed('GET', path, page, what);
    }
    return item as Record<string, unknown> & { id: string };
  }

  /** Reads a collection page by page, following `@odata.nextLink` only on this cloud's Graph and never in a loop. */
  async collect<T>(
    route: GraphRoute,
    path: string,
    first: ReturnType<Client['api']>,
    signal: AbortSignal | undefined,
    toItem: (item: unknown, page: Response) => T,
    /** Stops reading pages once this many items are in. */
    limit = Number.POSITIVE_INFINITY,
  ): Promise<T[]> {
    const items: T[] = [];
    const seenLinks = new Set<string>();
    let page = await this.send(route, 'GET', first, signal);
    for (let pages = 1; ; pages++) {
      const body = await this.readJson(page, 'GET', path);
      const value = (body as { value?: unknown }).value;
      if (!Array.isArray(value)) {
        throw this.malformed('GET', path, page, l10n.t('the list is missing'));
      }
      for (const item of value) {
        items.push(toItem(item, page));
      }
      const nextLink = (body as { '@odata.nextLink'?: unknown })['@odata.nextLink'];
      if (nextLink === undefined || nextLink === null || items.length >= limit) {
        return items;
      }
      this.checkNextLink(nextLink, seenLinks, pages, page, path);
      seenLinks.add(nextLink as string);
      page = await this.send(route, 'GET', this.api(nextLink as string), signal);
    }
  }

  /** Graph answers these writes 204; anything else (a proxy's page, say) must not read as a write that happened. */
  async expectNoContent(response: Response, method: string, path: string): Promise<WriteReceipt> {
    if (response.status !== 204) {
      await response.body?.cancel().catch(() => undefined);
      throw this.malformed(method, path, response, l10n.t('status {0} instead of 204 No Content', response.status));
    }
    return receipt(response);
  }

  /**
   * Runs one write. An answer that does not say whether Intune carried it out (a 5xx, a timeout, a reset
   * connection, a cut or unexpected body, a redirect) becomes an `unconfirmed` error: the write may have
   * happened, so it must not be resent before the token was read again.
   */
  async write<T>(attempt: () => Promise<T>): Promise<T> {
    try {
      return await attempt();
    } catch (error) {
      if (error instanceof VppError && UNCONFIRMED_KINDS.has(error.kind)) {
        throw new VppError(
          'unconfirmed',
          l10n.t(
            "Intune may have carried out this request, but its answer did not say so: {0} Check the token's recent actions before you send it again.",
            error.message,
          ),
          error.details,
        );
      }
      throw error;
    }
  }

  /** Sends a request and returns the raw response when it is 2xx (or one of `alsoAnswers`); any other status becomes a VppError. */
  async send(
    route: GraphRoute,
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    request: ReturnType<Client['api']>,
    signal: AbortSignal | undefined,
    body?: unknown,
    alsoAnswers: readonly number[] = [],
  ): Promise<Response> {
    request.responseType(ResponseType.RAW);
    if (method === 'GET') {
      if (signal) {
        request.option('signal', signal);
      }
    } else {
      // A write can be cancelled while it waits for a throttle slot, never once sent: its outcome must be known.
      request.middlewareOptions([new WriteSlotOptions(signal)]);
    }
    const sendOnce = async () =>
      (method === 'GET'
        ? await request.get()
        : method === 'POST'
          ? await request.post(body)
          : method === 'PATCH'
            ? await request.patch(body)
            : await request.delete()) as Response;
    const failure = async (failed: Response) => {
      const path = describePath(new URL(failed.url || this.graphEndpoint));
      const bodyText = await this.readText(failed, method, path);
      return { error: errorFromResponse({ route, method, path, status: failed.status, headers: failed.headers, bodyText }), bodyText };
    };
    let response = await sendOnce();
    if (response.status === 401) {
      const first = await failure(response);
      // A token that expired or was revoked since it was cached: Graph refused it before acting, so one retry with a
      // fresh token is safe, for writes too. Intune's 401 "Forbidden" (no Intune license or role) is no such token:
      // a fresh one gets the same answer, so it is told at once.
      if (isIntuneForbidden(first.bodyText) || !this.onUnauthorized?.()) {
        throw first.error;
      }
      response = await sendOnce();
    }
    if (!response.ok && !alsoAnswers.includes(response.status)) {
      throw (await failure(response)).error;
    }
    return response;
  }

  private async readText(response: Response, method: string, path: string): Promise<string> {
    try {
      return await response.text();
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      throw new VppError(
        timedOut ? 'timeout' : 'network',
        timedOut
          ? l10n.t('Microsoft Graph stopped sending its answer before the timeout ran out. Try again.')
          : l10n.t('The connection to Microsoft Graph broke while its answer was arriving. Try again.'),
        { method, path, status: response.status, ...ids(response) },
      );
    }
  }

  async readJson(response: Response, method: string, path: string): Promise<unknown> {
    const text = await this.readText(response, method, path);
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        return parsed;
      }
    } catch {
      // Reported below with the request ids.
    }
    throw this.malformed(method, path, response, l10n.t('the answer is not a JSON object'));
  }

  private checkNextLink(nextLink: unknown, seen: Set<string>, pages: number, response: Response, path: string): void {
    if (typeof nextLink !== 'string' || !nextLink.startsWith(`${this.graphEndpoint}/`)) {
      throw this.malformed('GET', path, response, l10n.t('a paging link points away from {0}', this.graphEndpoint));
    }
    if (seen.has(nextLink) || pages >= MAX_PAGES) {
      throw this.malformed('GET', path, response, l10n.t('the paging links loop'));
    }
  }

  malformed(method: string, path: string, response: Response, what: string): VppError {
    return new VppError(
      'malformed',
      l10n.t(
        'Microsoft Graph sent an answer that could not be used ({0}). Try again; if it persists, see the log for the request id.',
        what,
      ),
      { method, path, status: response.status, ...ids(response) },
    );
  }
}

export function ids(response: Response): { requestId?: string; clientRequestId?: string } {
  return {
    requestId: logSafeId(response.headers.get('request-id')),
    clientRequestId: logSafeId(response.headers.get('client-request-id')),
  };
}

/** The ids of a write's response; its body (syncLicenses returns the whole token, secret included) is discarded unread. */
export async function receipt(response: Response): Promise<WriteReceipt> {
  await response.body?.cancel().catch(() => undefined);
  return { status: response.status, ...ids(response) };
}
