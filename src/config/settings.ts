import * as l10n from '@vscode/l10n';
import { CLOUD_NAMES, CloudEndpoints, CloudName, WELL_KNOWN_CLOUDS } from './clouds';
import { ConfigurationError } from '../errors';
import { valueText } from '../text';

export type AuthMode = 'vscode' | 'deviceCode' | 'clientCredentials';
export const AUTH_MODES: readonly AuthMode[] = ['vscode', 'deviceCode', 'clientCredentials'];

/** Setting values as the user wrote them (user scope only), before validation. */
export interface RawSettings {
  cloud?: unknown;
  customGraphEndpoint?: unknown;
  customLoginEndpoint?: unknown;
  authMode?: unknown;
  clientId?: unknown;
  tenantId?: unknown;
  requestTimeoutSeconds?: unknown;
}

/** Validated settings: everything the service and sign-in need to reach one tenant. */
export interface ConnectionSettings {
  readonly cloud: CloudName;
  readonly endpoints: CloudEndpoints;
  readonly authMode: AuthMode;
  readonly clientId: string;
  /** A tenant id or domain; `organizations` when the user left it empty. */
  readonly tenantId: string;
  readonly requestTimeoutMs: number;
  /**
   * `intuneVpp.readGroupNames`: the admin opted in to naming the groups app assignments target, so the delegated
   * sign-in also asks for GroupMember.Read.All and the groups are read. A user setting, never a tenant's own.
   */
  readonly groupNames?: boolean;
}

export const DEFAULT_TIMEOUT_SECONDS = 30;
const MAX_TIMEOUT_SECONDS = 600;

/** A setting's string value, trimmed; anything else is empty. */
export function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

/** An https origin, or a ConfigurationError naming the setting. Paths, queries and credentials are refused. */
export function httpsOrigin(value: unknown, settingName: string): string {
  const raw = text(value);
  if (!raw) {
    throw new ConfigurationError(l10n.t('The setting {0} is empty. Set it to the https address of your cloud.', settingName));
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigurationError(l10n.t('The setting {0} is not a valid URL: {1}', settingName, raw));
  }
  if (url.protocol !== 'https:') {
    throw new ConfigurationError(
      l10n.t('The setting {0} must be an https address; {1} was refused so that tokens never travel unencrypted.', settingName, raw),
    );
  }
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) {
    throw new ConfigurationError(
      l10n.t('The setting {0} must be just a scheme and host (and port), like https://graph.example.com; got {1}.', settingName, raw),
    );
  }
  return url.origin;
}

/** Where each setting of a tenant is written, so that a message names the one to fix. */
export type SettingNames = Readonly<Record<Exclude<keyof RawSettings, 'requestTimeoutSeconds'>, string>>;

/** The user settings of the tenant of the flat settings. */
export const USER_SETTING_NAMES: SettingNames = {
  cloud: 'intuneVpp.cloud',
  customGraphEndpoint: 'intuneVpp.customCloud.graphEndpoint',
  customLoginEndpoint: 'intuneVpp.customCloud.loginEndpoint',
  authMode: 'intuneVpp.auth.mode',
  clientId: 'intuneVpp.auth.clientId',
  tenantId: 'intuneVpp.auth.tenantId',
};

/** Turns raw settings into validated connection settings, or throws a ConfigurationError that says what to fix. */
export function resolveSettings(raw: RawSettings, names: SettingNames = USER_SETTING_NAMES): ConnectionSettings {
  const cloud = (CLOUD_NAMES as readonly unknown[]).includes(raw.cloud) ? (raw.cloud as CloudName) : undefined;
  if (raw.cloud !== undefined && !cloud) {
    throw new ConfigurationError(l10n.t('The setting {0} has an unknown value: {1}.', names.cloud, valueText(raw.cloud)));
  }
  const authMode = (AUTH_MODES as readonly unknown[]).includes(raw.authMode) ? (raw.authMode as AuthMode) : undefined;
  if (raw.authMode !== undefined && !authMode) {
    throw new ConfigurationError(l10n.t('The setting {0} has an unknown value: {1}.', names.authMode, valueText(raw.authMode)));
  }
  const chosenCloud = cloud ?? 'global';
  const endpoints: CloudEndpoints =
    chosenCloud === 'custom'
      ? {
          graphEndpoint: httpsOrigin(raw.customGraphEndpoint, names.customGraphEndpoint),
          loginEndpoint: httpsOrigin(raw.customLoginEndpoint, names.customLoginEndpoint),
        }
      : WELL_KNOWN_CLOUDS[chosenCloud];

  const timeout =
    typeof raw.requestTimeoutSeconds === 'number' && Number.isFinite(raw.requestTimeoutSeconds)
      ? raw.requestTimeoutSeconds
      : DEFAULT_TIMEOUT_SECONDS;
  const requestTimeoutMs = Math.round(Math.min(Math.max(timeout, 1), MAX_TIMEOUT_SECONDS) * 1000);

  return {
    cloud: chosenCloud,
    endpoints,
    authMode: authMode ?? 'vscode',
    clientId: text(raw.clientId),
    tenantId: text(raw.tenantId) || 'organizations',
    requestTimeoutMs,
  };
}

/**
 * Why these settings cannot sign in yet, or undefined when they can.
 * VS Code's own app registration cannot obtain Intune permissions, so every mode needs the admin's own client id.
 */
export function missingSignInSetting(settings: ConnectionSettings, names: SettingNames = USER_SETTING_NAMES): string | undefined {
  if (!settings.clientId) {
    return names.clientId;
  }
  if (settings.authMode === 'clientCredentials' && isTenantPlaceholder(settings.tenantId)) {
    return names.tenantId;
  }
  return undefined;
}

/** `organizations`, `common` or `consumers`: an authority that names no tenant, so app-only sign-in cannot use it. */
export function isTenantPlaceholder(tenantId: string): boolean {
  return ['organizations', 'common', 'consumers'].includes(tenantId.trim().toLowerCase());
}
