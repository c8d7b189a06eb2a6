import { constants, createHash, randomUUID, verify, X509Certificate } from 'node:crypto';
import { GraphContract } from '../support/graphContract';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenOnLoopback, LoopbackServer } from './loopbackServer';
import { GRAPH_VPP_LIMITS, NO_OTHER_TRAFFIC, OtherTraffic, RequestWindows, ThrottleLimits } from './throttling';
import {
  activeRevokeResult,
  seedApps,
  seedAssignments,
  seedEBooks,
  seedLicenses,
  seedLocation,
  StoredApp,
  StoredAssignment,
  StoredEBook,
  StoredLicense,
  StoredToken,
  seedTokens,
  SEED_GROUPS,
} from './seed';

/** What the README's admin setup grants: the one permission that grants every call the extension makes. */
export const README_PERMISSIONS = ['DeviceManagementApps.ReadWrite.All'] as const;

/** The token writes and the two token actions ("revokeLicenses action", "syncLicenses action" pages, checked 2026-12-06). */
const TOKEN_WRITE = ['DeviceManagementApps.ReadWrite.All', 'DeviceManagementServiceConfig.ReadWrite.All'];
const APP_READ = [
  'DeviceManagementApps.Read.All',
  'DeviceManagementApps.ReadWrite.All',
  'DeviceManagementConfiguration.Read.All',
  'DeviceManagementConfiguration.ReadWrite.All',
];
const APP_WRITE = ['DeviceManagementConfiguration.ReadWrite.All', 'DeviceManagementApps.ReadWrite.All'];

/**
 * Which permissions grant each route, as Microsoft Graph's reference lists them (delegated and application alike).
 * Kept here, apart from the extension's own table, so that the simulated tenant checks the extension, not itself.
 */
const GRAPH_ROUTE_PERMISSIONS = {
  list: [
    'DeviceManagementApps.Read.All',
    'DeviceManagementApps.ReadWrite.All',
    'DeviceManagementServiceConfig.Read.All',
    'DeviceManagementServiceConfig.ReadWrite.All',
  ],
  get: [
    'DeviceManagementApps.Read.All',
    'DeviceManagementApps.ReadWrite.All',
    'DeviceManagementServiceConfig.Read.All',
    'DeviceManagementServiceConfig.ReadWrite.All',
  ],
  revoke: TOKEN_WRITE,
  sync: TOKEN_WRITE,
  apps: [
    'DeviceManagementApps.Read.All',
    'DeviceManagementApps.ReadWrite.All',
    'DeviceManagementConfiguration.Read.All',
    'DeviceManagementConfiguration.ReadWrite.All',
  ],
  ebooks: ['DeviceManagementApps.Read.All', 'DeviceManagementApps.ReadWrite.All'],
  create: TOKEN_WRITE,
  update: TOKEN_WRITE,
  delete: TOKEN_WRITE,
  app: APP_READ,
  licenses: APP_READ,
  appRevoke: APP_WRITE,
  appUserRevoke: APP_WRITE,
  appDeviceRevoke: APP_WRITE,
  // "List mobileAppAssignments", "Update mobileAppAssignment", "Delete mobileAppAssignment".
  appAssignments: APP_READ,
  assignmentUpdate: APP_WRITE,
  assignmentDelete: APP_WRITE,
  // "List auditEvents": DeviceManagementApps.Read.All, DeviceManagementApps.ReadWrite.All.
  auditEvents: ['DeviceManagementApps.Read.All', 'DeviceManagementApps.ReadWrite.All'],
  // "Get group": GroupMember.Read.All least privileged, then the wider directory permissions.
  group: ['GroupMember.Read.All', 'Group.Read.All', 'Directory.Read.All', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'],
  // A JSON batch needs no permission of its own: each request in it is checked as if sent alone.
  batch: [],
} as const satisfies Partial<Record<Route, readonly string[]>>;

/** The routes that change the tenant: each counts against the write limit and can be carried out before a fault. */
const WRITE_ROUTES = new Set<Route>([
  'revoke',
  'sync',
  'create',
  'update',
  'delete',
  'appRevoke',
  'appUserRevoke',
  'appDeviceRevoke',
  'assignmentUpdate',
  'assignmentDelete',
]);
/** The routes Graph throttles: all of Graph's but the batch POST itself (its requests count one by one). */
const GRAPH_ROUTES = new Set<Route>([
  'list',
  'get',
  'create',
  'update',
  'delete',
  'revoke',
  'sync',
  'apps',
  'app',
  'licenses',
  'appRevoke',
  'appUserRevoke',
  'appDeviceRevoke',
  'appAssignments',
  'assignmentUpdate',
  'assignmentDelete',
  'ebooks',
  'auditEvents',
  'group',
  'unknown',
]);
type WriteRoute =
  | 'revoke'
  | 'sync'
  | 'create'
  | 'update'
  | 'delete'
  | 'appRevoke'
  | 'appUserRevoke'
  | 'appDeviceRevoke'
  | 'assignmentUpdate'
  | 'assignmentDelete';

/** The fields an admin may send when adding a token (the rest Intune sets). */
const CREATABLE_FIELDS = new Set([
  '@odata.type',
  'token',
  'appleId',
  'displayName',
  'countryOrRegion',
  'vppTokenAccountType',
  'automaticallyUpdateApps',
  'dataSharingConsentGranted',
  'claimTokenManagementFromExternalMdm',
  'roleScopeTagIds',
  'appleDeviceAppDeliveryProtocolType',
]);
/**
 * The fields a PATCH may change. The docs leave open whether Intune ignores or refuses the fields it sets; this
 * tenant refuses them, so that a test shows the extension never sends one.
 */
const PATCHABLE_FIELDS = new Set([
  'token',
  'appleId',
  'displayName',
  'countryOrRegion',
  'automaticallyUpdateApps',
  'dataSharingConsentGranted',
  'claimTokenManagementFromExternalMdm',
  'roleScopeTagIds',
]);
const BOOLEAN_FIELDS = new Set(['automaticallyUpdateApps', 'dataSharingConsentGranted', 'claimTokenManagementFromExternalMdm']);

/** A JSON object body, or undefined. */
function parseObject(body: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What Intune reads from an uploaded token: the Base64 of the `.vpptoken` file's text, which is itself Base64 of
 * `{token, expDate, orgName}`. Undefined when it is not that.
 */
function readUploadedToken(value: unknown): { location: string; orgName: string; expiry: string } | undefined {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]+=*$/.test(value)) {
    return undefined;
  }
  const fileText = Buffer.from(value, 'base64').toString('utf8').trim();
  if (!/^[A-Za-z0-9+/]+=*$/.test(fileText)) {
    return undefined;
  }
  const inner = parseObject(Buffer.from(fileText, 'base64').toString('utf8'));
  const expiry = typeof inner?.expDate === 'string' ? Date.parse(inner.expDate.replace(/([+-]\d\d)(\d\d)$/, '$1:$2')) : NaN;
  if (typeof inner?.token !== 'string' || typeof inner.orgName !== 'string' || Number.isNaN(expiry)) {
    return undefined;
  }
  return { location: inner.token, orgName: inner.orgName, expiry: new Date(expiry).toISOString() };
}

/** Why the fields of a write are refused (types the metadata gives), or undefined. */
function fieldProblem(fields: Record<string, unknown>, allowed: ReadonlySet<string>): string | undefined {
  for (const [key, value] of Object.entries(fields)) {
    if (!allowed.has(key)) {
      return `The property '${key}' cannot be written.`;
    }
    if (BOOLEAN_FIELDS.has(key) && typeof value !== 'boolean') {
      return `The property '${key}' must be a Boolean.`;
    }
    if (['appleId', 'countryOrRegion'].includes(key) && typeof value !== 'string') {
      return `The property '${key}' must be a String.`;
    }
  }
  return undefined;
}

/**
 * The revoke body the metadata allows: `notifyManagedDevices` a Boolean (non-null), `revokeUntrackedLicenses` an
 * optional, nullable Boolean, nothing else.
 */
function validRevokeBody(body: string): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return false;
  }
  const record = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  const untracked = record?.revokeUntrackedLicenses;
  return (
    record !== undefined &&
    Object.keys(record).every((key) => key === 'notifyManagedDevices' || key === 'revokeUntrackedLicenses') &&
    typeof record.notifyManagedDevices === 'boolean' &&
    (untracked === undefined || untracked === null || typeof untracked === 'boolean')
  );
}

/** The routes of the simulated tenant, as fault injection and assertions name them. */
export type Route =
  | 'discovery'
  | 'openid'
  | 'authorize'
  | 'devicecode'
  | 'token'
  | 'list'
  | 'get'
  | 'create'
  | 'update'
  | 'delete'
  | 'revoke'
  | 'sync'
  | 'apps'
  | 'app'
  | 'licenses'
  | 'appRevoke'
  | 'appUserRevoke'
  | 'appDeviceRevoke'
  | 'appAssignments'
  | 'assignmentUpdate'
  | 'assignmentDelete'
  | 'ebooks'
  | 'auditEvents'
  | 'group'
  | 'batch'
  | 'unknown';

/** The ids a request's path names. */
interface RouteIds {
  readonly tokenId?: string;
  readonly appId?: string;
  readonly groupId?: string;
}

export interface RecordedRequest {
  readonly route: Route;
  readonly method: string;
  /** Path and query exactly as received (still percent-encoded). */
  readonly url: string;
  /** The token id decoded from the path, for the token routes. */
  readonly tokenId?: string;
  /** The app id decoded from the path, for the app routes. */
  readonly appId?: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly time: number;
  /** The `request-id` the simulated tenant answered with. */
  readonly requestId: string;
  /** The status it was answered with, once answered (undefined: dropped, hung, or not answered yet). */
  status?: number;
  /** The `Retry-After` it was answered with, if any. */
  retryAfter?: string;
}

export interface Fault {
  readonly route: Route | '*';
  /** Only requests for this token id (token routes). */
  readonly tokenId?: string;
  readonly status?: number;
  readonly retryAfter?: string;
  /** More response headers, e.g. a redirect's `location`. */
  readonly headers?: Record<string, string>;
  /** Sent as the response body (with the status, default 200). */
  readonly body?: string;
  readonly contentType?: string;
  readonly delayMs?: number;
  /** Destroys the connection without an answer. */
  readonly drop?: boolean;
  /** Accepts and never answers. */
  readonly hang?: boolean;
  /** Sends the headers and half the body, then destroys the connection. */
  readonly cutBody?: boolean;
  /** How many matching requests it affects; default 1. */
  readonly times?: number;
  /**
   * For writes: Intune carries the write out first, and then the answer is the fault's (a 5xx, a drop, a hang, a
   * cut body). Without it, a faulted write is not carried out.
   */
  readonly afterExecute?: boolean;
}

