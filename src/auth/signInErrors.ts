import * as l10n from '@vscode/l10n';
import { CancelledError, VppError } from '../errors';
import { GRANTED_PERMISSIONS } from '../config/permissions';
import { plainText } from '../text';
import { ORIGIN_REFUSED, REDIRECT_NOT_FOLLOWED } from './msalNetworkClient';

/** Entra errors that mean the app or its permission has not been registered or consented in the tenant. */
const CONSENT_CODES = new Set(['65001', '65004', '650051', '650052', '650057', '90094', '90099', '700016', '500011']);
const BAD_SECRET_CODES = new Set(['7000215', '7000222', '7000112']);
const BAD_TENANT_CODES = new Set(['90002', '900023', '50059']);

/** The parts of an msal error this extension reads. */
interface MsalErrorFields {
  errorCode?: unknown;
  errorMessage?: unknown;
  status?: unknown;
}

/** Turns whatever a sign-in attempt threw into a VppError a person can act on. */
export function signInError(error: unknown): VppError {
  if (error instanceof VppError) {
    return error;
  }
  const msal = (error && typeof error === 'object' ? error : {}) as MsalErrorFields;
  const errorCode = typeof msal.errorCode === 'string' ? msal.errorCode : (msal.errorCode as { code?: unknown } | undefined)?.code;
  const errorMessage = typeof msal.errorMessage === 'string' ? msal.errorMessage : '';
  const message = [
    typeof errorCode === 'string' ? errorCode : '',
    errorMessage,
    error instanceof Error ? error.message : String(error),
  ].join(' ');
  const raw = error instanceof Error ? error.message.trim() : String(error);
  if (
    /did not consent to login|^cancel+ed$|user_cancelled|user canceled/i.test(raw) ||
    /user_cancelled|device_code_polling_cancelled/i.test(message)
  ) {
    return new CancelledError(l10n.t('Sign-in was cancelled.'));
  }
  if (errorCode === REDIRECT_NOT_FOLLOWED || errorCode === ORIGIN_REFUSED) {
    return new VppError('redirected', plainText(errorMessage, 400));
  }
  const code = /AADSTS(\d+)/.exec(message)?.[1];
  const refused = entraRefusal(code, message);
  if (refused) {
    return refused;
  }
  const status = typeof msal.status === 'number' ? msal.status : undefined;
  if (status === 429) {
    return new VppError('throttled', l10n.t('The sign-in service is throttling requests (429). Try again in a minute.'), { status });
  }
  if (status !== undefined && status >= 500) {
    return new VppError('server', l10n.t('The sign-in service had a server error ({0}). Try again in a few minutes.', status), { status });
  }
  if (errorCode === 'network_error') {
    return new VppError(
      'network',
      l10n.t('Could not reach the sign-in service. Check the network connection, proxy and the cloud setting.'),
    );
  }
  if (errorCode === 'token_parsing_error' || errorCode === 'invalid_json') {
    return new VppError('malformed', l10n.t('The sign-in service sent an answer that could not be used. Try again.'));
  }
  const reason = plainText(errorMessage || (error instanceof Error ? error.message : String(error)));
  return new VppError(
    'unauthorized',
    typeof errorCode === 'string' && errorCode
      ? l10n.t('Sign-in failed ({0}): {1}', plainText(errorCode, 60), reason)
      : l10n.t('Sign-in failed: {0}', reason),
    code ? { code: `AADSTS${code}` } : {},
  );
}

/** What Microsoft Entra ID refused, by its AADSTS code or the device-code flow's error: undefined when neither says. */
function entraRefusal(code: string | undefined, message: string): VppError | undefined {
  if (code && CONSENT_CODES.has(code)) {
    return new VppError(
      'consentRequired',
      l10n.t(
        'Microsoft Entra ID refused the sign-in (AADSTS{0}): the app is not registered or not consented in this tenant. An administrator must register an app with the Microsoft Graph permissions {1} and grant admin consent; the README section "Admin setup" shows how.',
        code,
        GRANTED_PERMISSIONS.join(', '),
      ),
      { code: `AADSTS${code}` },
      'admin-setup',
    );
  }
  if (code && BAD_SECRET_CODES.has(code)) {
    return new VppError(
      'unauthorized',
      l10n.t('Microsoft Entra ID refused the client secret (AADSTS{0}). Store a current one with "Intune VPP: Set Client Secret…".', code),
      { code: `AADSTS${code}` },
      'client-credentials',
    );
  }
  if (code && BAD_TENANT_CODES.has(code)) {
    return new VppError(
      'configuration',
      l10n.t('Microsoft Entra ID does not know the tenant (AADSTS{0}). Check the setting intuneVpp.auth.tenantId and the cloud.', code),
      { code: `AADSTS${code}` },
      'settings',
    );
  }
  if (/expired_token/.test(message)) {
    return new VppError('signInRequired', l10n.t('The sign-in code expired before it was used. Run "Intune VPP: Sign In" again.'));
  }
  if (/slow_down/.test(message)) {
    return new VppError(
      'throttled',
      l10n.t('The sign-in service asked to slow down. Wait a minute, then run "Intune VPP: Sign In" again.'),
    );
  }
  return undefined;
}
