// `npm run bench`: the performance record. Every figure is a target that can fail, or says plainly that it is a
// comparison; one JSON line per figure as it is measured, a table of them all at the end, and the bulk runs of 1,000
// tokens drawn in media/bench-bulk.svg. Exits 1 when a target fails.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { pemBlocks } from '../src/auth/clientCertificate';
import { VppTokenRecord } from '../src/graph/vppRecords';
import { ensureTestCertificates } from '../test/simulatedTenant/certificates';
import { generatedTokens } from '../test/simulatedTenant/seed';
import { GRAPH_VPP_LIMITS } from '../test/simulatedTenant/throttling';
import { SimulatedTenant } from '../test/simulatedTenant/server';
import { CERT_DIR, PROJECT_ROOT } from '../test/paths';
import { benchService, BulkFigures, bulkRevoke, reportMatchesRecord, throttleCeiling, Writer } from './bulk';
import { assignmentAndFollowThroughFigures } from './assignments';
import { writeBulkChart } from './chart';
import { BenchReport } from './figures';
import { timeToFirstRow } from './firstRow';
import { historyJournalFigure, TimedJournal } from './journal';
import { listManyTenants } from './manyTenants';

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50);
const TOKENS = 3000;
const PAGE_SIZE = 100;
/**
 * Intune's documented limit is 100 writes per 20 s; the window is scaled down (5 times by default) for speed. The
 * ratio is what counts, and it only improves with the real window: the per-window overhead stays the same.
 */
const WRITE_LIMIT = { maxWrites: 100, windowMs: Number(process.env.BENCH_WINDOW_MS ?? 4000) };
/**
 * The 300-token runs take Intune's window scaled by half: a run's fixed costs (the first reads, the last round trip,
 * each window's writes leaving one by one on this machine's one thread) are then measured against two whole windows.
 */
const LIMIT_OF_300 = { maxWrites: 100, windowMs: 10_000 };
/** A tenant whose real limit is lower than the documented one, which the extension still assumes. */
const LOWER_LIMIT = { maxWrites: 80, windowMs: WRITE_LIMIT.windowMs };
const BUNDLE_BUDGET = 400 * 1024;
/** The Overview webview's script: the charts, the table and the messages, no charting library. */
const WEBVIEW_BUDGET = 32 * 1024;
/** VS Code's measure of the extension's activation after start-up (its built-in Git takes about 70 ms here). */
const ACTIVATION_BUDGET_MS = 150;
const WRITERS: readonly { writer: Writer; name: string; colour: string }[] = [
  { writer: 'extension', name: 'this extension', colour: '#0066b8' },
  { writer: 'sdkSequential', name: 'Graph SDK, one after another', colour: '#c5a000' },
  { writer: 'sdkAllAtOnce', name: 'Graph SDK, all at once', colour: '#c72e0f' },
];

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function bulkExtra(figures: BulkFigures): Record<string, unknown> {
  return {
    posts: figures.posts,
    throttled429: figures.throttled,
    failures: figures.failures,
    duplicateExecutions: figures.duplicateExecutions,
    readBatches: figures.batches,
    readsAlone: figures.loneReads,
    ...(figures.reported ? { reported: figures.reported } : {}),
  };
}

