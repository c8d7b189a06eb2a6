import * as vscode from 'vscode';
import * as l10n from '@vscode/l10n';
import { UserInput } from '../ui/userInput';
import { additionalEntries, TenantEntry, tenantDefinitions, withoutTenant } from '../config/tenants';
import { clearPrimaryTenant, readUserSettings, writeAdditionalTenants } from '../config/vscodeSettings';
import { TenantConnection } from './tenantConnection';

/**
 * The tenants the view shows, one TenantConnection each, read from user settings. Rebuilt when settings change;
 * announces that (with no tenant) or a change of one tenant's sign-in state (with it).
 */
export class TenantRegistry implements vscode.Disposable {
  private connections: TenantConnection[] | undefined;
  private connectionEvents: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<TenantConnection | undefined>();
  readonly onDidChange = this.changed.event;
  private readonly configurationEvents: vscode.Disposable;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
    private readonly ui: UserInput,
  ) {
    this.configurationEvents = vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('intuneVpp')) {
        this.reset();
        this.changed.fire(undefined);
      }
    });
  }

  /** Every tenant, in settings order; never empty (an unconfigured primary tenant stands alone). */
  list(): TenantConnection[] {
    this.connections ??= this.create();
    return this.connections;
  }

  get(key: string): TenantConnection | undefined {
    return this.list().find((connection) => connection.key === key);
  }

  /** Appends a tenant to `intuneVpp.additionalTenants`; the view follows through the settings change. */
  async add(entry: TenantEntry): Promise<void> {
    const { additionalTenants } = readUserSettings();
    await writeAdditionalTenants([...additionalEntries(additionalTenants), entry]);
    this.log.info(`Added tenant ${String(entry.label)} (${String(entry.cloud)}, ${String(entry.authMode)}).`);
  }

  /** Appends tenants to `intuneVpp.additionalTenants`, keeping what is there; the view follows once. */
  async addAll(entries: readonly TenantEntry[]): Promise<void> {
    const { additionalTenants } = readUserSettings();
    await writeAdditionalTenants([...additionalEntries(additionalTenants), ...entries]);
    this.log.info(`Added ${entries.length} tenants.`);
  }

  /** The other tenants that use the same shared app credential as `connection` (none when it keeps its own). */
  sharingWith(connection: TenantConnection): TenantConnection[] {
    const scope = connection.sharedCredentialScope();
    return scope ? this.list().filter((other) => other !== connection && other.sharedCredentialScope() === scope) : [];
  }

  /**
   * Removes a tenant from settings and deletes what this machine stored for it; its shared app credential only with
   * `deleteShared`.
   */
  async remove(connection: TenantConnection, deleteShared = false): Promise<void> {
    // forget() deletes every stored credential; the connection itself goes with the settings change below.
    await connection.forget(deleteShared && this.sharingWith(connection).length === 0);
    if (connection.definition.primary) {
      await clearPrimaryTenant();
    } else {
      const { raw, additionalTenants } = readUserSettings();
      await writeAdditionalTenants(withoutTenant(additionalTenants, connection.key, raw.requestTimeoutSeconds));
    }
    this.log.info(`Removed tenant ${connection.label}.`);
  }

  dispose(): void {
    this.reset();
    this.configurationEvents.dispose();
    this.changed.dispose();
  }

  private create(): TenantConnection[] {
    const { raw, additionalTenants, tenantLabel, ignoredWorkspaceSettings } = readUserSettings();
    if (ignoredWorkspaceSettings.length > 0) {
      this.log.warn(`Ignored workspace values of ${ignoredWorkspaceSettings.join(', ')}: these settings are read from user settings only.`);
    }
    const { definitions, duplicates } = tenantDefinitions(raw, additionalTenants, tenantLabel, l10n.t('Your organization'));
    if (duplicates.length > 0) {
      this.log.warn(`Ignored tenants that repeat an earlier one (same cloud, sign-in mode, app and tenant): ${duplicates.join(', ')}.`);
    }
    const adoptSharedSecrets = async () => {
      await Promise.all(connections.map((connection) => connection.adoptLegacySecrets()));
    };
    const connections: TenantConnection[] = definitions.map(
      (definition) => new TenantConnection(this.context, this.log, this.ui, definition, adoptSharedSecrets),
    );
    this.connectionEvents = connections.map((connection) => connection.onDidChange(() => this.changed.fire(connection)));
    return connections;
  }

  private reset(): void {
    vscode.Disposable.from(...this.connectionEvents, ...(this.connections ?? [])).dispose();
    this.connectionEvents = [];
    this.connections = undefined;
  }
}
