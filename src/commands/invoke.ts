import { TenantConnection } from '../tenants/tenantConnection';
import { ActionContext } from './context';
import { ErrorFixes, reportError } from './reportError';
import { Invocation } from './routing';

/**
 * Runs one command as every invocation runs: a fresh invocation on the caller's UI, log and lifetime, the handler
 * with the command's arguments, and any failure to the one error reporter, with the fixes for the tenant the command
 * acted on. The registration and the tests call this, so that what a test runs is what a click runs.
 */
export async function invoke<A extends unknown[]>(
  handler: (invocation: Invocation, ...args: A) => unknown,
  args: A,
  base: ActionContext,
  fixesFor: (tenant: TenantConnection | undefined) => ErrorFixes,
): Promise<void> {
  const invocation: Invocation = { ...base };
  try {
    await handler(invocation, ...args);
  } catch (error) {
    reportError(error, base.ui, base.log, fixesFor(invocation.tenant));
  }
}
