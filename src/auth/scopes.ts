import { ConnectionSettings } from '../config/settings';
import { defaultScope, delegatedScopes } from '../config/clouds';

/** VS Code's Microsoft providers: the sovereign one serves every cloud but the global one. */
export function authenticationProviderId(settings: ConnectionSettings): 'microsoft' | 'microsoft-sovereign-cloud' {
  return settings.cloud === 'global' ? 'microsoft' : 'microsoft-sovereign-cloud';
}

/** Scopes for `vscode.authentication.getSession`: the app and tenant to use (VS Code strips these) and the Intune permissions. */
export function vscodeSessionScopes(settings: ConnectionSettings): string[] {
  return [
    ...(settings.clientId ? [`VSCODE_CLIENT_ID:${settings.clientId}`] : []),
    `VSCODE_TENANT:${settings.tenantId}`,
    ...delegatedScopes(settings.endpoints.graphEndpoint, settings.groupNames),
  ];
}

/** Scopes for app-only tokens: everything the app registration was granted on this cloud's Graph. */
export function appOnlyScopes(settings: ConnectionSettings): string[] {
  return [defaultScope(settings.endpoints.graphEndpoint)];
}
