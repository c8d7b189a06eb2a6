import * as l10n from '@vscode/l10n';
import { CloudName, WELL_KNOWN_CLOUDS } from '../../config/clouds';
import { AuthMode, httpsOrigin, isTenantPlaceholder } from '../../config/settings';
import { rawFromEntry, TenantEntry, tenantKey, tenantLabelProblem } from '../../config/tenants';
import { VppError } from '../../errors';
import { InputStep, runSteps } from '../../ui/multiStepInput';
import type { ActionContext } from '../context';
import { PickItem, UserInput } from '../../ui/userInput';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** What "Add Tenant…" needs of the registry. */
export interface TenantAdding {
  /** Keys of the tenants shown now, to refuse adding one twice. */
  keys(): string[];
  add(entry: TenantEntry): Promise<void>;
}

/** A tenant as the tenant commands see it. */
export interface TenantSummary {
  readonly label: string;
}

function graphHost(cloud: keyof typeof WELL_KNOWN_CLOUDS): string {
  return new URL(WELL_KNOWN_CLOUDS[cloud].graphEndpoint).host;
}

function cloudItems(): PickItem<CloudName>[] {
  return [
    { label: l10n.t('Global'), description: graphHost('global'), value: 'global' },
    { label: l10n.t('US Government (GCC High)'), description: graphHost('usGov'), value: 'usGov' },
    { label: l10n.t('US Government (DoD)'), description: graphHost('usGovDoD'), value: 'usGovDoD' },
    { label: l10n.t('China (21Vianet)'), description: graphHost('china'), value: 'china' },
    { label: l10n.t('Custom endpoints'), detail: l10n.t('Your own Graph and login addresses (https)'), value: 'custom' },
  ];
}

function modeItems(): PickItem<AuthMode>[] {
  return [
    {
      label: l10n.t('VS Code Microsoft account'),
      detail: l10n.t('Delegated: you sign in with the account VS Code knows.'),
      value: 'vscode',
    },
    {
      label: l10n.t('Device code'),
      detail: l10n.t('Delegated: enter a code in any browser; for remote windows and code-server.'),
      value: 'deviceCode',
    },
    {
      label: l10n.t('App-only (client credentials)'),
      detail: l10n.t('The app signs in with its client secret or certificate.'),
      value: 'clientCredentials',
    },
  ];
}

function originProblem(value: string): string | undefined {
  try {
    httpsOrigin(value, l10n.t('This address'));
    return undefined;
  } catch (error) {
    return error instanceof VppError ? error.message : String(error);
  }
}

function tenantIdProblem(value: string): string | undefined {
  const tenant = value.trim();
  if (isTenantPlaceholder(tenant) || !(GUID.test(tenant) || DOMAIN.test(tenant))) {
    return l10n.t('Enter the tenant ID (a GUID) or a verified domain such as contoso.onmicrosoft.com.');
  }
  return undefined;
}

/** The answers of Add Tenant…, filled in step by step. */
interface TenantDraft {
  readonly label: string;
  readonly cloud: CloudName;
  readonly graphEndpoint: string;
  readonly loginEndpoint: string;
  readonly authMode: AuthMode;
  readonly clientId: string;
  readonly tenantId: string;
}

/** A text step of Add Tenant… that fills in one field of the draft. */
function textStep(
  field: 'label' | 'graphEndpoint' | 'loginEndpoint' | 'clientId' | 'tenantId',
  prompt: () => string,
  validate: (value: string) => string | undefined,
  ui: UserInput,
  title: string,
  applies?: (draft: Partial<TenantDraft>) => boolean,
): InputStep<TenantDraft> {
  return {
    applies,
    ask: async (position, draft) => {
      const answer = await ui.stepText({ title, prompt: prompt(), value: draft[field], validate, ...position });
      return answer === undefined || answer === 'back' ? answer : { value: { [field]: answer.value } };
    },
  };
}

/** A pick step of Add Tenant… that fills in one field of the draft. */
function pickStep<K extends 'cloud' | 'authMode'>(
  field: K,
  items: () => PickItem<TenantDraft[K]>[],
  placeHolder: () => string,
  ui: UserInput,
  title: string,
): InputStep<TenantDraft> {
  return {
    ask: async (position, draft) => {
      const answer = await ui.stepPick(items(), { title, placeHolder: placeHolder(), active: draft[field], ...position });
      return answer === undefined || answer === 'back' ? answer : { value: { [field]: answer.value } };
    },
  };
}

/**
 * "Add Tenant…": asks, one step after another with Back, for a name, the cloud (and endpoints for a custom one),
 * the sign-in mode, the app's client id and the tenant, then adds it to `intuneVpp.additionalTenants`. Escape at
 * any step adds nothing.
 */