/** Listing 3,000 tokens page by page, and what $select saves against a listing without it. */
async function listingFigures(report: BenchReport, tenant: SimulatedTenant): Promise<VppTokenRecord[]> {
  const accessToken = tenant.issueAccessToken();
  const service = benchService(tenant);
  // Three listings: the first also pays the TLS handshake and the JIT; the median is the steady state.
  const runs: number[] = [];
  let tokens: VppTokenRecord[] = [];
  tenant.bytesSent.clear();
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    tokens = await service.listTokens();
    runs.push(performance.now() - started);
  }
  const pages = Math.ceil(TOKENS / PAGE_SIZE);
  report.target(`list ${tokens.length} tokens: wall time (median of 3)`, median(runs), 'ms', pages * LATENCY_MS, 1.2, {
    floorIs: `${pages} pages x ${LATENCY_MS} ms`,
    firstRunMs: Math.round(runs[0]),
  });
  const selectedBytes = (tenant.bytesSent.get('list') ?? 0) / runs.length;
  let url: string | undefined = `${tenant.url}/beta/deviceAppManagement/vppTokens`;
  let naiveBytes = 0;
  while (url) {
    const text = await (await fetch(url, { headers: { authorization: `Bearer ${accessToken}` } })).text();
    naiveBytes += Buffer.byteLength(text);
    url = (JSON.parse(text) as { '@odata.nextLink'?: string })['@odata.nextLink'];
  }
  report.comparison(
    `list ${tokens.length} tokens: bytes received with $select, against a listing without`,
    selectedBytes,
    'bytes',
    {
      withoutSelectBytes: naiveBytes,
    },
    naiveBytes,
  );
  return tokens;
}

/** The bulk revoke of 300 tokens, 3 runs, each within 5% of the throttle ceiling; and what the journal adds. */
async function bulkOf300(report: BenchReport, tenant: SimulatedTenant, tokens: readonly VppTokenRecord[]): Promise<void> {
  const selection = tokens.slice(0, 300);
  const ceiling = throttleCeiling(selection.length, LIMIT_OF_300, LATENCY_MS);
  const pause = () => new Promise((resolve) => setTimeout(resolve, LIMIT_OF_300.windowMs + 100));
  tenant.writeLimit = LIMIT_OF_300;
  const withoutJournal = await bulkRevoke(tenant, selection, 'extension', { assumedLimit: LIMIT_OF_300 });
  for (let run = 1; run <= 3; run++) {
    await pause();
    const journal = await TimedJournal.open();
    const figures = await bulkRevoke(tenant, selection, 'extension', { assumedLimit: LIMIT_OF_300, journal });
    report.target(`bulk revoke of 300 tokens, run ${run} of 3: wall time`, figures.wallMs, 'ms', ceiling, 1.05, {
      floorIs: `the throttle ceiling, ${LIMIT_OF_300.maxWrites} writes per ${LIMIT_OF_300.windowMs} ms (Intune's 20 s window, scaled)`,
      ...bulkExtra(figures),
    });
    report.count(
      `bulk revoke of 300 tokens, run ${run} of 3: failures, duplicates and 429s`,
      figures.failures + figures.duplicateExecutions + figures.throttled,
      0,
    );
    if (run === 1) {
      report.target(
        'bulk revoke of 300 tokens: wall time with the journal on disk, against the same run without',
        figures.wallMs / withoutJournal.wallMs,
        'ratio',
        1,
        1.02,
        {
          floorIs: 'the same bulk revoke with a journal that keeps nothing',
          withJournalMs: Math.round(figures.wallMs),
          withoutJournalMs: Math.round(withoutJournal.wallMs),
          records: journal.records,
          appendsBusyMs: Math.round(journal.spentMs),
        },
      );
    }
    await journal.close();
  }
}

/** 1,000 tokens: the extension (targets) against both SDK peers (comparisons), each counted from the tenant's record. */
async function bulkOf1000(report: BenchReport, tenant: SimulatedTenant, limit: typeof WRITE_LIMIT, label: string): Promise<BulkFigures[]> {
  const tokens: VppTokenRecord[] = generatedTokens(1000);
  const ceiling = throttleCeiling(tokens.length, limit, LATENCY_MS);
  const all: BulkFigures[] = [];
  for (const { writer, name } of WRITERS) {
    tenant.reset(generatedTokens(1000));
    tenant.writeLimit = limit;
    const figures = await bulkRevoke(tenant, tokens, writer, { assumedLimit: WRITE_LIMIT });
    all.push(figures);
    const title = `${label}, ${name}: wall time`;
    const extra = {
      floorIs: `the throttle ceiling at the tenant's limit, ${limit.maxWrites} writes per ${limit.windowMs} ms`,
      ...bulkExtra(figures),
    };
    if (writer === 'extension') {
      report.target(title, figures.wallMs, 'ms', ceiling, limit === WRITE_LIMIT ? 1.05 : 1.15, extra);
      report.count(`${label}, ${name}: failures and duplicate executions`, figures.failures + figures.duplicateExecutions, 0);
      if (limit === WRITE_LIMIT) {
        report.count(`${label}, ${name}: 429s`, figures.throttled, 0);
      } else {
        report.comparison(`${label}, ${name}: 429s it adapted through`, figures.throttled, 'count');
      }
      report.check(`${label}, ${name}: its report matches the tenant's record`, reportMatchesRecord(figures, tokens.length), {
        reported: figures.reported,
      });
    } else {
      report.comparison(title, figures.wallMs, 'ms', extra, ceiling);
    }
    await new Promise((resolve) => setTimeout(resolve, limit.windowMs + 100));
  }
  return all;
}

