import type { ConfidentialClientApplication } from '@azure/msal-node';
import * as l10n from '@vscode/l10n';
import { ConnectionSettings } from '../config/settings';
import { VppError } from '../errors';
import { Logger } from '../log';
import { appOnlyScopes } from './scopes';
import { signInError } from './signInErrors';
import { ClientCertificate } from './clientCertificate';
import { msalAuthority, msalSystemOptions } from './msalOptions';
import { AccessTokenSource } from './tokenSource';

/** msal has no timeout of its own: a token endpoint that never answers must not hang the extension. */
function withTimeout<T>(pending: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new VppError(
            'timeout',
            l10n.t('The sign-in service did not answer within {0} seconds. Try again.', Math.round(timeoutMs / 1000)),
          ),
        ),
      timeoutMs,
    );
  });
  // The abandoned request may still fail later; that failure is of no interest any more.
  pending.catch(() => undefined);
  return Promise.race([pending, timeout]).finally(() => clearTimeout(timer));
}

/** Reads and forgets the stored credential: a certificate or a client secret (VS Code's SecretStorage in the extension). */
export interface SecretStore {
  get(): Promise<string | undefined>;
  getCertificate(): Promise<ClientCertificate | undefined>;
  delete(): Promise<void>;
}

type Credential = { kind: 'secret'; secret: string } | { kind: 'certificate'; certificate: ClientCertificate };

function credentialId(credential: Credential): string {
  return credential.kind === 'secret' ? `secret:${credential.secret}` : `certificate:${credential.certificate.thumbprintSha256}`;
}

/**
 * App-only tokens for an app registration with a certificate or a client secret, through msal-node. msal-node is loaded on
 * first use, so the default sign-in mode never pays for it.
 */
export class ClientCredentialsTokenSource implements AccessTokenSource {
  private application: { id: string; app: Promise<ConfidentialClientApplication> } | undefined;

  constructor(
    private readonly settings: ConnectionSettings,
    private readonly secrets: SecretStore,
    private readonly log: Logger,
  ) {}

  async getAccessToken(): Promise<string> {
    const certificate = await this.secrets.getCertificate();
    const secret = certificate ? undefined : await this.secrets.get();
    const credential: Credential | undefined = certificate
      ? { kind: 'certificate', certificate }
      : secret
        ? { kind: 'secret', secret }
        : undefined;
    if (!credential) {
      throw new VppError(
        'signInRequired',
        l10n.t('No client secret is stored for the app {0}. Run "Intune VPP: Set Client Secret…".', this.settings.clientId),
        {},
        'client-credentials',
      );
    }
    try {
      const app = await this.app(credential);
      const result = await withTimeout(
        app.acquireTokenByClientCredential({ scopes: appOnlyScopes(this.settings) }),
        this.settings.requestTimeoutMs,
      );
      if (!result?.accessToken) {
        throw new VppError('unauthorized', l10n.t('Microsoft Entra ID returned no access token.'));
      }
      return result.accessToken;
    } catch (error) {
      const failure = signInError(error);
      this.log.error(`App-only sign-in for client ${this.settings.clientId} failed: ${failure.message}`);
      throw failure;
    }
  }

  async signIn(): Promise<string> {
    await this.getAccessToken();
    return l10n.t('app {0}', this.settings.clientId);
  }

  /** App-only sign-in has no account to switch: the app's credential is replaced with "Set Client Secret/Certificate". */
  switchAccount(): Promise<string> {
    return this.signIn();
  }

  async account(): Promise<string | undefined> {
    const stored = (await this.secrets.getCertificate()) ?? (await this.secrets.get());
    return stored ? l10n.t('app {0}', this.settings.clientId) : undefined;
  }

  async signOut(): Promise<void> {
    this.application = undefined;
    await this.secrets.delete();
  }

  invalidate(): boolean {
    // A new msal application starts with an empty token cache.
    this.application = undefined;
    return true;
  }

  /** One msal application per credential, so its in-memory token cache serves every request until the token expires. */
  private app(credential: Credential): Promise<ConfidentialClientApplication> {
    const id = credentialId(credential);
    if (this.application?.id !== id) {
      this.application = { id, app: this.createApp(credential) };
    }
    return this.application.app;
  }

  private async createApp(credential: Credential): Promise<ConfidentialClientApplication> {
    const msal = await import('@azure/msal-node');
    return new msal.ConfidentialClientApplication({
      auth: {
        clientId: this.settings.clientId,
        ...(credential.kind === 'secret'
          ? { clientSecret: credential.secret }
          : {
              clientCertificate: {
                thumbprintSha256: credential.certificate.thumbprintSha256,
                privateKey: credential.certificate.privateKey,
                x5c: credential.certificate.certificate,
              },
            }),
        ...msalAuthority(this.settings),
      },
      system: msalSystemOptions(msal, this.log, this.settings),
    });
  }
}
