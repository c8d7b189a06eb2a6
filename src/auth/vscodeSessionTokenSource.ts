import * as vscode from 'vscode';
import * as l10n from '@vscode/l10n';
import { ConnectionSettings } from '../config/settings';
import { VppError } from '../errors';
import { authenticationProviderId, vscodeSessionScopes } from './scopes';
import { signInError } from './signInErrors';
import { sovereignCloudProblem } from './sovereignCloud';
import { AccessTokenSource } from './tokenSource';

/**
 * Tokens from VS Code's Microsoft account. The session is asked for silently on every request, so VS Code
 * refreshes it; the extension never keeps an access token of its own.
 */
export class VscodeSessionTokenSource implements AccessTokenSource {
  readonly providerId: string;
  private readonly scopes: string[];

  constructor(private readonly settings: ConnectionSettings) {
    this.providerId = authenticationProviderId(settings);
    this.scopes = vscodeSessionScopes(settings);
  }

  /**
   * A national or custom cloud signs in through VS Code's sovereign-cloud provider, which follows its own settings:
   * they must name the same cloud and login host, and come from the user, never from a workspace.
   */
  private checkSovereignEnvironment(): void {
    const configuration = vscode.workspace.getConfiguration('microsoft-sovereign-cloud');
    const problem = sovereignCloudProblem(
      this.settings,
      configuration.inspect('environment') ?? {},
      configuration.inspect('customEnvironment') ?? {},
    );
    if (problem) {
      throw problem;
    }
  }

  async getAccessToken(): Promise<string> {
    this.checkSovereignEnvironment();
    let session: vscode.AuthenticationSession | undefined;
    try {
      session = await vscode.authentication.getSession(this.providerId, this.scopes, { silent: true });
    } catch (error) {
      throw signInError(error);
    }
    if (!session) {
      throw new VppError('signInRequired', l10n.t('You are not signed in. Run "Intune VPP: Sign In".'));
    }
    return session.accessToken;
  }

  async signIn(): Promise<string> {
    this.checkSovereignEnvironment();
    try {
      const session = await vscode.authentication.getSession(this.providerId, this.scopes, { createIfNone: true });
      return session.account.label;
    } catch (error) {
      throw signInError(error);
    }
  }

  /** VS Code asks which of its accounts to use (or to sign in with another) instead of reusing its preference. */
  async switchAccount(): Promise<string> {
    this.checkSovereignEnvironment();
    try {
      const session = await vscode.authentication.getSession(this.providerId, this.scopes, {
        createIfNone: true,
        clearSessionPreference: true,
      });
      return session.account.label;
    } catch (error) {
      throw signInError(error);
    }
  }

  async account(): Promise<string | undefined> {
    try {
      return (await vscode.authentication.getSession(this.providerId, this.scopes, { silent: true }))?.account.label;
    } catch {
      return undefined;
    }
  }

  invalidate(): boolean {
    // VS Code owns the session and refreshes it; asking again silently would return the same token.
    return false;
  }

  async signOut(): Promise<void> {
    // VS Code owns the account; the extension stops using it (Accounts menu signs out of VS Code itself).
  }
}
