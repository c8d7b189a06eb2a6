import * as assert from 'node:assert/strict';
import { fork, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CURRENT_FILE, JournalFile } from '../../src/journal/journalFile';
import { entriesOf, liveSession, unfinishedOf } from '../../src/journal/journalEntries';
import { TenantJournal } from '../../src/journal/journal';
import { IntentRecord, JournalSession } from '../../src/journal/journalRecords';
import { TEST_SESSION } from '../support/memoryJournal';

const WRITER = path.join(__dirname, '..', 'support', 'journalWriter.js');
const DAY = 24 * 3600 * 1000;

/** Runs the second-window writer to its end (or its crash); its exit code or signal. */
async function writer(directory: string, count: number, tag: string, mode = '', env: NodeJS.ProcessEnv = {}) {
  const child = fork(WRITER, [directory, String(count), tag, mode], { env: { ...process.env, ...env }, stdio: 'ignore' });
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  return { code, signal, pid: child.pid as number };
}

function journalOf(file: JournalFile, now?: () => number) {
  return new TenantJournal(
    file,
    TEST_SESSION,
    () => ({ key: 'contoso', id: 't', label: 'Contoso', cloud: 'global' }),
    async () => 'admin@contoso.com',
    now,
  );
}

const intent = (tokenId: string) => ({
  operation: 'syncLicenses' as const,
  target: { tokenId, tokenName: tokenId },
  details: {},
  request: { method: 'POST' as const, path: `/deviceAppManagement/vppTokens/${tokenId}/syncLicenses` },
  evidence: {},
});

