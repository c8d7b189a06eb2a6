import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import * as l10n from '@vscode/l10n';

type Msal = typeof import('@azure/msal-node');

/** The msal error code under which a refused redirect reaches the sign-in error handling. */
export const REDIRECT_NOT_FOLLOWED = 'redirect_not_followed';
/** The msal error code under which a request to an origin that is not the tenant's login reaches the error handling. */
export const ORIGIN_REFUSED = 'origin_refused';

/**
 * msal-node's network client, less two things. It never follows a redirect: msal's own client does, and a 307
 * from the login host keeps the POST body, which holds the client secret or signed assertion. And it sends nothing
 * to an origin other than the tenant's login (and its cloud's documented aliases): msal takes its token and device
 * code endpoints from the login host's metadata, which could name any server. Either becomes an error naming the
 * host; other failures take the shapes msal's own client gives them.
 */
export class NoRedirectNetworkClient implements INetworkModule {
  constructor(
    private readonly msal: Msal,
    /** The only origins requests may go to, as `https://host[:port]`. */
    private readonly allowedOrigins: readonly string[],
  ) {}

  sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
    return this.send<T>('GET', url, options, timeout);
  }

  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('POST', url, options);
  }

  private async send<T>(
    method: 'GET' | 'POST',
    url: string,
    options: NetworkRequestOptions | undefined,
    timeout?: number,
  ): Promise<NetworkResponse<T>> {
    const target = originOf(url);
    if (!target || !this.allowedOrigins.includes(target)) {
      throw new this.msal.AuthError(
        ORIGIN_REFUSED,
        '',
        l10n.t(
          'The sign-in service pointed to {0}, which is not its own address: nothing was sent there, as your credentials go only to the configured login host.',
          hostOf(url),
        ),
      );
    }
    // A failed fetch is turned into msal's network error by msal itself.
    const response = await fetch(url, {
      method,
      headers: options?.headers,
      body: method === 'POST' ? (options?.body ?? '') : undefined,
      redirect: 'manual',
      signal: timeout ? AbortSignal.timeout(timeout) : undefined,
    });
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel().catch(() => undefined);
      throw new this.msal.AuthError(
        REDIRECT_NOT_FOLLOWED,
        '',
        l10n.t(
          'The sign-in service answered with a redirect to {0} ({1}), which is not followed: your credentials go only to the configured login host.',
          redirectHost(response.headers.get('location'), url),
          response.status,
        ),
      );
    }
    let body: T;
    try {
      body = (await response.json()) as T;
    } catch (error) {
      throw new this.msal.AuthError('token_parsing_error', '', error instanceof Error ? error.message : String(error));
    }
    return { headers: Object.fromEntries(response.headers), body, status: response.status };
  }
}

function redirectHost(location: string | null, base: string): string {
  try {
    return new URL(location ?? '', base).host;
  } catch {
    return l10n.t('an unreadable address');
  }
}

function originOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' ? parsed.origin.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host || l10n.t('an unreadable address');
  } catch {
    return l10n.t('an unreadable address');
  }
}
