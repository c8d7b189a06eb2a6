import * as l10n from '@vscode/l10n';
import { GraphRoute, permissionFor } from '../config/permissions';
import { RequestDetails, VppError } from '../errors';
import { logSafeCode, logSafeId, plainText } from '../text';

/** The parts of a Graph error body this extension reads. */
interface GraphErrorBody {
  error?: { code?: unknown; message?: unknown; innerError?: Record<string, unknown> };
}

/**
 * Intune wraps its own error in `UnknownError`, with a JSON document as the message, sometimes nested twice:
 * `{"ErrorCode":"Forbidden","Message":"{\"Message\":\"An error has occurred - Operation ID …\"}"}`.
 * Returns the innermost human message and the Intune error code, if any.
 */
export function unwrapIntuneMessage(message: string): { message: string; intuneCode?: string } {
  let current = message;
  let intuneCode: string | undefined;
  for (let depth = 0; depth < 5; depth++) {
    const trimmed = current.trim();
    if (!trimmed.startsWith('{')) {
      break;
    }
    let record: Record<string, unknown>;
    try {
      // Text starting with `{` parses to an object or not at all.
      record = JSON.parse(trimmed) as Record<string, unknown>;
    } catch {
      break;
    }
    if (typeof record.ErrorCode === 'string' && !intuneCode) {
      intuneCode = record.ErrorCode;
    }
    const inner = record.Message ?? record.message;
    if (typeof inner !== 'string') {
      break;
    }
    current = inner;
  }
  return { message: current, intuneCode };
}

/**
 * Whether a 401 is Intune's "Forbidden" rather than an expired token: an account with consent but without an
 * Intune license or role gets 401 with `UnknownError` and `{"ErrorCode":"Forbidden","Message":"{… An error has
 * occurred …}"}` inside (microsoftgraph/msgraph-sdk-powershell#1257, Micke-K/IntuneManagement#215). Signing in
 * again gives the same answer, so it must not be told as "sign in again".
 */
export function isIntuneForbidden(bodyText: string): boolean {
  let parsed: GraphErrorBody | undefined;
  try {
    parsed = JSON.parse(bodyText) as GraphErrorBody;
  } catch {
    return false;
  }
  const unwrapped = unwrapIntuneMessage(typeof parsed?.error?.message === 'string' ? parsed.error.message : '');
  return unwrapped.intuneCode?.toLowerCase() === 'forbidden' || /an error has occurred/i.test(unwrapped.message);
}

/** Parses `Retry-After` (seconds or an HTTP date) into whole seconds from now. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) {
    return undefined;
  }
  const seconds = Number(value);
  if (Number.isFinite(seconds)) {
    return Math.max(0, Math.ceil(seconds));
  }
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** When to retry, in the unit a person reads: seconds, minutes, or a time of day for long waits. */
export function throttledMessage(retryAfterSeconds: number | undefined, now = Date.now()): string {
  if (retryAfterSeconds === undefined) {
    return l10n.t('Intune is throttling requests (429). Try again in a minute.');
  }
  if (retryAfterSeconds <= 120) {
    return l10n.t('Intune is throttling requests (429) and asked to wait. Try again in {0} seconds.', retryAfterSeconds);
  }
  if (retryAfterSeconds <= 3600) {
    return l10n.t('Intune is throttling requests (429) and asked to wait. Try again in {0} minutes.', Math.ceil(retryAfterSeconds / 60));
  }
  const at = new Date(now + retryAfterSeconds * 1000).toISOString().replace('T', ' ').slice(0, 16);
  return l10n.t('Intune is throttling requests (429) and asked to wait until {0} UTC.', at);
}

export interface FailedResponse {
  /** The call that failed: a 403 names the permission it needs. */
  readonly route: GraphRoute;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  readonly bodyText: string;
}

/** Turns a non-2xx Graph response into the VppError a person can act on. */
export function errorFromResponse(response: FailedResponse): VppError {
  let body: GraphErrorBody | undefined;
  try {
    body = JSON.parse(response.bodyText) as GraphErrorBody;
  } catch {
    body = undefined;
  }
  const graphCode = typeof body?.error?.code === 'string' ? body.error.code : undefined;
  const rawMessage = typeof body?.error?.message === 'string' ? body.error.message : '';
  const unwrapped = unwrapIntuneMessage(rawMessage);
  const serverMessage = plainText(unwrapped.message);
  const inner = body?.error?.innerError ?? {};
  const details: RequestDetails = {
    method: response.method,
    path: response.path,
    status: response.status,
    // Codes and ids come from the server and go to the log: only their safe characters are kept.
    code: logSafeCode(unwrapped.intuneCode) ?? logSafeCode(graphCode),
    requestId: logSafeId(response.headers.get('request-id')) ?? logSafeId(inner['request-id']),
    clientRequestId: logSafeId(response.headers.get('client-request-id')) ?? logSafeId(inner['client-request-id']),
    retryAfterSeconds: parseRetryAfter(response.headers.get('retry-after')),
  };
  const because = serverMessage ? ` ${l10n.t('Intune said: {0}', serverMessage)}` : '';
  return errorForStatus(response, because, details);
}

/** The error of each status, with what Intune said (`because`) where it helps. */
function errorForStatus(response: FailedResponse, because: string, details: RequestDetails): VppError {
  const status = response.status;
  if (status === 400) {
    return new VppError('badRequest', l10n.t('Microsoft Graph refused the request as invalid (400).') + because, details);
  }
  if (status === 401 && isIntuneForbidden(response.bodyText)) {
    return new VppError(
      'forbidden',
      l10n.t(
        'Intune refused the signed-in account or app (401 Forbidden): it needs an Intune license and an Intune role that manages Apple VPP tokens, such as Intune Administrator or a custom role with the Mobile apps permissions. Signing in again does not change this; an Intune administrator must assign the license and the role.',
      ),
      details,
      'permissions',
    );
  }
  if (status === 401) {
    return new VppError(
      'unauthorized',
      l10n.t('Microsoft Graph no longer accepts your sign-in (401). Run "Intune VPP: Sign In" to sign in again.'),
      details,
    );
  }
  if (status === 403) {
    return new VppError(
      'forbidden',
      l10n.t(
        'Access denied (403). The account or app needs the Microsoft Graph permission {0} with admin consent, and the account needs an Intune license and an Intune role that manages Apple VPP tokens.',
        permissionFor(response.route),
      ) + because,
      details,
      'permissions',
    );
  }
  if (status === 404) {
    return new VppError('notFound', l10n.t('Intune has no such item (404); it may have been deleted. Refresh the list.'), details);
  }
  if (status === 429) {
    return new VppError('throttled', throttledMessage(details.retryAfterSeconds), details);
  }
  if (status >= 500) {
    return new VppError(
      'server',
      l10n.t(
        'Intune had a server error ({0}). Try again in a few minutes; if it persists, give Microsoft support the request id in the log.',
        status,
      ) + because,
      details,
    );
  }
  return new VppError('badRequest', l10n.t('Microsoft Graph answered with status {0}.', status) + because, details);
}
