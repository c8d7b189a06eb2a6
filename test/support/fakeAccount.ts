import { AccountActions } from '../../src/commands/account';

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
