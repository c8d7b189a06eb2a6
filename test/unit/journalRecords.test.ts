import * as assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { delay } from '../../src/graph/delay';
import { newSession, TenantJournal } from '../../src/journal/journal';
import { writeErrorCode } from '../../src/journal/journalFile';
import { parseRecord } from '../../src/journal/journalRecords';
import { MemoryJournal } from '../support/memoryJournal';

/** A line of the journal is a record only when every field each reader relies on is there and of its type. */
describe('journal records: which lines are records', () => {
  const at = '2026-12-07T10:00:00.000Z';
  const intent = {
    v: 1,
    type: 'intent',
    write: 'w-1',
    at,
    operation: 'revokeLicenses',
    tenant: { key: 'contoso' },
    target: { tokenId: 't' },
  };
  const line = (value: unknown) => JSON.stringify(value);

  it('each kind of record, as written', () => {
    for (const record of [
      intent,
      { v: 1, type: 'attempt', write: 'w-1', at, result: 'accepted' },
      { v: 1, type: 'outcome', write: 'w-1', at, outcome: 'accepted' },
      { v: 1, type: 'run', run: 'r-1', at, operation: 'syncLicenses', tokens: [] },
      { v: 1, type: 'runEnd', run: 'r-1', at },
    ]) {
      assert.deepEqual(parseRecord(line(record)), record, record.type);
    }
  });

  const refused: [string, unknown][] = [
    ['a torn line', '{"v":1,"type":"intent","wri'],
    ['not an object', 42],
    ['null', null],
    ['a string', 'intent'],
    ['another version', { ...intent, v: 2 }],
    ['no version', { ...intent, v: undefined }],
    ['an unknown type', { ...intent, type: 'note' }],
    ['a type that is not text', { ...intent, type: 7 }],
    ['a write without its id', { ...intent, write: undefined }],
    ['a write id that is not text', { ...intent, write: 12 }],
    ['a run whose id is in `write`, not `run`', { v: 1, type: 'run', write: 'r-1', at }],
    ['a run end without its run', { v: 1, type: 'runEnd', at }],
    ['no time', { ...intent, at: undefined }],
    ['a time that is not a date', { ...intent, at: 'yesterday' }],
    ['a time that is not text', { ...intent, at: 1_700_000_000_000 }],
    ['an intent of an operation the extension does not make', { ...intent, operation: 'wipeDevice' }],
    ['an intent without its operation', { ...intent, operation: undefined }],
  ];
  for (const [what, value] of refused) {
    it(`refuses ${what}`, () => {
      assert.equal(parseRecord(typeof value === 'string' && value.startsWith('{') ? value : line(value)), undefined);
    });
  }

  it('an operation is checked on intents only: an attempt names none', () => {
    assert.ok(parseRecord(line({ v: 1, type: 'attempt', write: 'w-1', at, operation: 'wipeDevice' })));
  });
});

describe("the journal's word for why the disk refused it", () => {
  it("is the error's code when it is one (ENOSPC, EROFS, EACCES), never free text from elsewhere", () => {
    assert.deepEqual([{ code: 'ENOSPC' }, { code: 'EROFS' }, { code: 'E_2' }].map(writeErrorCode), ['ENOSPC', 'EROFS', 'E_2']);
    for (const odd of [
      undefined,
      null,
      {},
      { code: 28 },
      { code: 'enospc' },
      { code: 'ENOSPC\n[link](command:x)' },
      { code: 'A'.repeat(21) },
    ]) {
      assert.equal(writeErrorCode(odd), 'an unexpected error', JSON.stringify(odd));
    }
    assert.equal(writeErrorCode({ code: 'A'.repeat(20) }), 'A'.repeat(20));
  });
});

describe('a window and who acts, as the journal stamps them', () => {
  it("a window is a new id each time, with this process's id and host", () => {
    const [one, two] = [newSession(), newSession()];
    assert.match(one.id, /^[0-9a-f-]{36}$/);
    assert.notEqual(one.id, two.id);
    assert.deepEqual([one.pid, one.host], [process.pid, hostname()]);
  });

  it('an account that cannot be read is recorded as "-", asked once for all the writes', async () => {
    const sink = new MemoryJournal();
    let asked = 0;
    const journal = new TenantJournal(
      sink,
      newSession(),
      () => ({ key: 'contoso', id: 'contoso.example', label: 'Contoso', cloud: 'global' }),
      async () => {
        asked++;
        throw new Error('signed out meanwhile');
      },
    );
    const fields = {
      operation: 'syncLicenses' as const,
      target: { tokenId: 't' },
      details: {},
      request: { method: 'POST' as const, path: '/deviceAppManagement/vppTokens/t/syncLicenses' },
      evidence: {},
    };
    await journal.intent(fields);
    await journal.intent(fields);
    assert.deepEqual(
      sink.records.map((record) => (record.type === 'intent' ? record.actor : undefined)),
      ['-', '-'],
    );
    assert.equal(asked, 1);
  });
});

describe('a wait that a Cancel can cut short', () => {
  it('ends false the moment its signal aborts, and true when its time is up', async () => {
    const stop = new AbortController();
    const waiting = delay(60_000, stop.signal);
    stop.abort();
    assert.equal(await waiting, false);
    assert.equal(await delay(0, new AbortController().signal), true);
    assert.equal(await delay(0), true);
  });
});
