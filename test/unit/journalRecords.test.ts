import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { hostname } from 'node:os';
import { newSession, TenantJournal } from '../../src/journal/journal';
import { writeErrorCode } from '../../src/journal/journalFile';
import { parseRecord, WRITE_OPERATIONS } from '../../src/journal/journalRecords';
import { entriesOf, unfinishedOf } from '../../src/journal/journalEntries';
import { entryFields, filterHistory, historyCsv, historyJson } from '../../src/journal/history';
import { MemoryJournal } from '../support/memoryJournal';

/** A line of the journal is a record only when every field each reader relies on is there and of its type. */
describe('journal records: which lines are records', () => {
  const at = '2026-12-07T10:00:00.000Z';
  const session = { id: 's-1', pid: 42, host: 'admin-pc' };
  const tenant = { key: 'contoso', id: 'contoso.example', label: 'Contoso', cloud: 'global' };
  const intent = {
    v: 1,
    type: 'intent',
    write: 'w-1',
    at,
    session,
    run: 'r-1',
    tenant,
    actor: 'admin@contoso.example',
    operation: 'revokeLicenses',
    target: { tokenId: 't', tokenName: 'Contoso HQ' },
    details: { notifyManagedDevices: true, count: 2, label: 'x' },
    request: { method: 'POST', path: '/deviceAppManagement/vppTokens/t/revokeLicenses', body: { notifyManagedDevices: true } },
    evidence: { lastSyncDateTime: null, state: 'valid', count: 3, ok: true, ids: ['a', 'b'] },
  };
  const run = {
    v: 1,
    type: 'run',
    run: 'r-1',
    at,
    session,
    tenant,
    actor: 'app',
    operation: 'syncLicenses',
    details: {},
    tokens: [{ id: 't', name: 'HQ' }],
  };
  const line = (value: unknown) => JSON.stringify(value);

  it('each kind of record, as written', () => {
    for (const record of [
      intent,
      { ...intent, run: undefined, request: { method: 'DELETE', path: '/deviceAppManagement/vppTokens/t' }, target: {} },
      { v: 1, type: 'attempt', write: 'w-1', at, result: 'accepted' },
      { v: 1, type: 'attempt', write: 'w-1', at, result: 'unconfirmed', status: 504, requestId: 'r', clientRequestId: 'c', reason: 'x' },
      { v: 1, type: 'outcome', write: 'w-1', at, outcome: 'accepted' },
      { v: 1, type: 'outcome', write: 'w-1', at, outcome: 'failed', reason: 'why', result: 'done' },
      run,
      { ...run, tokens: [] },
      { v: 1, type: 'runEnd', run: 'r-1', at },
    ]) {
      assert.deepEqual(parseRecord(line(record)), JSON.parse(line(record)), record.type);
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
    ['an intent without its session', { ...intent, session: undefined }],
    ['an intent whose session has no id', { ...intent, session: { ...session, id: undefined } }],
    ['an intent whose session pid is text', { ...intent, session: { ...session, pid: '42' } }],
    ['an intent without its target', { ...intent, target: undefined }],
    ['an intent whose target names a token by number', { ...intent, target: { tokenId: 7 } }],
    ['an intent without its tenant', { ...intent, tenant: undefined }],
    ['an intent whose tenant has no key', { ...intent, tenant: { ...tenant, key: undefined } }],
    ['an intent without its actor', { ...intent, actor: undefined }],
    ['an intent whose run is not text', { ...intent, run: 3 }],
    ['an intent without its request', { ...intent, request: undefined }],
    ['an intent whose request has no path', { ...intent, request: { method: 'POST' } }],
    ['an intent whose request body is text', { ...intent, request: { ...intent.request, body: 'x' } }],
    ['an intent whose details hold an object', { ...intent, details: { nested: {} } }],
    ['an intent whose details are a list', { ...intent, details: [] }],
    ['an intent without its evidence', { ...intent, evidence: undefined }],
    ['an intent whose evidence holds a list of numbers', { ...intent, evidence: { ids: [1] } }],
    ['an attempt with a result the extension does not write', { v: 1, type: 'attempt', write: 'w-1', at, result: 'maybe' }],
    ['an attempt whose status is text', { v: 1, type: 'attempt', write: 'w-1', at, result: 'failed', status: '500' }],
    ['an outcome without its outcome', { v: 1, type: 'outcome', write: 'w-1', at }],
    ['an outcome whose reason is not text', { v: 1, type: 'outcome', write: 'w-1', at, outcome: 'failed', reason: {} }],
    ['a run without its session', { ...run, session: undefined }],
    ['a run without its tokens', { ...run, tokens: undefined }],
    ['a run whose token has no name', { ...run, tokens: [{ id: 't' }] }],
    ['a run of an operation the extension does not make', { ...run, operation: 'wipeDevice' }],
    ['a type named after an object property', { ...intent, type: 'toString' }],
    ['a type that is an object no property key can be made of', { ...intent, type: { toString: false } }],
  ];
  for (const [what, value] of refused) {
    it(`refuses ${what}`, () => {
      assert.equal(parseRecord(typeof value === 'string' && value.startsWith('{') ? value : line(value)), undefined);
    });
  }

  it('an operation is checked on intents only: an attempt names none', () => {
    assert.ok(parseRecord(line({ v: 1, type: 'attempt', write: 'w-1', at, result: 'failed', operation: 'wipeDevice' })));
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

describe('journal records: any line from disk', () => {
  const at = '2026-12-07T10:00:00.000Z';
  /** A field's value: the right shape most of the time, anything at all otherwise. */
  const either = <T>(valid: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: fc.anything() });
  const text = fc.string({ maxLength: 12 });
  const session = either(fc.record({ id: text, pid: fc.integer(), host: text }));
  const tenant = either(fc.record({ key: text, id: text, label: text, cloud: text }));
  const operation = either(fc.constantFrom(...WRITE_OPERATIONS));
  const record = fc.oneof(
    fc.record({
      v: either(fc.constant(1)),
      type: either(fc.constant('intent')),
      write: either(text),
      at: either(fc.constant(at)),
      session,
      run: fc.option(either(text), { nil: undefined }),
      tenant,
      actor: either(text),
      operation,
      target: either(fc.record({ tokenId: text, tokenName: text, appId: text, holderName: text }, { requiredKeys: [] })),
      details: either(fc.dictionary(text, fc.oneof(text, fc.integer(), fc.boolean()))),
      request: either(
        fc.record({
          method: either(fc.constantFrom('POST', 'PATCH', 'DELETE')),
          path: either(text),
          body: fc.option(fc.object(), { nil: undefined }),
        }),
      ),
      evidence: either(fc.dictionary(text, fc.oneof(text, fc.integer(), fc.constant(null), fc.array(text)))),
    }),
    fc.record({
      v: fc.constant(1),
      type: fc.constantFrom('attempt', 'outcome'),
      write: either(text),
      at: either(fc.constant(at)),
      result: either(fc.constantFrom('accepted', 'failed', 'unconfirmed', 'cancelled')),
      outcome: either(fc.constantFrom('accepted', 'failed', 'unconfirmed', 'cancelled')),
      status: fc.option(either(fc.integer()), { nil: undefined }),
      reason: fc.option(either(text), { nil: undefined }),
    }),
    fc.record({
      v: fc.constant(1),
      type: fc.constantFrom('run', 'runEnd'),
      run: either(text),
      at: either(fc.constant(at)),
      session,
      tenant,
      actor: either(text),
      operation,
      details: either(fc.dictionary(text, fc.integer())),
      tokens: either(fc.array(fc.record({ id: text, name: text }))),
    }),
  );

  it('never throws, and whatever it accepts the History, its export and the earlier-session check read without failing', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof({ weight: 5, arbitrary: record }, fc.anything()), { maxLength: 6 }), (values) => {
        const records = values.map((value) => parseRecord(JSON.stringify(value) ?? 'undefined')).filter((parsed) => parsed !== undefined);
        const journal = entriesOf(records);
        unfinishedOf(journal, () => false);
        for (const entry of journal.entries) {
          entryFields(entry);
          filterHistory([entry], { tenantKey: 'k', tokenId: 'x', label: 'x' });
        }
        historyCsv(journal.entries);
        historyJson(journal.entries);
      }),
      { numRuns: 2_000 },
    );
    fc.assert(
      fc.property(fc.string(), (line) => {
        parseRecord(line);
      }),
      { numRuns: 2_000 },
    );
  });
});
