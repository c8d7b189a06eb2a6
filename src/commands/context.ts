import { AuthMode } from '../config/settings';
import { DEFAULT_LICENSE_POLLING, DEFAULT_OUTCOME_POLLING, OutcomePolling } from '../graph/actionResults';
import { VppTokenService } from '../graph/vppTokenService';
import { VppTokenRecord } from '../graph/vppRecords';
import { Journal, TenantJournal, WriteJournal } from '../journal/journal';
import { JournalTenant } from '../journal/journalRecords';
import { Logger } from '../log';
import { TenantConnection } from '../tenants/tenantConnection';
import { TenantStore } from '../store/tenantStore';
import { WriteInFlight } from '../store/writesInFlight';
import { ClipboardPort, FilePort, Ports, ReportPort, UserInput } from '../ui/userInput';

/**
 * What a write tells the store about its tenant, once, and how it marks its tokens while it runs: every surface
 * (the tree, the Overview, the alerts) redraws from the store.
 */
export interface TenantWrites {
  /**
   * A write changed this token: the store reads it back once, and every surface redraws it. The record read, or
   * undefined when the token is gone or could not be read (then the store lists the tenant again).
   */
  tokenWritten(id: string): Promise<VppTokenRecord | undefined>;
  /** A write added or removed tokens, changed several, or found one gone: the store lists the tenant again. */
  relist(): void;
  /** Marks the tokens as running `kind` (a revoke skips those a revoke already runs for): the ids taken, and their release. */
  begin(ids: readonly string[], kind: WriteInFlight): { readonly taken: string[]; readonly release: () => void };
  /** Whether a revoke of the token runs now. */
  revoking(id: string): boolean;
}

/** Runs `write` with the token marked in the store as running `kind` (its row says so), released however it ends. */
export async function writingToken<T>(context: TenantContext, id: string, kind: WriteInFlight, write: () => Promise<T>): Promise<T> {
  const claim = context.store.begin([id], kind);
  try {
    return await write();
  } finally {
    claim.release();
  }
}

/**
 * What one command invocation works with. The registration wrapper builds one per invocation and passes it to the
 * handler; tests build their own to script the UI.
 */
export interface ActionContext {
  readonly ui: UserInput;
  /** Files the admin picks to read or to write. */
  readonly files: FilePort;
  readonly clipboard: ClipboardPort;
  /** Where a report (a bulk run's, Retire's) opens. */
  readonly reports: ReportPort;
  readonly log: Logger;
  /** Aborts when the extension deactivates: watches of a write's outcome end with it. */
  readonly stopped?: AbortSignal;
}

/** The action context of a command that acts on one tenant: its sign-in, its service and its part of the tree. */
export interface TenantContext extends ActionContext {
  /** The tenant's sign-in and credentials. */
  readonly account: AccountActions;
  /** The tenant's service; throws a VppError when settings are incomplete. */
  service(): VppTokenService;
  /** What the extension knows about the tenant: writes report to it and mark their tokens in it. */
  readonly store: TenantWrites;
  /** Where every write to this tenant is recorded, before it is sent and once its outcome is known. */
  readonly journal: WriteJournal;
  /** The tenant's name when the view shows several: confirmations name it. Undefined with one tenant. */
  readonly tenantLabel?: string;
  readonly now: () => number;
  /** How long to watch for a revoke's result after Intune accepted it. */
  readonly outcomePolling: OutcomePolling;
  /** How long Retire Token… watches the licenses of a token fall after its revoke. */
  readonly licensePolling: OutcomePolling;
}

/** An action context on ports that implement them all (VS Code's window, a test's script): each port from the same object. */
export function actionContext(ports: Ports, log: Logger, stopped?: AbortSignal): ActionContext {
  return { ui: ports, files: ports, clipboard: ports, reports: ports, log, stopped };
}

/** The signal a watch of a write's outcome listens to: the user's Cancel, or the extension deactivating. */
export function watchSignal(context: TenantContext, cancel: AbortSignal): AbortSignal {
  return context.stopped ? AbortSignal.any([cancel, context.stopped]) : cancel;
}

/** The sign-in surface of one tenant the account commands drive (a TenantConnection in the extension). */
export interface AccountActions {
  signIn(): Promise<string>;
  switchAccount(): Promise<string>;
  signOut(): Promise<void>;
  storeClientSecret(secret: string): Promise<void>;
  /** Stores a certificate from PEM text; returns its thumbprint. */
  storeClientCertificate(pemText: string): Promise<string>;
  clientId(): string;
  authMode(): AuthMode | undefined;
}

/**
 * The action context of an action on one tenant (a command, or a chat tool): the caller's UI, log and lifetime, with
 * that tenant's sign-in, service and part of the store. `several`: whether the view shows several tenants, so that
 * confirmations name the tenant.
 */
export function tenantContext(
  base: ActionContext,
  tenant: TenantConnection,
  store: TenantStore,
  several: boolean,
  journal: Journal,
): TenantContext {
  return {
    ui: base.ui,
    files: base.files,
    clipboard: base.clipboard,
    reports: base.reports,
    log: base.log,
    stopped: base.stopped,
    account: {
      signIn: () => tenant.signIn(),
      switchAccount: () => tenant.switchAccount(),
      signOut: () => tenant.signOut(),
      storeClientSecret: (secret) => tenant.storeClientSecret(secret),
      storeClientCertificate: (pemText) => tenant.storeClientCertificate(pemText),
      clientId: () => tenant.settings().clientId,
      authMode: () => tenant.authMode(),
    },
    service: () => tenant.service(),
    store: tenantWrites(store, tenant.key),
    now: () => Date.now(),
    outcomePolling: DEFAULT_OUTCOME_POLLING,
    licensePolling: DEFAULT_LICENSE_POLLING,
    tenantLabel: several ? tenant.label : undefined,
    journal: new TenantJournal(
      journal.sink,
      journal.session,
      () => journalTenant(tenant),
      () => actorOf(tenant),
    ),
  };
}

/** What the writes of one tenant tell the store. */
function tenantWrites(store: TenantStore, tenantKey: string): TenantWrites {
  return {
    tokenWritten: (id) => store.tokenWritten(tenantKey, id),
    relist: () => void store.relistAfterWrite(tenantKey),
    begin: (ids, kind) => store.writes.begin(tenantKey, ids, kind),
    revoking: (id) => store.writes.revoking(tenantKey, id),
  };
}

/** The tenant as the journal names it; its settings may be incomplete (then no write is sent anyway). */
function journalTenant(tenant: TenantConnection): JournalTenant {
  try {
    const settings = tenant.settings();
    return { key: tenant.key, id: settings.tenantId, label: tenant.label, cloud: settings.cloud };
  } catch {
    return { key: tenant.key, id: '-', label: tenant.label, cloud: '-' };
  }
}

/** Who acts: the app's client id when it signs in as itself, else the signed-in account's user name. */
async function actorOf(tenant: TenantConnection): Promise<string> {
  return tenant.authMode() === 'clientCredentials' ? tenant.settings().clientId : ((await tenant.account()) ?? '-');
}