describe('the journal of writes on disk', () => {
  let directory: string;
  let unwritable: unknown[];

  beforeEach(async () => {
    directory = await fs.mkdtemp(path.join(os.tmpdir(), 'vpp-journal-'));
    unwritable = [];
  });
  afterEach(async () => {
    await fs.rm(directory, { recursive: true, force: true });
  });

  function open(options: { maxFileBytes?: number; retentionDays?: number; now?: () => number } = {}) {
    return new JournalFile(directory, {
      maxFileBytes: options.maxFileBytes,
      retentionDays: () => options.retentionDays ?? 365,
      now: options.now,
      onUnwritable: (error) => unwritable.push(error),
    });
  }

  it('appends one JSON line per record and reads them back in order, folded into entries', async () => {
    const file = open();
    const journal = journalOf(file);
    const write = await journal.intent(intent('a'));
    await journal.attempt(write, { result: 'accepted', status: 200, requestId: 'r-1', clientRequestId: 'c-1' });
    await journal.outcome(write, { outcome: 'accepted' });
    const text = await fs.readFile(path.join(directory, CURRENT_FILE), 'utf8');
    assert.equal(text.split('\n').length, 4);
    assert.ok(
      text
        .split('\n')
        .slice(0, 3)
        .every((line) => line.startsWith('{"v":1,')),
    );
    const { records, unreadable } = await file.read();
    assert.equal(unreadable, 0);
    assert.deepEqual(
      records.map((record) => record.type),
      ['intent', 'attempt', 'outcome'],
    );
    const [entry] = entriesOf(records).entries;
    assert.equal(entry.intent.actor, 'admin@contoso.com');
    assert.deepEqual(
      entry.attempts.map((attempt) => [attempt.requestId, attempt.clientRequestId, attempt.status]),
      [['r-1', 'c-1', 200]],
    );
    assert.equal(entry.outcome?.outcome, 'accepted');
  });

  it('skips a torn last line, and a record appended after it is still read', async () => {
    const file = open();
    const journal = journalOf(file);
    await journal.intent(intent('before'));
    // A window that died mid-append: half a record, no newline.
    await fs.appendFile(path.join(directory, CURRENT_FILE), '{"v":1,"type":"intent","write":"torn","at":"2026-');
    assert.deepEqual(
      (await file.read()).records.map((record) => (record as IntentRecord).target.tokenId),
      ['before'],
    );
    await journal.intent(intent('after'));
    const { records, unreadable } = await file.read();
    assert.deepEqual(
      records.map((record) => (record as IntentRecord).target.tokenId),
      ['before', 'after'],
    );
    assert.equal(unreadable, 0);
    await fs.appendFile(path.join(directory, CURRENT_FILE), 'not json at all\n');
    assert.equal((await file.read()).unreadable, 1);
  });

  it('two windows appending at once lose nothing and interleave nothing', async function () {
    this.timeout(60_000);
    const results = await Promise.all([writer(directory, 400, 'one'), writer(directory, 400, 'two')]);
    assert.deepEqual(
      results.map(({ code }) => code),
      [0, 0],
    );
    const { records, unreadable } = await open().read();
    assert.equal(unreadable, 0);
    for (const tag of ['one', 'two']) {
      const ids = records.map((record) => (record as IntentRecord).target.tokenId).filter((id) => id?.startsWith(`${tag}-`));
      assert.deepEqual(
        ids,
        Array.from({ length: 400 }, (_, index) => `${tag}-${index}`),
      );
    }
  });

  it('two windows rotating at once lose nothing: every record is in exactly one file', async function () {
    this.timeout(60_000);
    const env = { JOURNAL_MAX_BYTES: '20000' };
    await Promise.all([writer(directory, 300, 'one', '', env), writer(directory, 300, 'two', '', env)]);
    const files = await fs.readdir(directory);
    assert.ok(files.length > 3, `rotated into ${files.length} files`);
    const ids = (await open().read()).records.map((record) => (record as IntentRecord).target.tokenId as string);
    assert.equal(ids.length, 600);
    assert.equal(new Set(ids).size, 600);
  });

  it('a window killed between the intent and the outcome leaves the intent, listed as unfinished after a restart', async function () {
    this.timeout(30_000);
    const crashed = await writer(directory, 1, 'crashed', 'crash');
    assert.equal(crashed.signal, 'SIGKILL');
    const entries = entriesOf((await open().read()).records);
    const current = { id: 'this-window', pid: process.pid, host: 'test-host' };
    const unfinished = unfinishedOf(
      entries,
      liveSession(current, () => false),
    );
    assert.deepEqual(
      unfinished.writes.map((entry) => entry.intent.target.tokenId),
      ['crashed-0'],
    );
    // The same records seen from a window that is itself the writer, or while its process still runs, are not unfinished.
    assert.equal(
      unfinishedOf(
        entries,
        liveSession({ ...current, id: 'session-crashed' }, () => false),
      ).writes.length,
      0,
    );
    assert.equal(
      unfinishedOf(
        entries,
        liveSession(current, (pid) => pid === crashed.pid),
      ).writes.length,
      0,
    );
  });

  it('a full disk is reported once, and appends say they were not kept', async () => {
    await fs.symlink('/dev/full', path.join(directory, CURRENT_FILE));
    const file = open();
    const journal = journalOf(file);
    assert.equal(await file.append({ v: 1, type: 'runEnd', run: 'r', at: new Date().toISOString() }), false);
    await journal.intent(intent('a'));
    await journal.intent(intent('b'));
    assert.equal(unwritable.length, 1);
    assert.equal((unwritable[0] as { code?: string }).code, 'ENOSPC');
  });

  it('a journal folder that cannot be made (read-only or taken by a file) is reported once', async () => {
    const blocked = path.join(directory, 'blocked');
    await fs.writeFile(blocked, 'a file where the folder should be');
    const file = new JournalFile(path.join(blocked, 'journal'), {
      retentionDays: () => 365,
      onUnwritable: (error) => unwritable.push(error),
    });
    assert.equal(await file.append({ v: 1, type: 'runEnd', run: 'r', at: new Date().toISOString() }), false);
    assert.equal(await file.append({ v: 1, type: 'runEnd', run: 'r', at: new Date().toISOString() }), false);
    assert.equal(unwritable.length, 1);
    assert.deepEqual((await file.read()).records, []);
  });

  it('rotates by size, and reads the rotated files before the current one', async () => {
    // A clock that only moves forward: the machine's may step back (a time sync), and reading orders by time.
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const now = () => clock++;
    const file = open({ maxFileBytes: 1500, now });
    const journal = journalOf(file, now);
    for (let index = 0; index < 30; index++) {
      await journal.intent(intent(`t${index}`));
    }
    const names = await fs.readdir(directory);
    assert.ok(names.includes(CURRENT_FILE) || names.length > 1);
    assert.ok(names.filter((name) => name !== CURRENT_FILE).length >= 5, names.join(', '));
    for (const name of names) {
      // A file is rotated once it reaches the size: it holds at most one record more than the limit allows.
      assert.ok((await fs.stat(path.join(directory, name))).size < 1500 + 600, name);
    }
    assert.deepEqual(
      (await file.read()).records.map((record) => (record as IntentRecord).target.tokenId),
      Array.from({ length: 30 }, (_, index) => `t${index}`),
    );
  });

  it('two rotations in the same millisecond keep both files, and records of one time keep the order they were written in', async () => {
    const now = () => Date.parse('2026-01-01T00:00:00Z');
    const file = open({ maxFileBytes: 10, now });
    const journal = journalOf(file, now);
    for (const id of ['a', 'b', 'c']) {
      await journal.intent(intent(id));
    }
    const rotated = (await fs.readdir(directory)).filter((name) => name !== CURRENT_FILE);
    assert.equal(rotated.length, 3, rotated.join(', '));
    assert.ok(
      rotated.every((name) => name.startsWith('writes-2026-01-01T00-00-00-000Z-')),
      rotated.join(', '),
    );
    assert.deepEqual((await file.read()).records.map((record) => (record as IntentRecord).target.tokenId).sort(), ['a', 'b', 'c']);
    const same = new Date(now()).toISOString();
    const line = (id: string) =>
      JSON.stringify({
        ...intent(id),
        v: 1,
        type: 'intent',
        write: id,
        at: same,
        session: TEST_SESSION,
        tenant: { key: 'k', id: 'i', label: 'l', cloud: 'global' },
        actor: 'a',
      });
    await fs.rm(directory, { recursive: true });
    await fs.mkdir(directory);
    await fs.writeFile(path.join(directory, CURRENT_FILE), ['z', 'y', 'x', 'w'].map(line).join('\n') + '\n');
    assert.deepEqual(
      (await file.read()).records.map((record) => (record as IntentRecord).target.tokenId),
      ['z', 'y', 'x', 'w'],
    );
  });

  it('prunes a rotated file last written exactly at the retention boundary only a millisecond later', async () => {
    const now = Date.parse('2026-06-01T00:00:00Z');
    const rotated = path.join(directory, 'writes-2026-05-01T00-00-00-000Z-a.jsonl');
    await fs.writeFile(rotated, '');
    await fs.utimes(rotated, new Date(now - 30 * DAY), new Date(now - 30 * DAY));
    assert.equal(await open({ retentionDays: 30, now: () => now }).prune(), 0, 'as old as the period: kept');
    assert.equal(await open({ retentionDays: 30, now: () => now + 1 }).prune(), 1, 'a millisecond older: deleted');
  });

  it('keeps records for the retention period: older ones are not read, and rotated files holding only those are deleted', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const file = open({ maxFileBytes: 700, retentionDays: 30, now: () => now });
    const journal = journalOf(file, () => now);
    await journal.intent(intent('old'));
    await journal.intent(intent('old-too'));
    const rotated = (await fs.readdir(directory)).filter((name) => name !== CURRENT_FILE);
    assert.ok(rotated.length >= 1);
    for (const name of rotated) {
      await fs.utimes(path.join(directory, name), new Date(now), new Date(now));
    }
    now += 31 * DAY;
    await journal.intent(intent('new'));
    assert.deepEqual(
      (await file.read()).records.map((record) => (record as IntentRecord).target.tokenId),
      ['new'],
    );
    assert.equal(await file.prune(), rotated.length);
    const left = await fs.readdir(directory);
    assert.ok(rotated.every((name) => !left.includes(name)));
    assert.ok(left.includes(CURRENT_FILE));
  });
});

