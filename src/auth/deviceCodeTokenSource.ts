import type { ICachePlugin, PublicClientApplication } from '@azure/msal-node';
import * as l10n from '@vscode/l10n';
import { delegatedScopes, LOGIN_HOST_ALIASES } from '../config/clouds';
import { ConnectionSettings } from '../config/settings';
import { ConfigurationError, VppError } from '../errors';
import { Logger } from '../log';
import { UserInput } from '../ui/userInput';
import { signInError } from './signInErrors';
import { msalAuthority, msalSystemOptions } from './msalOptions';
import { AccessTokenSource } from './tokenSource';
import { plainText } from '../text';

/** Where Microsoft's clouds show the device code page besides their login hosts (`/devicelogin`, `/deviceloginus`…). */
const DEVICE_LOGIN_HOSTS = ['microsoft.com', 'www.microsoft.com'];

/**
 * The page the device code sign-in opens, as the login host named it, if it may be opened: https, on the configured
 * login origin or, for a Microsoft cloud, on a host Microsoft uses for that cloud's sign-in. Anything else (another
 * server, `file:`, `command:`) is refused with a ConfigurationError before it is shown or opened.
 */
export function verificationPage(uri: unknown, settings: ConnectionSettings): string {
  let url: URL | undefined;
  try {
    url = typeof uri === 'string' ? new URL(uri) : undefined;
  } catch {
    url = undefined;
  }
  const hosts =
    settings.cloud === 'custom' ? [] : [...LOGIN_HOST_ALIASES[settings.cloud], ...DEVICE_LOGIN_HOSTS].map((host) => `https://${host}`);
  const allowed = [new URL(settings.endpoints.loginEndpoint).origin, ...hosts];
  if (!url || url.protocol !== 'https:' || url.username || url.password || !allowed.includes(url.origin)) {
    throw new ConfigurationError(
      l10n.t(
        'The sign-in service asked to open {0}, which is not a sign-in page of {1}. It was not opened, and the sign-in was stopped.',
        plainText(uri, 120) || l10n.t('no address'),
        new URL(settings.endpoints.loginEndpoint).host,
      ),
    );
  }
  return url.href;
}

/** The code the admin types, as the login host gave it: letters, digits and `-` only, or a ConfigurationError. */
function userCodeOf(code: unknown): string {
  if (typeof code !== 'string' || !/^[A-Za-z0-9-]{4,32}$/.test(code)) {
    throw new ConfigurationError(l10n.t('The sign-in service sent a code that cannot be shown; the sign-in was stopped.'));
  }
  return code;
}

/** Where msal's token cache (accounts and refresh tokens: secrets) is kept: VS Code's SecretStorage in the extension. */
export interface TokenCacheStore {
  get(): Promise<string | undefined>;
  set(value: string): Promise<void>;
  delete(): Promise<void>;
}

/**
 * Delegated tokens through the device code flow (msal-node), for remote windows and code-server, where VS Code's
 * Microsoft sign-in cannot open a browser. The code is shown with "Copy & Open"; the wait can be cancelled; the
 * token cache lives in SecretStorage, so a machine signs in once.
 */
export class DeviceCodeTokenSource implements AccessTokenSource {
  private application: Promise<PublicClientApplication> | undefined;
  private forceRefresh = false;

  constructor(
    private readonly settings: ConnectionSettings,
    private readonly cache: TokenCacheStore,
    private readonly ui: UserInput,
    private readonly log: Logger,
  ) {}

  private get scopes(): string[] {
    return delegatedScopes(this.settings.endpoints.graphEndpoint, this.settings.groupNames);
  }

  async getAccessToken(): Promise<string> {
    const app = await this.app();
    const [account] = await app.getTokenCache().getAllAccounts();
    if (!account) {
      throw new VppError('signInRequired', l10n.t('You are not signed in. Run "Intune VPP: Sign In" and enter the code it shows.'));
    }
    try {
      const result = await app.acquireTokenSilent({ account, scopes: this.scopes, forceRefresh: this.forceRefresh });
      this.forceRefresh = false;
      return result.accessToken;
    } catch (error) {
      const failure = signInError(error);
      if (failure.kind === 'consentRequired' || failure.kind === 'configuration') {
        throw failure;
      }
      this.log.info(`Silent sign-in failed, a new device code sign-in is needed: ${failure.message}`);
      throw new VppError('signInRequired', l10n.t('Your sign-in has expired. Run "Intune VPP: Sign In" and enter the code it shows.'));
    }
  }

  async signIn(): Promise<string> {
    const app = await this.app();
    const request = {
      scopes: this.scopes,
      cancel: false,
      // The login host's own message is not shown: it could say anything. A page or code that fails the checks
      // throws here, before msal starts polling, and the sign-in ends with that error.
      deviceCodeCallback: (response: { userCode: string; verificationUri: string }) => {
        const page = verificationPage(response.verificationUri, this.settings);
        const code = userCodeOf(response.userCode);
        this.ui.showDeviceCode(l10n.t('To sign in, open {0} and enter the code {1}.', page, code), code, page);
      },
    };
    try {
      const result = await this.ui.withProgress(
        l10n.t('Waiting for you to sign in with the code…'),
        (progress) => {
          // msal checks this flag between polls of the token endpoint.
          progress.signal.addEventListener('abort', () => (request.cancel = true), { once: true });
          return app.acquireTokenByDeviceCode(request);
        },
        true,
      );
      const signedIn = result?.account;
      // One account per tenant: the one just signed in replaces any earlier one, so "Switch Account" switches.
      const tokenCache = app.getTokenCache();
      for (const other of await tokenCache.getAllAccounts()) {
        if (signedIn && other.homeAccountId !== signedIn.homeAccountId) {
          await tokenCache.removeAccount(other);
        }
      }
      return signedIn?.username ?? l10n.t('app {0}', this.settings.clientId);
    } catch (error) {
      throw signInError(error);
    }
  }

  /** A new device code sign-in; the account in use stays until it succeeds. */
  switchAccount(): Promise<string> {
    return this.signIn();
  }

  async account(): Promise<string | undefined> {
    const [account] = await (await this.app()).getTokenCache().getAllAccounts();
    return account?.username;
  }

  async signOut(): Promise<void> {
    const app = await this.app();
    const tokenCache = app.getTokenCache();
    for (const account of await tokenCache.getAllAccounts()) {
      await tokenCache.removeAccount(account);
    }
    await this.cache.delete();
  }

  invalidate(): boolean {
    this.forceRefresh = true;
    return true;
  }

  private app(): Promise<PublicClientApplication> {
    this.application ??= this.createApp();
    return this.application;
  }

  private async createApp(): Promise<PublicClientApplication> {
    const msal = await import('@azure/msal-node');
    const cachePlugin: ICachePlugin = {
      beforeCacheAccess: async (context) => {
        const stored = await this.cache.get();
        if (stored) {
          context.tokenCache.deserialize(stored);
        }
      },
      afterCacheAccess: async (context) => {
        if (context.cacheHasChanged) {
          await this.cache.set(context.tokenCache.serialize());
        }
      },
    };
    return new msal.PublicClientApplication({
      auth: {
        clientId: this.settings.clientId,
        ...msalAuthority(this.settings),
      },
      cache: { cachePlugin },
      system: msalSystemOptions(msal, this.log, this.settings),
    });
  }
}
