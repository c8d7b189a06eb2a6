import { CloudName } from '../config/clouds';

/** A write to Graph as a change ticket records it: method, path under `/beta`, and body. */
export interface GraphWrite {
  readonly method: 'POST' | 'PATCH' | 'DELETE';
  /** Under the Graph version, e.g. `/deviceAppManagement/vppTokens/{id}/revokeLicenses`. */
  readonly path: string;
  readonly body?: Readonly<Record<string, unknown>>;
}

/** Said in place of a VPP token file's content, which is a secret and never copied. */
const TOKEN_FILE_PLACEHOLDER = '<the content of the .vpptoken file>';

/** The environment names of `Connect-MgGraph -Environment` for each Microsoft cloud. */
const POWERSHELL_ENVIRONMENTS: Readonly<Record<Exclude<CloudName, 'custom'>, string>> = {
  global: 'Global',
  usGov: 'USGov',
  usGovDoD: 'USGovDoD',
  china: 'China',
};

/** The body as it may be shown or copied: the token file's content replaced by a placeholder. */
function shownBody(body: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> | undefined {
  if (!body) {
    return undefined;
  }
  return Object.fromEntries(Object.entries(body).map(([key, value]) => [key, key === 'token' ? TOKEN_FILE_PLACEHOLDER : value]));
}

/** The write as it may be kept or shown: the token file's content replaced by a placeholder. */
export function withoutSecrets(write: GraphWrite): GraphWrite {
  const body = shownBody(write.body);
  return { method: write.method, path: write.path, ...(body ? { body } : {}) };
}

/**
 * The write as an HTTP request: method and full URL on the tenant's Graph, the content type, and the body. No
 * `Authorization` header: the copy must not carry a credential.
 */
export function asHttpRequest(write: GraphWrite, graphEndpoint: string): string {
  const body = shownBody(write.body);
  return [
    `${write.method} ${graphEndpoint}/beta${write.path}`,
    ...(body ? ['Content-Type: application/json', '', JSON.stringify(body, null, 2)] : []),
  ].join('\n');
}

/** A PowerShell single-quoted string: `'` doubled, nothing else is special in it. */
function quoted(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** The parameters of the vppToken cmdlets (New-, Update-MgBetaDeviceAppManagementVppToken), by body property. */
const TOKEN_PARAMETERS: Readonly<Record<string, string>> = {
  displayName: 'DisplayName',
  appleId: 'AppleId',
  countryOrRegion: 'CountryOrRegion',
  vppTokenAccountType: 'VppTokenAccountType',
  automaticallyUpdateApps: 'AutomaticallyUpdateApps',
  dataSharingConsentGranted: 'DataSharingConsentGranted',
  claimTokenManagementFromExternalMdm: 'ClaimTokenManagementFromExternalMdm',
  roleScopeTagIds: 'RoleScopeTagIds',
  token: 'Token',
};

/** A body as named parameters of a vppToken cmdlet; undefined when a property has no parameter. */
function tokenParameters(body: Readonly<Record<string, unknown>> | undefined): string[] | undefined {
  const parameters: string[] = [];
  for (const [key, value] of Object.entries(body ?? {})) {
    if (key === '@odata.type') {
      continue;
    }
    const name = TOKEN_PARAMETERS[key];
    if (!name) {
      return undefined;
    }
    if (typeof value === 'boolean') {
      // A switch: -Name:$false says false explicitly, as the PATCH does.
      parameters.push(`-${name}:$${value}`);
    } else if (Array.isArray(value)) {
      parameters.push(`-${name} @(${value.map((item) => quoted(String(item))).join(', ')})`);
    } else {
      parameters.push(`-${name} ${quoted(String(value))}`);
    }
  }
  return parameters;
}

/**
 * The cmdlet of the Microsoft Graph PowerShell module (beta) for a write, where the module has one: Revoke-, Sync-,
 * New-, Update- and Remove-MgBetaDeviceAppManagementVppToken… (their parameters as documented for the module). The
 * per-app revokes on the iosVppApp cast have no documented cmdlet.
 */
function cmdlet(write: GraphWrite, body: Readonly<Record<string, unknown>> | undefined): string | undefined {
  if (write.method === 'POST' && write.path === '/deviceAppManagement/vppTokens') {
    const parameters = tokenParameters(body);
    return parameters && ['New-MgBetaDeviceAppManagementVppToken', ...parameters].join(' ');
  }
  const token = /^\/deviceAppManagement\/vppTokens\/([^/]+)(?:\/(revokeLicenses|syncLicenses))?$/.exec(write.path);
  if (!token) {
    return undefined;
  }
  const id = quoted(decodeURIComponent(token[1]));
  if (write.method === 'POST' && token[2] === 'revokeLicenses') {
    return [
      `Revoke-MgBetaDeviceAppManagementVppTokenLicense -VppTokenId ${id}`,
      ...(body?.notifyManagedDevices === true ? ['-NotifyManagedDevices'] : []),
      ...(body?.revokeUntrackedLicenses === true ? ['-RevokeUntrackedLicenses'] : []),
    ].join(' ');
  }
  if (write.method === 'POST' && token[2] === 'syncLicenses') {
    return `Sync-MgBetaDeviceAppManagementVppTokenLicense -VppTokenId ${id}`;
  }
  if (write.method === 'DELETE' && token[2] === undefined) {
    return `Remove-MgBetaDeviceAppManagementVppToken -VppTokenId ${id}`;
  }
  if (write.method === 'PATCH' && token[2] === undefined) {
    const parameters = tokenParameters(body);
    return parameters && [`Update-MgBetaDeviceAppManagementVppToken -VppTokenId ${id}`, ...parameters].join(' ');
  }
  return undefined;
}

/**
 * The write as Microsoft Graph PowerShell: the module's own cmdlet where it has one (Revoke-, Sync-,
 * Remove-MgBetaDeviceAppManagementVppToken…), else `Invoke-MgGraphRequest` with the method, the URL and the body.
 * For a cloud other than the global one, a first comment line says which environment to connect to.
 */
export function asGraphPowerShell(write: GraphWrite, cloud: CloudName, graphEndpoint: string): string {
  const body = shownBody(write.body);
  const line =
    cmdlet(write, body) ??
    [
      `Invoke-MgGraphRequest -Method ${write.method} -Uri ${quoted(`${graphEndpoint}/beta${write.path}`)}`,
      ...(body ? [`-Body ${quoted(JSON.stringify(body))} -ContentType 'application/json'`] : []),
    ].join(' ');
  const connect =
    cloud === 'global'
      ? []
      : cloud === 'custom'
        ? [`# A custom cloud (${graphEndpoint}): register it with Add-MgEnvironment, then Connect-MgGraph -Environment <its name>.`]
        : [`# Connect first with: Connect-MgGraph -Environment ${POWERSHELL_ENVIRONMENTS[cloud]}`];
  return [...connect, line].join('\n');
}
