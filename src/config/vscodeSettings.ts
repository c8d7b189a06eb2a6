import * as vscode from 'vscode';
import { RawSettings } from './settings';

const SETTING_KEYS: Record<keyof RawSettings, string> = {
  cloud: 'cloud',
  customGraphEndpoint: 'customCloud.graphEndpoint',
  customLoginEndpoint: 'customCloud.loginEndpoint',
  authMode: 'auth.mode',
  clientId: 'auth.clientId',
  tenantId: 'auth.tenantId',
  requestTimeoutSeconds: 'requestTimeoutSeconds',
};

export interface UserSettings {
  readonly raw: RawSettings;
  /** Full names of settings a workspace tried to set; they are ignored. */
  readonly ignoredWorkspaceSettings: string[];
}

/**
 * Reads the settings from the user (application) scope only. A workspace, such as a cloned repository,
 * must never redirect requests or tokens, so its values are ignored and reported.
 */
export function readUserSettings(): UserSettings {
  const configuration = vscode.workspace.getConfiguration('intuneVpp');
  const raw: RawSettings = {};
  const ignoredWorkspaceSettings: string[] = [];
  for (const [field, key] of Object.entries(SETTING_KEYS) as [keyof RawSettings, string][]) {
    const inspected = configuration.inspect(key);
    raw[field] = inspected?.globalValue ?? inspected?.defaultValue;
    if (inspected?.workspaceValue !== undefined || inspected?.workspaceFolderValue !== undefined) {
      ignoredWorkspaceSettings.push(`intuneVpp.${key}`);
    }
  }
  return { raw, ignoredWorkspaceSettings };
}
