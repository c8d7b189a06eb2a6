import * as l10n from '@vscode/l10n';
import { ConnectionSettings } from '../config/settings';
import { ConfigurationError } from '../errors';

/** The value VS Code's `microsoft-sovereign-cloud.environment` setting must have for each national cloud. */
const ENVIRONMENTS: Partial<Record<ConnectionSettings['cloud'], string>> = {
  usGov: 'USGovernment',
  usGovDoD: 'USGovernment',
  china: 'ChinaCloud',
  custom: 'custom',
};

/** One setting as `vscode.WorkspaceConfiguration.inspect` reports it: where each value comes from. */
export interface InspectedSetting {
  readonly defaultValue?: unknown;
  readonly globalValue?: unknown;
  readonly workspaceValue?: unknown;
  readonly workspaceFolderValue?: unknown;
}

function originOf(value: unknown): string | undefined {
  try {
    return typeof value === 'string' ? new URL(value).origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * In mode `vscode`, a national or custom cloud signs in through VS Code's `microsoft-sovereign-cloud` provider,
 * which sends the browser to whatever login page its settings name. Returns the error to show when those settings
 * could send the admin's sign-in somewhere they did not choose:
 * - a workspace or folder sets them (a cloned repository must not steer sign-in);
 * - `environment` names another cloud than `intuneVpp.cloud`;
 * - for `custom`, `customEnvironment.activeDirectoryEndpointUrl` is not on `intuneVpp.customCloud.loginEndpoint`.
 */
export function sovereignCloudProblem(
  settings: ConnectionSettings,
  environment: InspectedSetting,
  customEnvironment: InspectedSetting,
): ConfigurationError | undefined {
  const expected = ENVIRONMENTS[settings.cloud];
  if (!expected) {
    return undefined;
  }
  for (const [name, inspected] of [
    ['microsoft-sovereign-cloud.environment', environment],
    ['microsoft-sovereign-cloud.customEnvironment', customEnvironment],
  ] as const) {
    if (inspected.workspaceValue !== undefined || inspected.workspaceFolderValue !== undefined) {
      return new ConfigurationError(
        l10n.t(
          "This workspace sets VS Code's setting {0}, which decides where your Microsoft sign-in goes. A workspace may not steer sign-in: remove it from the workspace settings and set it in your user settings.",
          name,
        ),
      );
    }
  }
  const current = environment.globalValue ?? environment.defaultValue;
  if (current !== expected) {
    return new ConfigurationError(
      l10n.t(
        'The cloud is {0}, so VS Code\'s setting microsoft-sovereign-cloud.environment must be "{1}" (it is "{2}"). Change that setting, or intuneVpp.cloud.',
        settings.cloud,
        expected,
        typeof current === 'string' && current ? current : l10n.t('not set'),
      ),
    );
  }
  if (settings.cloud === 'custom') {
    const custom = customEnvironment.globalValue ?? customEnvironment.defaultValue;
    const loginUrl =
      custom && typeof custom === 'object' ? (custom as { activeDirectoryEndpointUrl?: unknown }).activeDirectoryEndpointUrl : undefined;
    const loginOrigin = originOf(loginUrl);
    if (loginOrigin !== originOf(settings.endpoints.loginEndpoint)) {
      return new ConfigurationError(
        l10n.t(
          "VS Code's setting microsoft-sovereign-cloud.customEnvironment sends sign-in to {0}, but intuneVpp.customCloud.loginEndpoint is {1}. Make the activeDirectoryEndpointUrl of the first the same as the second.",
          loginOrigin ?? l10n.t('no address'),
          settings.endpoints.loginEndpoint,
        ),
      );
    }
  }
  return undefined;
}
