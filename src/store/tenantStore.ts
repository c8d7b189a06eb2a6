import * as vscode from 'vscode';
import * as l10n from '@vscode/l10n';
import { readMaxConcurrentTenants } from '../config/vscodeSettings';
import { describeForLog, VppError } from '../errors';
import { AppAssignments, readAssignments } from '../graph/assignmentReads';
import { groupByTokenId } from '../graph/licenses';
import { VppTokenService } from '../graph/vppTokenService';
import { AssignedLicenseRecord, VppAppRecord, VppEBookRecord, VppTokenRecord } from '../graph/vppRecords';
import { ConcurrencyLimit } from '../tenants/concurrencyLimit';
import { TenantConnection } from '../tenants/tenantConnection';
import { TenantRegistry } from '../tenants/tenantRegistry';
import { plainText } from '../text';
import { changesBetween } from './listingChanges';
import { WritesInFlight } from './writesInFlight';

/** What a tenant's listing came to. */
export type ListingState = 'notConfigured' | 'signedOut' | 'needsSecret' | 'error' | 'empty' | 'loaded';

/** Why a tenant's tokens are not shown, in a few words (none once they are): its item's description, and the Overview's. */
export function stateDescription(state: ListingState): string | undefined {
  switch (state) {
    case 'notConfigured':
      return l10n.t('not configured');
    case 'signedOut':
      return l10n.t('signed out');
    case 'needsSecret':
      return l10n.t('needs a client secret or certificate');
    case 'error':
      return l10n.t('could not load');
    default:
      return undefined;
  }
}

/** One tenant's listing: its tokens by id (records as Graph answered them), or why there are none. */
export interface TenantListing {
  readonly tokens: ReadonlyMap<string, VppTokenRecord>;
  readonly state: ListingState;
  /** Why the tokens are not shown, for the admin. */
  readonly message?: string;
  /** Who is signed in, when somebody is. */
  readonly account?: string;
  /** What the listing failed with, for a surface that tells errors its own way (chat). */
  readonly error?: unknown;
}

/** What changed: a tenant's listing (no token), one token of it, or everything (no tenant). */
export interface StoreChange {
  readonly tenantKey?: string;
  readonly tokenId?: string;
}

/** What a token shows when expanded: its apps (and how each is assigned), its recent actions and its eBooks. */
export interface TokenContents {
  readonly apps: PromiseSettledResult<readonly VppAppRecord[]>;
  /** Each app's assignments by app id, read with each expansion (none when the apps could not be read). */
  readonly assignments: ReadonlyMap<string, AppAssignments>;
  readonly actions: PromiseSettledResult<NonNullable<VppTokenRecord['tokenActionResults']>>;
  /** Empty when the eBooks could not be read: the apps' failure already names the same missing permission. */
  readonly books: readonly VppEBookRecord[];
}

/** An iOS app's licenses as read when it is expanded. */
export type AppLicenses =
  | { readonly kind: 'read'; readonly licenses: readonly AssignedLicenseRecord[] }
  | { readonly kind: 'failed'; readonly error: unknown }
  | { readonly kind: 'tenantGone' };

/** A listing as the store keeps it: its tokens, replaced one by one as they are read again, and its tenant-wide reads. */
interface KeptListing extends TenantListing {
  readonly tokens: Map<string, VppTokenRecord>;
  /** When it was made: a surface that takes a listing up to some age compares with this. */
  readonly listedAt: number;
  appsByToken?: Promise<Map<string, VppAppRecord[]>>;
  eBooksByToken?: Promise<Map<string, VppEBookRecord[]>>;
}

/** A tenant's listing in flight: what it will come to, the credentials it began under, and how to stop it. */
interface InFlightListing {
  readonly listing: Promise<KeptListing>;
  readonly credentials: number;
  readonly connection: TenantConnection;
  readonly stop: AbortController;
}

/** What a new listing redraws: the tenant's whole subtree, or only the tokens it changed. */
type Redraw = 'all' | 'changes';

