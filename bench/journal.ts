// The journal's figures: what recording every write costs a bulk run, and how long History takes to open.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { filterHistory, groupByDay, HISTORY_PAGE } from '../src/journal/history';
import { JournalSink, TenantJournal } from '../src/journal/journal';
import { entriesOf } from '../src/journal/journalEntries';
import { JournalFile } from '../src/journal/journalFile';
import { JournalRecord } from '../src/journal/journalRecords';
import { BenchReport } from './figures';

const SESSION = { id: 'bench', pid: process.pid, host: os.hostname() };
const TENANT = () => ({ key: 'bench', id: 'bench.example', label: 'Bench', cloud: 'global' });
/** Entries History must open with (issue: 10,000), and the time it may take on a 2-core CI machine. */
const HISTORY_ENTRIES = 10_000;
const HISTORY_BUDGET_MS = 1500;

/**
 * The journal file in a temporary folder, with the time its appends take summed. The appends are timed one after
 * another, as the journal runs them (its queue): the sum is the time the journal was busy, not overlapping waits.
 */
export class TimedJournal implements JournalSink {
  spentMs = 0;
  records = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private constructor(
    readonly directory: string,
    private readonly file: JournalFile,
  ) {}

  static async open(): Promise<TimedJournal> {
    const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'vpp-bench-journal-'));
    return new TimedJournal(directory, new JournalFile(directory, { retentionDays: () => 365, onUnwritable: () => undefined }));
  }

  append(record: JournalRecord): Promise<boolean> {
    const appended = this.queue.then(async () => {
      const started = performance.now();
      const kept = await this.file.append(record);
      this.spentMs += performance.now() - started;
      this.records++;
      return kept;
    });
    this.queue = appended;
    return appended;
  }

  close(): Promise<void> {
    return fs.rm(this.directory, { recursive: true, force: true });
  }
}

/** A tenant's journal over `sink`, as the product builds one. */
export function forTenant(sink: JournalSink): TenantJournal {
  return new TenantJournal(sink, SESSION, TENANT, async () => 'bench@contoso.example');
}

/** Opening History on a journal of 10,000 writes: reading the files, folding the records, the first page by day. */
export async function historyJournalFigure(report: BenchReport): Promise<boolean> {
  const journal = await TimedJournal.open();
  const lines: string[] = [];
  const start = Date.now() - 300 * 24 * 3600 * 1000;
  for (let index = 0; index < HISTORY_ENTRIES; index++) {
    const at = new Date(start + index * 2500_000).toISOString();
    const write = `write-${index}`;
    const id = `token-${index % 300}`;
    lines.push(
      JSON.stringify({
        v: 1,
        type: 'intent',
        write,
        at,
        session: SESSION,
        tenant: TENANT(),
        actor: 'admin@contoso.example',
        operation: 'revokeLicenses',
        target: { tokenId: id, tokenName: `Token ${index % 300}` },
        details: { notifyManagedDevices: true, revokeUntrackedLicenses: false },
        request: {
          method: 'POST',
          path: `/deviceAppManagement/vppTokens/${id}/revokeLicenses`,
          body: { notifyManagedDevices: true, revokeUntrackedLicenses: false },
        },
        evidence: { actions: ['revokeLicenses|2026-01-01T00:00:00Z'] },
      }),
      JSON.stringify({
        v: 1,
        type: 'attempt',
        write,
        at,
        result: 'accepted',
        status: 204,
        requestId: `r-${index}`,
        clientRequestId: `c-${index}`,
      }),
      JSON.stringify({ v: 1, type: 'outcome', write, at, outcome: 'accepted', result: 'done · 13 licenses, 0 failed' }),
    );
  }
  await fs.writeFile(path.join(journal.directory, 'writes.jsonl'), `${lines.join('\n')}\n`);
  const file = new JournalFile(journal.directory, { retentionDays: () => 365, onUnwritable: () => undefined });
  const times: number[] = [];
  let shown: string[] = [];
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    const { entries } = entriesOf((await file.read()).records);
    const page = filterHistory(entries, undefined).slice(0, HISTORY_PAGE);
    shown = groupByDay(page).flatMap((day) => day.entries.map((entry) => entry.intent.write));
    times.push(performance.now() - started);
  }
  await journal.close();
  const median = [...times].sort((a, b) => a - b)[1];
  const timed = report.target(`History: open on ${HISTORY_ENTRIES} writes (median of 3)`, median, 'ms', HISTORY_BUDGET_MS, 1, {
    floorIs: `a budget of ${HISTORY_BUDGET_MS} ms`,
    bytes: lines.join('\n').length,
    shownFirst: shown.length,
  });
  // What the timing opened must be History's first page: the newest writes, newest first, one page of them.
  const newest = Array.from({ length: HISTORY_PAGE }, (_, index) => `write-${HISTORY_ENTRIES - 1 - index}`);
  const rows = report.check(
    `History: the first page shows the ${HISTORY_PAGE} newest of ${HISTORY_ENTRIES} writes, newest first`,
    shown.join() === newest.join(),
    {
      shownFirst: shown.length,
    },
  );
  return timed && rows;
}