export async function addTenant({ ui }: ActionContext, tenants: TenantAdding): Promise<void> {
  const title = l10n.t('Intune VPP: Add Tenant');
  const custom = (draft: Partial<TenantDraft>) => draft.cloud === 'custom';
  const draft = await runSteps<TenantDraft>([
    textStep(
      'label',
      () => l10n.t("A name for the tenant, shown in the view (for example the customer's name)"),
      tenantLabelProblem,
      ui,
      title,
    ),
    pickStep('cloud', cloudItems, () => l10n.t('Which Microsoft cloud is the tenant in?'), ui, title),
    textStep('graphEndpoint', () => l10n.t('The https address of Microsoft Graph in this cloud'), originProblem, ui, title, custom),
    textStep(
      'loginEndpoint',
      () => l10n.t('The https address of the Microsoft Entra ID login in this cloud'),
      originProblem,
      ui,
      title,
      custom,
    ),
    pickStep('authMode', modeItems, () => l10n.t('How do you sign in to this tenant?'), ui, title),
    textStep(
      'clientId',
      () => l10n.t('The application (client) ID of your app registration in this tenant'),
      (value) =>
        GUID.test(value.trim())
          ? undefined
          : l10n.t('Enter the application (client) ID: a GUID such as 00000000-0000-0000-0000-000000000000.'),
      ui,
      title,
    ),
    textStep('tenantId', () => l10n.t('The directory (tenant) ID or a verified domain of the tenant'), tenantIdProblem, ui, title),
  ]);
  if (!draft?.label || !draft.cloud || !draft.authMode || !draft.clientId || !draft.tenantId) {
    return;
  }
  const { label, cloud, authMode, clientId, tenantId } = draft;
  // Endpoints typed before going back to choose a well-known cloud are dropped.
  const endpoints = cloud === 'custom' ? { graphEndpoint: draft.graphEndpoint, loginEndpoint: draft.loginEndpoint } : {};
  const entry: TenantEntry = { label, cloud, ...endpoints, authMode, clientId, tenantId };
  if (tenants.keys().includes(tenantKey(rawFromEntry(entry, undefined)))) {
    return ui.info(l10n.t('The view already shows this tenant with this app and sign-in mode.'));
  }
  await tenants.add(entry);
  await ui.info(
    authMode === 'clientCredentials'
      ? l10n.t('Added the tenant "{0}". Set its client secret or certificate from its item in the view.', label)
      : l10n.t('Added the tenant "{0}". Sign in from its item in the view.', label),
  );
}

/** "Remove Tenant…": after a modal confirmation, removes the tenant and what this machine stored for it. */
/**
 * "Remove Tenant…": after a confirmation, removes the tenant and what this machine keeps for it. A shared app
 * credential stays while other tenants use it; with the last of them, a second question asks whether it goes too.
 */
export async function removeTenant(
  { ui }: ActionContext,
  tenant: TenantSummary,
  /** With a shared app credential: how many other tenants use it. */
  sharing: { readonly others: number } | undefined,
  remove: (deleteShared: boolean) => Promise<void>,
): Promise<void> {
  const confirmed = await ui.confirm(
    l10n.t('Remove the tenant "{0}" from the view?', tenant.label),
    sharing && sharing.others > 0
      ? l10n.t(
          'Its settings and the sign-in this machine keeps for it are deleted. The app credential it shares stays: {0} other tenants use it. Nothing changes in the tenant itself.',
          sharing.others,
        )
      : l10n.t(
          'Its settings and the client secret, certificate and sign-in this machine keeps for it are deleted. Nothing changes in the tenant itself.',
        ),
    l10n.t('Remove Tenant'),
  );
  if (!confirmed) {
    return;
  }
  const deleteShared =
    sharing !== undefined &&
    sharing.others === 0 &&
    (await ui.confirm(
      l10n.t('Also delete the shared credential of the app?'),
      l10n.t('No other tenant uses it now. Keep it if you will add tenants of this app again.'),
      l10n.t('Delete Credential'),
    ));
  await remove(deleteShared);
  await ui.info(l10n.t('Removed the tenant "{0}".', tenant.label));
}

/** Asks which tenant a palette command acts on, showing who is signed in to each. */
export async function pickTenant<T extends TenantSummary>(
  ui: UserInput,
  tenants: readonly T[],
  describe: (tenant: T) => Promise<string | undefined>,
  title: string,
): Promise<T | undefined> {
  const descriptions = await Promise.all(tenants.map(describe));
  const items = tenants.map((tenant, index) => ({
    label: tenant.label,
    description: descriptions[index] ?? l10n.t('not signed in'),
    value: tenant,
  }));
  return ui.pickOne(items, { title, placeHolder: l10n.t('Choose a tenant') });
}