/** Shows a listing's progress where the admin looks (the tokens view): the store itself draws nothing. */
export type ListingProgress = <T>(work: () => Promise<T>) => Promise<T>;

/**
 * What the extension knows about each tenant: its listing of tokens (one in flight at a time per tenant, at most
 * `intuneVpp.maxConcurrentTenants` at once), its apps and eBooks (read once per listing), and the writes running on
 * its tokens. It holds records, never view objects; every surface (the tree, the Overview, the alerts, chat) reads
 * from it and redraws on `onDidChange`; a write reports here once, and the store reads the token back once.
 */
export class TenantStore implements vscode.Disposable {
  private readonly listings = new Map<string, KeptListing>();
  private readonly loads = new Map<string, InFlightListing>();
  /**
   * Listings run at most `intuneVpp.maxConcurrentTenants` at a time (default 8): each signs in and reads every page,
   * and a hundred at once would crowd the sign-in endpoint and the extension host; a slow one holds up no other.
   */
  private readonly limit = new ConcurrencyLimit(readMaxConcurrentTenants);
  /** Tokens read back after a write and not yet shown expanded: their next expansion uses that read, not another. */
  private readonly readBack = new Set<string>();
  private readonly changed = new vscode.EventEmitter<StoreChange>();
  /** A tenant's listing, one of its tokens, or everything changed: redraw it. */
  readonly onDidChange = this.changed.event;
  private readonly tokensListed = new vscode.EventEmitter<{ tenantKey: string; tokens: readonly VppTokenRecord[] }>();
  /** Each tenant's tokens, after each listing that succeeded. */
  readonly onDidListTokens = this.tokensListed.event;
  private readonly writesChanged = new vscode.EventEmitter<Required<StoreChange>>();
  /**
   * A write began or ended on a token: only what shows writes in flight redraws (the token's row); the records are
   * as they were, so the surfaces that show records (the Overview, the view's status) have nothing to redo.
   */
  readonly onDidChangeWrites = this.writesChanged.event;
  /** The writes running now, on which tokens. */
  readonly writes = new WritesInFlight((tenantKey, tokenId) => this.writesChanged.fire({ tenantKey, tokenId }));

  constructor(
    private readonly registry: TenantRegistry,
    private readonly log: vscode.LogOutputChannel,
    private readonly progress: ListingProgress,
  ) {}

  tenants(): TenantConnection[] {
    return this.registry.list();
  }

  connection(tenantKey: string): TenantConnection | undefined {
    return this.registry.get(tenantKey);
  }

  /** A tenant's last listing, if it has one. */
  listing(tenantKey: string): TenantListing | undefined {
    return this.listings.get(tenantKey);
  }

  /** A token as its tenant's last listing (or a read since) shows it. */
  token(tenantKey: string, id: string): VppTokenRecord | undefined {
    return this.listings.get(tenantKey)?.tokens.get(id);
  }

  /** Forgets every listing, those in flight too, and redraws everything: the next reads list again (Refresh). */
  refreshAll(): void {
    this.forgetListings();
    this.changed.fire({});
  }

  /** Forgets every listing, those in flight too, without redrawing: the next reads list again. */
  forgetListings(): void {
    this.listings.clear();
    this.readBack.clear();
    this.loads.clear();
  }

  /** A tenant's listing: the one in flight, else the last one if it is at most `maxAgeMs` old, else a new one. */
  listed(connection: TenantConnection, maxAgeMs = Infinity): Promise<TenantListing> {
    this.stopStaleListings();
    const inFlight = this.loads.get(connection.key);
    if (inFlight && inFlight.connection === connection && inFlight.credentials === connection.credentialsVersion) {
      return inFlight.listing;
    }
    const listing = this.listings.get(connection.key);
    if (listing && Date.now() - listing.listedAt <= maxAgeMs) {
      return Promise.resolve(listing);
    }
    return this.load(connection);
  }

