import * as l10n from '@vscode/l10n';
import { COMMANDS } from '../../ids';
import { TenantConnection } from '../../tenants/tenantConnection';
import { chooseTenant, CommandRouting, Handler, Handlers, Invocation } from '../routing';
import { setClientCertificate, setClientSecret, signIn, signOut, switchAccount } from './account';
import { addTenant, removeTenant } from './addRemoveTenants';
import { entryOf, exportTenants, importTenants } from './tenantFiles';

/** The commands on tenants: sign-in and credentials, add, remove, import and export. */
export function tenantHandlers(routing: CommandRouting) {
  const { tenants } = routing.services;
  const appOnly = (tenant: TenantConnection) => tenant.authMode() === 'clientCredentials';
  const keys = () => tenants.list().map((tenant) => tenant.key);
  const remove: Handler<typeof COMMANDS.removeTenant> = async (invocation, target) => {
    const tenant = await routing.tenantFor(invocation, target, l10n.t('Remove Tenant: {0}', chooseTenant()));
    if (tenant) {
      await removeTenant(
        invocation,
        tenant,
        tenant.sharedCredentialScope() ? { others: tenants.sharingWith(tenant).length } : undefined,
        (deleteShared) => tenants.remove(tenant, deleteShared),
      );
    }
  };
  return {
    [COMMANDS.signIn]: routing.forTenant(l10n.t('Sign In: {0}', chooseTenant()), signIn),
    [COMMANDS.switchAccount]: routing.forTenant(l10n.t('Switch Account: {0}', chooseTenant()), switchAccount),
    [COMMANDS.signOut]: routing.forTenant(l10n.t('Sign Out: {0}', chooseTenant()), signOut),
    [COMMANDS.setClientSecret]: routing.forTenant(l10n.t('Set Client Secret: {0}', chooseTenant()), setClientSecret, appOnly),
    [COMMANDS.setClientCertificate]: routing.forTenant(
      l10n.t('Set Client Certificate: {0}', chooseTenant()),
      setClientCertificate,
      appOnly,
    ),
    [COMMANDS.addTenant]: (invocation: Invocation) => addTenant(invocation, { keys, add: (entry) => tenants.add(entry) }),
    [COMMANDS.importTenants]: (invocation: Invocation) => importTenants(invocation, { keys, addAll: (entries) => tenants.addAll(entries) }),
    [COMMANDS.exportTenants]: (invocation: Invocation) =>
      exportTenants(
        invocation,
        tenants.list().map((tenant) => entryOf(tenant.label, tenant.definition.raw, tenant.definition.sharedCredential)),
      ),
    [COMMANDS.removeTenant]: remove,
  } satisfies Handlers;
}