export interface TenantOptions {
  readonly key: string;
  readonly cert: string;
  readonly port?: number;
  readonly tenantId?: string;
  readonly clientId?: string;
  readonly clientSecret?: string;
  /** Server-driven page size for the token list. */
  readonly pageSize?: number;
  /** Latency added to every request, in ms. */
  readonly latencyMs?: number;
  readonly tokens?: StoredToken[];
  /** Latency added to every request varies by up to this much either way, in ms (never below 0). */
  readonly latencyJitterMs?: number;
  /** A test's own write limit on top of Graph's (scaled down so that a bulk run meets it in seconds). */
  readonly writeLimit?: { readonly maxWrites: number; readonly windowMs: number };
  /** Graph's limits for these routes (default: Intune's documented numbers). */
  readonly throttleLimits?: ThrottleLimits;
  /** Other tools' traffic in the tenant-wide windows (the admin center, scripts): none by default. */
  readonly otherTraffic?: OtherTraffic;
  /** How long after a revoke its action result appears on the token or app (0: with the 204). */
  readonly resultDelayMs?: number;
  /** How far Intune's clock is from this machine's, in ms: the times Intune writes (results, syncs, changes) carry it. */
  readonly clockOffsetMs?: number;
  /** The seed of a JSON batch's answer order (default: from SIM_BATCH_SEED, else random; printed when a test fails). */
  readonly batchOrderSeed?: number;
  /** How long a revoke's action result stays `active` before it is `done`. */
  readonly revokeCompletionMs?: number;
  /** How long a sync stays `inProgress` before it is `completed` with a new `lastSyncDateTime` (0: at once). */
  readonly syncCompletionMs?: number;
  /** Every n-th 429 comes without `Retry-After`, as Intune's sometimes do (0: every 429 has one). */
  readonly retryAfterOmittedEvery?: number;
  /** In how many equal steps a token revoke frees its apps' licenses over `revokeCompletionMs` (default 1). */
  readonly revokeSteps?: number;
  /** When set, a revoke ends `failed` for this reason (e.g. `appleFailure`), every license failed, rather than `done`. */
  readonly revokeFailureReason?: string;
  /**
   * The Microsoft Graph permissions consented for the app in this tenant (delegated and application alike).
   * Default: what the README's admin setup grants.
   */
  readonly permissions?: readonly string[];
  /** Keeps every answer in `responses` (off by default: a benchmark's thousands of pages would stay in memory). */
  readonly recordResponses?: boolean;
  /** Lifetime of access tokens from the token endpoint; 0 issues tokens Graph already refuses as expired. */
  readonly tokenLifetimeSeconds?: number;
  /**
   * Shared by several simulated tenants: how many token-list requests are being answered across all of them now,
   * and the most at once, to check how many tenants a client lists at the same time.
   */
  readonly listingProbe?: { active: number; most: number };
}

/**
 * How Intune paces its answers, the simulated tenant's defaults: a Graph round trip of 50 to 250 ms, a revoke whose
 * result appears 5 s after its 204 and takes two minutes to finish, a sync twenty seconds, one 429 in three without
 * `Retry-After`, and Intune's clock 20 s behind this machine's.
 */
export const INTUNE_PACE = {
  latencyMs: 150,
  latencyJitterMs: 100,
  revokeCompletionMs: 120_000,
  syncCompletionMs: 20_000,
  retryAfterOmittedEvery: 3,
  resultDelayMs: 5000,
  clockOffsetMs: -20_000,
} as const;

/**
 * What a test that needs speed asks for, explicitly: no added latency, revokes done in 300 ms with their result at
 * once and on this machine's clock, syncs at once, and every 429 with its `Retry-After`. The unit, integration and UI fixtures ask for it; a test that checks pacing
 * does not.
 */
export const FAST: Pick<TenantOptions, keyof typeof INTUNE_PACE> = {
  latencyMs: 0,
  latencyJitterMs: 0,
  revokeCompletionMs: 300,
  syncCompletionMs: 0,
  retryAfterOmittedEvery: 0,
  resultDelayMs: 0,
  clockOffsetMs: 0,
};

/**
 * The integration and UI suites' pace: Intune's behaviour at a tenth of its time, so that every test meets what a
 * real tenant does (a round trip of 10 to 70 ms, a revoke's result that appears late and on a clock 15 s behind, a
 * sync that stays in progress for seconds, one 429 in three without `Retry-After`, and Graph's throttling windows)
 * while the suites stay within their time. A test that needs another pace sets it on the tenant and says why.
 */
export const SUITE_PACE: Pick<TenantOptions, keyof typeof INTUNE_PACE> = {
  latencyMs: 40,
  latencyJitterMs: 30,
  revokeCompletionMs: 1500,
  syncCompletionMs: 2000,
  retryAfterOmittedEvery: 3,
  resultDelayMs: 500,
  clockOffsetMs: -15_000,
};

/**
 * `npm start` and F5: Intune's pace, shortened so that a person trying the extension sees "still processing" and
 * then the result within seconds: a revoke takes 9 s, a sync 5 s.
 */
export const DEMO_PACE: Pick<TenantOptions, keyof typeof INTUNE_PACE> = {
  ...INTUNE_PACE,
  revokeCompletionMs: 9000,
  syncCompletionMs: 5000,
};

export const SIM_TENANT_ID = '11111111-2222-3333-4444-555555555555';
export const SIM_CLIENT_ID = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
export const SIM_CLIENT_SECRET = 'sim-client-secret-Q8~do-not-log';
const DEFAULT_USER_NAME = 'admin@contoso.example';
const GRAPH_PREFIX = '/beta/deviceAppManagement/vppTokens';

/**
 * An HTTPS server on loopback that speaks the parts of Microsoft Graph (beta) and Entra ID the extension uses,
 * records every request and injects faults per route. Also serves a small control API under `/_sim/` so that
 * tests in other processes (the extension host, the UI tests) can assert and inject.
 */
export class SimulatedTenant {
  readonly requests: RecordedRequest[] = [];
  readonly tokens = new Map<string, StoredToken>();
  readonly apps: StoredApp[] = [];
  readonly eBooks: StoredEBook[] = [];
  /** The licenses of each iOS VPP app, by app id. */
  readonly licenses = new Map<string, StoredLicense[]>();
  /** The directory's groups that assignments target: display name by group id. */
  readonly groups = new Map<string, string>();
  /** The assignments of each app, by app id. */
  readonly assignments = new Map<string, StoredAssignment[]>();
  /**
   * What Apple freed from each app by a token revoke, by app id: Intune licenses those again at the token's next sync
   * while the app stays assigned as Required or Available ("Revoking app licenses", memdocs vpp-apps-ios.md).
   */
  private readonly revokedLicenses = new Map<string, { count: number; licenses: StoredLicense[] }>();
  /** The Apple location of each token, by token id: a second token for one location is a duplicate. */
  readonly locations = new Map<string, string>();
  /** The writes Intune carried out, whatever answer their request got. */
  readonly executed: { readonly route: WriteRoute; readonly tokenId?: string; readonly appId?: string; readonly time: number }[] = [];
  /** Graph's throttling windows: every request counts, refused ones included. */
  private readonly windows = new RequestWindows(
    () => this.throttleLimits,
    () => this.otherTraffic,
    () => this.writeLimit,
  );
  /** How many requests were answered 429, to number them for `retryAfterOmittedEvery`. */
  private throttledCount = 0;
  /**
   * What each answered request got (status and body, the secret blob included), with `recordResponses`: kept here,
   * never served by `/_sim/`.
   */
  readonly responses: { readonly requestId: string; readonly status: number; readonly body: string }[] = [];
  /** Response bytes sent per route, for the benchmark's payload figures. */
  readonly bytesSent = new Map<Route, number>();
  private faults: (Fault & { remaining: number })[] = [];
  /** Intune's work in progress (results to show, licenses to free, syncs to complete): dropped with the seed. */
  /** Intune's work still to come (a revoke's licenses freed, its result final), by its timer. */
  private readonly pending = new Map<NodeJS.Timeout, () => void>();
  /** Access tokens issued, with their expiry and the permissions in their `scp` (delegated) or `roles` (app-only) claim. */
  private readonly issuedTokens = new Map<string, { expiry: number; permissions: ReadonlySet<string> }>();
  /** The app's registered certificate (PEM): client assertions must be signed by its key. */
  clientCertificatePem: string | undefined;
  /** Device codes handed out, and what the next poll with each gets. */
  private readonly deviceCodes = new Map<string, 'pending' | 'approved' | 'expired' | 'slowDown'>();
  private readonly refreshTokens = new Set<string>();
  /** Authorization codes handed out by the sign-in page, each usable once, with what the token request must match. */
  private readonly authorizationCodes = new Map<string, { clientId: string; redirectUri: string; codeChallenge: string }>();
  /** The user the next device code sign-in signs in; tests change it to sign in as somebody else. */
  userName!: string;
  private server: LoopbackServer | undefined;
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  // The behaviours below are set by restoreBehaviour(), which the constructor runs through reset().
  pageSize!: number;
  latencyMs!: number;
  /** How syncLicenses answers: the bare token (the metadata) or `{"value": token}` (the docs' examples). */
  syncAnswer!: 'entity' | 'value';
  /** How a PATCH of a token answers: 200 with the token (the docs) or 204 No Content. */
  patchAnswer!: 'entity' | 'noContent';
  /** How long a revoke's action result stays `active`, and in how many steps a token revoke frees its licenses. */
  revokeCompletionMs!: number;
  /** Why Apple fails the revokes from now on (their result `failed`, no license freed); undefined: they succeed. */
  revokeFailureReason: string | undefined;
  revokeSteps!: number;
  /** How long a sync stays `inProgress`. */
  syncCompletionMs!: number;
  /** Every n-th 429 comes without `Retry-After` (0: never). */
  retryAfterOmittedEvery!: number;
  latencyJitterMs!: number;
  throttleLimits!: ThrottleLimits;
  otherTraffic!: OtherTraffic;
  resultDelayMs!: number;
  clockOffsetMs!: number;
  /**
   * The batch's own status when a request in it was throttled: Graph's batching page shows 200, its throttling page
   * says 424. Both carry each request's answer.
   */
  throttledBatchStatus!: 200 | 424;
  /** The seed of the next batch's answer order; see batchOrderSeed. */
  readonly batchOrderSeed: number;
  private batchOrder!: () => number;
  /** The permissions consented in this tenant; tests change them to see what Graph refuses. */
  permissions!: readonly string[];
  /** Whether the signed-in account has an Intune license and role; without, Graph answers every call 401 Forbidden. */
  intuneRole!: boolean;
  writeLimit: TenantOptions['writeLimit'];

  constructor(private readonly options: TenantOptions) {
    this.tenantId = options.tenantId ?? SIM_TENANT_ID;
    this.clientId = options.clientId ?? SIM_CLIENT_ID;
    this.clientSecret = options.clientSecret ?? SIM_CLIENT_SECRET;
    this.batchOrderSeed = options.batchOrderSeed ?? (Number(process.env.SIM_BATCH_SEED) || Math.floor(Math.random() * 2 ** 31));
    this.reset(options.tokens);
  }