  /** Lists a tenant again now and redraws all of it, rows expanded too (Refresh on its root). */
  async relist(tenantKey: string): Promise<void> {
    await this.listAgain(tenantKey, 'all');
  }

  /**
   * Lists a tenant again now after a write that added, removed or changed tokens, and redraws only what the listing
   * changed: rows the admin expanded, or is expanding, elsewhere in the view stay as they are.
   */
  async relistAfterWrite(tenantKey: string): Promise<void> {
    await this.listAgain(tenantKey, 'changes');
  }

  /**
   * A tenant's credentials or account changed: forgets what it listed under older ones (stopping such a listing in
   * flight) and redraws it. The next read lists it again, or joins a listing in flight that began under its current
   * credentials rather than listing twice.
   */
  relistAfterChange(tenantKey: string): void {
    this.listings.delete(tenantKey);
    this.stopStaleListings();
    this.changed.fire({ tenantKey });
  }

  /**
   * A tenant's tokens from a listing at most `maxAgeMs` old (or the one in flight), for a surface that needs the
   * tokens or an error (the expiry check, chat). Throws when the tenant could not be listed.
   */
  async tokensOf(connection: TenantConnection, maxAgeMs: number): Promise<VppTokenRecord[]> {
    const listing = await this.listed(connection, maxAgeMs);
    if (listing.error instanceof Error) {
      throw listing.error;
    }
    if (listing.state !== 'loaded' && listing.state !== 'empty') {
      throw new VppError(
        listing.state === 'error' ? 'server' : 'signInRequired',
        listing.message ?? stateDescription(listing.state) ?? l10n.t('could not load'),
      );
    }
    return [...listing.tokens.values()];
  }

  /** A tenant's listing and, when it listed, its VPP apps by token id (read once per listing, within the same bound). */
  async listedWithApps(
    connection: TenantConnection,
  ): Promise<{ listing: TenantListing; apps?: PromiseSettledResult<Map<string, VppAppRecord[]>> }> {
    const listing = (await this.listed(connection)) as KeptListing;
    if (listing.state !== 'loaded' && listing.state !== 'empty') {
      return { listing };
    }
    const [apps] = await Promise.allSettled([
      remembered(listing, 'appsByToken', () => this.limit.run(() => connection.service().listVppApps()).then(groupByTokenId)),
    ]);
    if (apps.status === 'rejected') {
      this.log.warn(`Could not read the apps of tenant ${connection.label}: ${describeForLog(apps.reason)}`);
    }
    return { listing, apps };
  }

  /**
   * Reads one token back after a write changed it, once: its record is replaced and its surfaces redraw, and its
   * next expansion shows this read. A token that is gone, or could not be read, lists its tenant again.
   */
  async tokenWritten(tenantKey: string, id: string): Promise<VppTokenRecord | undefined> {
    const listing = this.listings.get(tenantKey);
    const connection = this.registry.get(tenantKey);
    if (!listing?.tokens.has(id) || !connection) {
      await this.relistAfterWrite(tenantKey);
      return undefined;
    }
    let token: VppTokenRecord;
    try {
      token = await connection.service().getToken(id);
    } catch (error) {
      this.log.warn(`Could not read token ${plainText(id, 200)} back: ${describeForLog(error)}`);
      await this.relistAfterWrite(tenantKey);
      return undefined;
    }
    listing.tokens.set(id, token);
    this.readBack.add(readKey(tenantKey, id));
    this.changed.fire({ tenantKey, tokenId: id });
    return token;
  }

