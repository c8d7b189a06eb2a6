import * as vscode from 'vscode';
import { RawSettings } from './settings';
import { TenantEntry } from './tenants';

const SETTING_KEYS: Record<keyof RawSettings, string> = {
  cloud: 'cloud',
  customGraphEndpoint: 'customCloud.graphEndpoint',
  customLoginEndpoint: 'customCloud.loginEndpoint',
  authMode: 'auth.mode',
  clientId: 'auth.clientId',
  tenantId: 'auth.tenantId',
  requestTimeoutSeconds: 'requestTimeoutSeconds',
};
const ADDITIONAL_TENANTS_KEY = 'additionalTenants';
const TENANT_LABEL_KEY = 'tenantLabel';

export interface UserSettings {
  readonly raw: RawSettings;
  /** The raw value of `intuneVpp.additionalTenants`. */
  readonly additionalTenants: unknown;
  /** The raw value of `intuneVpp.tenantLabel`: the name of the tenant of the flat settings. */
  readonly tenantLabel: unknown;
  /** Full names of settings a workspace tried to set; they are ignored. */
  readonly ignoredWorkspaceSettings: string[];
}

/**
 * Reads the settings from the user (application) scope only. A workspace, such as a cloned repository,
 * must never redirect requests or tokens, so its values are ignored and reported.
 */
export function readUserSettings(): UserSettings {
  const configuration = vscode.workspace.getConfiguration('intuneVpp');
  const ignoredWorkspaceSettings: string[] = [];
  const userValue = (key: string): unknown => {
    const inspected = configuration.inspect(key);
    if (inspected?.workspaceValue !== undefined || inspected?.workspaceFolderValue !== undefined) {
      ignoredWorkspaceSettings.push(`intuneVpp.${key}`);
    }
    return inspected?.globalValue ?? inspected?.defaultValue;
  };
  const raw: RawSettings = {};
  for (const [field, key] of Object.entries(SETTING_KEYS) as [keyof RawSettings, string][]) {
    raw[field] = userValue(key);
  }
  return { raw, additionalTenants: userValue(ADDITIONAL_TENANTS_KEY), tenantLabel: userValue(TENANT_LABEL_KEY), ignoredWorkspaceSettings };
}

/** Writes `intuneVpp.additionalTenants` to user settings. */
export async function writeAdditionalTenants(entries: readonly TenantEntry[]): Promise<void> {
  await vscode.workspace
    .getConfiguration('intuneVpp')
    .update(ADDITIONAL_TENANTS_KEY, entries.length > 0 ? entries : undefined, vscode.ConfigurationTarget.Global);
}

/** Clears the user settings of the primary tenant (cloud, endpoints, mode, app, tenant and its name). */
export async function clearPrimaryTenant(): Promise<void> {
  const configuration = vscode.workspace.getConfiguration('intuneVpp');
  for (const field of ['cloud', 'customGraphEndpoint', 'customLoginEndpoint', 'authMode', 'clientId', 'tenantId'] as const) {
    await configuration.update(SETTING_KEYS[field], undefined, vscode.ConfigurationTarget.Global);
  }
  await configuration.update(TENANT_LABEL_KEY, undefined, vscode.ConfigurationTarget.Global);
}

/** `intuneVpp.expiryWarningDays` (user scope, like every setting here): a whole number of days, 0 to 365, default 30. */
export function readExpiryWarningDays(): number {
  const inspected = vscode.workspace.getConfiguration('intuneVpp').inspect<unknown>('expiryWarningDays');
  const value = inspected?.globalValue ?? inspected?.defaultValue;
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(365, Math.max(0, Math.floor(value))) : 30;
}

/** `intuneVpp.maxConcurrentTenants` (user scope): how many tenants list at once, 1 to 32, default 8. */
export function readMaxConcurrentTenants(): number {
  const inspected = vscode.workspace.getConfiguration('intuneVpp').inspect<unknown>('maxConcurrentTenants');
  const value = inspected?.globalValue ?? inspected?.defaultValue;
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(32, Math.max(1, Math.floor(value))) : 8;
}

/** `intuneVpp.followRevokes` (user scope): whether accepted revokes are followed to their final result; default true. */
export function readFollowRevokes(): boolean {
  return vscode.workspace.getConfiguration('intuneVpp').inspect<unknown>('followRevokes')?.globalValue !== false;
}

/**
 * `intuneVpp.readGroupNames` (user scope): whether the groups app assignments target are named, the delegated sign-in
 * asking for GroupMember.Read.All; default false. A workspace cannot turn it on: it widens what the sign-in asks for.
 */
export function readGroupNames(): boolean {
  return vscode.workspace.getConfiguration('intuneVpp').inspect<unknown>('readGroupNames')?.globalValue === true;
}

/** `intuneVpp.historyRetentionDays` (user scope): how long the journal of writes is kept, 1 to 3,650 days, default 365. */
export function readHistoryRetentionDays(): number {
  const inspected = vscode.workspace.getConfiguration('intuneVpp').inspect<unknown>('historyRetentionDays');
  const value = inspected?.globalValue ?? inspected?.defaultValue;
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(3650, Math.max(1, Math.floor(value))) : 365;
}
