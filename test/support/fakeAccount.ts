import { testJournal } from './memoryJournal';
import { RecordingStore } from './recordingStore';
import { AccountActions } from '../../src/commands/context';
import { ActionContext, actionContext as portsContext, TenantContext } from '../../src/commands/context';
import { Logger } from '../../src/log';
import { Ports } from '../../src/ui/userInput';

/** AccountActions of an app-only tenant for app `app-1` that do nothing; a test overrides what it watches. */
export function fakeAccount(overrides: Partial<AccountActions> = {}): AccountActions {
  return {
    signIn: async () => '',
    switchAccount: async () => '',
    signOut: async () => undefined,
    storeClientSecret: async () => undefined,
    storeClientCertificate: async () => '',
    clientId: () => 'app-1',
    authMode: () => 'clientCredentials',
    ...overrides,
  };
}

/** A Logger that drops every line. */
export const silentLogger: Logger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** The action context of a command that acts on no tenant (Add Tenant…, Remove Tenant…): the UI it is given. */
export function actionContext(ui: Ports): ActionContext {
  return portsContext(ui, silentLogger);
}

/** The context of an account command on one tenant: the UI and account actions given; it lists nothing. */
export function accountContext(ui: Ports, account: AccountActions, tenantLabel?: string): TenantContext {
  return {
    ...portsContext(ui, silentLogger),
    account,
    tenantLabel,
    service: () => {
      throw new Error('an account command lists nothing');
    },
    store: new RecordingStore(),
    now: () => Date.now(),
    journal: testJournal(),
    outcomePolling: { delaysMs: [] },
    licensePolling: { delaysMs: [] },
  };
}