  /**
   * A token's apps and eBooks (read once per listing for the whole tenant) and its recent action results (read each
   * time, unless a write has just read the token back). A failure to read the apps or eBooks is not remembered.
   */
  async tokenContents(tenantKey: string, id: string): Promise<TokenContents | undefined> {
    const listing = this.listings.get(tenantKey);
    const connection = this.registry.get(tenantKey);
    if (!connection || !listing) {
      return undefined;
    }
    const service = connection.service();
    const [apps, token, books] = await Promise.allSettled([
      remembered(listing, 'appsByToken', () => service.listVppApps().then(groupByTokenId)),
      this.readBack.delete(readKey(tenantKey, id)) && listing.tokens.has(id)
        ? Promise.resolve(listing.tokens.get(id) as VppTokenRecord)
        : service.getToken(id),
      remembered(listing, 'eBooksByToken', () => service.listVppEBooks().then(groupByTokenId)),
    ]);
    if (token.status === 'fulfilled' && listing.tokens.has(id)) {
      listing.tokens.set(id, token.value);
    }
    this.warnUnread(connection, id, { apps, token, books });
    const tokenId = id.toLowerCase();
    const tokenApps = apps.status === 'fulfilled' ? (apps.value.get(tokenId) ?? []) : [];
    return {
      apps: apps.status === 'fulfilled' ? { status: 'fulfilled', value: tokenApps } : apps,
      assignments: await this.assignmentsOf(service, tokenApps),
      actions:
        token.status === 'fulfilled'
          ? { status: 'fulfilled', value: Array.isArray(token.value.tokenActionResults) ? token.value.tokenActionResults : [] }
          : token,
      books: books.status === 'fulfilled' ? (books.value.get(tokenId) ?? []) : [],
    };
  }

  /**
   * How a token's apps are assigned, in JSON batches; a failure of the whole read leaves each app's assignments
   * unknown (shown as such, never as not assigned).
   */
  private async assignmentsOf(service: VppTokenService, apps: readonly VppAppRecord[]): Promise<ReadonlyMap<string, AppAssignments>> {
    try {
      return await readAssignments(
        service,
        apps.map((app) => app.id),
        new AbortController().signal,
      );
    } catch (error) {
      this.log.warn(`Could not read the assignments of the apps: ${describeForLog(error)}`);
      return new Map(apps.map((app) => [app.id, { kind: 'unknown', error }]));
    }
  }

  /** An iOS app's licenses, read when it is expanded. */
  async appLicenses(tenantKey: string, appId: string): Promise<AppLicenses> {
    const connection = this.registry.get(tenantKey);
    if (!connection) {
      return { kind: 'tenantGone' };
    }
    try {
      return { kind: 'read', licenses: await connection.service().listAssignedLicenses(appId) };
    } catch (error) {
      this.log.warn(`Could not read the licenses of app ${plainText(appId, 200)}: ${describeForLog(error)}`);
      return { kind: 'failed', error };
    }
  }

  dispose(): void {
    this.changed.dispose();
    this.writesChanged.dispose();
    this.tokensListed.dispose();
  }

  private async listAgain(tenantKey: string, redraw: Redraw): Promise<void> {
    const connection = this.registry.get(tenantKey);
    if (connection) {
      await this.load(connection, redraw);
    } else {
      this.changed.fire({});
    }
  }

  /** Stops the listings begun under credentials a tenant no longer has: nothing would keep what they read. */
  private stopStaleListings(): void {
    for (const listing of this.loads.values()) {
      if (listing.credentials !== listing.connection.credentialsVersion) {
        listing.stop.abort();
      }
    }
  }

  /** Lists one tenant's tokens again, keeps the outcome and tells every surface. */
  private load(connection: TenantConnection, redraw: Redraw = 'all'): Promise<KeptListing> {
    const credentials = connection.credentialsVersion;
    const stop = new AbortController();
    const load = this.listTenant(connection, stop.signal).then((listing) => {
      // Kept only while it is the tenant's latest listing, and its credentials are still the tenant's.
      if (this.loads.get(connection.key)?.listing === load) {
        this.loads.delete(connection.key);
        if (credentials === connection.credentialsVersion) {
          const changes = redraw === 'all' ? 'tenant' : changesBetween(this.listings.get(connection.key), listing);
          this.listings.set(connection.key, listing);
          for (const tokenId of changes === 'tenant' ? [undefined] : changes) {
            this.changed.fire({ tenantKey: connection.key, tokenId });
          }
        }
      }
      return listing;
    });
    this.loads.set(connection.key, { listing: load, credentials, connection, stop });
    return load;
  }