describe('the journal of writes on disk: what a reading keeps', () => {
  let directory: string;
  beforeEach(async () => {
    directory = await fs.mkdtemp(path.join(os.tmpdir(), 'vpp-journal-'));
  });
  afterEach(async () => {
    await fs.rm(directory, { recursive: true, force: true });
  });

  const record = (tokenId: string, at: string) =>
    JSON.stringify({
      ...intent(tokenId),
      v: 1,
      type: 'intent',
      write: tokenId,
      at,
      session: TEST_SESSION,
      tenant: { key: 'k', id: 'i', label: 'l', cloud: 'global' },
      actor: 'a',
    });

  it('makes its folder, however deep, and says each record was kept', async () => {
    const file = new JournalFile(path.join(directory, 'a', 'b'), {
      retentionDays: () => 365,
      onUnwritable: () => assert.fail('unwritable'),
    });
    assert.equal(await file.append({ v: 1, type: 'runEnd', run: 'r', at: new Date().toISOString() }), true);
    assert.equal((await file.read()).records.length, 1);
  });

  it('reads only its own files, oldest record first whatever file holds it', async () => {
    const now = Date.parse('2026-06-01T00:00:00Z');
    await fs.writeFile(path.join(directory, 'writes-2026-01-01T00-00-00-000Z-a.jsonl'), `${record('later', '2026-05-02T00:00:00.000Z')}\n`);
    await fs.writeFile(path.join(directory, CURRENT_FILE), `${record('earlier', '2026-05-01T00:00:00.000Z')}\n`);
    for (const foreign of ['notes.txt', 'old-writes-x.jsonl', 'writes-x.jsonl.bak']) {
      await fs.writeFile(path.join(directory, foreign), `${record(foreign, '2026-05-03T00:00:00.000Z')}\n`);
    }
    const file = new JournalFile(directory, { retentionDays: () => 365, now: () => now, onUnwritable: () => undefined });
    const { records, unreadable } = await file.read();
    assert.equal(unreadable, 0);
    assert.deepEqual(
      records.map((kept) => (kept as IntentRecord).target.tokenId),
      ['earlier', 'later'],
    );
  });

  it('sorts many records across files by time, and prunes only rotated files last written before the retention period', async () => {
    const now = Date.parse('2026-06-01T00:00:00Z');
    const day = (n: number) => new Date(now - n * DAY).toISOString();
    const old = path.join(directory, 'writes-2025-01-01T00-00-00-000Z-a.jsonl');
    const recent = path.join(directory, 'writes-2026-05-01T00-00-00-000Z-b.jsonl');
    await fs.writeFile(old, '');
    await fs.writeFile(recent, [record('r3', day(3)), record('r1', day(5)), record('r2', day(4))].join('\n') + '\n');
    await fs.writeFile(
      path.join(directory, CURRENT_FILE),
      [record('c2', day(1)), record('c1', day(2)), record('c0', day(6))].join('\n') + '\n',
    );
    await fs.utimes(old, new Date(now - 40 * DAY), new Date(now - 40 * DAY));
    await fs.utimes(recent, new Date(now - DAY), new Date(now - DAY));
    const file = new JournalFile(directory, { retentionDays: () => 30, now: () => now, onUnwritable: () => undefined });
    assert.deepEqual(
      (await file.read()).records.map((kept) => (kept as IntentRecord).target.tokenId),
      ['c0', 'r1', 'r2', 'r3', 'c1', 'c2'],
    );
    assert.equal(await file.prune(), 1);
    assert.deepEqual((await fs.readdir(directory)).sort(), [CURRENT_FILE, path.basename(recent)].sort());
  });

  it('keeps a record as old as the retention period, and not one a millisecond older; never deletes the current file', async () => {
    const now = Date.parse('2026-06-01T00:00:00Z');
    const at = (days: number, ms = 0) => new Date(now - days * DAY - ms).toISOString();
    await fs.writeFile(
      path.join(directory, CURRENT_FILE),
      [record('edge', at(30)), record('past', at(30, 1)), record('recent', at(29))].join('\n') + '\n',
    );
    const file = new JournalFile(directory, { retentionDays: () => 30, now: () => now, onUnwritable: () => undefined });
    assert.deepEqual(
      (await file.read()).records.map((kept) => (kept as IntentRecord).target.tokenId),
      ['edge', 'recent'],
    );
    await fs.utimes(path.join(directory, CURRENT_FILE), new Date(now - 400 * DAY), new Date(now - 400 * DAY));
    assert.equal(await file.prune(), 0);
    assert.ok((await fs.readdir(directory)).includes(CURRENT_FILE));
  });

  it('a record dated after its file was last written is dated when the file was: it cannot stay first in History for ever', async () => {
    const written = Date.parse('2026-05-10T00:00:00Z');
    const current = path.join(directory, CURRENT_FILE);
    await fs.writeFile(
      current,
      [record('forged', '2099-01-01T00:00:00.000Z'), record('honest', '2026-05-09T00:00:00.000Z')].join('\n') + '\n',
    );
    await fs.utimes(current, new Date(written), new Date(written));
    const file = new JournalFile(directory, {
      retentionDays: () => 365,
      now: () => Date.parse('2026-06-01T00:00:00Z'),
      onUnwritable: () => undefined,
    });
    assert.deepEqual(
      (await file.read()).records.map((kept) => [(kept as IntentRecord).target.tokenId, kept.at]),
      [
        ['honest', '2026-05-09T00:00:00.000Z'],
        ['forged', '2026-05-10T00:00:00.000Z'],
      ],
    );
  });

  it('a FIFO, a link to /dev/zero or an oversized file named like the journal is skipped and counted, never read', async () => {
    await fs.writeFile(path.join(directory, 'writes-2026-01-02T00-00-00-000Z-b.jsonl'), `${record('kept', new Date().toISOString())}\n`);
    assert.equal(spawnSync('mkfifo', [path.join(directory, CURRENT_FILE)]).status, 0, 'mkfifo');
    await fs.symlink('/dev/zero', path.join(directory, 'writes-2026-01-01T00-00-00-000Z-a.jsonl'));
    // Past the file size, by more than any record can add.
    const huge = `${record('huge', new Date().toISOString())}\n`;
    await fs.writeFile(
      path.join(directory, 'writes-2026-01-03T00-00-00-000Z-c.jsonl'),
      huge.repeat(Math.ceil((1024 * 1024) / huge.length) + 2),
    );
    const file = new JournalFile(directory, { retentionDays: () => 365, maxFileBytes: huge.length, onUnwritable: () => undefined });
    const reading = await file.read();
    assert.deepEqual(
      reading.records.map((kept) => (kept as IntentRecord).target.tokenId),
      ['kept'],
    );
    assert.equal(reading.skippedFiles, 3);
  });

  it('a record with a field missing or of another type is skipped and counted: the writes around it are still read', async () => {
    const at = new Date().toISOString();
    const withoutSession = { ...(JSON.parse(record('no-session', at)) as object), session: undefined };
    const runWithoutTokens = {
      v: 1,
      type: 'run',
      run: 'r',
      at,
      session: TEST_SESSION,
      tenant: { key: 'k', id: 'i', label: 'l', cloud: 'global' },
    };
    await fs.writeFile(
      path.join(directory, CURRENT_FILE),
      [record('before', at), JSON.stringify(withoutSession), JSON.stringify(runWithoutTokens), record('after', at)].join('\n') + '\n',
    );
    const reading = await new JournalFile(directory, { retentionDays: () => 365, onUnwritable: () => undefined }).read();
    assert.equal(reading.unreadable, 2);
    const unfinished = unfinishedOf(entriesOf(reading.records), () => false);
    assert.deepEqual(
      unfinished.writes.map((entry) => entry.intent.target.tokenId),
      ['before', 'after'],
    );
  });

  it("its folder and files are this user's alone, and a folder an earlier version left open to all is narrowed", async () => {
    const folder = path.join(directory, 'journal');
    await fs.mkdir(folder, { mode: 0o755 });
    await fs.chmod(folder, 0o755);
    const file = new JournalFile(folder, { retentionDays: () => 365, onUnwritable: () => assert.fail('unwritable') });
    assert.equal(await file.append({ v: 1, type: 'runEnd', run: 'r', at: new Date().toISOString() }), true);
    assert.equal((await fs.stat(folder)).mode & 0o777, 0o700);
    assert.equal((await fs.stat(path.join(folder, CURRENT_FILE))).mode & 0o777, 0o600);
    const fresh = path.join(directory, 'new', 'journal');
    await new JournalFile(fresh, { retentionDays: () => 365, onUnwritable: () => assert.fail('unwritable') }).append({
      v: 1,
      type: 'runEnd',
      run: 'r',
      at: new Date().toISOString(),
    });
    assert.equal((await fs.stat(fresh)).mode & 0o777, 0o700);
  });
});

