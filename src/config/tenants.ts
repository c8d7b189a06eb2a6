import { createHash } from 'node:crypto';
import * as l10n from '@vscode/l10n';
import { hasInvisibleOrControl, plainText } from '../text';
import { RawSettings, SettingNames, text, USER_SETTING_NAMES } from './settings';

/** The longest tenant label: it names a root item of the view and goes into messages. */
export const MAX_TENANT_LABEL_LENGTH = 80;

/**
 * Why a tenant label cannot be used, or undefined: 1 to 80 characters, without controls, line breaks or invisible
 * and bidirectional characters (which could forge a line of a message or the log, or hide what it says).
 */
export function tenantLabelProblem(label: string): string | undefined {
  const trimmed = label.trim();
  if (!trimmed || trimmed.length > MAX_TENANT_LABEL_LENGTH) {
    return l10n.t('Enter a name of 1 to {0} characters.', MAX_TENANT_LABEL_LENGTH);
  }
  if (hasInvisibleOrControl(trimmed)) {
    return l10n.t('The name holds a line break, a control character or an invisible one: type it again without them.');
  }
  return undefined;
}

/** One entry of `intuneVpp.additionalTenants` as the user (or "Add Tenant…") wrote it, before validation. */
export interface TenantEntry {
  label?: unknown;
  cloud?: unknown;
  graphEndpoint?: unknown;
  loginEndpoint?: unknown;
  authMode?: unknown;
  clientId?: unknown;
  tenantId?: unknown;
  /** `true`: the app's secret or certificate is stored once for every entry of this app that says so. */
  sharedCredential?: unknown;
}

/** A tenant the view shows: its settings as written, a stable key and the name on its root item. */
export interface TenantDefinition {
  /** Derived from where and how it signs in, so it survives reordering and names secrets and state. */
  readonly key: string;
  readonly label: string;
  readonly raw: RawSettings;
  /** True for the tenant of the `intuneVpp.cloud` / `intuneVpp.auth.*` settings, false for an additional one. */
  readonly primary: boolean;
  /** Where its settings are written, for messages. */
  readonly settingNames: SettingNames;
  /** Whether it uses the credential stored once for its app (login host and client id); only when its entry says so. */
  readonly sharedCredential: boolean;
}

export interface TenantList {
  readonly definitions: TenantDefinition[];
  /** Labels of additional entries left out because an earlier one signs in the same way to the same tenant. */
  readonly duplicates: string[];
}

/** The same key for the same cloud, endpoints, mode, app and tenant, however the entry is spelt. */
export function tenantKey(raw: RawSettings): string {
  const identity = [
    raw.cloud ?? 'global',
    raw.customGraphEndpoint,
    raw.customLoginEndpoint,
    raw.authMode ?? 'vscode',
    raw.clientId,
    raw.tenantId,
  ].map((value) => text(value).toLowerCase().replace(/\/+$/, ''));
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 16);
}

export function rawFromEntry(entry: TenantEntry, requestTimeoutSeconds: unknown): RawSettings {
  return {
    cloud: entry.cloud ?? 'global',
    customGraphEndpoint: entry.graphEndpoint,
    customLoginEndpoint: entry.loginEndpoint,
    authMode: entry.authMode ?? 'vscode',
    clientId: entry.clientId,
    tenantId: entry.tenantId,
    requestTimeoutSeconds,
  };
}

/** Names like `intuneVpp.additionalTenants ("Fabrikam").clientId` for the fields of one entry. */
function entrySettingNames(label: string): SettingNames {
  const field = (name: string) => `intuneVpp.additionalTenants (${JSON.stringify(label)}).${name}`;
  return {
    cloud: field('cloud'),
    customGraphEndpoint: field('graphEndpoint'),
    customLoginEndpoint: field('loginEndpoint'),
    authMode: field('authMode'),
    clientId: field('clientId'),
    tenantId: field('tenantId'),
  };
}

function isEntry(value: unknown): value is TenantEntry {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The entries of `intuneVpp.additionalTenants`; anything that is not an object is dropped. */
export function additionalEntries(value: unknown): TenantEntry[] {
  return Array.isArray(value) ? value.filter(isEntry) : [];
}

/**
 * The tenants to show: the one of the flat settings (unless it is unconfigured while others are), then every
 * additional entry not already listed. Validation happens later, per tenant, so one bad entry spoils only itself.
 */
export function tenantDefinitions(primary: RawSettings, additional: unknown, primaryLabel: unknown, fallbackLabel: string): TenantList {
  const entries = additionalEntries(additional);
  const definitions: TenantDefinition[] = [];
  const duplicates: string[] = [];
  if (entries.length === 0 || text(primary.clientId)) {
    definitions.push({
      key: tenantKey(primary),
      label: labelOf(primaryLabel, primary.tenantId, fallbackLabel),
      raw: primary,
      primary: true,
      settingNames: USER_SETTING_NAMES,
      sharedCredential: false,
    });
  }
  for (const entry of entries) {
    const raw = rawFromEntry(entry, primary.requestTimeoutSeconds);
    const key = tenantKey(raw);
    const label = labelOf(entry.label, entry.tenantId, fallbackLabel);
    if (definitions.some((definition) => definition.key === key)) {
      duplicates.push(label);
      continue;
    }
    definitions.push({
      key,
      label,
      raw,
      primary: false,
      settingNames: entrySettingNames(label),
      sharedCredential: entry.sharedCredential === true,
    });
  }
  return { definitions, duplicates };
}

/** A tenant's label as the view, its messages and the log show it: cleaned where it enters, whoever wrote the settings. */
function labelOf(label: unknown, tenantId: unknown, fallbackLabel: string): string {
  return plainText(text(label), MAX_TENANT_LABEL_LENGTH) || plainText(text(tenantId), MAX_TENANT_LABEL_LENGTH) || fallbackLabel;
}

/** The additional entries without the one whose key is `key`. */
export function withoutTenant(additional: unknown, key: string, requestTimeoutSeconds: unknown): TenantEntry[] {
  return additionalEntries(additional).filter((entry) => tenantKey(rawFromEntry(entry, requestTimeoutSeconds)) !== key);
}