  private async listTenant(connection: TenantConnection, signal: AbortSignal): Promise<KeptListing> {
    try {
      const tokens = await this.limit.run(() => this.progress(() => connection.service().listTokens(signal)));
      const byId = new Map(tokens.map((token) => [token.id, token]));
      if (byId.size < tokens.length) {
        // One id is one token in Graph: it is kept once, and the log says so.
        this.log.warn(`Graph listed ${tokens.length - byId.size} token ids more than once; each is shown once.`);
      }
      const listing: KeptListing = {
        tokens: byId,
        state: byId.size > 0 ? 'loaded' : 'empty',
        account: await connection.account(),
        listedAt: Date.now(),
      };
      this.tokensListed.fire({ tenantKey: connection.key, tokens });
      return listing;
    } catch (error) {
      return { tokens: new Map(), error, listedAt: Date.now(), ...this.failure(connection, error) };
    }
  }

  private warnUnread(
    connection: TenantConnection,
    id: string,
    reads: { apps: PromiseSettledResult<unknown>; token: PromiseSettledResult<unknown>; books: PromiseSettledResult<unknown> },
  ): void {
    const { apps, token, books } = reads;
    if (apps.status === 'rejected') {
      this.log.warn(`Could not read the apps of token ${plainText(id, 200)}: ${describeForLog(apps.reason)}`);
    }
    if (books.status === 'rejected') {
      this.log.warn(`Could not read the VPP eBooks of tenant ${connection.label}: ${describeForLog(books.reason)}`);
    }
    if (token.status === 'rejected') {
      this.log.warn(`Could not read the recent actions of token ${plainText(id, 200)}: ${describeForLog(token.reason)}`);
    }
  }

  /** What a failed listing shows: the sign-in it needs, the setting it lacks, or the error. */
  private failure(connection: TenantConnection, error: unknown): Pick<TenantListing, 'state' | 'message'> {
    const failure = error instanceof VppError ? error : undefined;
    const kind = failure?.kind;
    this.log.info(`Token list of tenant ${connection.label} not loaded: ${describeForLog(error)}`);
    if (kind === 'configuration') {
      return { state: 'notConfigured', message: failure?.message };
    }
    if (kind === 'signInRequired' || kind === 'cancelled' || kind === 'unauthorized' || kind === 'consentRequired') {
      const needsSecret = kind === 'signInRequired' && connection.authMode() === 'clientCredentials';
      const message = kind === 'signInRequired' || kind === 'cancelled' ? undefined : failure?.message;
      return { state: needsSecret ? 'needsSecret' : 'signedOut', message };
    }
    this.log.error(`Could not list the VPP tokens of tenant ${connection.label}: ${describeForLog(error)}`);
    return { state: 'error', message: failure?.message ?? l10n.t('Could not list the VPP tokens. See the log for details.') };
  }
}

function readKey(tenantKey: string, id: string): string {
  return `${tenantKey}\n${id}`;
}

/**
 * A tenant's read kept with its listing (its apps, its eBooks): the one made, or `read` now. A read that fails is
 * forgotten as it fails, so the next one asks again.
 */
function remembered<K extends 'appsByToken' | 'eBooksByToken'>(
  listing: KeptListing,
  key: K,
  read: () => NonNullable<KeptListing[K]>,
): NonNullable<KeptListing[K]> {
  const kept = listing[key];
  if (kept) {
    return kept;
  }
  const pending = read();
  listing[key] = pending;
  Promise.resolve(pending).catch(() => {
    if (listing[key] === pending) {
      listing[key] = undefined;
    }
  });
  return pending;
}
