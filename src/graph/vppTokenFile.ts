import * as l10n from '@vscode/l10n';
import { plainText } from '../text';
import { PickedFile } from '../ui/userInput';

/** Far above any real `.vpptoken` file (a few hundred bytes to a few KB): a larger file is not read. */
export const MAX_TOKEN_FILE_BYTES = 64 * 1024;

/** A token file ready to upload, and what it reveals about itself when it does. */
export interface TokenFile {
  /** What Graph's `token` field takes: the Base64 of the file's text. A secret: never logged, shown or kept. */
  readonly encoded: string;
  /** The organization the file names, when it could be read. */
  readonly organization?: string;
  /** When the token expires, as the file says (epoch ms), when it could be read. */
  readonly expiresAt?: number;
}

export type TokenFileCheck = { readonly ok: true; readonly file: TokenFile } | { readonly ok: false; readonly problem: string };

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Checks a picked file before anything is sent. Apple's content token file is Base64 text; its decoded JSON is
 * widely described as `{token, expDate, orgName}` (not documented by Apple): when it decodes so, the organization
 * and expiry are shown before the upload; when the file is Base64 but does not decode so, it is still accepted and
 * the admin is warned that it could not be checked. Empty, oversized and non-Base64 files are refused.
 */
export function checkTokenFile(picked: PickedFile): TokenFileCheck {
  const name = plainText(picked.name, 120);
  if (picked.size > MAX_TOKEN_FILE_BYTES || picked.text === undefined) {
    return {
      ok: false,
      problem: l10n.t(
        'The file "{0}" is {1} KB: a VPP token file is a few KB at most. Download the token again from Apple Business Manager or Apple School Manager (Preferences > Payments and Billing).',
        name,
        Math.ceil(picked.size / 1024),
      ),
    };
  }
  const text = picked.text.trim();
  if (text.length === 0) {
    return {
      ok: false,
      problem: l10n.t('The file "{0}" is empty. Download the token again from Apple Business Manager or Apple School Manager.', name),
    };
  }
  if (!BASE64.test(text) || text.length % 4 !== 0) {
    return {
      ok: false,
      problem: l10n.t(
        'The file "{0}" is not a VPP token: a token file (.vpptoken) from Apple Business Manager or Apple School Manager holds Base64 text.',
        name,
      ),
    };
  }
  const encoded = Buffer.from(text).toString('base64');
  return { ok: true, file: { encoded, ...describeToken(text) } };
}

/** The organization and expiry a token file reveals, when its Base64 decodes to the JSON described above. */
function describeToken(text: string): Pick<TokenFile, 'organization' | 'expiresAt'> {
  try {
    // JSON that is not an object (a number, a string) has neither field; null throws, and reveals nothing either.
    const { orgName, expDate } = JSON.parse(Buffer.from(text, 'base64').toString()) as { orgName?: unknown; expDate?: unknown };
    // Apple writes the offset without a colon (+0000), which Date.parse does not promise to read.
    const expiresAt = typeof expDate === 'string' ? Date.parse(expDate.replace(/([+-]\d\d)(\d\d)$/, '$1:$2')) : NaN;
    return {
      organization: typeof orgName === 'string' && orgName.trim() ? plainText(orgName, 200) : undefined,
      expiresAt: Number.isNaN(expiresAt) ? undefined : expiresAt,
    };
  } catch {
    return {};
  }
}

/** Whether a file's organization differs from a token's (case and spacing aside); unknown on either side is no difference. */
export function organizationDiffers(file: TokenFile, organizationName: string | null | undefined): boolean {
  const normalise = (value: string) => value.trim().replace(/\s+/g, ' ').toLowerCase();
  return file.organization !== undefined && !!organizationName && normalise(file.organization) !== normalise(organizationName);
}