  /** Puts every behaviour a test can change back to what the options said: a failed test cannot leave it to the next. */
  private restoreBehaviour(): void {
    this.pageSize = this.options.pageSize ?? 5;
    this.permissions = this.options.permissions ?? [...README_PERMISSIONS];
    this.intuneRole = true;
    this.latencyMs = this.options.latencyMs ?? INTUNE_PACE.latencyMs;
    this.writeLimit = this.options.writeLimit;
    this.revokeCompletionMs = this.options.revokeCompletionMs ?? INTUNE_PACE.revokeCompletionMs;
    this.revokeFailureReason = this.options.revokeFailureReason;
    this.syncCompletionMs = this.options.syncCompletionMs ?? INTUNE_PACE.syncCompletionMs;
    this.retryAfterOmittedEvery = this.options.retryAfterOmittedEvery ?? INTUNE_PACE.retryAfterOmittedEvery;
    this.revokeSteps = this.options.revokeSteps ?? 1;
    this.latencyJitterMs = this.options.latencyJitterMs ?? INTUNE_PACE.latencyJitterMs;
    this.throttleLimits = this.options.throttleLimits ?? GRAPH_VPP_LIMITS;
    this.otherTraffic = this.options.otherTraffic ?? NO_OTHER_TRAFFIC;
    this.resultDelayMs = this.options.resultDelayMs ?? INTUNE_PACE.resultDelayMs;
    this.clockOffsetMs = this.options.clockOffsetMs ?? INTUNE_PACE.clockOffsetMs;
    this.throttledBatchStatus = 200;
    this.batchOrder = seededRandom(this.batchOrderSeed);
    this.syncAnswer = 'entity';
    this.patchAnswer = 'entity';
    this.clientCertificatePem = undefined;
    this.userName = DEFAULT_USER_NAME;
  }

  /** The address of a front this tenant is served behind (see SimulatedFront), instead of a server of its own. */
  private frontUrl: string | undefined;

  /** Serves this tenant behind a front shared by many: its answers (paging links, sign-in metadata) name the front. */
  serveBehind(frontUrl: string): this {
    this.frontUrl = frontUrl;
    return this;
  }

  get url(): string {
    if (this.frontUrl) {
      return this.frontUrl;
    }
    if (!this.server) {
      throw new Error('The simulated tenant is not running');
    }
    return this.server.url;
  }

  async start(): Promise<this> {
    const { key, cert, port } = this.options;
    this.server = await listenOnLoopback({ key, cert }, (req, res) => this.handle(req, res), port);
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await server?.stop();
  }

  /** The time on Intune's clock, which may differ from this machine's (clockOffsetMs), as an ISO string. */
  private intuneTime(): string {
    return new Date(Date.now() + this.clockOffsetMs).toISOString();
  }

  /** Restores the seed (or the given tokens) and the behaviour the options set; clears requests, faults and issued access tokens. */
  reset(tokens: StoredToken[] = seedTokens()): void {
    this.restoreSeed(tokens);
    this.restoreBehaviour();
    this.windows.clear();
    this.throttledCount = 0;
    this.executed.length = 0;
    this.auditEvents.length = 0;
    this.bytesSent.clear();
    this.requests.length = 0;
    this.responses.length = 0;
    this.faults = [];
    this.issuedTokens.clear();
    this.deviceCodes.clear();
    this.refreshTokens.clear();
    this.authorizationCodes.clear();
  }

  /** Puts the seed's tokens, apps, licenses and eBooks back, keeping sign-ins: a suite that wrote leaves the next its seed. */
  restoreSeed(tokens: StoredToken[] = seedTokens()): void {
    for (const timer of this.pending.keys()) {
      clearTimeout(timer);
    }
    this.pending.clear();
    this.tokens.clear();
    for (const token of tokens) {
      this.tokens.set(token.id, structuredClone(token));
    }
    this.apps.splice(0, this.apps.length, ...seedApps(tokens));
    this.eBooks.splice(0, this.eBooks.length, ...seedEBooks(tokens));
    this.licenses.clear();
    for (const [appId, licenses] of seedLicenses(this.apps)) {
      this.licenses.set(appId, licenses);
    }
    this.assignments.clear();
    this.revokedLicenses.clear();
    this.groups.clear();
    for (const [id, name] of SEED_GROUPS) {
      this.groups.set(id, name);
    }
    for (const [appId, assignments] of seedAssignments(this.apps)) {
      this.assignments.set(appId, assignments);
    }
    this.locations.clear();
    tokens.forEach((token, index) => this.locations.set(token.id, seedLocation(index + 1)));
  }

  addFault(fault: Fault): void {
    this.faults.push({ ...fault, remaining: fault.times ?? 1 });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /**
   * An access token the server accepts, for tests that bring their own sign-in. It carries the permissions given,
   * by default every one consented in this tenant.
   */
  issueAccessToken(lifetimeSeconds = 3600, permissions: readonly string[] = this.permissions): string {
    const accessToken = `sim-at-${randomUUID()}`;
    this.issuedTokens.set(accessToken, { expiry: Date.now() + lifetimeSeconds * 1000, permissions: new Set(permissions) });
    return accessToken;
  }

  /** The person entered the code and approved: the next poll gets tokens. */
  approveDeviceCodes(): void {
    this.setDeviceCodes('approved');
  }

  /** What the next poll of every outstanding device code gets. */
  setDeviceCodes(state: 'pending' | 'approved' | 'expired' | 'slowDown'): void {
    for (const code of this.deviceCodes.keys()) {
      this.deviceCodes.set(code, state);
    }
  }

  /** Every access token issued so far: tests grep all output for them. */
  issuedAccessTokens(): string[] {
    return [...this.issuedTokens.keys(), ...this.refreshTokens];
  }

  /** Makes every issued access token expired, as when a session lapses between two requests. */
  expireAccessTokens(): void {
    for (const issued of this.issuedTokens.values()) {
      issued.expiry = 0;
    }
  }

  requestsFor(route: Route): RecordedRequest[] {
    return this.requests.filter((request) => request.route === route);
  }

  /** Whether this tenant issued the bearer token of an `Authorization` header (a front for many tenants routes by it). */
  issued(authorization: string | undefined): boolean {
    return this.issuedTokens.has(/^Bearer (.+)$/.exec(authorization ?? '')?.[1] ?? '');
  }

  /**
   * Answers a request that reached a front shared by many tenants (one host for all, as Microsoft's are): the front
   * picks the tenant, this one answers as if it had received the request itself.
   */
  answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    return this.handle(req, res);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    if (url.pathname.startsWith('/_sim/')) {
      this.control(req.method ?? 'GET', url, body, res);
      return;
    }
    const { route, ...ids } = classify(req.method ?? 'GET', url.pathname, this.tenantId);
    const { tokenId, appId } = ids;
    const requestId = randomUUID();
    const recorded: RecordedRequest = {
      route,
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      tokenId,
      appId,
      headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')])),
      body,
      time: Date.now(),
      requestId,
    };
    res.on('finish', () => {
      recorded.status = res.statusCode;
      const retryAfter = res.getHeader('retry-after');
      if (retryAfter !== undefined) {
        recorded.retryAfter = String(retryAfter);
      }
      this.bytesSent.set(route, (this.bytesSent.get(route) ?? 0) + Number(res.getHeader('content-length') ?? 0));
      if (this.options.recordResponses) {
        this.responses.push({ requestId, status: res.statusCode, body: SENT_BODIES.get(res) ?? '' });
      }
    });
    this.requests.push(recorded);
    res.setHeader('request-id', requestId);
    const clientRequestId = req.headers['client-request-id'];
    if (typeof clientRequestId === 'string') {
      res.setHeader('client-request-id', clientRequestId);
    }
    const probe = route === 'list' ? this.options.listingProbe : undefined;
    if (probe) {
      probe.active++;
      probe.most = Math.max(probe.most, probe.active);
      res.on('close', () => probe.active--);
    }
    const latency = this.latencyMs + (this.latencyJitterMs > 0 ? Math.round((Math.random() * 2 - 1) * this.latencyJitterMs) : 0);
    if (latency > 0) {
      await sleep(latency);
    }
    if (GRAPH_ROUTES.has(route) && !this.admit(req, route, res, requestId)) {
      return;
    }
    const fault = this.takeFault(route, tokenId ?? appId);
    if (
      fault?.afterExecute &&
      WRITE_ROUTES.has(route) &&
      this.authorized(req.headers.authorization) &&
      this.permitted(req.headers.authorization, GRAPH_ROUTE_PERMISSIONS[route as WriteRoute])
    ) {
      // Carried out; the answer is the fault's.
      this.carryOut(route, ids, url, body, requestId);
    }
    if (fault) {
      await this.applyFault(fault, req, res, requestId);
      return;
    }
    if (route === 'batch') {
      return this.batch(req, body, res, requestId);
    }
    this.respond(route, ids, req, url, body, res, requestId);
  }

  /**
   * Graph's JSON batching: up to 20 requests in one POST, each answered as if sent alone (its own throttling,
   * permission check, fault and record, marked with the batch's request id) with its own headers (a 429's
   * `Retry-After` among them), the answers in an order of Graph's choosing (seeded: see batchOrderSeed). A request
   * with `dependsOn` runs after its dependencies, and is answered 424 when one of them failed. The simulated tenant
   * carries only GETs in a batch, the only kind the extension batches.
   */
  private async batch(req: IncomingMessage, body: string, res: ServerResponse, requestId: string): Promise<void> {
    if (!this.authorized(req.headers.authorization)) {
      return json(res, 401, JSON.parse(graphError('InvalidAuthenticationToken', 'Access token is empty or invalid.', requestId)));
    }
    const problem = batchProblem(body);
    if (problem) {
      return json(res, 400, JSON.parse(graphError('BadRequest', problem, requestId)));
    }
    const { requests } = JSON.parse(body) as { requests: BatchItem[] };
    const answers = new Map<string, Promise<BatchAnswer>>();
    const answer = (item: BatchItem): Promise<BatchAnswer> => {
      const key = item.id.toLowerCase();
      let answered = answers.get(key);
      if (!answered) {
        answered = this.batchItem(item, req.headers.authorization ?? '', requestId, (id) => {
          const dependency = requests.find((candidate) => candidate.id.toLowerCase() === id.toLowerCase());
          return dependency ? answer(dependency) : Promise.resolve(undefined);
        });
        answers.set(key, answered);
      }
      return answered;
    };
    const responses = await Promise.all(requests.map(answer));
    const throttled = responses.some((answered) => answered.status === 429);
    json(res, throttled ? this.throttledBatchStatus : 200, { responses: this.shuffled(responses) });
  }

  /** One request of a batch, once its dependencies are answered: 424 when one of them failed. */
  private async batchItem(
    item: BatchItem,
    authorization: string,
    batchId: string,
    dependency: (id: string) => Promise<BatchAnswer | undefined>,
  ): Promise<BatchAnswer> {
    const dependencies = await Promise.all((item.dependsOn ?? []).map(dependency));
    if (dependencies.some((answered) => !answered || answered.status >= 400)) {
      return { id: item.id, status: 424, body: JSON.parse(graphError('FailedDependency', 'A request it depends on failed.', batchId)) };
    }
    if (item.method.toUpperCase() !== 'GET') {
      return { id: item.id, status: 400, body: JSON.parse(graphError('BadRequest', 'The simulated tenant batches only GET.', batchId)) };
    }
    const answered = await fetch(`${this.url}/beta${item.url}`, { headers: { authorization, 'x-sim-batch': batchId } });
    const text = await answered.text();
    const headers: Record<string, string> = {};
    for (const name of ['content-type', 'retry-after', 'request-id', 'client-request-id']) {
      const value = answered.headers.get(name);
      if (value !== null) {
        headers[name === 'retry-after' ? 'Retry-After' : name] = value;
      }
    }
    return { id: item.id, status: answered.status, headers, body: text ? (JSON.parse(text) as unknown) : undefined };
  }

