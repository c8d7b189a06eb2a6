import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { actionContext, TenantContext } from '../../src/commands/context';
import { addToken } from '../../src/commands/tokens/addToken';
import { deleteToken } from '../../src/commands/tokens/deleteToken';
import { renewToken } from '../../src/commands/tokens/renewToken';
import { reportError } from '../../src/commands/reportError';
import { revokeLicenses } from '../../src/commands/licenses/revokeLicenses';
import { syncLicenses } from '../../src/commands/licenses/syncLicenses';
import { reconcile, sendOnce, WriteSpec } from '../../src/commands/writes/writePipeline';
import { CancelledError, VppError } from '../../src/errors';
import { entriesOf, JournalEntry } from '../../src/journal/journalEntries';
import { JournalFile } from '../../src/journal/journalFile';
import { JournalSink } from '../../src/journal/journal';
import { IntentRecord, JournalRecord } from '../../src/journal/journalRecords';
import { VppTokenService } from '../../src/graph/vppTokenService';
import { VppTokenRecord } from '../../src/graph/vppRecords';
import { fakeAccount } from '../support/fakeAccount';
import { MemoryJournal, testJournal } from '../support/memoryJournal';
import { RecordingStore } from '../support/recordingStore';
import { Answer, ScriptedUserInput } from '../support/scriptedUserInput';
import { SECRET_TOKEN_PREFIX, seedLocation, seedTokens, vppTokenFile } from '../simulatedTenant/seed';
import { SimulatedTenant } from '../simulatedTenant/server';
import { RecordingLogger, signedInService } from '../support/fixtures';
import { commandHarness, useSimulatedTenant } from '../support/harness';

/** A memory journal that notes, at each intent, how many writes the tenant had received: the intent must come first. */
class WatchingJournal extends MemoryJournal {
  readonly writesAtIntent: number[] = [];
  constructor(private readonly tenant: SimulatedTenant) {
    super();
  }
  override async append(record: JournalRecord): Promise<boolean> {
    if (record.type === 'intent') {
      // A JSON batch is a POST of reads (the apps' assignments before a revoke): not a write.
      this.writesAtIntent.push(this.tenant.requests.filter((request) => request.method !== 'GET' && request.route !== 'batch').length);
    }
    return super.append(record);
  }
}