describe('the journal folded into writes and runs', () => {
  const base = { v: 1 as const, session: TEST_SESSION, tenant: { key: 'k', id: 'i', label: 'l', cloud: 'global' }, actor: 'a' };
  const intentOf = (write: string, at: string, extra: Partial<IntentRecord> = {}): IntentRecord => ({
    ...base,
    ...intent(write),
    type: 'intent',
    write,
    at,
    ...extra,
  });

  it('folds records in any order: an outcome or attempt before its intent, a run after its writes; orphans are dropped', () => {
    const { entries, runs } = entriesOf([
      { v: 1, type: 'outcome', write: 'b', at: '2026-01-01T00:00:03.000Z', outcome: 'accepted' },
      { v: 1, type: 'attempt', write: 'b', at: '2026-01-01T00:00:02.000Z', result: 'accepted', status: 204 },
      intentOf('b', '2026-01-01T00:00:02.000Z', { run: 'r' }),
      intentOf('a', '2026-01-01T00:00:01.000Z', { run: 'r' }),
      intentOf('a', '2026-01-01T00:00:09.000Z'),
      { v: 1, type: 'attempt', write: 'nobody', at: '2026-01-01T00:00:04.000Z', result: 'failed' },
      { v: 1, type: 'outcome', write: 'nobody', at: '2026-01-01T00:00:04.000Z', outcome: 'failed' },
      { v: 1, type: 'runEnd', run: 'unknown', at: '2026-01-01T00:00:05.000Z' },
      {
        ...base,
        type: 'run',
        run: 'r',
        at: '2026-01-01T00:00:00.000Z',
        operation: 'syncLicenses',
        details: {},
        tokens: [
          { id: 'a', name: 'a' },
          { id: 'b', name: 'b' },
          { id: 'c', name: 'c' },
        ],
      },
      { ...base, type: 'run', run: 'r', at: '2026-01-01T00:00:06.000Z', operation: 'syncLicenses', details: {}, tokens: [] },
    ]);
    assert.deepEqual(
      entries.map((entry) => [entry.intent.write, entry.intent.at, entry.attempts.length, entry.outcome?.outcome]),
      [
        ['a', '2026-01-01T00:00:01.000Z', 0, undefined],
        ['b', '2026-01-01T00:00:02.000Z', 1, 'accepted'],
      ],
    );
    assert.deepEqual([...(runs.get('r')?.started ?? [])].sort(), ['a', 'b']);
    assert.equal(runs.get('r')?.run.tokens.length, 3, 'the first run record is kept');
    assert.equal(runs.size, 1);
  });

  it('an app revoke in a run names no token: it starts none of the run', () => {
    const { runs } = entriesOf([
      {
        ...base,
        type: 'run',
        run: 'r',
        at: '2026-01-01T00:00:00.000Z',
        operation: 'revokeLicenses',
        details: {},
        tokens: [{ id: 'a', name: 'a' }],
      },
      intentOf('x', '2026-01-01T00:00:01.000Z', { run: 'r', target: { appId: 'app' } }),
      intentOf('y', '2026-01-01T00:00:01.000Z', { target: { tokenId: 'a' } }),
    ]);
    assert.deepEqual([...(runs.get('r')?.started ?? [])], []);
  });

  it('unfinished: runs without an end, of windows not running, with the tokens that got no intent', () => {
    const dead = { id: 'dead', pid: 1, host: 'h' };
    const live = { id: 'live', pid: 2, host: 'h' };
    const run = (id: string, session: JournalSession) => ({
      ...base,
      session,
      type: 'run' as const,
      run: id,
      at: '2026-01-01T00:00:00.000Z',
      operation: 'syncLicenses' as const,
      details: {},
      tokens: [
        { id: 'a', name: 'a' },
        { id: 'b', name: 'b' },
      ],
    });
    const folded = entriesOf([
      run('cut', dead),
      run('ended', dead),
      { v: 1, type: 'runEnd', run: 'ended', at: '2026-01-01T00:00:01.000Z' },
      run('running', live),
      intentOf('w', '2026-01-01T00:00:01.000Z', { run: 'cut', target: { tokenId: 'a' }, session: dead }),
    ]);
    const unfinished = unfinishedOf(folded, (session) => session.id === live.id);
    assert.deepEqual(
      unfinished.runs.map(({ run: cut, notSent }) => [cut.run, notSent.map((token) => token.id)]),
      [['cut', ['b']]],
    );
    assert.deepEqual(
      unfinished.writes.map((entry) => entry.intent.write),
      ['w'],
    );
  });

  it('a session is live when it is this window, or a running process of this machine other than this one', () => {
    const current = { id: 'now', pid: 10, host: 'here' };
    const running = new Set([10, 20]);
    const isLive = liveSession(current, (pid) => running.has(pid));
    assert.equal(isLive({ id: 'now', pid: 99, host: 'elsewhere' }), true, 'this window');
    assert.equal(isLive({ id: 'other', pid: 20, host: 'here' }), true, 'another window, running');
    assert.equal(isLive({ id: 'other', pid: 30, host: 'here' }), false, 'a window whose process is gone');
    assert.equal(isLive({ id: 'before', pid: 10, host: 'here' }), false, 'an earlier activation in this very process');
    assert.equal(isLive({ id: 'remote', pid: 20, host: 'there' }), false, 'a process of another machine');
  });
});
