import { readGroupNames } from '../config/vscodeSettings';
import * as vscode from 'vscode';
import { createHash } from 'node:crypto';
import { maskedAccount, plainText } from '../text';
import * as l10n from '@vscode/l10n';
import { ClientCredentialsTokenSource, SecretStore } from '../auth/clientCredentialsTokenSource';
import { ClientCertificate, parseClientCertificate } from '../auth/clientCertificate';
import { DeviceCodeTokenSource, TokenCacheStore } from '../auth/deviceCodeTokenSource';
import { AccessTokenSource } from '../auth/tokenSource';
import { UserInput } from '../ui/userInput';
import { VscodeSessionTokenSource } from '../auth/vscodeSessionTokenSource';
import { AuthMode, ConnectionSettings, missingSignInSetting, resolveSettings } from '../config/settings';
import { TenantDefinition } from '../config/tenants';
import { ConfigurationError, VppError } from '../errors';
import { createVppTokenService } from '../graph/createService';
import { VppTokenService } from '../graph/vppTokenService';
import { appScopeOf, TenantSecrets } from './tenantSecrets';

interface Ready {
  readonly settings: ConnectionSettings;
  /** The mode's own source, wrapped by `source` with the signed-out check. */
  readonly modeSource: AccessTokenSource;
  readonly source: AccessTokenSource;
  readonly service: VppTokenService;
}

/** An account name as the extension keeps it: one plain line, or a placeholder when nothing readable is left. */
function accountName<T extends string | undefined>(name: T): T | string {
  return name === undefined ? name : plainText(name, 200) || l10n.t('an account without a readable name');
}

/** How versions before per-entry keys scoped a stored credential: login host, tenant and app. */
function legacyScope(settings: ConnectionSettings): string {
  return `${settings.endpoints.loginEndpoint}/${settings.tenantId}/${settings.clientId}`;
}

/**
 * One tenant the extension talks to: validated settings, the token source for its sign-in mode, and the Graph
 * service built on them. Announces every change of its sign-in state; the registry replaces it when settings change.
 */
