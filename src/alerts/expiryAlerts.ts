import * as l10n from '@vscode/l10n';
import { describeForLog } from '../errors';
import { VppTokenRecord } from '../graph/vppRecords';
import { Logger } from '../log';
import { dayOf, needsRenewal } from '../tree/expiry';
import { expiryPhrase, tokenLabel } from '../tree/tokenPresentation';
import { UserInput } from '../ui/userInput';

/** A token that needs renewal, with its tenant. */
export interface ExpiringToken {
  readonly tenantKey: string;
  readonly tenantLabel: string;
  readonly token: VppTokenRecord;
}

export interface ExpiryAlertsDeps {
  /**
   * Every configured tenant: its key, its name and a listing of its tokens (which signs in silently or fails); the
   * view's listing, so that the view opened meanwhile joins it rather than listing again.
   */
  readonly tenants: () => readonly { readonly key: string; readonly label: string; listTokens(): Promise<readonly VppTokenRecord[]> }[];
  readonly ui: UserInput;
  readonly log: Logger;
  readonly now: () => number;
  readonly warningDays: () => number;
  /** Which token was alerted on which day, kept across sessions (VS Code's global state). */
  readonly alerted: { get(): Record<string, string>; set(value: Record<string, string>): Thenable<void> | Promise<void> };
  /** Shows how many tokens need attention (0 hides it). */
  readonly showCount: (tokens: readonly ExpiringToken[]) => void;
  readonly renew: (token: ExpiringToken) => Thenable<unknown>;
  readonly reveal: () => Thenable<unknown>;
}

/** When a token expires, in ms since the epoch; one without a date sorts last. */
function expiryTime(token: VppTokenRecord): number {
  const time = Date.parse(token.expirationDateTime ?? '');
  return Number.isNaN(time) ? Infinity : time;
}

/** A tenant's tokens listed less than this long ago are not listed again for a check. */
const FRESH_MS = 3600 * 1000;

/**
 * Expiry alerts across every tenant: tokens that expired or expire within `intuneVpp.expiryWarningDays` raise one
 * notification (Renew Token… and Show) and count in the status bar. Each listing of the view feeds them
 * (`tokensListed`), so signing in alerts without a second listing; `check` lists the tenants not listed in the
 * last hour (at start-up with the view closed, and once a day). A token is alerted at most once per day; a tenant
 * that cannot be read (signed out, say) is skipped quietly.
 */
export class ExpiryAlerts {
  private running: Promise<void> | undefined;
  /** Each tenant's tokens as last listed, by tenant key. */
  private readonly listed = new Map<string, { readonly tokens: readonly VppTokenRecord[]; readonly at: number }>();

  constructor(private readonly deps: ExpiryAlertsDeps) {}

  /** Lists the tenants not listed lately, then alerts; a check already running is joined, not repeated. */
  check(): Promise<void> {
    this.running ??= this.checkTenants().finally(() => (this.running = undefined));
    return this.running;
  }

  /** A listing made elsewhere (the view's): remembered, then alerted on. */
  tokensListed(tenantKey: string, tokens: readonly VppTokenRecord[]): Promise<void> {
    this.listed.set(tenantKey, { tokens, at: this.deps.now() });
    return this.alert();
  }

  private async checkTenants(): Promise<void> {
    const { deps } = this;
    for (const tenant of deps.tenants()) {
      const last = this.listed.get(tenant.key);
      if (last && deps.now() - last.at < FRESH_MS) {
        continue;
      }
      try {
        this.listed.set(tenant.key, { tokens: await tenant.listTokens(), at: deps.now() });
      } catch (error) {
        deps.log.info(`Expiry check: tenant ${tenant.label} not read: ${describeForLog(error)}`);
      }
    }
    await this.alert();
  }

  /** Counts the tokens that need renewal, and notifies about those not alerted today. */
  private async alert(): Promise<void> {
    const { deps } = this;
    const now = deps.now();
    const warningDays = deps.warningDays();
    const expiring: ExpiringToken[] = deps
      .tenants()
      .flatMap((tenant) =>
        (this.listed.get(tenant.key)?.tokens ?? [])
          .filter((token) => needsRenewal(token, now, warningDays))
          .map((token) => ({ tenantKey: tenant.key, tenantLabel: tenant.label, token })),
      )
      // The most urgent first, whatever order the tenants listed them in.
      .sort((a, b) => expiryTime(a.token) - expiryTime(b.token));
    deps.showCount(expiring);
    const today = dayOf(now);
    const key = (entry: ExpiringToken) => `${entry.tenantKey}/${entry.token.id}`;
    const previously = deps.alerted.get();
    const fresh = expiring.filter((entry) => previously[key(entry)] !== today);
    if (fresh.length === 0) {
      return;
    }
    // Only today's entries are kept: the record never grows past one day's tokens.
    await deps.alerted.set({
      ...Object.fromEntries(Object.entries(previously).filter(([, day]) => day === today)),
      ...Object.fromEntries(fresh.map((entry) => [key(entry), today])),
    });
    this.notify(fresh, deps.tenants().length > 1, now).catch((error: unknown) =>
      deps.log.error(`Expiry alert failed: ${describeForLog(error)}`),
    );
  }

  private async notify(fresh: readonly ExpiringToken[], withTenant: boolean, now: number): Promise<void> {
    const { deps } = this;
    const name = (entry: ExpiringToken) =>
      withTenant ? l10n.t('{0} ({1})', tokenLabel(entry.token), entry.tenantLabel) : tokenLabel(entry.token);
    const describe = (entry: ExpiringToken) => `${name(entry)}: ${expiryPhrase(entry.token.expirationDateTime, now)}`;
    const shown = fresh.slice(0, 3).map(describe).join('; ');
    const message =
      fresh.length === 1
        ? l10n.t('A VPP token needs renewal: {0}.', shown)
        : l10n.t(
            '{0} VPP tokens need renewal: {1}{2}.',
            fresh.length,
            shown,
            fresh.length > 3 ? l10n.t(' and {0} more', fresh.length - 3) : '',
          );
    const renewLabel = l10n.t('Renew Token…');
    const showLabel = l10n.t('Show');
    const choice = await deps.ui.warning(message, [renewLabel, showLabel]);
    if (choice === showLabel) {
      await deps.reveal();
    } else if (choice === renewLabel) {
      const entry =
        fresh.length === 1
          ? fresh[0]
          : await deps.ui.pickOne(
              fresh.map((candidate) => ({
                label: name(candidate),
                description: expiryPhrase(candidate.token.expirationDateTime, now),
                value: candidate,
              })),
              { title: l10n.t('Renew Token: choose a VPP token'), placeHolder: l10n.t('Type a name to filter') },
            );
      if (entry) {
        await deps.renew(entry);
      }
    }
  }
}
