/** What SecretStorage offers that the tenant secrets use (VS Code's `context.secrets`; a map in tests). */
export interface SecretStorageLike {
  get(key: string): Thenable<string | undefined>;
  store(key: string, value: string): Thenable<void>;
  delete(key: string): Thenable<void>;
}

export const SECRET_KINDS = ['clientSecret', 'clientCertificate', 'tokenCache'] as const;
export type SecretKind = (typeof SECRET_KINDS)[number];

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
  ) {}

  key(kind: SecretKind): string {
    return `intuneVpp.tenant/${this.entryKey}/${kind}`;
  }

  async get(kind: SecretKind): Promise<string | undefined> {
    await this.adopt(kind);
    return this.storage.get(this.key(kind));
  }

  async store(kind: SecretKind, value: string): Promise<void> {
    await this.storage.store(this.key(kind), value);
  }

  async delete(kind: SecretKind): Promise<void> {
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
