import { DEFAULT_LICENSE_POLLING, DEFAULT_OUTCOME_POLLING } from '../graph/actionResults';
import { Journal, TenantJournal } from '../journal/journal';
import { JournalTenant } from '../journal/journalRecords';
import { TenantConnection } from '../tenants/tenantConnection';
import { ActionContext, TenantContext } from './context';

/** What a tenant's action context redraws: the whole tenant, or one of its tokens. */
export interface TenantTree {
  refreshTenant(key: string): Promise<void>;
  refreshToken(key: string, id: string): Promise<void>;
}

/**
 * The action context of an action on one tenant (a command, or a chat tool): the caller's UI, log and lifetime, with
 * that tenant's sign-in, service and part of the tree. `several`: whether the view shows several tenants, so that
 * confirmations name the tenant.
 */
export function tenantContext(
  base: ActionContext,
  tenant: TenantConnection,
  tree: TenantTree,
  several: boolean,
  journal: Journal,
): TenantContext {
  return {
    ui: base.ui,
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
    tree: { refresh: () => void tree.refreshTenant(tenant.key), refreshToken: (id) => tree.refreshToken(tenant.key, id) },
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
