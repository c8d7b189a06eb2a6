import * as vscode from 'vscode';
import * as l10n from '@vscode/l10n';
import { ClientCredentialsTokenSource, SecretStore } from './auth/clientCredentialsTokenSource';
import { ClientCertificate, parseClientCertificate } from './auth/clientCertificate';
import { DeviceCodeTokenSource, TokenCacheStore } from './auth/deviceCodeTokenSource';
import { AccessTokenSource } from './auth/tokenSource';
import { UserInput } from './commands/userInput';
import { VscodeSessionTokenSource } from './auth/vscodeSessionTokenSource';
import { ConnectionSettings, missingSignInSetting, resolveSettings } from './config/settings';
import { readUserSettings } from './config/vscodeSettings';
import { ConfigurationError, VppError } from './errors';
import { createVppTokenService } from './graph/createService';
import { VppTokenService } from './graph/vppTokenService';

const SIGNED_OUT_KEY = 'intuneVpp.signedOut';
export const SIGNED_IN_CONTEXT = 'intuneVpp.signedIn';

interface Ready {
  readonly settings: ConnectionSettings;
  /** The mode's own source, wrapped by `source` with the signed-out check. */
  readonly modeSource: AccessTokenSource;
  readonly source: AccessTokenSource;
  readonly service: VppTokenService;
}

/** Where a credential of the configured app lives in SecretStorage: one per kind, cloud, tenant and app. */
function secretKey(kind: 'clientSecret' | 'clientCertificate' | 'tokenCache', settings: ConnectionSettings): string {
  return `intuneVpp.${kind}/${settings.endpoints.loginEndpoint}/${settings.tenantId}/${settings.clientId}`;
}

/**
 * The tenant the extension talks to: validated settings, the token source for the sign-in mode, and the Graph
 * service built on them. Rebuilt when settings change; announces every change of settings or sign-in state.
 */
export class TenantConnection implements vscode.Disposable {
  private ready: Ready | VppError | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
    /** Shows the device code sign-in's code and its wait. */
    private readonly ui: UserInput,
  ) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('intuneVpp')) {
          this.ready = undefined;
          this.changed.fire();
        }
      }),
      vscode.authentication.onDidChangeSessions((event) => {
        const current = this.ready;
        if (current && !(current instanceof VppError) && current.modeSource instanceof VscodeSessionTokenSource && current.modeSource.providerId === event.provider.id) {
          this.changed.fire();
        }
      }),
      // A stored credential changes what sign-in can do; the device code token cache changes as msal refreshes
      // tokens, which is no news for the tree.
      context.secrets.onDidChange((event) => {
        if (/^intuneVpp\.(clientSecret|clientCertificate)\//.test(event.key)) {
          this.changed.fire();
        }
      }),
    );
  }

  /** The settings in force, or the ConfigurationError that says what to fix. */
  settings(): ConnectionSettings {
    return this.build().settings;
  }

  /** The Graph service for the configured tenant; throws when settings are incomplete. */
  service(): VppTokenService {
    return this.build().service;
  }

  async signIn(): Promise<string> {
    const { source, settings } = this.build();
    await this.context.globalState.update(SIGNED_OUT_KEY, false);
    const account = await source.signIn();
    this.log.info(`Signed in as ${account} (${settings.authMode}, ${settings.cloud}).`);
    await this.setSignedIn(true);
    this.changed.fire();
    return account;
  }

  async signOut(): Promise<void> {
    await this.context.globalState.update(SIGNED_OUT_KEY, true);
    const ready = this.ready;
    if (ready && !(ready instanceof VppError)) {
      await ready.source.signOut();
    }
    this.log.info('Signed out.');
    await this.setSignedIn(false);
    this.changed.fire();
  }

  /**
   * Stores the configured app's certificate (client-credentials mode) from PEM text; it takes precedence over a
   * client secret. Returns the derived thumbprint.
   */
  async storeClientCertificate(pemText: string): Promise<string> {
    const settings = this.build().settings;
    const certificate = parseClientCertificate(pemText);
    await this.context.secrets.store(secretKey('clientCertificate', settings), JSON.stringify(certificate));
    await this.context.globalState.update(SIGNED_OUT_KEY, false);
    return certificate.thumbprintSha256;
  }

  /** Stores the client secret for the configured app (client-credentials mode). */
  async storeClientSecret(secret: string): Promise<void> {
    const settings = this.build().settings;
    await this.context.secrets.store(secretKey('clientSecret', settings), secret);
    await this.context.globalState.update(SIGNED_OUT_KEY, false);
  }

  async setSignedIn(signedIn: boolean): Promise<void> {
    await vscode.commands.executeCommand('setContext', SIGNED_IN_CONTEXT, signedIn);
  }

  dispose(): void {
    vscode.Disposable.from(...this.disposables).dispose();
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
    const { raw, ignoredWorkspaceSettings } = readUserSettings();
    if (ignoredWorkspaceSettings.length > 0) {
      this.log.warn(`Ignored workspace values of ${ignoredWorkspaceSettings.join(', ')}: these settings are read from user settings only.`);
    }
    let settings: ConnectionSettings;
    try {
      settings = resolveSettings(raw);
    } catch (error) {
      return error instanceof VppError ? error : new ConfigurationError(String(error));
    }
    const missing = missingSignInSetting(settings);
    if (missing) {
      return new ConfigurationError(
        l10n.t('Set {0} in your user settings: the extension signs in with your organization\'s own app registration.', missing),
      );
    }
    const inner = this.createSource(settings);
    const source: AccessTokenSource = {
      getAccessToken: async () => {
        if (this.context.globalState.get<boolean>(SIGNED_OUT_KEY)) {
          throw new VppError('signInRequired', l10n.t('You signed out. Run "Intune VPP: Sign In" to sign in again.'));
        }
        return inner.getAccessToken();
      },
      signIn: () => inner.signIn(),
      signOut: () => inner.signOut(),
      invalidate: () => inner.invalidate(),
    };
    const service = createVppTokenService(settings, {
      getAccessToken: source.getAccessToken,
      onUnauthorized: source.invalidate,
      log: this.log,
      acceptLanguage: vscode.env.language || 'en',
    });
    this.log.info(`Using the ${settings.cloud} cloud (${settings.endpoints.graphEndpoint}), sign-in mode ${settings.authMode}.`);
    return { settings, modeSource: inner, source, service };
  }

  private createSource(settings: ConnectionSettings): AccessTokenSource {
    if (settings.authMode === 'deviceCode') {
      const key = secretKey('tokenCache', settings);
      const cache: TokenCacheStore = {
        get: async () => this.context.secrets.get(key),
        set: async (value) => this.context.secrets.store(key, value),
        delete: async () => this.context.secrets.delete(key),
      };
      return new DeviceCodeTokenSource(settings, cache, this.ui, this.log);
    }
    if (settings.authMode === 'clientCredentials') {
      const key = secretKey('clientSecret', settings);
      const certificateKey = secretKey('clientCertificate', settings);
      const secrets: SecretStore = {
        get: async () => this.context.secrets.get(key),
        getCertificate: async () => {
          const stored = await this.context.secrets.get(certificateKey);
          return stored ? (JSON.parse(stored) as ClientCertificate) : undefined;
        },
        delete: async () => {
          await this.context.secrets.delete(key);
          await this.context.secrets.delete(certificateKey);
        },
      };
      return new ClientCredentialsTokenSource(settings, secrets, this.log);
    }
    return new VscodeSessionTokenSource(settings);
  }
}
