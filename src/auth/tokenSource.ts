/** Where access tokens come from, whatever the sign-in mode. */
export interface AccessTokenSource {
  /** A current access token, without any prompt; throws a VppError of kind `signInRequired` when a prompt is needed. */
  getAccessToken(): Promise<string>;
  /** Signs in interactively where the mode has an interaction; returns who is signed in. */
  signIn(): Promise<string>;
  /**
   * Signs in as somebody else where the mode has user accounts; the previous account stays in use until the new
   * sign-in succeeds. Returns who is signed in.
   */
  switchAccount(): Promise<string>;
  /** Who is signed in, without any prompt or request; undefined when nobody is. */
  account(): Promise<string | undefined>;
  /** Forgets every credential this source holds. */
  signOut(): Promise<void>;
  /**
   * Drops a cached access token that Graph refused (401), so the next request gets a fresh one. Returns false
   * when this source keeps no token of its own to drop, so a retry could not help.
   */
  invalidate(): boolean;
}
