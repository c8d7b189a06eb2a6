import * as l10n from '@vscode/l10n';
import { ActionResult } from '../graph/actionResults';
import { appsOf, groupByTokenId, licenseTotals } from '../graph/licenses';
import { appsOfTokens } from '../commands/licenses/licenseImpact';
import { VppAppRecord, VppEBookRecord, VppTokenRecord } from '../graph/vppRecords';
import { TOOLS } from '../ids';
import { tokenLabel } from '../tree/tokenPresentation';
import { ChatTool, ChatToolDeps, failureText, inputObject, oneTenant, optionalText, requiredText, settle, Settled } from './chatTool';
import { expiryCell, lastSyncCell } from './listTokensTool';
import { actionOutcome, bare, BoundedText, countCell, DATA_NOTICE, day, quoted } from './toolText';

const MAX_ACTIONS = 10;

function readInput(raw: unknown): { tenant?: string; tokenId: string } {
  const input = inputObject(raw);
  return { tenant: optionalText(input, 'tenant'), tokenId: requiredText(input, 'tokenId') };
}

function yesNo(value: unknown): string {
  return value === true ? 'yes' : value === false ? 'no' : '-';
}

/** The token's own fields, every one but the secret `token` (which the service never reads). */
function tokenLines(token: VppTokenRecord, tenantLabel: string, now: number): string[] {
  return [
    `Token ${quoted(tokenLabel(token))} (id ${bare(token.id, 80)}) in tenant ${quoted(tenantLabel)}.`,
    `Organization: ${quoted(token.organizationName)}. Apple ID: ${quoted(token.appleId)}. Location: ${quoted(token.locationName)}. Country or region: ${bare(token.countryOrRegion, 10)}. Account type: ${bare(token.vppTokenAccountType)}.`,
    `State: ${bare(token.state)}. Expires: ${expiryCell(token, now)}. Last sync: ${lastSyncCell(token)}. Last modified: ${day(token.lastModifiedDateTime)}.`,
    `Automatic app updates: ${yesNo(token.automaticallyUpdateApps)}. Data sharing consent: ${yesNo(token.dataSharingConsentGranted)}.`,
  ];
}

/** `intuneVpp_tokenDetails`: one token's fields, its apps and eBooks with their licenses, and its recent actions. */
export function tokenDetailsTool(deps: ChatToolDeps): ChatTool {
  return {
    name: TOOLS.tokenDetails,
    prepare: (raw) => Promise.resolve({ invocationMessage: l10n.t('Reading the VPP token {0}', bare(readInput(raw).tokenId, 80)) }),
    invoke: async (raw, signal) => {
      const input = readInput(raw);
      const tenant = oneTenant(deps.tenants(), input.tenant);
      const service = tenant.service();
      const now = deps.now();
      // The token first: a wrong id ends here, with the service's own message.
      const token = await service.getToken(input.tokenId, signal);
      const [apps, books] = await Promise.all([
        settle(() => appsOfTokens(tenant, [token.id], signal)),
        settle(async () => appsOf(groupByTokenId(await service.listVppEBooks(signal)), [token.id])),
      ]);
      const out = new BoundedText();
      out.line(DATA_NOTICE);
      tokenLines(token, tenant.label, now).forEach((line) => out.line(line));
      appLines(out, apps);
      bookLines(out, books);
      actionLines(out, token);
      return out.toString();
    },
  };
}

/** The token's action results, newest first. */
function recentActions(token: VppTokenRecord): ActionResult[] {
  const started = (action: ActionResult) => Date.parse(action.startDateTime ?? '') || 0;
  return [...((token.tokenActionResults ?? []) as ActionResult[])].sort((a, b) => started(b) - started(a));
}

const NARROW = 'Ask intuneVpp_findAppLicenses about one app.';

/** The token's apps as a table, with their licenses, or why they were not read. */
function appLines(out: BoundedText, apps: Settled<VppAppRecord[]>): void {
  if (!('value' in apps)) {
    out.line(`Apps: not read, ${failureText(apps.error)}.`);
    return;
  }
  const totals = licenseTotals(apps.value);
  out.line(`Apps bought with this token: ${totals.apps}; licenses used ${totals.used} of ${totals.total}.`);
  out.table(
    ['app', 'bundle id', 'platform', 'used', 'total'],
    apps.value.map((app) => [
      quoted(app.displayName),
      quoted(app.bundleId),
      bare(app.platform),
      countCell(app.usedLicenseCount),
      countCell(app.totalLicenseCount),
    ]),
    NARROW,
  );
}

/** The token's eBooks as a table, or why they were not read. */
function bookLines(out: BoundedText, books: Settled<VppEBookRecord[]>): void {
  if (!('value' in books)) {
    out.line(`eBooks: not read, ${failureText(books.error)}.`);
    return;
  }
  const totals = licenseTotals(books.value);
  out.line(`eBooks bought with this token: ${totals.apps}; licenses used ${totals.used} of ${totals.total}.`);
  out.table(
    ['eBook', 'used', 'total'],
    books.value.map((book) => [quoted(book.displayName), countCell(book.usedLicenseCount), countCell(book.totalLicenseCount)]),
    NARROW,
  );
}

/** The token's recent actions, newest first. */
function actionLines(out: BoundedText, token: VppTokenRecord): void {
  const actions = recentActions(token);
  out.line(actions.length > 0 ? `Recent actions, newest first:` : 'Recent actions: none reported.');
  if (actions.length > 0) {
    out.table(
      ['action', 'started', 'last updated', 'outcome'],
      actions.map((action) => [
        quoted(action.actionName, 60),
        day(action.startDateTime),
        day(action.lastUpdatedDateTime),
        actionOutcome(action),
      ]),
      'Older actions are not shown.',
      MAX_ACTIONS,
    );
  }
}
