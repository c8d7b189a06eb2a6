import { FAST, SimulatedTenant, SIM_TENANT_ID, TenantOptions } from '../simulatedTenant/server';
import { ensureTestCertificates } from '../simulatedTenant/certificates';
import { CERT_DIR } from '../paths';
import { Logger } from '../../src/log';
import { ConnectionSettings, RawSettings, resolveSettings } from '../../src/config/settings';
import { createVppTokenService } from '../../src/graph/createService';
import { VppTokenService } from '../../src/graph/vppTokenService';

/** Starts a simulated tenant with the run's test CA (trusted through NODE_EXTRA_CA_CERTS by test/runAll). */
export async function startTenant(options: Partial<TenantOptions> = {}): Promise<SimulatedTenant> {
  const { keyPem, certPem } = ensureTestCertificates(CERT_DIR);
  // Unit tests ask for speed; a test of pacing passes INTUNE_PACE (or its own values) in `options`.
  return new SimulatedTenant({ key: keyPem, cert: certPem, ...FAST, ...options }).start();
}

/** A Logger that keeps every line, for assertions on what was (and was not) logged. */
export class RecordingLogger implements Logger {
  readonly lines: { level: string; message: string }[] = [];
  trace(message: string): void {
    this.lines.push({ level: 'trace', message });
  }
  debug(message: string): void {
    this.lines.push({ level: 'debug', message });
  }
  info(message: string): void {
    this.lines.push({ level: 'info', message });
  }
  warn(message: string): void {
    this.lines.push({ level: 'warn', message });
  }
  error(message: string): void {
    this.lines.push({ level: 'error', message });
  }
  text(): string {
    return this.lines.map((line) => `${line.level} ${line.message}`).join('\n');
  }
}

/** Settings for the simulated tenant as a custom cloud; `extra` adds sign-in mode, ids or timeout. */
export function tenantSettings(tenant: SimulatedTenant, extra: RawSettings = {}): ConnectionSettings {
  return resolveSettings({ cloud: 'custom', customGraphEndpoint: tenant.url, customLoginEndpoint: tenant.url, clientId: 'x', ...extra });
}

/** The service of an admin signed in to the simulated tenant: one access token, issued now, and the given retries. */
export function signedInService(
  tenant: SimulatedTenant,
  retry = { delaySeconds: 0, maxRetries: 2, maxWaitSeconds: 60 },
  permissions: readonly string[] = tenant.permissions,
): VppTokenService {
  const accessToken = tenant.issueAccessToken(3600, permissions);
  return createVppTokenService(
    { ...tenantSettings(tenant), groupNames: permissions.includes('GroupMember.Read.All') },
    {
      getAccessToken: async () => accessToken,
      log: new RecordingLogger(),
      acceptLanguage: 'en-US',
      retry,
    },
  );
}

/** The simulated login host's OpenID metadata, with its token and device code endpoints on another server. */
export function metadataWithEndpointsOn(tenant: SimulatedTenant, other: SimulatedTenant): string {
  const own = `${tenant.url}/${SIM_TENANT_ID}`;
  const foreign = `${other.url}/${SIM_TENANT_ID}`;
  return JSON.stringify({
    issuer: `${own}/v2.0`,
    authorization_endpoint: `${own}/oauth2/v2.0/authorize`,
    token_endpoint: `${foreign}/oauth2/v2.0/token`,
    device_authorization_endpoint: `${foreign}/oauth2/v2.0/devicecode`,
    end_session_endpoint: `${own}/oauth2/v2.0/logout`,
    jwks_uri: `${own}/discovery/v2.0/keys`,
  });
}
