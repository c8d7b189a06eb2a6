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

/**
 * In mode `vscode`, a national cloud signs in through VS Code's `microsoft-sovereign-cloud` provider, which
 * serves the cloud its own setting names. Returns the error to show when that setting names another cloud.
 */
export function sovereignEnvironmentMismatch(settings: ConnectionSettings, environment: unknown): ConfigurationError | undefined {
  const expected = ENVIRONMENTS[settings.cloud];
  if (!expected || environment === expected) {
    return undefined;
  }
  return new ConfigurationError(
    l10n.t(
      'The cloud is {0}, so VS Code\'s setting microsoft-sovereign-cloud.environment must be "{1}" (it is "{2}"). Change that setting, or intuneVpp.cloud.',
      settings.cloud,
      expected,
      typeof environment === 'string' && environment ? environment : l10n.t('not set'),
    ),
  );
}