  /** The answers in an order of Graph's choosing: a shuffle by the tenant's seeded random sequence. */
  private shuffled<T>(items: T[]): T[] {
    const order = [...items];
    for (let index = order.length - 1; index > 0; index--) {
      const other = Math.floor(this.batchOrder() * (index + 1));
      [order[index], order[other]] = [order[other], order[index]];
    }
    return order;
  }

  /**
   * Graph's throttling: every request to these routes counts against the per-app and per-tenant windows, a refused
   * one too; one over a limit is answered 429 with the seconds until it fits (every n-th without, as Intune's are
   * at times). A batch's requests count one by one, not the POST that carries them.
   */
  private admit(req: IncomingMessage, route: Route, res: ServerResponse, requestId: string): boolean {
    const app = this.authorized(req.headers.authorization) ? this.clientId : 'unidentified';
    const retryAfterSeconds = this.windows.admit(app, WRITE_ROUTES.has(route));
    if (retryAfterSeconds === undefined) {
      return true;
    }
    this.throttledCount++;
    if (!(this.retryAfterOmittedEvery > 0 && this.throttledCount % this.retryAfterOmittedEvery === 0)) {
      res.setHeader('Retry-After', String(retryAfterSeconds));
    }
    json(res, 429, JSON.parse(graphError('TooManyRequests', 'Too many requests.', requestId)));
    return false;
  }

  /** A fault's `tokenId` matches the token of a token route, or the app of an app route. */
  private takeFault(route: Route, tokenId: string | undefined): Fault | undefined {
    const fault = this.faults.find(
      (candidate) =>
        candidate.remaining > 0 &&
        (candidate.route === '*' || candidate.route === route) &&
        (candidate.tokenId === undefined || candidate.tokenId === tokenId),
    );
    if (fault) {
      fault.remaining--;
    }
    return fault;
  }

  private async applyFault(fault: Fault, req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    if (fault.delayMs) {
      await sleep(fault.delayMs);
    }
    if (fault.hang) {
      return;
    }
    if (fault.drop) {
      req.socket.destroy();
      return;
    }
    if (fault.retryAfter !== undefined) {
      res.setHeader('Retry-After', fault.retryAfter);
    }
    for (const [name, value] of Object.entries(fault.headers ?? {})) {
      res.setHeader(name, value);
    }
    const status = fault.status ?? 200;
    const body =
      fault.body ??
      (status >= 400 ? graphError(status === 429 ? 'TooManyRequests' : `Http${status}`, `Simulated ${status}`, requestId) : '');
    res.statusCode = status;
    res.setHeader('Content-Type', fault.contentType ?? 'application/json');
    if (fault.cutBody) {
      res.setHeader('Content-Length', String(Buffer.byteLength(body) + 100));
      res.write(body.slice(0, Math.floor(body.length / 2)));
      setTimeout(() => req.socket.destroy(), 20);
      return;
    }
    res.end(body);
  }

