import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { waitUntil } from '../support/waitUntil';
import type { IntuneVppTestApi } from '../../src/testApi';
import { ensureTestCertificates } from '../simulatedTenant/certificates';
import { SUITE_PACE, SimulatedTenant, SIM_CLIENT_ID, SIM_CLIENT_SECRET, SIM_TENANT_ID } from '../simulatedTenant/server';
import { CERT_DIR } from '../paths';
import { ScriptedUserInput } from '../support/scriptedUserInput';

export const EXTENSION_ID = 'intune-vpp-tools.intune-vpp-tokens';

export interface Fixture {
  readonly api: IntuneVppTestApi;
  readonly tenant: SimulatedTenant;
}

let fixture: Promise<Fixture> | undefined;

/** Sets user settings as a person would in the Settings editor. */
export async function configure(values: Record<string, unknown>): Promise<void> {
  const configuration = vscode.workspace.getConfiguration('intuneVpp');
  for (const [key, value] of Object.entries(values)) {
    await configuration.update(key, value, vscode.ConfigurationTarget.Global);
  }
}

/**
 * Runs `action` while the workspace folder's `.vscode/settings.json` holds `values`, then removes the file. Waits
 * until VS Code has read the file: a harmless setting written beside the values tells when it has.
 */
export async function withWorkspaceSettings<T>(values: Record<string, unknown>, action: () => Promise<T>): Promise<T> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    throw new Error('The test VS Code opened no workspace folder');
  }
  const settingsDir = path.join(folder.uri.fsPath, '.vscode');
  const tabSize = () => vscode.workspace.getConfiguration('editor').get<number>('tabSize') ?? 4;
  const marker = (tabSize() % 16) + 1;
  fs.mkdirSync(settingsDir, { recursive: true });
  fs.writeFileSync(path.join(settingsDir, 'settings.json'), JSON.stringify({ ...values, 'editor.tabSize': marker }));
  try {
    await waitUntil(() => tabSize() === marker, 'VS Code to read the workspace settings');
    return await action();
  } finally {
    fs.rmSync(settingsDir, { recursive: true, force: true });
  }
}

/** Runs `action` with prompts answered by `ui`. */
export async function withUi<T>(api: IntuneVppTestApi, ui: ScriptedUserInput, action: () => Thenable<T>): Promise<T> {
  const scripted = api.useUserInput(ui);
  try {
    const result = await action();
    ui.assertScriptFollowed();
    return result;
  } finally {
    scripted.dispose();
  }
}

/**
 * The suite's share of the one fixture: `got` receives it before the first test; before each test the tenant's
 * faults and recorded requests are cleared, and with `restoreSeed` the seed is put back after each (other suites
 * expect it).
 */
export function useSuiteFixture(got: (fixture: Fixture) => void, options: { readonly restoreSeed?: boolean } = {}): void {
  let current: Fixture | undefined;
  before(async () => {
    current = await useFixture();
    got(current);
  });
  beforeEach(() => {
    current?.tenant.clearFaults();
    current?.tenant.requests.splice(0);
  });
  if (options.restoreSeed) {
    afterEach(() => current?.tenant.restoreSeed());
  }
}

async function create(): Promise<Fixture> {
  const { keyPem, certPem } = ensureTestCertificates(CERT_DIR);
  // Intune's behaviour at the suites' pace (see SUITE_PACE): late results, slow syncs, latency, throttling.
  const tenant = await new SimulatedTenant({ key: keyPem, cert: certPem, ...SUITE_PACE }).start();
  await configure({
    cloud: 'custom',
    'customCloud.graphEndpoint': tenant.url,
    'customCloud.loginEndpoint': tenant.url,
    'auth.mode': 'clientCredentials',
    'auth.clientId': SIM_CLIENT_ID,
    'auth.tenantId': SIM_TENANT_ID,
    requestTimeoutSeconds: 5,
  });
  const extension = vscode.extensions.getExtension<IntuneVppTestApi>(EXTENSION_ID);
  if (!extension) {
    throw new Error(`${EXTENSION_ID} is not installed`);
  }
  const api = await extension.activate();
  if (!api) {
    throw new Error('The extension exported no test API: is it running in test mode?');
  }
  await withUi(api, new ScriptedUserInput([{ text: SIM_CLIENT_SECRET }]), () =>
    vscode.commands.executeCommand('intuneVpp.setClientSecret'),
  );
  return { api, tenant };
}

/** The simulated tenant and the activated extension configured for it, shared by every suite. */
export function useFixture(): Promise<Fixture> {
  fixture ??= create();
  return fixture;
}

/** A tree item's label as text (a label may be a string or a TreeItemLabel). */
export function labelOf(item: vscode.TreeItem | undefined): string {
  const label = item?.label;
  return typeof label === 'string' ? label : (label?.label ?? '');
}

/** A tree item's tooltip as text (a tooltip may be a string or Markdown). */
export function tooltipOf(item: vscode.TreeItem | undefined): string {
  const tooltip = item?.tooltip;
  return typeof tooltip === 'string' ? tooltip : (tooltip?.value ?? '');
}
