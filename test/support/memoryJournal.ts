import { JournalSink, TenantJournal } from '../../src/journal/journal';
import { entriesOf, JournalEntry } from '../../src/journal/journalEntries';
import { JournalRecord } from '../../src/journal/journalRecords';

/** A journal kept in memory: what the pipeline recorded, in order. */
export class MemoryJournal implements JournalSink {
  readonly records: JournalRecord[] = [];

  async append(record: JournalRecord): Promise<boolean> {
    this.records.push(structuredClone(record));
    return true;
  }

  entries(): JournalEntry[] {
    return entriesOf(this.records).entries;
  }
}

export const TEST_SESSION = { id: 'test-session', pid: process.pid, host: 'test-host' };

/** A tenant's journal for a test context: into `sink` (a fresh memory journal unless given). */
export function testJournal(sink: JournalSink = new MemoryJournal(), now?: () => number): TenantJournal {
  return new TenantJournal(
    sink,
    TEST_SESSION,
    () => ({ key: 'contoso', id: 'contoso.onmicrosoft.com', label: 'Contoso', cloud: 'global' }),
    async () => 'admin@contoso.com',
    now,
  );
}
