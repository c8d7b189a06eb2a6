/** Where access tokens come from, whatever the sign-in mode. */
export interface AccessTokenSource {
  /** A current access token, without any prompt; throws a VppError of kind `signInRequired` when a prompt is needed. */
  getAccessToken(): Promise<string>;
  /** Signs in interactively where the mode has an interaction; returns who is signed in. */
  signIn(): Promise<string>;
  /** Forgets every credential this source holds. */
  signOut(): Promise<void>;
}
