import * as l10n from '@vscode/l10n';
import { CloudName } from '../config/clouds';
import { VppError } from '../errors';
import { hasInvisibleOrControl } from '../text';

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

/** The methods of the writes the extension sends. */
const WRITE_METHODS: readonly string[] = ['POST', 'PATCH', 'DELETE'];

/**
 * A path as the extension builds one: under `/deviceAppManagement` or `/deviceManagement`, segments of printable
 * ASCII with no space, query, fragment, backslash or dot segment. Nothing else can add a line to a copied request.
 */
const WRITE_PATH = /^\/(deviceAppManagement|deviceManagement)(\/(?!\.{1,2}(\/|$))[\x21\x22\x24-\x2e\x30-\x3e\x40-\x5b\x5d-\x7e]+)*$/;

/**
 * Refuses a write the extension could not have built (a journal record edited on disk, for one) before it becomes
 * a line the admin pastes into a shell.
 */
function refuseUnbuildable(write: GraphWrite): void {
  const { method, path, body } = write as { method?: unknown; path?: unknown; body?: unknown };
  const bodyIsRecord = body === undefined || (typeof body === 'object' && body !== null && !Array.isArray(body));
  const buildable = typeof path === 'string' && WRITE_PATH.test(path) && path.split('/').every(decodesToPlainText);
  if (!WRITE_METHODS.includes(method as string) || !buildable || !bodyIsRecord) {
    throw new VppError(
      'malformed',
      l10n.t('This request is not one the extension sends (its method, path or body was changed), so it was not copied.'),
    );
  }
}

/** A path segment whose decoded form (a token id in a cmdlet's parameter) is text with no line break or control. */
function decodesToPlainText(segment: string): boolean {
  try {
    return !hasInvisibleOrControl(decodeURIComponent(segment));
  } catch {
    return false;
  }
}

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
  refuseUnbuildable(write);
  const body = shownBody(write.body);
  return [
    `${write.method} ${graphEndpoint}/beta${write.path}`,
    ...(body ? ['Content-Type: application/json', '', JSON.stringify(body, null, 2)] : []),
  ].join('\n');
}

/**
 * A PowerShell single-quoted string. PowerShell takes four typographic quotes (U+2018 to U+201B) for `'` as well,
 * so each of the five is doubled; nothing else is special in such a string.
 */
export function powerShellQuoted(value: string): string {
  return `'${value.replace(/['\u2018-\u201b]/g, (quote) => quote + quote)}'`;
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
      parameters.push(`-${name} @(${value.map((item) => powerShellQuoted(String(item))).join(', ')})`);
    } else {
      parameters.push(`-${name} ${powerShellQuoted(String(value))}`);
    }
  }
  return parameters;
}

/**
 * The cmdlet of the Microsoft Graph PowerShell module (beta) for a write, where the module has one: Revoke-, Sync-,
 * New-, Update- and Remove-MgBetaDeviceAppManagementVppToken…, Update- and Remove-MgBetaDeviceAppManagementMobileAppAssignment
 * (their parameters as documented for the module). The per-app revokes on the iosVppApp cast have no documented
 * cmdlet.
 */
function cmdlet(write: GraphWrite, body: Readonly<Record<string, unknown>> | undefined): string | undefined {
  if (write.method === 'POST' && write.path === '/deviceAppManagement/vppTokens') {
    const parameters = tokenParameters(body);
    return parameters && ['New-MgBetaDeviceAppManagementVppToken', ...parameters].join(' ');
  }
  const assignment = /^\/deviceAppManagement\/mobileApps\/([^/]+)\/assignments\/([^/]+)$/.exec(write.path);
  if (assignment) {
    return assignmentCmdlet(write.method, assignment[1], assignment[2], body);
  }
  const token = /^\/deviceAppManagement\/vppTokens\/([^/]+)(?:\/(revokeLicenses|syncLicenses))?$/.exec(write.path);
  if (!token) {
    return undefined;
  }
  const id = powerShellQuoted(decodeURIComponent(token[1]));
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

/** Remove- or Update-MgBetaDeviceAppManagementMobileAppAssignment for one assignment (its intent only), else none. */
function assignmentCmdlet(
  method: GraphWrite['method'],
  appId: string,
  assignmentId: string,
  body: Readonly<Record<string, unknown>> | undefined,
): string | undefined {
  const ids = `-MobileAppId ${powerShellQuoted(decodeURIComponent(appId))} -MobileAppAssignmentId ${powerShellQuoted(decodeURIComponent(assignmentId))}`;
  if (method === 'DELETE') {
    return `Remove-MgBetaDeviceAppManagementMobileAppAssignment ${ids}`;
  }
  const fields = Object.keys(body ?? {}).filter((key) => key !== '@odata.type');
  return method === 'PATCH' && fields.length === 1 && typeof body?.intent === 'string'
    ? `Update-MgBetaDeviceAppManagementMobileAppAssignment ${ids} -Intent ${powerShellQuoted(body.intent)}`
    : undefined;
}

/**
 * The write as Microsoft Graph PowerShell: the module's own cmdlet where it has one (Revoke-, Sync-,
 * Remove-MgBetaDeviceAppManagementVppToken…), else `Invoke-MgGraphRequest` with the method, the URL and the body.
 * For a cloud other than the global one, a first comment line says which environment to connect to.
 */
export function asGraphPowerShell(write: GraphWrite, cloud: CloudName, graphEndpoint: string): string {
  refuseUnbuildable(write);
  const body = shownBody(write.body);
  const line =
    cmdlet(write, body) ??
    [
      `Invoke-MgGraphRequest -Method ${write.method} -Uri ${powerShellQuoted(`${graphEndpoint}/beta${write.path}`)}`,
      ...(body ? [`-Body ${powerShellQuoted(JSON.stringify(body))} -ContentType 'application/json'`] : []),
    ].join(' ');
  const connect =
    cloud === 'global'
      ? []
      : cloud === 'custom'
        ? [`# A custom cloud (${graphEndpoint}): register it with Add-MgEnvironment, then Connect-MgGraph -Environment <its name>.`]
        : [`# Connect first with: Connect-MgGraph -Environment ${POWERSHELL_ENVIRONMENTS[cloud]}`];
  return [...connect, line].join('\n');
}