/** 100 tenants of 30 tokens each, 8 at a time, through the product's token source and service. */
async function manyTenantsFigures(report: BenchReport, tls: { key: string; cert: string }): Promise<void> {
  const concurrency = 8;
  const many = await listManyTenants({ ...tls, tenants: 100, tokensEach: 30, latencyMs: LATENCY_MS, concurrency });
  const floor = Math.ceil(100 / concurrency) * many.requestsPerTenant * LATENCY_MS;
  report.target(`100 tenants x 30 tokens, ${concurrency} at a time: every tenant signed in and listed`, many.wallMs, 'ms', floor, 1.3, {
    floorIs: `ceil(100 / ${concurrency}) x ${many.requestsPerTenant} round trips (${many.signInRequestsPerTenant} of sign-in, the rest listing) x ${LATENCY_MS} ms`,
    tokens: many.tokens,
  });
  report.count(`100 tenants: the most listings at once (bound ${concurrency})`, many.mostAtOnce, concurrency);
  report.comparison('100 tenants: heap growth per 1,000 tokens kept', many.heapPerThousandTokens, 'bytes');
}

/** Parsing hostile input costs time in proportion to its size: a PEM text of 1 MB of BEGIN lines without END. */
function hostileInputFigures(report: BenchReport): void {
  const budgetMs = 100;
  const line = '-----BEGIN CERTIFICATE-----\nA\n';
  const hostile = line.repeat(Math.ceil((1024 * 1024) / line.length));
  const times = [0, 1, 2].map(() => {
    const started = performance.now();
    pemBlocks(hostile);
    return performance.now() - started;
  });
  report.target('PEM parsing: 1 MB of BEGIN lines without END (median of 3)', median(times), 'ms', budgetMs, 1, {
    floorIs: `a budget of ${budgetMs} ms; the backtracking regex it replaced took 0.8 s on 400 KB`,
  });
}

function sizeFigures(report: BenchReport): void {
  const bundle = path.join(PROJECT_ROOT, 'dist', 'extension.js');
  const source = fs.readFileSync(bundle, 'utf8');
  const msalInBundle = source.includes('msal-node/') || source.includes('acquireTokenByClientCredential(e){');
  report.target('bundle size: dist/extension.js', fs.statSync(bundle).size, 'bytes', BUNDLE_BUDGET, 1, { floorIs: '400 KB budget' });
  report.check('bundle: msal-node stays out of dist/extension.js (loaded only for device code and app-only sign-in)', !msalInBundle);
  const webview = path.join(PROJECT_ROOT, 'dist', 'overview.js');
  report.target(
    'bundle size: dist/overview.js (the Overview webview, loaded only when it opens)',
    fs.statSync(webview).size,
    'bytes',
    WEBVIEW_BUDGET,
    1,
    {
      floorIs: '32 KB budget',
      gzipBytes: gzipSync(fs.readFileSync(webview)).length,
    },
  );
  report.check('bundle: the Overview webview is not in dist/extension.js', !source.includes('acquireVsCodeApi'));
  const vsix = path.join(PROJECT_ROOT, 'intune-vpp-tokens.vsix');
  report.target('package size: VSIX', fs.statSync(vsix).size, 'bytes', BUNDLE_BUDGET, 1, { floorIs: '400 KB budget' });
}