  private respond(route: Route, ids: RouteIds, req: IncomingMessage, url: URL, body: string, res: ServerResponse, requestId: string): void {
    if (route === 'discovery') {
      // Entra's instance discovery: msal asks it about any authority it was not told to trust.
      return json(res, 200, {
        tenant_discovery_endpoint: `${this.url}/${this.tenantId}/v2.0/.well-known/openid-configuration`,
        'api-version': '1.1',
        metadata: [],
      });
    }
    if (route === 'openid') {
      return json(res, 200, this.openIdConfiguration());
    }
    if (route === 'authorize') {
      return this.authorize(req.method ?? 'GET', url, body, res);
    }
    if (route === 'devicecode') {
      return this.issueDeviceCode(body, res);
    }
    if (route === 'token') {
      return this.issueToken(body, res);
    }
    // Graph checks the request against its metadata before anything else: a path, query or body it does not
    // describe is refused with 400, whoever sends it.
    const refused = url.pathname.startsWith('/beta/') ? this.requestProblem(req.method ?? 'GET', url, body) : undefined;
    if (refused) {
      return json(res, 400, JSON.parse(graphError('BadRequest', refused.replace(/[^\w .,:'()$@#/-]/g, '').slice(0, 300), requestId)));
    }
    if (route === 'unknown') {
      return json(res, 404, JSON.parse(graphError('ResourceNotFound', 'Resource not found for the segment.', requestId)));
    }
    if (!this.authorized(req.headers.authorization)) {
      return json(res, 401, JSON.parse(graphError('InvalidAuthenticationToken', 'Access token is empty or invalid.', requestId)));
    }
    if (!this.intuneRole) {
      return json(res, 401, JSON.parse(intuneForbidden401(requestId, url.pathname)));
    }
    const granting: readonly string[] | undefined = GRAPH_ROUTE_PERMISSIONS[route];
    if (granting && !this.permitted(req.headers.authorization, granting)) {
      // As Graph answers a missing permission (jseerden/IntuneBackupAndRestore#55): code Forbidden, and Intune's
      // versioned message naming the scopes that would do.
      const message = intuneMessage(
        `Application is not authorized to perform this operation. Application must have one of the following scopes: ${granting.join(', ')} - Operation ID (for customer support): ${requestId} - Activity ID: ${requestId} - Url: ${url.pathname}`,
      );
      return json(res, 403, JSON.parse(graphError('Forbidden', message, requestId)));
    }
    const answer = this.carryOut(route, ids, url, body, requestId);
    if (answer.status === 204) {
      res.statusCode = 204;
      res.end();
      return;
    }
    json(res, answer.status, answer.body);
  }

  /** Answers an authorized, permitted request; a write carried out is recorded in the audit log, as Intune does. */
  private carryOut(route: Route, ids: RouteIds, url: URL, body: string, requestId: string): { status: number; body?: unknown } {
    const answer = this.graphAnswer(route, ids, url, body, requestId);
    if (WRITE_ROUTES.has(route) && answer.status < 300) {
      const created = route === 'create' ? (answer.body as { id?: string } | undefined)?.id : undefined;
      this.audit(route, created ? { tokenId: created } : ids, requestId);
    }
    return answer;
  }

  /** Graph's answer to an authorized, permitted request; a write is carried out here. */
  /**
   * Why Graph would refuse a request, or undefined: what its metadata does not describe (an unknown `$select` name,
   * a navigation or action without the cast it belongs to, a body property or enum value the type lacks, a wrong
   * `@odata.type`), or a `$filter` that is not `isof('microsoft.graph.T')` clauses joined by `or`.
   */
  private requestProblem(method: string, url: URL, body: string): string | undefined {
    const [problem] = graphContract().checkRequest(method, url.pathname + url.search, body);
    if (problem) {
      return problem;
    }
    const filter = url.searchParams.get('$filter');
    if (filter !== null && url.pathname.endsWith('/deviceManagement/auditEvents')) {
      // The audit log is filtered by time: activityDateTime compared with a date, clauses joined by `and`.
      const timeClause = /^activityDateTime (ge|gt|le|lt) \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
      return filter.split(/\s+and\s+/).every((part) => timeClause.test(part.trim())) ? undefined : `Invalid filter clause: ${filter}`;
    }
    const clause = /^isof\('microsoft\.graph\.\w+'\)$/;
    if (filter !== null && !filter.split(/\s+or\s+/).every((part) => clause.test(part.trim()))) {
      return `Invalid filter clause: ${filter}`;
    }
    return undefined;
  }

  private graphAnswer(route: Route, ids: RouteIds, url: URL, body: string, requestId: string): { status: number; body?: unknown } {
    const error = (status: number, code: string, message: string) => ({
      status,
      body: JSON.parse(graphError(code, message, requestId)) as unknown,
    });
    if (route === 'list') {
      return { status: 200, body: this.list(url) };
    }
    if (route === 'auditEvents') {
      return { status: 200, body: this.listAuditEvents(url) };
    }
    if (route === 'group') {
      const name = this.groups.get(ids.groupId ?? '');
      return name === undefined
        ? error(
            404,
            'Request_ResourceNotFound',
            `Resource '${ids.groupId ?? ''}' does not exist or one of its queried reference-property objects are not present.`,
          )
        : { status: 200, body: { '@odata.context': `${this.url}/beta/$metadata#groups/$entity`, id: ids.groupId, displayName: name } };
    }
    if (route === 'apps') {
      return { status: 200, body: this.listApps(url) };
    }
    if (route === 'ebooks') {
      // Only the VPP eBooks, as the extension's isof filter asks; one page is enough for the seed.
      const filter = url.searchParams.get('$filter') ?? '';
      return {
        status: 200,
        body: {
          '@odata.context': `${this.url}/beta/$metadata#deviceAppManagement/managedEBooks`,
          value: filter.includes("isof('microsoft.graph.iosVppEBook')") ? this.eBooks : [],
        },
      };
    }
    if (route === 'create') {
      return this.createToken(body, error);
    }
    if (route === 'app' || route === 'licenses' || route === 'appRevoke' || route === 'appUserRevoke' || route === 'appDeviceRevoke') {
      return this.appAnswer(route, ids.appId ?? '', body, error);
    }
    if (route === 'appAssignments' || route === 'assignmentUpdate' || route === 'assignmentDelete') {
      return this.assignmentAnswer(route, ids.appId ?? '', url, body, error);
    }
    const token = ids.tokenId === undefined ? undefined : this.tokens.get(ids.tokenId);
    if (!token) {
      return error(404, 'ResourceNotFound', `vppToken ${ids.tokenId ?? ''} not found`);
    }
    if (route === 'get') {
      return { status: 200, body: project(token, url.searchParams.get('$select')) };
    }
    if (route === 'update') {
      return this.updateToken(token, body, error);
    }
    if (route === 'delete') {
      this.executed.push({ route, tokenId: token.id, time: Date.now() });
      this.deleteToken(token.id);
      return { status: 204 };
    }
    if (route === 'revoke' && !validRevokeBody(body)) {
      return error(400, 'BadRequest', 'Invalid request body for revokeLicenses.');
    }
    if (route !== 'revoke' && route !== 'sync') {
      return error(404, 'ResourceNotFound', 'Resource not found for the segment.');
    }
    this.executed.push({ route, tokenId: token.id, time: Date.now() });
    if (route === 'revoke') {
      this.revoke(token);
      return { status: 204 };
    }
    this.sync(token);
    // The docs' examples wrap the token in `value`; the metadata says the action returns the bare entity.
    return { status: 200, body: this.syncAnswer === 'value' ? { value: token } : token };
  }

  /** Adds a token from its uploaded file; a second token for a location already used is added as a duplicate. */
  private createToken(body: string, error: (status: number, code: string, message: string) => { status: number; body?: unknown }) {
    const fields = parseObject(body);
    const problem = fields ? fieldProblem(fields, CREATABLE_FIELDS) : 'The body is not a JSON object.';
    if (!fields || problem) {
      return error(400, 'BadRequest', problem ?? '');
    }
    const uploaded = readUploadedToken(fields.token);
    if (!uploaded) {
      return error(400, 'BadRequest', 'The VPP token is not valid. Upload the token file downloaded from Apple Business Manager.');
    }
    if (typeof fields.appleId !== 'string' || typeof fields.countryOrRegion !== 'string') {
      return error(400, 'BadRequest', 'appleId and countryOrRegion are required.');
    }
    const id = randomUUID();
    const duplicate = [...this.locations.values()].includes(uploaded.location);
    const now = this.intuneTime();
    const token: StoredToken = {
      id,
      token: fields.token as string,
      appleId: fields.appleId,
      displayName: typeof fields.displayName === 'string' ? fields.displayName : null,
      countryOrRegion: fields.countryOrRegion,
      vppTokenAccountType: fields.vppTokenAccountType === 'education' ? 'education' : 'business',
      automaticallyUpdateApps: fields.automaticallyUpdateApps === true,
      dataSharingConsentGranted: fields.dataSharingConsentGranted === true,
      claimTokenManagementFromExternalMdm: fields.claimTokenManagementFromExternalMdm === true,
      roleScopeTagIds: Array.isArray(fields.roleScopeTagIds) ? (fields.roleScopeTagIds as string[]) : ['0'],
      appleDeviceAppDeliveryProtocolType:
        typeof fields.appleDeviceAppDeliveryProtocolType === 'string' ? fields.appleDeviceAppDeliveryProtocolType : 'default',
      organizationName: uploaded.orgName,
      locationName: uploaded.location,
      state: duplicate ? 'duplicateLocationId' : Date.parse(uploaded.expiry) < Date.now() ? 'expired' : 'valid',
      expirationDateTime: uploaded.expiry,
      lastModifiedDateTime: now,
      lastSyncDateTime: '0001-01-01T00:00:00Z',
      lastSyncStatus: 'none',
      tokenActionResults: [],
    };
    this.tokens.set(id, token);
    this.locations.set(id, uploaded.location);
    this.executed.push({ route: 'create', tokenId: id, time: Date.now() });
    return { status: 201, body: token };
  }

  /** Changes the admin's fields of a token; a new token file renews it (expiry, organization, state). */
  private updateToken(
    token: StoredToken,
    body: string,
    error: (status: number, code: string, message: string) => { status: number; body?: unknown },
  ) {
    const fields = parseObject(body);
    const problem = fields ? fieldProblem(fields, PATCHABLE_FIELDS) : 'The body is not a JSON object.';
    if (!fields || problem) {
      return error(400, 'BadRequest', problem ?? '');
    }
    const uploaded = fields.token === undefined ? undefined : readUploadedToken(fields.token);
    if (fields.token !== undefined && !uploaded) {
      return error(400, 'BadRequest', 'The VPP token is not valid. Upload the token file downloaded from Apple Business Manager.');
    }
    this.executed.push({ route: 'update', tokenId: token.id, time: Date.now() });
    Object.assign(token, fields);
    if (uploaded) {
      Object.assign(token, { organizationName: uploaded.orgName, locationName: uploaded.location, expirationDateTime: uploaded.expiry });
      this.locations.set(token.id, uploaded.location);
      if (token.state === 'expired' || token.state === 'invalid') {
        token.state = Date.parse(uploaded.expiry) < Date.now() ? 'expired' : 'valid';
      }
    }
    if (fields.claimTokenManagementFromExternalMdm === true && token.state === 'assignedToExternalMDM') {
      token.state = 'valid';
    }
    token.lastModifiedDateTime = this.intuneTime();
    return this.patchAnswer === 'entity' ? { status: 200, body: token } : { status: 204 };
  }

  /** Deleting a token deletes its apps and eBooks in Intune. */
  private deleteToken(id: string): void {
    this.tokens.delete(id);
    this.locations.delete(id);
    const kept = this.apps.filter((app) => app.vppTokenId !== id);
    for (const app of this.apps.filter((candidate) => candidate.vppTokenId === id)) {
      this.licenses.delete(app.id);
    }
    this.apps.splice(0, this.apps.length, ...kept);
    this.eBooks.splice(0, this.eBooks.length, ...this.eBooks.filter((book) => book.vppTokenId !== id));
  }

  /**
   * An app's assignments: the list, or one changed (only its intent, to a value the metadata allows) or deleted. Each
   * is one assignment by its id; the whole set is never replaced here.
   */
  private assignmentAnswer(
    route: 'appAssignments' | 'assignmentUpdate' | 'assignmentDelete',
    appId: string,
    url: URL,
    body: string,
    error: (status: number, code: string, message: string) => { status: number; body?: unknown },
  ): { status: number; body?: unknown } {
    const app = this.apps.find((candidate) => candidate.id === appId);
    if (!app) {
      return error(404, 'ResourceNotFound', `mobileApp ${appId} not found`);
    }
    const assignments = this.assignments.get(app.id) ?? [];
    if (route === 'appAssignments') {
      // Paged like every collection Graph serves.
      const skip = Number(url.searchParams.get('$skiptoken') ?? '0') || 0;
      const path = `/beta/deviceAppManagement/mobileApps/${encodeURIComponent(app.id)}/assignments`;
      return {
        status: 200,
        body: {
          '@odata.context': `${this.url}/beta/$metadata#deviceAppManagement/mobileApps('${encodeURIComponent(app.id)}')/assignments`,
          value: assignments.slice(skip, skip + this.pageSize),
          ...(skip + this.pageSize < assignments.length
            ? { '@odata.nextLink': `${this.url}${path}?$skiptoken=${skip + this.pageSize}` }
            : {}),
        },
      };
    }
    const assignmentId = decodeURIComponent(url.pathname.split('/').at(-1) ?? '');
    const found = assignments.find((candidate) => candidate.id === assignmentId);
    if (!found) {
      return error(404, 'ResourceNotFound', `mobileAppAssignment ${assignmentId} not found`);
    }
    if (route === 'assignmentDelete') {
      this.assignments.set(
        app.id,
        assignments.filter((candidate) => candidate !== found),
      );
      this.executed.push({ route, appId: app.id, tokenId: app.vppTokenId, time: Date.now() });
      return { status: 204 };
    }
    const fields = parseObject(body);
    const intents = ['available', 'required', 'uninstall', 'availableWithoutEnrollment'];
    const changes = Object.keys(fields ?? {}).filter((key) => key !== '@odata.type');
    if (!fields || changes.some((key) => key !== 'intent') || !intents.includes(fields.intent as string)) {
      return error(400, 'BadRequest', 'Invalid request body for mobileAppAssignment.');
    }
    found.intent = fields.intent as StoredAssignment['intent'];
    this.executed.push({ route, appId: app.id, tokenId: app.vppTokenId, time: Date.now() });
    // "Update mobileAppAssignment" answers 200 with the assignment.
    return { status: 200, body: found };
  }

  /** One app, its licenses, and its per-app revokes (bound to iosVppApp only). */
  private appAnswer(
    route: 'app' | 'licenses' | 'appRevoke' | 'appUserRevoke' | 'appDeviceRevoke',
    appId: string,
    body: string,
    error: (status: number, code: string, message: string) => { status: number; body?: unknown },
  ) {
    const app = this.apps.find((candidate) => candidate.id === appId);
    if (!app) {
      return error(404, 'ResourceNotFound', `mobileApp ${appId} not found`);
    }
    if (route === 'app') {
      return { status: 200, body: app };
    }
    if (app['@odata.type'] !== '#microsoft.graph.iosVppApp') {
      return error(400, 'BadRequest', `The app ${appId} is not an iosVppApp.`);
    }
    const licenses = this.licenses.get(app.id) ?? [];
    if (route === 'licenses') {
      return {
        status: 200,
        body: {
          '@odata.context': `${this.url}/beta/$metadata#deviceAppManagement/mobileApps('${encodeURIComponent(app.id)}')/microsoft.graph.iosVppApp/assignedLicenses`,
          value: licenses,
        },
      };
    }
    const fields = parseObject(body);
    const expected: readonly string[] = { appRevoke: [], appUserRevoke: ['userId'], appDeviceRevoke: ['managedDeviceId'] }[route];
    if (
      !fields ||
      typeof fields.notifyManagedDevices !== 'boolean' ||
      Object.keys(fields).some((key) => key !== 'notifyManagedDevices' && !expected.includes(key)) ||
      expected.some((key) => typeof fields[key] !== 'string')
    ) {
      return error(400, 'BadRequest', `Invalid request body for ${route}.`);
    }
    const revoked =
      route === 'appRevoke'
        ? licenses
        : licenses.filter((license) =>
            route === 'appUserRevoke'
              ? license['@odata.type'] === '#microsoft.graph.iosVppAppAssignedUserLicense' && license.userId === fields.userId
              : license.managedDeviceId === fields.managedDeviceId,
          );
    if (route !== 'appRevoke' && revoked.length === 0) {
      return error(404, 'ResourceNotFound', 'No license of this app is assigned to that user or device.');
    }
    this.executed.push({ route, appId: app.id, tokenId: app.vppTokenId, time: Date.now() });
    const now = this.intuneTime();
    const result: NonNullable<StoredApp['revokeLicenseActionResults']>[number] = {
      actionName: { appRevoke: 'RevokeAllLicenses', appUserRevoke: 'RevokeUserLicense', appDeviceRevoke: 'RevokeDeviceLicense' }[route],
      actionState: 'active',
      startDateTime: now,
      lastUpdatedDateTime: now,
      userId: route === 'appUserRevoke' ? (fields.userId as string) : null,
      managedDeviceId: route === 'appDeviceRevoke' ? (fields.managedDeviceId as string) : null,
      totalLicensesCount: revoked.length,
      failedLicensesCount: 0,
      actionFailureReason: 'none',
    };
    this.later(this.resultDelayMs, () => {
      // Last, as the token's results: Graph documents no order.
      app.revokeLicenseActionResults = [...(app.revokeLicenseActionResults ?? []), result].slice(-10);
      this.later(this.revokeCompletionMs, () => {
        Object.assign(result, { actionState: 'done', lastUpdatedDateTime: this.intuneTime() });
        const remaining = (this.licenses.get(app.id) ?? []).filter((license) => !revoked.includes(license));
        this.licenses.set(app.id, remaining);
        app.usedLicenseCount = remaining.length;
      });
    });
    return { status: 204 };
  }

  /** Intune's audit log: an event for each write carried out, and any a test adds (another admin's). */
  readonly auditEvents: Record<string, unknown>[] = [];

  /** Records a write carried out as Intune's audit log does, in the documented auditEvent shape. */
  private audit(route: Route, ids: RouteIds, requestId: string): void {
    const activities: Partial<Record<Route, [string, string, string]>> = {
      revoke: ['Revoke licenses', 'RevokeLicenses VppToken', 'Action'],
      sync: ['Sync licenses', 'SyncLicenses VppToken', 'Action'],
      create: ['Create VppToken', 'Create VppToken', 'Create'],
      update: ['Patch VppToken', 'Patch VppToken', 'Patch'],
      delete: ['Delete VppToken', 'Delete VppToken', 'Delete'],
      appRevoke: ['Revoke all licenses', 'RevokeAllLicenses IosVppApp', 'Action'],
      appUserRevoke: ['Revoke user license', 'RevokeUserLicense IosVppApp', 'Action'],
      appDeviceRevoke: ['Revoke device license', 'RevokeDeviceLicense IosVppApp', 'Action'],
      assignmentUpdate: ['Patch MobileAppAssignment', 'Patch MobileAppAssignment', 'Patch'],
      assignmentDelete: ['Delete MobileAppAssignment', 'Delete MobileAppAssignment', 'Delete'],
    };
    const activity = activities[route];
    if (!activity) {
      return;
    }
    const token = ids.tokenId === undefined ? undefined : this.tokens.get(ids.tokenId);
    const app = ids.appId === undefined ? undefined : this.apps.find((candidate) => candidate.id === ids.appId);
    const resourceId = ids.tokenId ?? ids.appId ?? [...this.tokens.keys()].at(-1) ?? '';
    this.auditEvents.push(
      auditEvent({
        activity: activity[0],
        activityType: activity[1],
        activityOperationType: activity[2],
        correlationId: requestId,
        activityDateTime: this.intuneTime(),
        userPrincipalName: `admin@${this.tenantId}`,
        applicationId: this.clientId,
        resource: {
          displayName: String(token?.displayName ?? app?.displayName ?? ''),
          type: ids.appId ? 'IosVppApp' : 'VppToken',
          resourceId,
        },
      }),
    );
  }

  /** Adds an event to the audit log, as another admin's write (from the admin center or PowerShell) would. */
  addAuditEvent(event: Parameters<typeof auditEvent>[0] & { readonly activityDateTime?: string }): void {
    this.auditEvents.push(auditEvent(event));
  }

  private listAuditEvents(url: URL): Record<string, unknown> {
    const filter = url.searchParams.get('$filter') ?? '';
    const bounds = [...filter.matchAll(/activityDateTime (ge|gt|le|lt) (\S+)/g)].map(([, op, date]) => [op, Date.parse(date)] as const);
    const kept = this.auditEvents.filter((event) => {
      const at = Date.parse(event.activityDateTime as string);
      return bounds.every(([op, date]) => (op === 'ge' ? at >= date : op === 'gt' ? at > date : op === 'le' ? at <= date : at < date));
    });
    const skip = Number(url.searchParams.get('$skiptoken') ?? '0') || 0;
    const result: Record<string, unknown> = {
      '@odata.context': `${this.url}/beta/$metadata#deviceManagement/auditEvents`,
      value: kept.slice(skip, skip + this.pageSize),
    };
    if (skip + this.pageSize < kept.length) {
      result['@odata.nextLink'] =
        `${this.url}/beta/deviceManagement/auditEvents?${filter ? `$filter=${filter}&` : ''}$skiptoken=${skip + this.pageSize}`;
    }
    return result;
  }

  private list(url: URL): Record<string, unknown> {
    const all = [...this.tokens.values()];
    const skip = Number(url.searchParams.get('$skiptoken') ?? '0') || 0;
    const select = url.searchParams.get('$select');
    const page = all.slice(skip, skip + this.pageSize).map((token) => project(token, select));
    const result: Record<string, unknown> = {
      '@odata.context': `${this.url}/beta/$metadata#deviceAppManagement/vppTokens`,
      value: page,
    };
    if (skip + this.pageSize < all.length) {
      // Written as Graph writes it: OData names unencoded.
      const query = `${select ? `$select=${select}&` : ''}$skiptoken=${skip + this.pageSize}`;
      result['@odata.nextLink'] = `${this.url}${GRAPH_PREFIX}?${query}`;
    }
    return result;
  }

  private listApps(url: URL): Record<string, unknown> {
    const filter = url.searchParams.get('$filter') ?? '';
    const kinds = [...filter.matchAll(/isof\('microsoft\.graph\.(\w+)'\)/g)].map((match) => match[1]);
    const select = url.searchParams.get('$select');
    const matching = this.apps.filter((app) => kinds.length === 0 || kinds.includes(app['@odata.type'].replace('#microsoft.graph.', '')));
    const skip = Number(url.searchParams.get('$skiptoken') ?? '0') || 0;
    const page = matching.slice(skip, skip + this.pageSize * 4).map((app) => {
      const fields = select ? new Set(['id', '@odata.type', ...select.split(',')]) : undefined;
      return Object.fromEntries(Object.entries(app).filter(([key]) => !fields || fields.has(key)));
    });
    const result: Record<string, unknown> = { '@odata.context': `${this.url}/beta/$metadata#deviceAppManagement/mobileApps`, value: page };
    if (skip + this.pageSize * 4 < matching.length) {
      const query = `${filter ? `$filter=${filter}&` : ''}${select ? `$select=${select}&` : ''}$skiptoken=${skip + this.pageSize * 4}`;
      result['@odata.nextLink'] = `${this.url}/beta/deviceAppManagement/mobileApps?${query}`;
    }
    return result;
  }

  /**
   * Starts a sync: `inProgress` at once (as the docs' example answers), then `completed` with a new
   * `lastSyncDateTime` after `syncCompletionMs`, as Apple answers Intune.
   */
  private sync(token: StoredToken): void {
    const complete = () => {
      token.lastSyncDateTime = this.intuneTime();
      token.lastSyncStatus = 'completed';
      this.licenseAssignedAgain(token);
    };
    if (this.syncCompletionMs <= 0) {
      complete();
      return;
    }
    token.lastSyncStatus = 'inProgress';
    this.later(this.syncCompletionMs, complete);
  }

  /**
   * Records a revoke's action result (`active`, then `done` or `failed`), which the token shows `resultDelayMs` after
   * the 204, with its times on Intune's clock; then Apple frees the licenses.
   */
  private revoke(token: StoredToken): void {
    const result = activeRevokeResult(this.intuneTime());
    // The licenses the revoke takes are those of its token's apps when Intune accepted it.
    const apps = this.apps.filter((app) => app.vppTokenId === token.id);
    this.later(this.resultDelayMs, () => {
      // Graph documents no order for these results: a new one goes last, after the older ones, so that a client
      // taking the first result (or any result) as its own gets an older revoke's.
      token.tokenActionResults = [...(token.tokenActionResults ?? []), result].slice(-10);
      this.freeLicenses(apps, result);
    });
  }

  /** Apple frees a revoked token's licenses in `revokeSteps` equal steps over `revokeCompletionMs`, then the result is final. */
  private freeLicenses(apps: readonly StoredApp[], result: Record<string, unknown>): void {
    const usedBefore = new Map(apps.map((app) => [app, app.usedLicenseCount]));
    const licenses = apps.reduce((sum, app) => sum + app.usedLicenseCount, 0);
    const failure = this.revokeFailureReason;
    const steps = Math.max(1, this.revokeSteps);
    for (let step = 1; step <= steps; step++) {
      this.later((this.revokeCompletionMs * step) / steps, () => {
        for (const app of failure ? [] : apps) {
          const used = Math.floor(((usedBefore.get(app) ?? 0) * (steps - step)) / steps);
          const held = this.licenses.get(app.id) ?? [];
          const freed = this.revokedLicenses.get(app.id) ?? { count: 0, licenses: [] };
          this.revokedLicenses.set(app.id, {
            count: freed.count + app.usedLicenseCount - used,
            licenses: [...freed.licenses, ...held.slice(used)],
          });
          app.usedLicenseCount = used;
          this.licenses.set(app.id, held.slice(0, used));
        }
        if (step === steps) {
          Object.assign(result, {
            actionState: failure ? 'failed' : 'done',
            lastUpdatedDateTime: this.intuneTime(),
            totalLicensesCount: licenses,
            failedLicensesCount: failure ? licenses : 0,
            actionFailureReason: failure ?? 'none',
          });
        }
      });
    }
  }

  /** Intune's own scheduled sync of a token with Apple (it syncs each token on its own, besides the admin's Sync). */
  scheduledSync(tokenId: string): void {
    const token = this.tokens.get(tokenId);
    if (!token) {
      throw new Error(`The simulated tenant has no token ${tokenId}.`);
    }
    this.sync(token);
  }

  /**
   * A sync of the token: Intune licenses again what a revoke freed from each of its apps still assigned as Required
   * or Available to a group, all users or all devices; an app assigned otherwise (or not at all) stays revoked.
   */
  private licenseAssignedAgain(token: StoredToken): void {
    for (const app of this.apps.filter((candidate) => candidate.vppTokenId === token.id)) {
      const freed = this.revokedLicenses.get(app.id);
      const assigned = (this.assignments.get(app.id) ?? []).some(
        (assignment) =>
          (assignment.intent === 'required' || assignment.intent === 'available') &&
          assignment.target['@odata.type'] !== '#microsoft.graph.exclusionGroupAssignmentTarget',
      );
      if (!freed || !assigned) {
        continue;
      }
      this.revokedLicenses.delete(app.id);
      app.usedLicenseCount += freed.count;
      this.licenses.set(app.id, [...(this.licenses.get(app.id) ?? []), ...freed.licenses]);
    }
  }

  /**
   * Runs `action` after `ms` (at once for 0, as part of the answer), on a timer that keeps no process alive. Intune's
   * work still pending when the seed is restored is dropped with it, so that it cannot reach the next test's tenant.
   */
  private later(ms: number, action: () => void): void {
    if (ms <= 0) {
      action();
      return;
    }
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      action();
    }, ms);
    timer.unref();
    this.pending.set(timer, action);
  }

  /** Intune and Apple finish every piece of work under way now, in the order it was scheduled, as if its time had passed. */
  finishPendingWork(): void {
    // A piece of work may schedule the next (a revoke's result, then the licenses it frees): until none is left.
    while (this.pending.size > 0) {
      const due = [...this.pending];
      this.pending.clear();
      for (const [timer, action] of due) {
        clearTimeout(timer);
        action();
      }
    }
  }

  /** Whether the bearer's `scp` or `roles` holds one of the permissions that grant a route. */
  private permitted(header: string | undefined, granting: readonly string[]): boolean {
    const issued = this.issuedTokens.get(/^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '');
    return granting.some((permission) => issued?.permissions.has(permission));
  }

  private authorized(header: string | undefined): boolean {
    const match = /^Bearer (.+)$/.exec(header ?? '');
    const issued = match ? this.issuedTokens.get(match[1]) : undefined;
    return issued !== undefined && issued.expiry > Date.now();
  }

  private openIdConfiguration(): Record<string, unknown> {
    const base = `${this.url}/${this.tenantId}`;
    return {
      issuer: `${this.url}/${this.tenantId}/v2.0`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      token_endpoint: `${base}/oauth2/v2.0/token`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      jwks_uri: `${this.url}/${this.tenantId}/discovery/v2.0/keys`,
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      tenant_region_scope: 'NA',
    };
  }

  private issueDeviceCode(body: string, res: ServerResponse): void {
    const form = new URLSearchParams(body);
    if (form.get('client_id') !== this.clientId) {
      return json(res, 400, {
        error: 'unauthorized_client',
        error_description: `AADSTS700016: Application with identifier '${form.get('client_id') ?? ''}' was not found in the directory.`,
      });
    }
    const deviceCode = `sim-dc-${randomUUID()}`;
    this.deviceCodes.set(deviceCode, 'pending');
    const verificationUri = `${this.url}/devicelogin`;
    json(res, 200, {
      device_code: deviceCode,
      user_code: 'SIMC0DE1',
      verification_uri: verificationUri,
      expires_in: 900,
      interval: 1,
      message: `To sign in, use a web browser to open the page ${verificationUri} and enter the code SIMC0DE1 to authenticate.`,
    });
  }

  /** Delegated tokens, as Entra issues them after a device code sign-in or a refresh. */
  private delegatedTokens(res: ServerResponse, scope: string): void {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    // One object id per user, as in Entra: another user is another account in msal's cache.
    const oid = createHash('sha256')
      .update(this.userName)
      .digest('hex')
      .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*$/, '$1-$2-$3-$4-$5');
    const idToken = [
      encode({ alg: 'none', typ: 'JWT' }),
      encode({
        aud: this.clientId,
        iss: `${this.url}/${this.tenantId}/v2.0`,
        iat: now,
        nbf: now,
        exp: now + 3600,
        name: 'Contoso Admin',
        oid,
        preferred_username: this.userName,
        sub: oid,
        tid: this.tenantId,
        ver: '2.0',
      }),
      '',
    ].join('.');
    const refreshToken = `sim-rt-${randomUUID()}`;
    this.refreshTokens.add(refreshToken);
    json(res, 200, {
      token_type: 'Bearer',
      scope,
      expires_in: 3599,
      ext_expires_in: 3599,
      // The `scp` claim: the permissions asked for that the tenant consented to.
      access_token: this.issueAccessToken(this.options.tokenLifetimeSeconds ?? 3599, this.consented(scope)),
      refresh_token: refreshToken,
      id_token: idToken,
      client_info: encode({ uid: oid, utid: this.tenantId }),
    });
  }

  /** The permissions among `scope` (space-separated, `https://graph.host/Permission`) that the tenant consented to. */
  private consented(scope: string): string[] {
    const asked = new Set(scope.split(' ').map((entry) => entry.slice(entry.lastIndexOf('/') + 1)));
    return this.permissions.filter((permission) => asked.has(permission));
  }

  private issueToken(body: string, res: ServerResponse): void {
    const form = new URLSearchParams(body);
    const grant = form.get('grant_type');
    // msal sends the short name, RFC 8628 the URN; Entra takes both.
    if (grant === 'device_code' || grant === 'urn:ietf:params:oauth:grant-type:device_code') {
      const state = this.deviceCodes.get(form.get('device_code') ?? '');
      if (state === 'approved') {
        this.deviceCodes.delete(form.get('device_code') ?? '');
        return this.delegatedTokens(res, form.get('scope') ?? '');
      }
      const errors = {
        pending: ['authorization_pending', 'AADSTS70016: OAuth 2.0 device flow error. Authorization is pending. Continue polling.'],
        slowDown: ['slow_down', 'AADSTS70016: Slow down.'],
        expired: ['expired_token', 'AADSTS70020: The provided value for the input parameter device_code is not valid. Expired.'],
      } as const;
      const [error, description] = errors[state === undefined ? 'expired' : state];
      return json(res, 400, { error, error_description: description });
    }
    if (grant === 'authorization_code') {
      return this.redeemAuthorizationCode(form, res);
    }
    if (grant === 'refresh_token') {
      if (!this.refreshTokens.has(form.get('refresh_token') ?? '')) {
        return json(res, 400, { error: 'invalid_grant', error_description: 'AADSTS700082: The refresh token has expired.' });
      }
      return this.delegatedTokens(res, form.get('scope') ?? '');
    }
    if (grant !== 'client_credentials') {
      return json(res, 400, { error: 'unsupported_grant_type', error_description: 'AADSTS70003: The grant type is not supported.' });
    }
    if (form.get('client_id') !== this.clientId) {
      return json(res, 400, {
        error: 'unauthorized_client',
        error_description: `AADSTS700016: Application with identifier '${form.get('client_id') ?? ''}' was not found in the directory.`,
      });
    }
    const assertion = form.get('client_assertion');
    if (assertion !== null) {
      const problem = this.assertionProblem(assertion, form.get('client_assertion_type'));
      if (problem) {
        return json(res, 401, {
          error: 'invalid_client',
          error_description: `AADSTS700027: Client assertion failed signature validation. ${problem}`,
        });
      }
    } else if (form.get('client_secret') !== this.clientSecret) {
      return json(res, 401, {
        error: 'invalid_client',
        error_description:
          'AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value.',
      });
    }
    const scope = form.get('scope') ?? '';
    if (!scope.split(' ').includes(`${this.url}/.default`)) {
      return json(res, 400, {
        error: 'invalid_scope',
        error_description: `AADSTS1002012: The provided value for scope ${scope} is not valid.`,
      });
    }
    // msal is told an hour either way: a token Graph refuses while msal still trusts it is the case to handle.
    json(res, 200, {
      token_type: 'Bearer',
      expires_in: 3599,
      ext_expires_in: 3599,
      access_token: this.issueAccessToken(this.options.tokenLifetimeSeconds ?? 3599),
    });
  }

  /**
   * The sign-in page (authorization code flow with PKCE): GET shows the app and the permissions asked for with a
   * "Sign in" button; its POST hands out a one-time code. The answer goes where VS Code's redirect page
   * (`https://vscode.dev/redirect`, out of reach offline) sends it: to the callback URL in `state`, with `code` and
   * `state` added.
   *
   * One leniency, which real Entra does not have: VS Code's provider appends its callback to the sign-in URL with
   * `encodeURI`, so in a browser-based VS Code (code-server) the callback's own `&vscode-scheme=…&vscode-authority=…`
   * become parameters of the sign-in URL and are not returned in `state`; code-server's callback page then stops
   * ("Missing scheme"). This stand-in puts them back on the callback so that the rest of the flow can be tested.
   */
  private authorize(method: string, url: URL, body: string, res: ServerResponse): void {
    const query = method === 'POST' ? new URLSearchParams(body) : url.searchParams;
    const problem =
      query.get('client_id') !== this.clientId
        ? `AADSTS700016: Application with identifier '${query.get('client_id') ?? ''}' was not found in the directory.`
        : query.get('response_type') !== 'code'
          ? 'AADSTS900144: The request body must contain the following parameter: response_type=code.'
          : query.get('code_challenge_method') !== 'S256' || !query.get('code_challenge')
            ? 'AADSTS9002325: Proof Key for Code Exchange is required for cross-origin authorization code redemption.'
            : !/^https?:\/\/(127\.0\.0\.1|localhost)(:\d+)?\//.test(decodeURIComponent(query.get('state') ?? ''))
              ? 'The state does not name a callback on this machine.'
              : undefined;
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    if (problem) {
      res.statusCode = 400;
      res.end(`<!DOCTYPE html><title>Sign in failed</title><p id="error">${escapeHtml(problem)}</p>`);
      return;
    }
    if (method === 'GET') {
      const fields = [...query]
        .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
        .join('');
      const scopes = (query.get('scope') ?? '')
        .split(' ')
        .map((scope) => `<li>${escapeHtml(scope)}</li>`)
        .join('');
      res.end(
        `<!DOCTYPE html><title>Sign in to the simulated tenant</title><h1>Sign in as ${escapeHtml(this.userName)}</h1>` +
          `<p>The app ${escapeHtml(this.clientId)} asks for:</p><ul>${scopes}</ul>` +
          `<form method="post">${fields}<button id="accept" type="submit">Sign in</button></form>`,
      );
      return;
    }
    const code = `sim-code-${randomUUID()}`;
    this.authorizationCodes.set(code, {
      clientId: this.clientId,
      redirectUri: query.get('redirect_uri') ?? '',
      codeChallenge: query.get('code_challenge') ?? '',
    });
    // VS Code percent-encodes its callback URL once more into `state`; its redirect page decodes it.
    const callback = new URL(decodeURIComponent(query.get('state') ?? ''));
    for (const [name, value] of query) {
      if (name.startsWith('vscode-') && !callback.searchParams.has(name)) {
        callback.searchParams.set(name, value);
      }
    }
    callback.searchParams.set('code', code);
    callback.searchParams.set('state', query.get('state') ?? '');
    res.statusCode = 302;
    res.setHeader('Location', callback.toString());
    res.end();
  }

  /** The token request of the authorization code flow: the code once, the same app and redirect URI, the PKCE verifier. */
  private redeemAuthorizationCode(form: URLSearchParams, res: ServerResponse): void {
    const code = form.get('code') ?? '';
    const issued = this.authorizationCodes.get(code);
    this.authorizationCodes.delete(code);
    const verifier = form.get('code_verifier') ?? '';
    if (
      !issued ||
      issued.clientId !== form.get('client_id') ||
      issued.redirectUri !== form.get('redirect_uri') ||
      createHash('sha256').update(verifier).digest('base64url') !== issued.codeChallenge
    ) {
      return json(res, 400, {
        error: 'invalid_grant',
        error_description:
          'AADSTS70008: The provided authorization code or refresh token has expired or was already used, or the PKCE verifier does not match.',
      });
    }
    this.delegatedTokens(res, form.get('scope') ?? '');
  }

  /** Why a client assertion JWT is refused, or undefined when the registered certificate signed it for this app. */
  private assertionProblem(assertion: string, type: string | null): string | undefined {
    if (type !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') {
      return 'Wrong client_assertion_type.';
    }
    if (!this.clientCertificatePem) {
      return 'No certificate is registered for the app.';
    }
    const [headerPart, payloadPart, signaturePart] = assertion.split('.');
    const header = JSON.parse(Buffer.from(headerPart ?? '', 'base64url').toString()) as Record<string, string>;
    const payload = JSON.parse(Buffer.from(payloadPart ?? '', 'base64url').toString()) as Record<string, unknown>;
    const certificate = new X509Certificate(this.clientCertificatePem);
    const thumbprint = Buffer.from(certificate.fingerprint256.replace(/:/g, ''), 'hex').toString('base64url');
    if (header['x5t#S256'] !== thumbprint) {
      return 'The thumbprint does not match the registered certificate.';
    }
    const padding =
      header.alg === 'PS256' ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST } : {};
    const signed = verify(
      'sha256',
      Buffer.from(`${headerPart}.${payloadPart}`),
      { key: certificate.publicKey, ...padding },
      Buffer.from(signaturePart ?? '', 'base64url'),
    );
    if (!signed) {
      return 'The signature does not verify.';
    }
    if (
      payload.iss !== this.clientId ||
      payload.sub !== this.clientId ||
      payload.aud !== `${this.url}/${this.tenantId}/oauth2/v2.0/token`
    ) {
      return 'Wrong issuer, subject or audience.';
    }
    return typeof payload.exp === 'number' && payload.exp * 1000 > Date.now() ? undefined : 'The assertion has expired.';
  }

  private control(method: string, url: URL, body: string, res: ServerResponse): void {
    const action = url.pathname.slice('/_sim/'.length);
    if (action === 'requests' && method === 'GET') {
      return json(res, 200, this.requests);
    }
    if (action === 'requests' && method === 'DELETE') {
      this.requests.length = 0;
      return json(res, 200, {});
    }
    if (action === 'faults' && method === 'POST') {
      this.addFault(JSON.parse(body) as Fault);
      return json(res, 200, {});
    }
    if (action === 'faults' && method === 'DELETE') {
      this.clearFaults();
      return json(res, 200, {});
    }
    if (action === 'reset' && method === 'POST') {
      this.reset();
      return json(res, 200, {});
    }
    if (action === 'tokens' && method === 'GET') {
      return json(
        res,
        200,
        [...this.tokens.values()].map((token) => project(token, null, true)),
      );
    }
    json(res, 404, { error: `unknown control ${method} ${action}` });
  }
}

interface BatchItem {
  readonly id: string;
  readonly method: string;
  readonly url: string;
  readonly dependsOn?: readonly string[];
}

interface BatchAnswer {
  readonly id: string;
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
}

/**
 * What Graph refuses in a JSON batch: not an object with 1 to 20 requests, each with an id unique regardless of
 * letter case, a method and a relative url, and `dependsOn` naming only other requests of the batch.
 */
function batchProblem(body: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return 'Invalid JSON batch request.';
  }
  const requests = (parsed as { requests?: unknown })?.requests;
  if (!Array.isArray(requests) || requests.length === 0 || requests.length > 20) {
    return 'A batch holds 1 to 20 requests.';
  }
  const ids = new Set<string>();
  for (const request of requests as { id?: unknown; method?: unknown; url?: unknown }[]) {
    if (
      typeof request?.id !== 'string' ||
      ids.has(request.id.toLowerCase()) ||
      typeof request.method !== 'string' ||
      typeof request.url !== 'string'
    ) {
      return 'Each request of a batch needs a unique id (regardless of letter case), a method and a url.';
    }
    if (!request.url.startsWith('/') || request.url.startsWith('//')) {
      return 'The url of a request in a batch is relative to the version, such as /deviceAppManagement/vppTokens.';
    }
    ids.add(request.id.toLowerCase());
  }
  for (const request of requests as { id: string; dependsOn?: unknown }[]) {
    const dependsOn = request.dependsOn;
    if (
      dependsOn !== undefined &&
      (!Array.isArray(dependsOn) ||
        dependsOn.some((id) => typeof id !== 'string' || !ids.has(id.toLowerCase()) || id.toLowerCase() === request.id.toLowerCase()))
    ) {
      return `The dependsOn of request ${request.id} names a request that is not in the batch.`;
    }
  }
  return dependencyCycle(requests as { id: string; dependsOn?: string[] }[])
    ? 'The dependsOn of the requests of a batch make a cycle.'
    : undefined;
}

