/** What SecretStorage offers that the tenant secrets use (VS Code's `context.secrets`; a map in tests). */
export interface SecretStorageLike {
  get(key: string): Thenable<string | undefined>;
  store(key: string, value: string): Thenable<void>;
  delete(key: string): Thenable<void>;
}

export const SECRET_KINDS = ['clientSecret', 'clientCertificate', 'tokenCache'] as const;
export type SecretKind = (typeof SECRET_KINDS)[number];
/** The kinds an app's entries may share (the token cache stays per tenant). */
const SHAREABLE_KINDS: readonly SecretKind[] = ['clientSecret', 'clientCertificate'];

/**
 * The credentials and token cache one tenant entry keeps, under its own key. Earlier versions keyed them by login
 * host, tenant and app, which two entries can share (usGov and usGovDoD with one app, say): a value still under such
 * a key is copied to each entry that asks for it, and deleted only with the entry that removes it last.
 */
export class TenantSecrets {
  constructor(
    private readonly storage: SecretStorageLike,
    /** The tenant entry's own key. */
    private readonly entryKey: string,
    /** Login host, tenant and app, as earlier versions keyed secrets; undefined while the settings are incomplete. */
    private readonly legacyScope: string | undefined,
    /** Lets every configured entry copy what it shares under the old key, before that key is deleted. */
    private readonly beforeSharedDelete: () => Promise<void>,
    /**
     * The app (login host and client id) whose credential this entry shares by choice, or undefined: its secret
     * and certificate are then stored once for every entry of the app that chose to share them.
     */
    private readonly appScope?: string,
  ) {}

  /** Whether a kind is kept under the app's shared key rather than the entry's own. */
  private shared(kind: SecretKind): boolean {
    return this.appScope !== undefined && SHAREABLE_KINDS.includes(kind);
  }

  key(kind: SecretKind): string {
    return this.shared(kind) ? `intuneVpp.app/${this.appScope}/${kind}` : `intuneVpp.tenant/${this.entryKey}/${kind}`;
  }

  async get(kind: SecretKind): Promise<string | undefined> {
    if (!this.shared(kind)) {
      await this.adopt(kind);
    }
    return this.storage.get(this.key(kind));
  }

  async store(kind: SecretKind, value: string): Promise<void> {
    await this.storage.store(this.key(kind), value);
  }

  /** Deletes what this entry keeps of a kind; a shared credential stays (see deleteShared), as other entries use it. */
  async delete(kind: SecretKind): Promise<void> {
    if (this.shared(kind)) {
      return;
    }
    if (this.legacyScope) {
      // The shared value goes too, or it would come back on the next read; the other entries keep their copies.
      await this.beforeSharedDelete();
      await this.storage.delete(this.key(kind));
      await this.storage.delete(legacyKey(kind, this.legacyScope));
      return;
    }
    await this.storage.delete(this.key(kind));
  }

  /** Copies every value an earlier version kept under the shared key that this entry does not have yet. */
  async adoptAll(): Promise<void> {
    for (const kind of SECRET_KINDS) {
      await this.adopt(kind);
    }
  }

  /** Deletes everything this entry keeps (and what an earlier version kept under the shared key). */
  async forget(): Promise<void> {
    for (const kind of SECRET_KINDS) {
      await this.delete(kind);
    }
  }

  /** Deletes the app's shared secret and certificate: only when no other entry uses them (the caller asks). */
  async deleteShared(): Promise<void> {
    for (const kind of SHAREABLE_KINDS.filter((candidate) => this.shared(candidate))) {
      await this.storage.delete(this.key(kind));
    }
  }

  private async adopt(kind: SecretKind): Promise<void> {
    if (!this.legacyScope || (await this.storage.get(this.key(kind))) !== undefined) {
      return;
    }
    const legacy = await this.storage.get(legacyKey(kind, this.legacyScope));
    if (legacy !== undefined) {
      await this.storage.store(this.key(kind), legacy);
    }
  }
}

/** Where versions before per-entry keys kept a secret. */
export function legacyKey(kind: SecretKind, scope: string): string {
  return `intuneVpp.${kind}/${scope}`;
}
