import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { AttemptRecord, IntentRecord, JournalRecord, JournalSession, JournalTenant, OutcomeRecord, RunRecord } from './journalRecords';

/** Where records go: the journal file, or a test's memory. False when the record could not be kept. */
export interface JournalSink {
  append(record: JournalRecord): Promise<boolean>;
}

type Fields<T> = Omit<T, 'v' | 'type' | 'at' | 'write' | 'run' | 'session' | 'tenant' | 'actor'>;

/** What the pipeline tells the journal about one tenant's writes. Never throws: a write goes on without its record. */
export interface WriteJournal {
  /** Records a write before it is sent; returns its id. */
  intent(write: Fields<IntentRecord>, run?: string): Promise<string>;
  attempt(write: string, attempt: Fields<AttemptRecord>): Promise<void>;
  /** Records how the write ended; the record written. */
  outcome(write: string, outcome: Fields<OutcomeRecord>): Promise<OutcomeRecord>;
  /** Records a bulk run's tokens before the first is sent; returns the run's id. */
  run(run: Fields<RunRecord>): Promise<string>;
  runEnd(run: string): Promise<void>;
}

/** The journal of this window: where records go, and the session that stamps them. */
export interface Journal {
  readonly sink: JournalSink;
  readonly session: JournalSession;
}

/** This window: records it writes are told apart from an earlier session's, and from another live window's. */
export function newSession(): JournalSession {
  return { id: randomUUID(), pid: process.pid, host: hostname() };
}

/** The journal of one tenant's writes, stamped with the time, this window, the tenant and who acts. */
export class TenantJournal implements WriteJournal {
  constructor(
    private readonly sink: JournalSink,
    private readonly session: JournalSession,
    /** Read when a record is written: a tenant's settings may change while the extension runs. */
    private readonly tenant: () => JournalTenant,
    /** The signed-in account's user name, or the app's client id. */
    private readonly actor: () => Promise<string>,
    private readonly now: () => number = Date.now,
  ) {}

  private at(): string {
    return new Date(this.now()).toISOString();
  }

  /** Who acts, asked once for this journal (one command's writes, a bulk run's hundreds among them). */
  private whoAsked: Promise<string> | undefined;

  private who(): Promise<string> {
    this.whoAsked ??= this.actor().catch(() => '-');
    return this.whoAsked;
  }

  async intent(fields: Fields<IntentRecord>, run?: string): Promise<string> {
    const write = randomUUID();
    const record: IntentRecord = {
      v: 1,
      type: 'intent',
      write,
      at: this.at(),
      session: this.session,
      ...(run ? { run } : {}),
      tenant: this.tenant(),
      actor: await this.who(),
      ...fields,
    };
    await this.sink.append(record);
    return write;
  }

  async attempt(write: string, fields: Fields<AttemptRecord>): Promise<void> {
    await this.sink.append({ v: 1, type: 'attempt', write, at: this.at(), ...fields });
  }

  async outcome(write: string, fields: Fields<OutcomeRecord>): Promise<OutcomeRecord> {
    const record: OutcomeRecord = { v: 1, type: 'outcome', write, at: this.at(), ...fields };
    await this.sink.append(record);
    return record;
  }

  async run(fields: Fields<RunRecord>): Promise<string> {
    const run = randomUUID();
    await this.sink.append({
      v: 1,
      type: 'run',
      run,
      at: this.at(),
      session: this.session,
      tenant: this.tenant(),
      actor: await this.who(),
      ...fields,
    });
    return run;
  }

  async runEnd(run: string): Promise<void> {
    await this.sink.append({ v: 1, type: 'runEnd', run, at: this.at() });
  }
}
