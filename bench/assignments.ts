// The reads a revoke that sticks adds: the assignments of a token's 500 apps before its confirmation, against the
// floor JSON batching allows; and 300 pending revokes followed to their end inside Graph's read limits.
import { FollowThrough } from '../src/commands/writes/followThrough';
import { readAssignments } from '../src/graph/assignmentReads';
import { delay } from '../src/graph/delay';
import { MAX_BATCH_REQUESTS } from '../src/graph/vppRecords';
import { JournalEntry } from '../src/journal/journalEntries';
import { activeRevokeResult, generatedTokens, vppAppFields } from '../test/simulatedTenant/seed';
import { SimulatedTenant } from '../test/simulatedTenant/server';
import { GRAPH_VPP_LIMITS } from '../test/simulatedTenant/throttling';
import { silentLogger } from '../test/support/fakeAccount';
import { MemoryJournal, testJournal } from '../test/support/memoryJournal';
import { benchContext, benchService, silentUi } from './bulk';
import { BenchReport } from './figures';

const APPS = 500;
const PENDING = 300;

/** A token's 500 apps, every fifth assigned: its assignments read as a revoke's confirmation reads them. */
async function assignmentReads(report: BenchReport, tenant: SimulatedTenant): Promise<void> {
  const [token] = tenant.tokens.values();
  for (let index = 0; index < APPS; index++) {
    const id = `bench-app-${index}`;
    tenant.apps.push({
      id,
      '@odata.type': '#microsoft.graph.iosVppApp',
      ...vppAppFields('#microsoft.graph.iosVppApp', '2025-09-01T08:00:00Z'),
      displayName: `App ${index}`,
      bundleId: `com.example.app${index}`,
      vppTokenId: token.id,
      usedLicenseCount: 1,
      totalLicenseCount: 10,
    });
    tenant.assignments.set(id, index % 5 === 0 ? (tenant.assignments.get('app-9-0') ?? []) : []);
  }
  tenant.requests.length = 0;
  const ids = tenant.apps.filter((app) => app.vppTokenId === token.id).map((app) => app.id);
  const started = performance.now();
  const read = await readAssignments(benchService(tenant), ids, new AbortController().signal);
  const wallMs = performance.now() - started;
  const requests = tenant.requests.filter((request) => !request.headers['x-sim-batch']).length;
  const floor = Math.ceil(ids.length / MAX_BATCH_REQUESTS);
  report.target(`assignments of a token's ${ids.length} apps before its confirmation: requests sent`, requests, 'requests', floor, 1, {
    floorIs: `${ids.length} apps in JSON batches of ${MAX_BATCH_REQUESTS}`,
    wallMs: Math.round(wallMs),
    appsRead: [...read.values()].filter((app) => app.kind === 'read').length,
  });
  report.count(
    `assignments of a token's ${ids.length} apps: apps not read`,
    [...read.values()].filter((app) => app.kind !== 'read').length,
    0,
  );
}

/** 300 revokes left pending, followed from the journal until Apple finished them: reads only, no 429. */
async function followThroughOf300(report: BenchReport, tenant: SimulatedTenant): Promise<void> {
  const tokens = [...tenant.tokens.values()].slice(0, PENDING);
  const now = new Date().toISOString();
  const results = tokens.map((token) => {
    const result = activeRevokeResult(now);
    token.tokenActionResults = [result];
    return result;
  });
  const sink = new MemoryJournal();
  const journal = testJournal(sink);
  for (const token of tokens) {
    const write = await journal.intent({
      operation: 'revokeLicenses',
      target: { tokenId: token.id, tokenName: String(token.displayName) },
      details: { notifyManagedDevices: false, revokeUntrackedLicenses: false },
      request: { method: 'POST', path: `/deviceAppManagement/vppTokens/${token.id}/revokeLicenses` },
      evidence: { actions: [] },
    });
    await journal.outcome(write, { outcome: 'accepted', pending: true });
  }
  const context = benchContext(benchService(tenant), journal);
  const pendingEntries = sink.entries();
  const follower = new FollowThrough({
    contextFor: () => context,
    entries: async () => pendingEntries,
    isLive: () => false,
    showHistory: async () => undefined,
    offer: { revokeLicenses: async () => undefined, deleteToken: async () => undefined },
    ui: silentUi,
    log: silentLogger,
    now: () => Date.now(),
    wait: delay,
    // The back-off scaled from minutes to a second: the reads per window are what count here.
    delaysMs: [1000],
  });
  tenant.requests.length = 0;
  const started = performance.now();
  await follower.resume();
  // Apple finishes them all once each was read as still active.
  const read = () => new Set(tenant.requestsFor('get').map((request) => request.tokenId)).size;
  while (read() < tokens.length) {
    await delay(50);
  }
  for (const result of results) {
    Object.assign(result, { actionState: 'done', totalLicensesCount: 1 });
  }
  const finished = () => sink.entries().filter((entry: JournalEntry) => entry.outcome?.pending === false).length;
  while (finished() < tokens.length) {
    await delay(50);
  }
  const resultsRead = tenant.requestsFor('get').length;
  // Then Intune syncs every token at once: each revoke reads its token's apps (one listing shared) and their assignments.
  for (const token of tokens) {
    tenant.scheduledSync(token.id);
  }
  const afterSync = () => sink.entries().filter((entry: JournalEntry) => entry.outcome?.afterSync !== undefined).length;
  while (afterSync() < tokens.length) {
    await delay(50);
  }
  follower.dispose();
  const throttled = tenant.requests.filter((request) => request.status === 429).length;
  const writes = tenant.requests.filter((request) => request.method !== 'GET' && request.route !== 'batch').length;
  const listings = tenant.requestsFor('apps').filter((request) => !request.url.includes('skiptoken')).length;
  report.count(
    `follow-through of ${tokens.length} pending revokes, to their results and their tokens' syncs: 429s and writes`,
    throttled + writes,
    0,
    {
      resultReads: resultsRead,
      reads: tenant.requests.filter((request) => request.method === 'GET').length,
      appListings: listings,
      throttled429: throttled,
      writes,
      wallMs: Math.round(performance.now() - started),
      finished: finished(),
      readAfterSync: afterSync(),
    },
  );
  report.target(
    `follow-through of ${tokens.length} revokes: listings of the tenant's apps after ${tokens.length} syncs at once`,
    listings,
    'listings',
    1,
    10,
    {
      floorIs:
        'one listing for all; the read budget spreads the 300 token reads over about 20 s, and a listing waits one back-off step (1 s here) for the syncs seen meanwhile',
    },
  );
}

/** Each on a tenant of its own with Graph's documented read limits (1,000 requests per app per 20 s). */
export async function assignmentAndFollowThroughFigures(report: BenchReport, tls: { key: string; cert: string }): Promise<void> {
  for (const measure of [assignmentReads, followThroughOf300]) {
    const tenant = await new SimulatedTenant({
      ...tls,
      tokens: generatedTokens(PENDING),
      throttleLimits: GRAPH_VPP_LIMITS,
      latencyMs: 50,
      latencyJitterMs: 0,
      resultDelayMs: 0,
      clockOffsetMs: 0,
    }).start();
    try {
      await measure(report, tenant);
    } finally {
      await tenant.stop();
    }
  }
}
