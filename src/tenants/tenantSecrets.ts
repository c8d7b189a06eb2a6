import { createHash } from 'node:crypto';

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

/** The app a shared credential belongs to: the key it is stored under now, and the one an earlier version used. */
export interface AppScope {
  readonly scope: string;
  /** The key earlier versions made from the login host name alone (no port): read once, moved, then deleted. */
  readonly earlierScope?: string;
}

const hashed = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

/**
 * The app whose credential entries may share: the full login origin (scheme, host and port) and the client id, so
 * that an entry on another port of the same host never reads it. A key of an earlier version, made from the host
 * name alone, is adopted only for the default port, the one it can have been stored for by a legitimate entry.
 */
export function appScopeOf(loginEndpoint: string, clientId: string): AppScope {
  const url = new URL(loginEndpoint);
  const id = clientId.toLowerCase();
  return {
    scope: hashed(`${url.origin.toLowerCase()}|${id}`),
    ...(url.port === '' ? { earlierScope: hashed(`${url.hostname.toLowerCase()}|${id}`) } : {}),
  };
}

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
    private readonly appScope?: AppScope,
  ) {}

  /** Whether a kind is kept under the app's shared key rather than the entry's own. */
  private shared(kind: SecretKind): boolean {
    return this.appScope !== undefined && SHAREABLE_KINDS.includes(kind);
  }

  key(kind: SecretKind): string {
    return this.appScope && this.shared(kind) ? appKey(this.appScope.scope, kind) : `intuneVpp.tenant/${this.entryKey}/${kind}`;
  }

  async get(kind: SecretKind): Promise<string | undefined> {
    if (this.shared(kind)) {
      await this.adoptEarlierAppKey(kind);
    } else {
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
      if (this.appScope?.earlierScope) {
        await this.storage.delete(appKey(this.appScope.earlierScope, kind));
      }
    }
  }

  /** Moves a shared credential from the key an earlier version gave it (login host name, no port) to the origin's key. */
  private async adoptEarlierAppKey(kind: SecretKind): Promise<void> {
    const earlier = this.appScope?.earlierScope;
    if (!earlier || (await this.storage.get(this.key(kind))) !== undefined) {
      return;
    }
    const value = await this.storage.get(appKey(earlier, kind));
    if (value !== undefined) {
      await this.storage.store(this.key(kind), value);
      await this.storage.delete(appKey(earlier, kind));
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

function appKey(scope: string, kind: SecretKind): string {
  return `intuneVpp.app/${scope}/${kind}`;
}

/** Where versions before per-entry keys kept a secret. */
export function legacyKey(kind: SecretKind, scope: string): string {
  return `intuneVpp.${kind}/${scope}`;
}
