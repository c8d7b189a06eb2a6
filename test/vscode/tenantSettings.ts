import { SimulatedTenant } from '../simulatedTenant/server';

/** User settings that point a test VS Code at a simulated tenant, app-only sign-in, as the demo and UI tests use. */
export function simulatedTenantSettings(tenant: SimulatedTenant): Record<string, unknown> {
  return {
    // VS Code's own fetch ignores NODE_EXTRA_CA_CERTS; Node's fetch trusts the simulated tenant's test CA.
    'http.fetchAdditionalSupport': false,
    'intuneVpp.cloud': 'custom',
    'intuneVpp.customCloud.graphEndpoint': tenant.url,
    'intuneVpp.customCloud.loginEndpoint': tenant.url,
    'intuneVpp.auth.mode': 'clientCredentials',
    'intuneVpp.auth.clientId': tenant.clientId,
    'intuneVpp.auth.tenantId': tenant.tenantId,
    'intuneVpp.tenantLabel': 'Contoso',
  };
}

/**
 * Mode `vscode` through VS Code's own sovereign-cloud Microsoft provider, pointed at the simulated Entra by user
 * settings (the extension refuses them from a workspace).
 */
export function vscodeSignInSettings(tenant: SimulatedTenant): Record<string, unknown> {
  return {
    ...simulatedTenantSettings(tenant),
    'intuneVpp.auth.mode': 'vscode',
    'microsoft-sovereign-cloud.environment': 'custom',
    'microsoft-sovereign-cloud.customEnvironment': {
      name: 'Simulated tenant',
      portalUrl: tenant.url,
      managementEndpointUrl: tenant.url,
      resourceManagerEndpointUrl: tenant.url,
      activeDirectoryEndpointUrl: `${tenant.url}/`,
      activeDirectoryResourceId: tenant.url,
    },
  };
}
