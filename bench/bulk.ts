// One bulk revoke against the simulated tenant, by the extension (through the product's bulk runner, write pipeline
// and throttle) or by the official Graph SDK, and what the tenant's own record says of it.
import { Client } from '@microsoft/microsoft-graph-client';
import { BulkCounts, runBulkWithReport } from '../src/commands/writes/bulkRun';
import { revokeBulk } from '../src/commands/licenses/revokeLicenses';
import { createVppTokenService } from '../src/graph/createService';
import { VppTokenService } from '../src/graph/vppTokenService';
import { VppTokenRecord } from '../src/graph/vppRecords';
import { WriteThrottle } from '../src/graph/writeThrottle';
import { JournalSink, WriteJournal } from '../src/journal/journal';
import { Ports } from '../src/ui/userInput';
import { actionContext, TenantContext } from '../src/commands/context';
import { fakeAccount, silentLogger } from '../test/support/fakeAccount';
import { RecordingStore } from '../test/support/recordingStore';
import { tenantSettings } from '../test/support/fixtures';
import { SimulatedTenant } from '../test/simulatedTenant/server';
import { forTenant } from './journal';

/** What the tenant recorded of a bulk revoke, and (for the extension) what it reported. */
export interface BulkFigures {
  readonly wallMs: number;
  readonly posts: number;
  /** 429s the tenant answered. */
  readonly throttled: number;
  /** Tokens of the selection whose revoke Intune never carried out. */
  readonly failures: number;
  /** Revokes Intune carried out more than once for the same token. */
  readonly duplicateExecutions: number;
  /** JSON batches and reads alone that reached the tenant. */
  readonly batches: number;
  readonly loneReads: number;
  /** When each revoke was carried out, in ms from the start. */
  readonly writeTimes: readonly number[];
  /** The extension's own counts, as its report gave them. */
  readonly reported?: BulkCounts;
}

export type Writer = 'extension' | 'sdkSequential' | 'sdkAllAtOnce';

/** Answers nothing: a bulk run after its confirmation asks nothing more until its report. */
export const silentUi: Ports = {
  pickOne: async () => undefined,
  pickMany: async () => [],
  confirm: async () => false,
  inputSecret: async () => undefined,
  inputText: async () => undefined,
  stepPick: async () => undefined,
  stepPickMany: async () => undefined,
  stepChoose: async () => undefined,
  inform: async () => undefined,
  stepText: async () => undefined,
  pickSaveLocation: async () => undefined,
  writeTextFile: async () => undefined,
  writeBytes: async () => undefined,
  copyText: async () => undefined,
  info: async () => undefined,
  error: async () => undefined,
  warning: async () => undefined,
  withProgress: (_title, task) => task({ report: () => undefined, signal: new AbortController().signal }),
  showReport: async () => undefined,
  showDeviceCode: () => undefined,
  pickPemFiles: async () => undefined,
  pickTextFile: async () => undefined,
};

/** The extension's bulk revoke of `tokens`, its throttle set to `assumedLimit` (the documented one, unless told). */
async function extensionRevokes(
  tenant: SimulatedTenant,
  tokens: readonly VppTokenRecord[],
  assumedLimit: { maxWrites: number; windowMs: number },
  journal: JournalSink,
): Promise<BulkCounts | undefined> {
  const context = benchContext(benchService(tenant, new WriteThrottle(assumedLimit)), forTenant(journal));
  const bulk = revokeBulk(context, { notifyManagedDevices: false, revokeUntrackedLicenses: false });
  let reported: BulkCounts | undefined;
  await runBulkWithReport(context, tokens, {
    ...bulk,
    summary: (counts) => {
      reported = counts;
      return bulk.summary(counts);
    },
  });
  return reported;
}

/** A tenant's context for the bench: its service and journal, a UI that answers nothing, no watch after a write. */
export function benchContext(service: VppTokenService, journal: WriteJournal): TenantContext {
  return {
    ...actionContext(silentUi, silentLogger),
    service: () => service,
    account: fakeAccount(),
    store: new RecordingStore(),
    now: () => Date.now(),
    journal,
    outcomePolling: { delaysMs: [] },
    licensePolling: { delaysMs: [] },
  };
}