export class TenantConnection implements vscode.Disposable {
  private ready: Ready | VppError | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  /** The account last seen signed in (undefined: nobody), or null before the first look: a session event that leaves it unchanged is no news. */
  private knownAccount: string | undefined | null = null;
  /** Sign-ins of this extension under way: they announce their own result, so VS Code's session events during them are ignored. */
  private signInsUnderWay = 0;
  readonly onDidChange = this.changed.event;
  /** How many times the credentials or the account changed: a listing begun under older ones is not joined. */
  private changes = 0;
  /** A digest of the credential this window last stored or was told of, by secret key (never the credential). */
  private readonly knownCredentials = new Map<string, string | undefined>();
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
    /** Shows the device code sign-in's code and its wait. */
    private readonly ui: UserInput,
    readonly definition: TenantDefinition,
    /** Lets every configured tenant copy the credentials it shares under an earlier version's key (see TenantSecrets). */
    private readonly adoptSharedSecrets: () => Promise<void>,
  ) {
    this.disposables.push(
      vscode.authentication.onDidChangeSessions((event) => {
        const current = this.ready;
        if (
          current &&
          !(current instanceof VppError) &&
          current.modeSource instanceof VscodeSessionTokenSource &&
          current.modeSource.providerId === event.provider.id &&
          this.signInsUnderWay === 0
        ) {
          // The provider serves every tenant in mode vscode: only a tenant whose own account changed lists again.
          void this.account().then((account) => {
            if (account !== this.knownAccount) {
              this.knownAccount = account;
              this.announceChange();
            }
          });
        }
      }),
      // A stored credential changes what sign-in can do; the device code token cache changes as msal refreshes
      // tokens, which is no news for the tree.
      context.secrets.onDidChange((event) => {
        const current = this.ready;
        const secrets = this.secrets(current && !(current instanceof VppError) ? current.settings : undefined);
        if (
          current &&
          !(current instanceof VppError) &&
          [secrets.key('clientSecret'), secrets.key('clientCertificate')].includes(event.key)
        ) {
          // VS Code tells of a store some time after it: one this window made, and already announced, is no news.
          // A credential that cannot be read is taken as changed: the tree lists again and says what it finds.
          Promise.resolve(this.context.secrets.get(event.key)).then(
            (value) => {
              if (!this.knownCredentials.has(event.key) || this.knownCredentials.get(event.key) !== digestOf(value)) {
                this.knownCredentials.set(event.key, digestOf(value));
                this.announceChange();
              }
            },
            () => {
              this.knownCredentials.delete(event.key);
              this.announceChange();
            },
          );
        }
      }),
    );
  }

  get key(): string {
    return this.definition.key;
  }

  get label(): string {
    return this.definition.label;
  }

  /** This tenant's stored credentials and token cache. */
  private secrets(settings: ConnectionSettings | undefined): TenantSecrets {
    return new TenantSecrets(
      this.context.secrets,
      this.key,
      settings && legacyScope(settings),
      this.adoptSharedSecrets,
      this.definition.sharedCredential && settings ? appScopeOf(settings.endpoints.loginEndpoint, settings.clientId) : undefined,
    );
  }

  /** The app whose stored credential this tenant shares, by its entry's choice; undefined when it keeps its own. */
  sharedCredentialScope(settings: ConnectionSettings | undefined = this.settingsOrUndefined()): string | undefined {
    return this.definition.sharedCredential && settings ? appScopeOf(settings.endpoints.loginEndpoint, settings.clientId).scope : undefined;
  }

  private settingsOrUndefined(): ConnectionSettings | undefined {
    try {
      return this.settings();
    } catch {
      return undefined;
    }
  }

  /** Copies what an earlier version stored under a key this tenant shares with others, before that key goes. */
  async adoptLegacySecrets(): Promise<void> {
    try {
      await new TenantSecrets(this.context.secrets, this.key, legacyScope(this.settings()), () => Promise.resolve(undefined)).adoptAll();
    } catch {
      // Settings that never resolved never stored a credential.
    }
  }

  private get signedOutKey(): string {
    return `intuneVpp.signedOut/${this.key}`;
  }

  /** The settings in force, or the ConfigurationError that says what to fix. */
  settings(): ConnectionSettings {
    return this.build().settings;
  }

  /** The sign-in mode, also when the other settings are incomplete. */
  authMode(): AuthMode | undefined {
    try {
      return this.settings().authMode;
    } catch {
      return typeof this.definition.raw.authMode === 'string' ? (this.definition.raw.authMode as AuthMode) : undefined;
    }
  }

  /** The Graph service for this tenant; throws when settings are incomplete. */
  service(): VppTokenService {
    return this.build().service;
  }

  async signIn(): Promise<string> {
    return this.signInWith((source) => source.signIn());
  }

  /** Signs in as another account; the current one stays in use unless that succeeds. */
  async switchAccount(): Promise<string> {
    return this.signInWith((source) => source.switchAccount());
  }

  /** Who is signed in to this tenant, without prompting; undefined when nobody is or settings are incomplete. */
  async account(): Promise<string | undefined> {
    let account: string | undefined;
    try {
      account = await this.build().source.account();
    } catch {
      account = undefined;
    }
    if (this.signInsUnderWay === 0) {
      this.knownAccount = account;
    }
    return account;
  }

  /** Which credentials and account the tenant has: a number that grows with each change announced. */
  get credentialsVersion(): number {
    return this.changes;
  }

  private announceChange(): void {
    this.changes++;
    this.changed.fire();
  }

  async signOut(): Promise<void> {
    await this.context.globalState.update(this.signedOutKey, true);
    this.knownAccount = undefined;
    const ready = this.ready;
    if (ready && !(ready instanceof VppError)) {
      await ready.source.signOut();
    }
    this.log.info(`Signed out of tenant ${this.label}.`);
    this.announceChange();
  }

  /**
   * Deletes everything this machine keeps for the tenant: stored credentials, token cache and sign-in state. A
   * shared app credential is deleted only with `deleteShared` (when no other tenant uses it and the admin agreed).
   */
  async forget(deleteShared = false): Promise<void> {
    // Settings that never resolved never stored a credential.
    const settings = this.settingsOrUndefined();
    const secrets = this.secrets(settings);
    await secrets.forget();
    if (deleteShared) {
      await secrets.deleteShared();
    }
    await this.context.globalState.update(this.signedOutKey, undefined);
  }

  /**
   * Stores the configured app's certificate (client-credentials mode) from PEM text; it takes precedence over a
   * client secret. Returns the derived thumbprint.
   */
  async storeClientCertificate(pemText: string): Promise<string> {
    const settings = this.build().settings;
    const certificate = parseClientCertificate(pemText);
    await this.storeCredential(settings, 'clientCertificate', JSON.stringify(certificate));
    return certificate.thumbprintSha256;
  }

  /** Stores the client secret for the configured app (client-credentials mode). */
  async storeClientSecret(secret: string): Promise<void> {
    const settings = this.build().settings;
    await this.storeCredential(settings, 'clientSecret', secret);
  }

  /** Stores a credential and announces the change at once, so that a listing begun from now on uses it. */
  private async storeCredential(settings: ConnectionSettings, kind: 'clientSecret' | 'clientCertificate', value: string): Promise<void> {
    const secrets = this.secrets(settings);
    await secrets.store(kind, value);
    this.knownCredentials.set(secrets.key(kind), digestOf(value));
    await this.context.globalState.update(this.signedOutKey, false);
    this.announceChange();
  }

  dispose(): void {
    vscode.Disposable.from(...this.disposables).dispose();
  }

  private async signInWith(signIn: (source: AccessTokenSource) => Promise<string>): Promise<string> {
    const { source, settings } = this.build();
    this.signInsUnderWay++;
    let account: string;
    try {
      account = await signIn(source);
      // Only now: a cancelled sign-in after Sign Out must not fall back to the account signed out of.
      await this.context.globalState.update(this.signedOutKey, false);
    } finally {
      this.signInsUnderWay--;
    }
    this.knownAccount = account;
    const shown = this.log.logLevel === vscode.LogLevel.Trace ? account : maskedAccount(account);
    this.log.info(`Signed in to tenant ${this.label} as ${shown} (${settings.authMode}, ${settings.cloud}).`);
    this.announceChange();
    return account;
  }

  private build(): Ready {
    if (!this.ready) {
      this.ready = this.create();
    }
    if (this.ready instanceof VppError) {
      throw this.ready;
    }
    return this.ready;
  }

  private create(): Ready | VppError {
    let settings: ConnectionSettings;
    try {
      settings = { ...resolveSettings(this.definition.raw, this.definition.settingNames), groupNames: readGroupNames() };
    } catch (error) {
      return error instanceof VppError ? error : new ConfigurationError(String(error));
    }
    const missing = missingSignInSetting(settings, this.definition.settingNames);
    if (missing) {
      return new ConfigurationError(
        l10n.t("Set {0} in your user settings: the extension signs in with your organization's own app registration.", missing),
      );
    }
    const inner = this.createSource(settings);
    const source: AccessTokenSource = {
      getAccessToken: async () => {
        if (this.context.globalState.get<boolean>(this.signedOutKey)) {
          throw new VppError('signInRequired', l10n.t('You signed out. Run "Intune VPP: Sign In" to sign in again.'));
        }
        return inner.getAccessToken();
      },
      // An account name comes from a login host or VS Code's provider: it is cleaned here, where it enters, before
      // it reaches the status bar, a notification or the log.
      signIn: async () => accountName(await inner.signIn()),
      switchAccount: async () => accountName(await inner.switchAccount()),
      account: async () => (this.context.globalState.get<boolean>(this.signedOutKey) ? undefined : accountName(await inner.account())),
      signOut: () => inner.signOut(),
      invalidate: () => inner.invalidate(),
    };
    const service = createVppTokenService(settings, {
      getAccessToken: () => source.getAccessToken(),
      onUnauthorized: () => source.invalidate(),
      log: this.log,
      acceptLanguage: vscode.env.language || 'en',
    });
    this.log.info(
      `Tenant ${this.label}: the ${settings.cloud} cloud (${settings.endpoints.graphEndpoint}), sign-in mode ${settings.authMode}.`,
    );
    return { settings, modeSource: inner, source, service };
  }

  private createSource(settings: ConnectionSettings): AccessTokenSource {
    if (settings.authMode === 'deviceCode') {
      const secrets = this.secrets(settings);
      const cache: TokenCacheStore = {
        get: () => secrets.get('tokenCache'),
        set: (value) => secrets.store('tokenCache', value),
        delete: () => secrets.delete('tokenCache'),
      };
      return new DeviceCodeTokenSource(settings, cache, this.ui, this.log);
    }
    if (settings.authMode === 'clientCredentials') {
      const secrets = this.secrets(settings);
      const store: SecretStore = {
        get: () => secrets.get('clientSecret'),
        getCertificate: async () => {
          const stored = await secrets.get('clientCertificate');
          return stored ? (JSON.parse(stored) as ClientCertificate) : undefined;
        },
        delete: async () => {
          await secrets.delete('clientSecret');
          await secrets.delete('clientCertificate');
        },
      };
      return new ClientCredentialsTokenSource(settings, store, this.log);
    }
    return new VscodeSessionTokenSource(settings);
  }
}

/** A credential's SHA-256, to tell whether it changed without keeping it. */
function digestOf(value: string | undefined): string | undefined {
  return value === undefined ? undefined : createHash('sha256').update(value).digest('hex');
}
