import * as l10n from '@vscode/l10n';
import { describeForLog } from '../../errors';
import { RevokeLicensesOptions, VppTokenRecord } from '../../graph/vppRecords';
import { Journal } from '../../journal/journal';
import { entriesOf, JournalEntry, Unfinished, unfinishedOf } from '../../journal/journalEntries';
import { JournalReading, logSkipped } from '../../journal/journalFile';
import { JournalSession, RunRecord } from '../../journal/journalRecords';
import { Logger } from '../../log';
import { plainText } from '../../text';
import { UserInput } from '../../ui/userInput';
import { listNames } from './bulkRun';
import { runBulkOperation } from './tokenOperation';
import { TenantContext } from '../context';
import { revokeOperation } from '../licenses/revokeLicenses';
import { CONSEQUENCES, optionLines } from '../licenses/revokeWording';
import { confirmWithAssignments, readRelicensing } from '../licenses/assignmentsFirst';
import { readLicenseImpact } from '../licenses/licenseImpact';
import { syncOperation } from '../licenses/syncLicenses';
import { tenantLines } from '../confirmations';
import { readingOf } from './writeKinds';
import { reconcile, WriteSpec } from './writePipeline';

export interface EarlierSessionServices {
  readonly ui: UserInput;
  readonly log: Logger;
  readonly journal: Journal;
  readonly read: () => Promise<JournalReading>;
  /** Whether the window that wrote a record still runs (this one, or another on this machine). */
  readonly isLive: (session: JournalSession) => boolean;
  /** The action context of a tenant still configured, by its key. */
  readonly contextFor: (tenantKey: string) => TenantContext | undefined;
  readonly showHistory: () => Promise<unknown>;
}

/**
 * At start-up: the writes an earlier session sent without learning their outcome (the window closed or crashed in
 * flight) are offered for checking in one notification, and each bulk run that was cut short offers to run again
 * for the tokens it never sent. Nothing is read or sent without the admin.
 */
export async function offerEarlierSession(services: EarlierSessionServices): Promise<void> {
  const reading = await services.read();
  logSkipped(services.log, reading);
  const unfinished: Unfinished = unfinishedOf(entriesOf(reading.records), services.isLive);
  // Offered side by side: an admin who leaves one notification open still sees the others.
  await Promise.all([
    ...(unfinished.writes.length > 0 ? [offerCheck(services, unfinished.writes)] : []),
    ...unfinished.runs.map((cut) => offerRunAgain(services, cut.run, cut.notSent)),
  ]);
}

async function offerCheck(services: EarlierSessionServices, writes: readonly JournalEntry[]): Promise<void> {
  const checkNow = l10n.t('Check Now');
  const showHistory = l10n.t('Show History');
  const message =
    writes.length === 1
      ? l10n.t(
          '1 write from an earlier session was not confirmed: the window closed before Intune answered. Check Now reads the tenant; nothing is sent.',
        )
      : l10n.t(
          '{0} writes from an earlier session were not confirmed: the window closed before Intune answered. Check Now reads the tenants; nothing is sent.',
          writes.length,
        );
  const choice = await services.ui.warning(message, [checkNow, showHistory]);
  if (choice === showHistory) {
    await services.showHistory();
  } else if (choice === checkNow) {
    await checkEarlierWrites(services, writes);
  }
}

/** What a check after a restart found for each write. */
interface Checked {
  received: number;
  notShown: number;
  unreadable: string[];
}

/** The write of an earlier session as the pipeline reconciles it: read only, never sent. */
function specOf(context: TenantContext, entry: JournalEntry): WriteSpec<unknown> {
  const { intent } = entry;
  return {
    operation: intent.operation,
    target: intent.target,
    details: intent.details,
    request: intent.request,
    logName: `${intent.operation} of ${plainText(intent.target.tokenId ?? intent.target.appId ?? intent.target.tokenName, 200)} (earlier session)`,
    before: () => Promise.resolve(intent.evidence),
    send: () => Promise.reject(new Error('A write of an earlier session is never sent again on its own.')),
    received: readingOf(context, intent.operation, intent.target, intent.details),
  };
}

/**
 * Reconciles each write by reading its tenant, exactly as for a lost answer, and records what it found: received,
 * or unconfirmed (the tenant does not show it). A tenant that cannot be read leaves its writes unfinished, to be
 * offered again.
 */
async function checkEarlierWrites(services: EarlierSessionServices, writes: readonly JournalEntry[]): Promise<void> {
  const checked: Checked = { received: 0, notShown: 0, unreadable: [] };
  const byTenant = new Map<string, JournalEntry[]>();
  for (const entry of writes) {
    byTenant.set(entry.intent.tenant.key, [...(byTenant.get(entry.intent.tenant.key) ?? []), entry]);
  }
  await services.ui.withProgress(
    l10n.t('Checking {0} writes from an earlier session…', writes.length),
    async (progress) => {
      for (const [key, entries] of byTenant) {
        const label = plainText(entries[0].intent.tenant.label, 80);
        const context = services.contextFor(key);
        if (!context) {
          checked.unreadable.push(l10n.t('{0} writes to "{1}": the tenant is no longer configured', entries.length, label));
          continue;
        }
        const specs = entries.map((entry) => ({
          spec: specOf(context, entry),
          sent: { write: entry.intent.write, reason: '', evidence: entry.intent.evidence, sentAt: Date.parse(entry.intent.at) },
        }));
        // One reading first: a tenant that cannot be read says nothing about the writes.
        try {
          await context.service().listTokens(progress.signal);
        } catch (error) {
          services.log.warn(`Could not read the tenant ${label} to check writes of an earlier session: ${describeForLog(error)}`);
          checked.unreadable.push(
            l10n.t('{0} writes to "{1}": {2}', entries.length, label, error instanceof Error ? error.message : String(error)),
          );
          continue;
        }
        const found = await reconcile(context, specs, progress.signal, { unwatched: true });
        checked.received += found.size;
        for (const [index, { sent }] of specs.entries()) {
          if (!found.has(index)) {
            checked.notShown++;
            await context.journal.outcome(sent.write, {
              outcome: 'unconfirmed',
              reason: l10n.t('checked after a restart: the tenant does not show it; it was not sent again'),
            });
          }
        }
      }
    },
    true,
  );
  const summary = l10n.t(
    'Writes from an earlier session: {0} reached Intune, {1} not shown by the tenant (not sent again), {2} could not be checked.',
    checked.received,
    checked.notShown,
    writes.length - checked.received - checked.notShown,
  );
  services.log.info(`${summary}${checked.unreadable.map((line) => `\n- ${line}`).join('')}`);
  const showHistory = l10n.t('Show History');
  const choice =
    checked.notShown + checked.unreadable.length === 0
      ? await services.ui.warning(summary, [showHistory])
      : await services.ui.error([summary, ...checked.unreadable].join(' '), [showHistory]);
  if (choice === showHistory) {
    await services.showHistory();
  }
}

