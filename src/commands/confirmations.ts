/** The words every confirmation shares: yes and no, a date, the tenant it acts on, and a token that is gone. */
import * as l10n from '@vscode/l10n';
import { VppError } from '../errors';
import { TenantContext } from './context';

export function yesNo(value: boolean | null | undefined): string {
  return value ? l10n.t('yes') : l10n.t('no');
}

/** A date for a person: the day, in the UI language. */
export function dateText(time: number | string | null | undefined, locale: string): string {
  const parsed = typeof time === 'string' ? Date.parse(time) : time;
  return typeof parsed === 'number' && !Number.isNaN(parsed) ? new Date(parsed).toLocaleDateString(locale, { dateStyle: 'long' }) : '-';
}

/** With several tenants, the tenant comes first: a write in the wrong one is not easily undone. */
export function tenantLines(context: TenantContext): string[] {
  return context.tenantLabel ? [l10n.t('Tenant: {0}', context.tenantLabel)] : [];
}

/** Turns a 404 of a token into a message that says so, and refreshes the list; any other error is rethrown. */
export function rethrowGone(context: TenantContext, label: string, error: unknown): never {
  if (error instanceof VppError && error.kind === 'notFound') {
    context.store.relist();
    throw new VppError('notFound', l10n.t('The VPP token "{0}" no longer exists in Intune; the list was refreshed.', label), error.details);
  }
  throw error;
}