/** The service of an admin signed in to the simulated tenant with one access token, logging nothing. */
export function benchService(tenant: SimulatedTenant, writeThrottle?: WriteThrottle): VppTokenService {
  const accessToken = tenant.issueAccessToken();
  return createVppTokenService(tenantSettings(tenant), {
    getAccessToken: async () => accessToken,
    log: silentLogger,
    acceptLanguage: 'en-US',
    writeThrottle,
  });
}

/** The same revokes with the official Graph SDK and its default middleware (retry on 429 with Retry-After, 3 times). */
async function sdkRevokes(tenant: SimulatedTenant, tokens: readonly VppTokenRecord[], allAtOnce: boolean): Promise<void> {
  const accessToken = tenant.issueAccessToken();
  const client = Client.initWithMiddleware({
    authProvider: { getAccessToken: async () => accessToken },
    baseUrl: tenant.url,
    defaultVersion: 'beta',
    // The SDK sends its token only to Graph's own hosts and those named here.
    customHosts: new Set([new URL(tenant.url).hostname]),
  });
  const revoke = (token: VppTokenRecord) =>
    client
      .api(`/deviceAppManagement/vppTokens/${token.id}/revokeLicenses`)
      .post({ notifyManagedDevices: false, revokeUntrackedLicenses: false })
      .catch(() => undefined);
  if (allAtOnce) {
    await Promise.all(tokens.map(revoke));
  } else {
    for (const token of tokens) {
      await revoke(token);
    }
  }
}

/** Runs one bulk revoke, and counts what the tenant's record shows of it. */
export async function bulkRevoke(
  tenant: SimulatedTenant,
  tokens: readonly VppTokenRecord[],
  writer: Writer,
  options: { readonly assumedLimit: { maxWrites: number; windowMs: number }; readonly journal?: JournalSink },
): Promise<BulkFigures> {
  tenant.requests.length = 0;
  tenant.executed.length = 0;
  const started = performance.now();
  const startedAt = Date.now();
  const reported =
    writer === 'extension'
      ? await extensionRevokes(tenant, tokens, options.assumedLimit, options.journal ?? { append: async () => true })
      : (await sdkRevokes(tenant, tokens, writer === 'sdkAllAtOnce'), undefined);
  const wallMs = performance.now() - started;
  const carriedOut = tenant.executed.filter((entry) => entry.route === 'revoke');
  const executions = new Map<string, number>();
  for (const write of carriedOut) {
    executions.set(write.tokenId ?? '', (executions.get(write.tokenId ?? '') ?? 0) + 1);
  }
  const selected = new Set(tokens.map((token) => token.id));
  return {
    wallMs,
    posts: tenant.requestsFor('revoke').length,
    throttled: tenant.requests.filter((request) => request.status === 429).length,
    failures: [...selected].filter((id) => !executions.has(id)).length,
    duplicateExecutions: [...executions.values()].reduce((sum, count) => sum + count - 1, 0),
    batches: tenant.requestsFor('batch').length,
    loneReads: tenant.requestsFor('get').filter((read) => !read.headers['x-sim-batch']).length,
    writeTimes: carriedOut.map((write) => write.time - startedAt),
    reported,
  };
}

/** Whether the extension's report says what the tenant's record shows: each token accepted was carried out, once. */
export function reportMatchesRecord(figures: BulkFigures, selected: number): boolean {
  const reported = figures.reported;
  const carriedOut = selected - figures.failures;
  return (
    reported !== undefined &&
    reported.total === selected &&
    reported.succeeded === carriedOut &&
    reported.failed + reported.unconfirmed + reported.notSent === figures.failures
  );
}

/** The least a bulk run can take: every window but the last waited out, then a read and a write. */
export function throttleCeiling(count: number, limit: { maxWrites: number; windowMs: number }, latencyMs: number): number {
  return (Math.ceil(count / limit.maxWrites) - 1) * limit.windowMs + 2 * latencyMs;
}
