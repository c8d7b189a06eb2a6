/**
 * Characters that can hide or reorder text on screen, in a log or before a language model: C0/C1 controls (ANSI
 * escapes start with one), the soft hyphen, the Arabic letter mark, the Mongolian vowel separator, zero-width
 * characters, bidirectional overrides and isolates, invisible operators, the BOM, the interlinear annotation marks
 * and the Unicode tag block (which can spell a whole instruction no one sees).
 */
const INVISIBLE_OR_CONTROL =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\u{e0000}-\u{e007f}]/gu;

/** Whether text holds a character that `plainText` would take out: a control, a line break or an invisible one. */
export function hasInvisibleOrControl(value: string): boolean {
  return new RegExp(INVISIBLE_OR_CONTROL.source, 'u').test(value);
}

/**
 * Text from outside the admin's hands (a name from Graph, an account from a login host, a tenant label from a file)
 * made safe to show in one line: no controls or invisible characters, no Markdown link (`[x](command:…)`) and no
 * status bar icon (`$(…)`) syntax, bounded length. The one cleaning function: applied where such text enters.
 */
export function plainText(value: unknown, maxLength = 300): string {
  const raw = value === undefined || value === null ? '' : valueText(value);
  const cleaned = raw
    .replace(INVISIBLE_OR_CONTROL, ' ')
    .replace(/\]\s*\(/g, '] (')
    .replace(/\$\(/g, '$ (')
    .replace(/\s+/g, ' ')
    .trim();
  return cleaned.length > maxLength ? `${cleaned.slice(0, maxLength - 1)}…` : cleaned;
}

/**
 * Text as Markdown that renders exactly as the text: every ASCII punctuation character is backslash-escaped (which
 * CommonMark allows for each of them), so that nothing in it becomes emphasis, a link, HTML, an entity, or what GFM
 * makes of a bare address (`https://…`, `www.…`, `name@host`): an autolink. Line breaks become spaces.
 */
export function markdownEscaped(value: string): string {
  return value.replace(/[\r\n]+/g, ' ').replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

/**
 * A request id from a server, made safe for the log (the audit trail of irreversible actions): letters, digits and
 * `-` only, bounded, so that no value can start a new line or forge one. Undefined when nothing is left.
 */
export function logSafeId(value: unknown): string | undefined {
  return typeof value === 'string' ? value.replace(/[^A-Za-z0-9-]/g, '').slice(0, 100) || undefined : undefined;
}

/** An error code from a server, made safe for the log as `logSafeId` does, keeping also `.` and `_` (`Request_BadRequest`). */
export function logSafeCode(value: unknown): string | undefined {
  return typeof value === 'string' ? value.replace(/[^A-Za-z0-9._-]/g, '').slice(0, 100) || undefined : undefined;
}

/** A value of unknown type as text: a string as it is, anything else as JSON where it can be (never "[object Object]"). */
export function valueText(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/**
 * An account name (a UPN) as the log shows it below Trace level: its first character and its domain, so that a
 * log shared for support does not name the admin. `admin@contoso.com` → `a…@contoso.com`.
 */
export function maskedAccount(account: string): string {
  const at = account.lastIndexOf('@');
  return at > 0 ? `${account.slice(0, 1)}…${account.slice(at)}` : `${account.slice(0, 1)}…`;
}
