import * as l10n from '@vscode/l10n';
import { CancelledError, VppError } from '../errors';
import { REQUIRED_PERMISSION } from '../graph/errorFromResponse';
import { plainText } from '../text';

/** Entra errors that mean the app or its permission has not been registered or consented in the tenant. */
const CONSENT_CODES = new Set(['65001', '65004', '650051', '650052', '650057', '90094', '90099', '700016', '500011']);
const BAD_SECRET_CODES = new Set(['7000215', '7000222', '7000112']);
const BAD_TENANT_CODES = new Set(['90002', '900023', '50059']);

/** Turns whatever a sign-in attempt threw into a VppError a person can act on. */
export function signInError(error: unknown): VppError {
  if (error instanceof VppError) {
    return error;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (/did not consent to login|^cancel+ed$|user_cancelled|user canceled/i.test(message)) {
    return new CancelledError(l10n.t('Sign-in was cancelled.'));
  }
  const code = /AADSTS(\d+)/.exec(message)?.[1];
  if (code && CONSENT_CODES.has(code)) {
    return new VppError(
      'consentRequired',
      l10n.t(
        'Microsoft Entra ID refused the sign-in (AADSTS{0}): the app is not registered or not consented in this tenant. An administrator must register an app with the Microsoft Graph permission {1} and grant admin consent; the README section "Admin setup" shows how.',
        code,
        REQUIRED_PERMISSION,
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
  return new VppError('unauthorized', l10n.t('Sign-in failed: {0}', plainText(message)), code ? { code: `AADSTS${code}` } : {});
}