describe('the write pipeline records every write in the journal', () => {
  let tenant: SimulatedTenant;
  let service: VppTokenService;
  const seed = seedTokens();
  const hq = seed[0];
  const labs = seed[2];

  useSimulatedTenant(
    { revokeCompletionMs: 30 },
    (started) => (tenant = started),
    () => {
      tenant.reset();
      service = signedInService(tenant);
    },
  );

  function setup(answers: Answer[], sink: JournalSink = new WatchingJournal(tenant)) {
    const { ui, log, context } = commandHarness(tenant, answers, {
      service: () => service,
      account: fakeAccount(),
      journal: testJournal(sink),
      polling: { delaysMs: [30, 60, 120, 240] },
      licensePolling: { delaysMs: [30, 60] },
    });
    return { ui, log, context, journal: sink as WatchingJournal };
  }

  async function run(ui: ScriptedUserInput, log: RecordingLogger, command: () => Promise<void>) {
    const fixes = { signIn: () => 0, setClientSecret: () => 0, openSettings: () => 0, openSetupGuide: () => 0, showLog: () => 0 };
    await command().catch((error: unknown) => reportError(error, ui, log, fixes));
    ui.assertScriptFollowed();
  }

  const revoke = (context: TenantContext, tokens: VppTokenRecord[]) => () => revokeLicenses(context, tokens);

  function only(journal: MemoryJournal): JournalEntry {
    const entries = journal.entries();
    assert.equal(entries.length, 1, JSON.stringify(journal.records));
    return entries[0];
  }

  it("a revoke: the intent before the POST, the ids the tenant answered with, the outcome and Intune's result", async () => {
    const { ui, log, context, journal } = setup([{ pickMany: ['Notify managed devices'] }, { confirm: true }]);
    await run(ui, log, revoke(context, [hq]));
    assert.deepEqual(journal.writesAtIntent, [0]);
    const entry = only(journal);
    const { intent } = entry;
    assert.equal(intent.operation, 'revokeLicenses');
    assert.deepEqual(intent.target, { tokenId: hq.id, tokenName: 'Contoso HQ' });
    assert.deepEqual(intent.details, { notifyManagedDevices: true, revokeUntrackedLicenses: false });
    assert.deepEqual(intent.request, {
      method: 'POST',
      path: `/deviceAppManagement/vppTokens/${hq.id}/revokeLicenses`,
      body: { notifyManagedDevices: true, revokeUntrackedLicenses: false },
    });
    assert.deepEqual(intent.tenant, { key: 'contoso', id: 'contoso.onmicrosoft.com', label: 'Contoso', cloud: 'global' });
    assert.equal(intent.actor, 'admin@contoso.com');
    assert.ok(Array.isArray(intent.evidence.actions));
    const [post] = tenant.requestsFor('revoke');
    assert.deepEqual(
      entry.attempts.map(({ result, status, requestId, clientRequestId }) => ({ result, status, requestId, clientRequestId })),
      [{ result: 'accepted', status: 204, requestId: post.requestId, clientRequestId: post.headers['client-request-id'] }],
    );
    assert.equal(entry.outcome?.outcome, 'accepted');
    assert.equal(entry.outcome?.result, 'done · 13 licenses, 0 failed');
    assert.ok(Date.parse(intent.at) <= post.time);
  });

  it('a revoke carried out and answered 504: unconfirmed at first, then accepted by reading the token', async () => {
    tenant.addFault({ route: 'revoke', status: 504, afterExecute: true });
    const { ui, log, context, journal } = setup([{ pickMany: [] }, { confirm: true }]);
    await run(ui, log, revoke(context, [hq]));
    const entry = only(journal);
    assert.deepEqual(
      entry.attempts.map(({ result, status }) => [result, status]),
      [['unconfirmed', 504]],
    );
    assert.equal(entry.outcome?.outcome, 'accepted');
    assert.match(entry.outcome?.reason ?? '', /its answer was lost, but the token shows the revoke/);
  });

  it('a refused revoke (403) is recorded as failed, with the status and why', async () => {
    tenant.addFault({
      route: 'revoke',
      status: 403,
      body: JSON.stringify({ error: { code: 'Forbidden', message: 'Application is not authorized to perform this operation.' } }),
    });
    const { ui, log, context, journal } = setup([{ pickMany: [] }, { confirm: true }]);
    await run(ui, log, revoke(context, [hq]));
    const entry = only(journal);
    assert.deepEqual(
      entry.attempts.map(({ result, status }) => [result, status]),
      [['failed', 403]],
    );
    assert.equal(entry.outcome?.outcome, 'failed');
    assert.match(entry.outcome?.reason ?? '', /DeviceManagementApps\.ReadWrite\.All/);
  });

  it('a revoke left unconfirmed, then sent again: two writes, the first unconfirmed, the second accepted', async () => {
    tenant.addFault({ route: 'revoke', status: 500 });
    const { ui, log, context, journal } = setup([{ pickMany: [] }, { confirm: true }, { confirm: true }]);
    ui.errorChoices.push('Send Again');
    await run(ui, log, revoke(context, [hq]));
    assert.equal(tenant.requestsFor('revoke').length, 2);
    assert.deepEqual(journal.writesAtIntent, [0, 1]);
    const [first, second] = journal.entries();
    assert.equal(first.outcome?.outcome, 'unconfirmed');
    assert.match(first.outcome?.reason ?? '', /sent it again/);
    assert.equal(second.outcome?.outcome, 'accepted');
  });

  it('a write the admin leaves unconfirmed is recorded so, with the reason', async () => {
    tenant.addFault({ route: 'sync', status: 502 });
    const { ui, log, context, journal } = setup([]);
    await run(ui, log, () => syncLicenses(context, [labs]));
    const entry = only(journal);
    assert.equal(entry.intent.operation, 'syncLicenses');
    assert.equal(entry.outcome?.outcome, 'unconfirmed');
    assert.match(entry.outcome?.reason ?? '', /502/);
  });

  it('a bulk sync is one run: every token listed before the first is sent, each write tied to it, and its end', async () => {
    tenant.addFault({ route: 'sync', tokenId: labs.id, status: 400 });
    const { ui, log, context, journal } = setup([]);
    await run(ui, log, () => syncLicenses(context, [hq, labs, seed[1]]));
    const run0 = journal.records.find((record) => record.type === 'run');
    assert.ok(run0 && run0.type === 'run');
    assert.equal(
      journal.records[0],
      journal.records.find((record) => record.type === 'run'),
    );
    assert.deepEqual(run0.tokens.map((token) => token.id).sort(), [hq.id, labs.id, seed[1].id].sort());
    const { entries, runs } = entriesOf(journal.records);
    assert.ok(entries.every((entry) => entry.intent.run === run0.run));
    assert.deepEqual(
      entries.map((entry) => [entry.intent.target.tokenId, entry.outcome?.outcome]).sort(),
      [
        [hq.id, 'accepted'],
        [labs.id, 'failed'],
        [seed[1].id, 'accepted'],
      ].sort(),
    );
    assert.ok(runs.get(run0.run)?.end, 'the run is recorded as ended');
  });

  it('a renewal is recorded without the token file: the body holds a placeholder, no record holds the secret', async () => {
    const text = vppTokenFile({ location: seedLocation(3) });
    const { ui, log, context, journal } = setup([{ file: { name: 'Labs.vpptoken', size: text.length, text } }, { confirm: true }]);
    await run(ui, log, () => renewToken(context, labs, 'en'));
    const uploaded = (JSON.parse(tenant.requestsFor('update')[0].body) as { token: string }).token;
    const all = JSON.stringify(journal.records);
    assert.ok(!all.includes(uploaded));
    assert.ok(!all.includes(SECRET_TOKEN_PREFIX));
    const [renewal, sync] = journal.entries();
    assert.equal(renewal.intent.operation, 'renewToken');
    assert.deepEqual(renewal.intent.request.body, { token: '<the content of the .vpptoken file>' });
    assert.equal(sync.intent.operation, 'syncLicenses');
    assert.deepEqual(
      journal.entries().map((entry) => entry.outcome?.outcome),
      ['accepted', 'accepted'],
    );
  });

  it('a full disk: the admin is told once, and the write still goes through the confirmation and is sent', async () => {
    const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'vpp-journal-'));
    try {
      await fs.symlink('/dev/full', path.join(directory, 'writes.jsonl'));
      const told: unknown[] = [];
      const file = new JournalFile(directory, { retentionDays: () => 365, onUnwritable: (error) => told.push(error) });
      const { ui, log, context } = setup([{ pickMany: [] }, { confirm: true }], file);
      await run(ui, log, revoke(context, [hq]));
      assert.equal(tenant.requestsFor('revoke').length, 1);
      assert.equal(told.length, 1);
      assert.equal(ui.of('confirm').length, 1);
      assert.match(ui.of('info')[0]?.message ?? '', /Intune accepted the revoke/);
    } finally {
      await fs.rm(directory, { recursive: true, force: true });
    }
  });

  it('an added token: the attempt carries the ids of the 201, and the token file is not in the intent', async () => {
    const text = vppTokenFile({ location: 'Berlin' });
    const { ui, log, context, journal } = setup([
      { file: { name: 'Berlin.vpptoken', size: text.length, text } },
      { pick: 'Apple Business Manager' },
      { text: 'Berlin office' },
      { text: 'vpp-berlin@contoso.example' },
      { pick: 'Germany' },
      { pick: 'Update apps automatically' },
      { pick: 'I agree' },
      { confirm: true },
    ]);
    await run(ui, log, () => addToken(context, 'en'));
    const [post] = tenant.requestsFor('create');
    const entry = only(journal);
    assert.equal(entry.intent.operation, 'createToken');
    assert.equal((entry.intent.request.body as { token?: string }).token, '<the content of the .vpptoken file>');
    assert.ok(!JSON.stringify(journal.records).includes((JSON.parse(post.body) as { token: string }).token));
    assert.deepEqual(
      entry.attempts.map(({ result, status, requestId, clientRequestId }) => ({ result, status, requestId, clientRequestId })),
      [{ result: 'accepted', status: 201, requestId: post.requestId, clientRequestId: post.headers['client-request-id'] }],
    );
  });

  it('the intent of each kind names its target and request, and never a secret', async () => {
    const { ui, log, context, journal } = setup([{ confirm: true }]);
    await run(ui, log, () => deleteToken(context, seed[14], 'en'));
    const intents = journal.records.filter((record): record is IntentRecord => record.type === 'intent');
    assert.deepEqual(
      intents.map((intent) => [intent.operation, intent.request.method, intent.request.path]),
      [['deleteToken', 'DELETE', `/deviceAppManagement/vppTokens/${seed[14].id}`]],
    );
  });
});