function runName(run: RunRecord): string {
  return run.operation === 'revokeLicenses' ? l10n.t('revoke of licenses') : l10n.t('sync of licenses');
}

/**
 * A bulk run cut short: its tokens that got no request. Run Again reads the tenant's tokens, confirms with their
 * names, and sends only those; the run is then closed in the journal, so it is not offered again.
 */
/** The notification about a run cut short: Run Again for the tokens not sent, or Show History. */
async function askRunAgain(
  services: EarlierSessionServices,
  run: RunRecord,
  notSent: number,
): Promise<'runAgain' | 'showHistory' | undefined> {
  const runAgain =
    notSent === 1 ? l10n.t('Run Again for the 1 Token Not Sent…') : l10n.t('Run Again for the {0} Tokens Not Sent…', notSent);
  const showHistory = l10n.t('Show History');
  const choice = await services.ui.warning(
    l10n.t(
      'A {0} of {1} tokens in "{2}" was cut short when its window closed: {3} tokens were not sent.',
      runName(run),
      run.tokens.length,
      plainText(run.tenant.label, 80),
      notSent,
    ),
    [runAgain, showHistory],
  );
  return choice === runAgain ? 'runAgain' : choice === showHistory ? 'showHistory' : undefined;
}

/**
 * The confirmation of a run again, naming the tokens; `revokeOptions` for a revoke, undefined for a sync. A revoke's
 * names the apps and licenses it touches and the apps still assigned, with Change Assignments First…, as the first
 * run's did: the tenant may have changed since.
 */
async function confirmRunAgain(
  context: TenantContext,
  tokens: readonly VppTokenRecord[],
  gone: number,
  revokeOptions: RevokeLicensesOptions | undefined,
): Promise<boolean> {
  const facts = [
    ...tenantLines(context),
    listNames(tokens),
    ...(gone > 0 ? [l10n.t('{0} of the tokens not sent no longer exist in Intune.', gone)] : []),
  ];
  if (!revokeOptions) {
    return context.ui.confirm(
      l10n.t('Sync the licenses of the {0} VPP tokens the earlier run did not send?', tokens.length),
      facts.join('\n'),
      l10n.t('Sync Licenses'),
    );
  }
  const reading = await readLicenseImpact(context, tokens);
  const relicensing = await readRelicensing(context, reading.apps ?? []);
  return confirmWithAssignments(
    context,
    {
      message: l10n.t('Revoke the licenses of the {0} VPP tokens the earlier run did not send?', tokens.length),
      detail: [...facts, reading.line, '', ...optionLines(revokeOptions), '', CONSEQUENCES()].join('\n'),
      button: l10n.t('Revoke Licenses'),
      anyway: l10n.t('Revoke Anyway'),
    },
    relicensing,
    tokens,
  );
}

async function offerRunAgain(services: EarlierSessionServices, run: RunRecord, notSent: RunRecord['tokens']): Promise<void> {
  const close = () => services.journal.sink.append({ v: 1, type: 'runEnd', run: run.run, at: new Date().toISOString() });
  const context = services.contextFor(run.tenant.key);
  if (notSent.length === 0 || !context || (run.operation !== 'revokeLicenses' && run.operation !== 'syncLicenses')) {
    await close();
    return;
  }
  const choice = await askRunAgain(services, run, notSent.length);
  if (choice === 'showHistory') {
    await services.showHistory();
    return;
  }
  if (choice !== 'runAgain') {
    return;
  }
  const wanted = new Set(notSent.map((token) => token.id));
  const tokens: VppTokenRecord[] = (
    await context.ui.withProgress(l10n.t('Reading the VPP tokens…'), (progress) => context.service().listTokens(progress.signal))
  ).filter((token) => wanted.has(token.id));
  if (tokens.length === 0) {
    await close();
    await context.ui.info(
      l10n.t('None of the {0} tokens the earlier run did not send exist in Intune any more; nothing was sent.', notSent.length),
    );
    return;
  }
  const options = {
    notifyManagedDevices: run.details.notifyManagedDevices === true,
    revokeUntrackedLicenses: run.details.revokeUntrackedLicenses === true,
  };
  const revoke = run.operation === 'revokeLicenses';
  const confirmed = await confirmRunAgain(context, tokens, notSent.length - tokens.length, revoke ? options : undefined);
  await close();
  if (!confirmed) {
    return;
  }
  await (revoke
    ? runBulkOperation(context, revokeOperation(context), tokens, options)
    : runBulkOperation(context, syncOperation(context), tokens, undefined));
}