/** Whether following `dependsOn` from some request comes back to it. */
function dependencyCycle(requests: readonly { id: string; dependsOn?: readonly string[] }[]): boolean {
  const edges = new Map(requests.map((request) => [request.id.toLowerCase(), (request.dependsOn ?? []).map((id) => id.toLowerCase())]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const cycleFrom = (id: string): boolean => {
    if (done.has(id)) {
      return false;
    }
    if (visiting.has(id)) {
      return true;
    }
    visiting.add(id);
    const cycle = (edges.get(id) ?? []).some(cycleFrom);
    visiting.delete(id);
    done.add(id);
    return cycle;
  };
  return [...edges.keys()].some(cycleFrom);
}

/** A small seeded random sequence (mulberry32) in [0, 1): a batch order a test can replay from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

function classify(method: string, pathname: string, tenantId: string): { route: Route } & RouteIds {
  if (method === 'GET' && /^\/[^/]+\/discovery\/instance$/.test(pathname)) {
    return { route: 'discovery' };
  }
  if (method === 'GET' && /^\/[^/]+\/v2\.0\/\.well-known\/openid-configuration$/.test(pathname)) {
    return { route: 'openid' };
  }
  if ((method === 'GET' || method === 'POST') && pathname === `/${tenantId}/oauth2/v2.0/authorize`) {
    return { route: 'authorize' };
  }
  if (method === 'POST' && pathname === `/${tenantId}/oauth2/v2.0/token`) {
    return { route: 'token' };
  }
  if (method === 'POST' && pathname === `/${tenantId}/oauth2/v2.0/devicecode`) {
    return { route: 'devicecode' };
  }
  if (method === 'GET' && pathname === GRAPH_PREFIX) {
    return { route: 'list' };
  }
  if (method === 'GET' && pathname === '/beta/deviceAppManagement/mobileApps') {
    return { route: 'apps' };
  }
  if (method === 'GET' && pathname === '/beta/deviceAppManagement/managedEBooks') {
    return { route: 'ebooks' };
  }
  if (method === 'POST' && pathname === GRAPH_PREFIX) {
    return { route: 'create' };
  }
  if (method === 'GET' && pathname === '/beta/deviceManagement/auditEvents') {
    return { route: 'auditEvents' };
  }
  if (method === 'POST' && pathname === '/beta/$batch') {
    return { route: 'batch' };
  }
  const group = /^\/beta\/groups\/([^/]+)$/.exec(pathname);
  if (group) {
    return { route: method === 'GET' ? 'group' : 'unknown', groupId: decodeURIComponent(group[1]) };
  }
  const assignments = /^\/beta\/deviceAppManagement\/mobileApps\/([^/]+)\/assignments(?:\/([^/]+))?$/.exec(pathname);
  if (assignments) {
    const routes: Record<string, Route> = { 'GET ': 'appAssignments', 'PATCH one': 'assignmentUpdate', 'DELETE one': 'assignmentDelete' };
    return { route: routes[`${method} ${assignments[2] ? 'one' : ''}`] ?? 'unknown', appId: decodeURIComponent(assignments[1]) };
  }
  const app = /^\/beta\/deviceAppManagement\/mobileApps\/([^/]+)(\/microsoft\.graph\.iosVppApp)?(?:\/([^/]+))?$/.exec(pathname);
  if (app) {
    const appId = decodeURIComponent(app[1]);
    if (app[3] && !app[2]) {
      // assignedLicenses and the revokes belong to iosVppApp, not to mobileApp: without the cast Graph finds none.
      return { route: 'unknown', appId };
    }
    const routes: Record<string, Route> = {
      'GET ': 'app',
      'GET assignedLicenses': 'licenses',
      'POST revokeAllLicenses': 'appRevoke',
      'POST revokeUserLicense': 'appUserRevoke',
      'POST revokeDeviceLicense': 'appDeviceRevoke',
    };
    return { route: routes[`${method} ${app[3] ?? ''}`] ?? 'unknown', appId };
  }
  if (!pathname.startsWith(`${GRAPH_PREFIX}/`)) {
    return { route: 'unknown' };
  }
  const segments = pathname.slice(GRAPH_PREFIX.length + 1).split('/');
  const tokenId = decodeURIComponent(segments[0]);
  if (segments.length === 1) {
    const routes: Record<string, Route> = { GET: 'get', PATCH: 'update', DELETE: 'delete' };
    return { route: routes[method] ?? 'unknown', tokenId };
  }
  if (segments.length === 2 && method === 'POST' && segments[1] === 'revokeLicenses') {
    return { route: 'revoke', tokenId };
  }
  if (segments.length === 2 && method === 'POST' && segments[1] === 'syncLicenses') {
    return { route: 'sync', tokenId };
  }
  return { route: 'unknown', tokenId };
}

/** A token with only the `$select`ed fields (Graph always includes the id), or every field without `$select`. */
function project(token: StoredToken, select: string | null, withoutSecret = false): Record<string, unknown> {
  const fields = select ? new Set(['id', ...select.split(',')]) : undefined;
  return Object.fromEntries(
    // Without $select Graph returns every property, tokenActionResults included.
    Object.entries(token).filter(([key]) => (!fields || fields.has(key)) && !(withoutSecret && key === 'token')),
  );
}

let contract: GraphContract | undefined;

/** Graph's beta metadata extract, read once: the simulated tenant refuses what it does not describe. */
function graphContract(): GraphContract {
  contract ??= new GraphContract();
  return contract;
}

/** Intune's own error document, which Graph carries as the `message` of its error. */
function intuneMessage(message: string): string {
  return JSON.stringify({
    _version: 3,
    Message: message,
    CustomApiErrorPhrase: '',
    RetryAfter: null,
    ErrorSourceService: '',
    HttpHeaders: '{}',
  });
}

/**
 * What Graph answers an account with consent but without an Intune license or Intune role: 401, not 403, with
 * `UnknownError` wrapping a Forbidden that wraps "An error has occurred" (microsoftgraph/msgraph-sdk-powershell#1257,
 * Micke-K/IntuneManagement#215).
 */
export function intuneForbidden401(requestId: string, path: string): string {
  const inner = intuneMessage(
    `An error has occurred - Operation ID (for customer support): 00000000-0000-0000-0000-000000000000 - Activity ID: ${requestId} - Url: ${path} - CustomApiErrorPhrase: `,
  );
  return graphError(
    'UnknownError',
    JSON.stringify({ ErrorCode: 'Forbidden', Message: inner, Target: null, Details: null, InnerError: null, InstanceAnnotations: [] }),
    requestId,
  );
}

function graphError(code: string, message: string, requestId: string): string {
  return JSON.stringify({
    error: { code, message, innerError: { date: new Date().toISOString(), 'request-id': requestId, 'client-request-id': requestId } },
  });
}

/** The JSON bodies answers carried, for `responses`. */
const SENT_BODIES = new WeakMap<ServerResponse, string>();

function json(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  SENT_BODIES.set(res, body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; odata.metadata=minimal');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** An event of Intune's audit log, in the documented auditEvent shape. */
export function auditEvent(event: {
  readonly activity: string;
  readonly activityType: string;
  readonly activityOperationType: string;
  readonly correlationId?: string;
  readonly activityDateTime?: string;
  readonly activityResult?: string;
  readonly userPrincipalName?: string | null;
  readonly applicationId?: string;
  readonly applicationDisplayName?: string;
  readonly resource: { readonly displayName: string; readonly type: string; readonly resourceId: string };
}): Record<string, unknown> {
  return {
    id: randomUUID(),
    displayName: event.activity,
    componentName: 'MobileApps',
    actor: {
      type: 'ItPro',
      auditActorType: 'ItPro',
      userPermissions: ['*'],
      applicationId: event.applicationId ?? null,
      applicationDisplayName: event.applicationDisplayName ?? 'Microsoft Intune',
      userPrincipalName: event.userPrincipalName ?? null,
      servicePrincipalName: null,
      ipAddress: '127.0.0.1',
      userId: randomUUID(),
      remoteTenantId: null,
      remoteUserId: null,
      userRoleScopeTags: [{ displayName: 'Default', roleScopeTagId: '0' }],
    },
    activity: event.activity,
    activityDateTime: event.activityDateTime ?? new Date().toISOString(),
    activityType: event.activityType,
    activityOperationType: event.activityOperationType,
    activityResult: event.activityResult ?? 'Success',
    correlationId: event.correlationId ?? randomUUID(),
    category: 'Application',
    resources: [
      {
        displayName: event.resource.displayName,
        type: event.resource.type,
        auditResourceType: event.resource.type,
        resourceId: event.resource.resourceId,
        modifiedProperties: [],
      },
    ],
  };
}