describe('the write pipeline, step by step (a spec of its own)', () => {
  function context(sink: MemoryJournal, log = new RecordingLogger()): TenantContext {
    return {
      ...actionContext(new ScriptedUserInput([]), log),
      service: () => assert.fail('no Graph call is expected'),
      account: fakeAccount(),
      store: new RecordingStore(),
      now: () => Date.parse('2026-12-06T10:00:00.000Z'),
      journal: testJournal(sink),
      outcomePolling: { delaysMs: [1, 1] },
      licensePolling: { delaysMs: [] },
    };
  }

  function spec(
    send: WriteSpec<undefined>['send'],
    received: WriteSpec<undefined>['received'] = async () => undefined,
  ): WriteSpec<undefined> {
    return {
      operation: 'syncLicenses',
      target: { tokenId: 't', tokenName: 'T' },
      details: {},
      request: { method: 'POST', path: '/deviceAppManagement/vppTokens/t/syncLicenses' },
      logName: 'Sync licenses of token t',
      before: async () => ({ syncedBefore: null }),
      send,
      received,
    };
  }

  it('an accepted write logs its status and both request ids, and records them', async () => {
    const sink = new MemoryJournal();
    const log = new RecordingLogger();
    const sent = await sendOnce(
      context(sink, log),
      spec(async () => ({ receipt: { status: 200, requestId: 'req-1', clientRequestId: 'cli-1' }, value: undefined })),
      new AbortController().signal,
    );
    assert.equal(sent.kind, 'accepted');
    assert.match(log.text(), /Sync licenses of token t at 2026-12-06T10:00:00\.000Z: 200 \(request-id req-1, client-request-id cli-1\)/);
    assert.deepEqual(
      sink.records.map((record) => record.type),
      ['intent', 'attempt', 'outcome'],
    );
  });

  it('a write cancelled before it left is recorded cancelled, said so in the log, and thrown', async () => {
    const sink = new MemoryJournal();
    const log = new RecordingLogger();
    await assert.rejects(
      sendOnce(
        context(sink, log),
        spec(async () => Promise.reject(new CancelledError('Cancelled.'))),
        new AbortController().signal,
      ),
      (error: unknown) => error instanceof VppError && error.kind === 'cancelled',
    );
    const [entry] = entriesOf(sink.records).entries;
    assert.equal(entry.attempts[0].result, 'cancelled');
    assert.equal(entry.outcome?.outcome, 'cancelled');
    assert.match(log.text(), /Sync licenses of token t at \S+: not sent, cancelled/);
    assert.doesNotMatch(log.text(), /failed/);
  });

  it('a lost answer is unconfirmed, with its reason; a refusal is failed', async () => {
    const sink = new MemoryJournal();
    const lost = await sendOnce(
      context(sink),
      spec(async () => Promise.reject(new VppError('unconfirmed', 'The answer was lost.', { status: 504, requestId: 'r' }))),
      new AbortController().signal,
    );
    assert.equal(lost.kind, 'unconfirmed');
    await assert.rejects(
      sendOnce(
        context(sink),
        spec(async () => Promise.reject(new VppError('badRequest', 'Refused.', { status: 400 }))),
        new AbortController().signal,
      ),
    );
    const [first, second] = entriesOf(sink.records).entries;
    assert.deepEqual(
      [first.attempts[0].result, first.attempts[0].status, first.attempts[0].requestId, first.outcome],
      ['unconfirmed', 504, 'r', undefined],
    );
    assert.deepEqual([second.attempts[0].result, second.outcome?.outcome, second.outcome?.reason], ['failed', 'failed', 'Refused.']);
  });

  it('reconciling: a reading that fails is logged, one cancelled is not; a write that shows is recorded accepted', async () => {
    const sink = new MemoryJournal();
    const log = new RecordingLogger();
    const ctx = context(sink, log);
    const sent = { write: 'w', reason: 'lost', evidence: {}, sentAt: 0 };
    let readings = 0;
    const found = await reconcile(
      ctx,
      [
        {
          spec: spec(
            async () => ({ value: undefined }),
            async () => {
              readings++;
              if (readings === 1) {
                throw new VppError('server', 'Intune had a server error (500).');
              }
              return { note: 'the token shows a sync in progress', value: undefined };
            },
          ),
          sent,
        },
        {
          spec: spec(
            async () => ({ value: undefined }),
            async () => Promise.reject(new CancelledError('Cancelled.')),
          ),
          sent: { ...sent, write: 'v' },
        },
      ],
      new AbortController().signal,
    );
    assert.deepEqual([...found.keys()], [0]);
    assert.equal((log.text().match(/could not read the tenant to reconcile it/g) ?? []).length, 1);
    assert.deepEqual(
      sink.records.map((record) => (record.type === 'outcome' ? [record.write, record.outcome, record.reason] : record.type)),
      [['w', 'accepted', 'the token shows a sync in progress']],
    );
  });
});
