import { AttemptRecord, IntentRecord, JournalRecord, JournalSession, OutcomeRecord, RunEndRecord, RunRecord } from './journalRecords';

/** One write as the journal knows it: its intent, each send, and its latest outcome. */
export interface JournalEntry {
  readonly intent: IntentRecord;
  readonly attempts: AttemptRecord[];
  outcome?: OutcomeRecord;
}

/** A bulk run, with the tokens that got an intent (were sent, or about to be). */
export interface JournalRun {
  readonly run: RunRecord;
  end?: RunEndRecord;
  readonly started: Set<string>;
}

export interface JournalEntries {
  /** Oldest first. */
  readonly entries: JournalEntry[];
  readonly runs: Map<string, JournalRun>;
}

/**
 * Folds the records into entries. Records of a write whose intent is gone (past retention, or torn) are dropped.
 * Intents and runs are taken first, so that the order of records within one time does not matter.
 */
export function entriesOf(records: readonly JournalRecord[]): JournalEntries {
  const byWrite = new Map<string, JournalEntry>();
  const runs = new Map<string, JournalRun>();
  const rank = (record: JournalRecord) => (record.type === 'run' ? 0 : record.type === 'intent' ? 1 : 2);
  const ordered = [0, 1, 2].flatMap((step) => records.filter((record) => rank(record) === step));
  for (const record of ordered) {
    switch (record.type) {
      case 'intent':
        if (!byWrite.has(record.write)) {
          byWrite.set(record.write, { intent: record, attempts: [] });
        }
        if (record.run && record.target.tokenId) {
          runs.get(record.run)?.started.add(record.target.tokenId);
        }
        break;
      case 'attempt':
        byWrite.get(record.write)?.attempts.push(record);
        break;
      case 'outcome': {
        const entry = byWrite.get(record.write);
        if (entry) {
          entry.outcome = record;
        }
        break;
      }
      case 'run':
        if (!runs.has(record.run)) {
          runs.set(record.run, { run: record, started: new Set() });
        }
        break;
      case 'runEnd': {
        const run = runs.get(record.run);
        if (run) {
          run.end = record;
        }
        break;
      }
    }
  }
  const entries = [...byWrite.values()].sort((a, b) => Date.parse(a.intent.at) - Date.parse(b.intent.at));
  return { entries, runs };
}

/** What an earlier session left unfinished: writes sent without an outcome, and bulk runs cut short. */
export interface Unfinished {
  readonly writes: JournalEntry[];
  readonly runs: { readonly run: RunRecord; readonly notSent: RunRecord['tokens'] }[];
}

/**
 * The writes whose intent has no outcome, and the bulk runs with no end, from sessions that are not running: a
 * window still open (this one, or another on this machine) may yet record them.
 */
export function unfinishedOf({ entries, runs }: JournalEntries, isLive: (session: JournalSession) => boolean): Unfinished {
  return {
    writes: entries.filter((entry) => !entry.outcome && !isLive(entry.intent.session)),
    runs: [...runs.values()]
      .filter((run) => !run.end && !isLive(run.run.session))
      .map(({ run, started }) => ({ run, notSent: run.tokens.filter((token) => !started.has(token.id)) })),
  };
}

/** Whether a session's window still runs: this window, or a process of the same id on this machine. */
export function liveSession(current: JournalSession, isRunning: (pid: number) => boolean): (session: JournalSession) => boolean {
  return (session) => session.id === current.id || (session.host === current.host && session.pid !== current.pid && isRunning(session.pid));
}