async function firstRowFigures(report: BenchReport): Promise<void> {
  const { runsMs, activationsMs, startupActivation, requestsBeforeRow } = await timeToFirstRow(LATENCY_MS, 5);
  const floor = 2 * LATENCY_MS;
  report.target('time to first row in a real VS Code: open the view, first token drawn (median of 5)', median(runsMs), 'ms', floor, 6, {
    floorIs: `a sign-in round trip and one page, 2 x ${LATENCY_MS} ms (the start-up check had signed in: the view sent ${requestsBeforeRow} request)`,
    runsMs: runsMs.map(Math.round),
    rangeMs: [Math.round(Math.min(...runsMs)), Math.round(Math.max(...runsMs))],
  });
  report.check("activation: after start-up finished (onStartupFinished), never one of VS Code's start-up activations", !startupActivation);
  report.target(
    'activation as VS Code measures it: loading dist/extension.js and running activate (median of 5)',
    median(activationsMs),
    'ms',
    ACTIVATION_BUDGET_MS,
    1,
    {
      floorIs: `a ${ACTIVATION_BUDGET_MS} ms budget; VS Code's built-in Git takes about 70 ms here`,
      runsMs: activationsMs,
    },
  );
}

async function main(): Promise<boolean> {
  const { keyPem, certPem } = ensureTestCertificates(CERT_DIR);
  const report = new BenchReport();
  const tenant = await new SimulatedTenant({
    key: keyPem,
    cert: certPem,
    pageSize: PAGE_SIZE,
    latencyMs: LATENCY_MS,
    tokens: generatedTokens(TOKENS),
    writeLimit: WRITE_LIMIT,
    // Graph's limits, scaled in time as the write limit is: the same counts in the bench's shorter window.
    throttleLimits: { ...GRAPH_VPP_LIMITS, windowMs: WRITE_LIMIT.windowMs },
    // A fixed round trip and results at once, so that runs compare: the bench measures throughput, not Intune's pace.
    latencyJitterMs: 0,
    resultDelayMs: 0,
    clockOffsetMs: 0,
    revokeCompletionMs: 10,
    syncCompletionMs: 10,
  }).start();
  try {
    const tokens = await listingFigures(report, tenant);
    await bulkOf300(report, tenant, tokens);
    const documented = await bulkOf1000(report, tenant, WRITE_LIMIT, '1,000 tokens');
    writeBulkChart(
      path.join(PROJECT_ROOT, 'media', 'bench-bulk.svg'),
      WRITERS.map(({ name, colour }, index) => ({ name, colour, times: documented[index].writeTimes })),
      WRITE_LIMIT,
      1000,
    );
    await bulkOf1000(
      report,
      tenant,
      LOWER_LIMIT,
      `1,000 tokens, the tenant's limit ${LOWER_LIMIT.maxWrites} instead of ${WRITE_LIMIT.maxWrites}`,
    );
  } finally {
    await tenant.stop();
  }
  await manyTenantsFigures(report, { key: keyPem, cert: certPem });
  await assignmentAndFollowThroughFigures(report, { key: keyPem, cert: certPem });
  await historyJournalFigure(report);
  hostileInputFigures(report);
  sizeFigures(report);
  await firstRowFigures(report);
  console.log(`\n${report.table()}\n\n${report.passed ? 'Every target met.' : 'A target was missed (✗ above).'}`);
  return report.passed;
}

// NODE_EXTRA_CA_CERTS is read only at start: run again with the simulated tenant's CA trusted.
const caFile = ensureTestCertificates(CERT_DIR).caFile;
if (process.env.NODE_EXTRA_CA_CERTS !== caFile) {
  // --expose-gc: the memory figure is measured between two collections.
  const child = spawnSync(process.execPath, ['--expose-gc', __filename], {
    stdio: 'inherit',
    env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile },
  });
  process.exit(child.status ?? 1);
} else {
  main().then(
    (ok) => process.exit(ok ? 0 : 1),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
