import * as assert from 'node:assert/strict';
import { fakeAccount } from '../support/fakeAccount';
import { RecordingStore } from '../support/recordingStore';
import { revokeLicenses } from '../../src/commands/licenses/revokeLicenses';
import { syncLicenses } from '../../src/commands/licenses/syncLicenses';
import { createVppTokenService } from '../../src/graph/createService';
import { WriteThrottle } from '../../src/graph/writeThrottle';
import { generatedTokens, seedTokens } from '../simulatedTenant/seed';
import { SimulatedTenant } from '../simulatedTenant/server';
import { Answer, ScriptedUserInput } from '../support/scriptedUserInput';
import { RecordingLogger, startTenant, tenantSettings } from '../support/fixtures';
import { commandHarness, runAsCommand, useSimulatedTenant } from '../support/harness';
import { MemoryJournal, testJournal } from '../support/memoryJournal';
import { CONSEQUENCES } from '../../src/commands/licenses/revokeWording';

/** Intune's limit scaled down 20 times in time and 10 times in count, so a test takes seconds. */
const LIMIT = { maxWrites: 10, windowMs: 1000 };
const NOTIFY = 'Notify managed devices';
const UNTRACKED = 'Revoke untracked licenses';

describe("bulk revoke and sync within Intune's write limit", () => {
  let tenant: SimulatedTenant;
  let accessToken: string;

  useSimulatedTenant(
    { writeLimit: LIMIT, revokeCompletionMs: 20 },
    (started) => (tenant = started),
    () => {
      tenant.reset(generatedTokens(40));
      tenant.writeLimit = LIMIT;
      accessToken = tenant.issueAccessToken();
    },
  );

  function setup(answers: Answer[], clientLimit = LIMIT, delaysMs = [40, 80, 160], backOffSeconds = 0) {
    return commandHarness(tenant, answers, {
      account: fakeAccount({ signIn: async () => 'admin' }),
      polling: { delaysMs },
      dependencies: {
        getAccessToken: async () => accessToken,
        retry: { delaySeconds: backOffSeconds, maxRetries: 3, maxWaitSeconds: 60 },
        writeThrottle: new WriteThrottle(clientLimit),
      },
    });
  }

  const tokens = (count: number) => [...tenant.tokens.values()].slice(0, count);

  /** The most requests of a route that reached the tenant within any one window of `windowMs`. */
  /** A harness whose writes go to a journal of their own, at the write limit's pace. */
  function journaled(answers: Answer[]) {
    const sink = new MemoryJournal();
    const harness = commandHarness(tenant, answers, {
      account: fakeAccount(),
      journal: testJournal(sink),
      dependencies: { getAccessToken: async () => accessToken, writeThrottle: new WriteThrottle(LIMIT) },
    });
    return { ...harness, sink };
  }

  function mostInWindow(route: 'revoke' | 'sync', windowMs: number): number {
    const times = tenant.requestsFor(route).map((request) => request.time);
    return Math.max(0, ...times.map((start) => times.filter((time) => time >= start && time < start + windowMs).length));
  }

  /** The run said every token of the first `count` was accepted, and the tenant accepted (204) each revoke exactly once. */
  function assertEachAcceptedOnce(ui: ScriptedUserInput, count: number): void {
    assert.equal(
      ui.of('info')[0].message,
      `Revoke licenses: ${count} of ${count} tokens accepted by Intune, 0 failed, 0 unconfirmed, 0 not sent.`,
    );
    const accepted = tenant
      .requestsFor('revoke')
      .filter((post) => post.status === 204)
      .map((post) => post.tokenId);
    assert.deepEqual(
      accepted.sort(),
      tokens(count)
        .map((token) => token.id)
        .sort(),
      'each token accepted exactly once',
    );
  }

  it('revokes a selection with one options pick and one confirmation, never exceeding the write limit', async () => {
    const { ui, context, store, run } = setup([{ pickMany: [NOTIFY] }, { confirm: true }]);
    const selection = tokens(35);
    const started = Date.now();
    await run(revokeLicenses(context, selection));
    const elapsed = Date.now() - started;
    const posts = tenant.requestsFor('revoke');
    assert.equal(posts.length, 35);
    assert.ok(mostInWindow('revoke', LIMIT.windowMs) <= LIMIT.maxWrites, `${mostInWindow('revoke', LIMIT.windowMs)} revokes in one window`);
    assert.deepEqual(
      posts.filter((post) => post.status !== 204),
      [],
      'none refused',
    );
    assert.deepEqual(new Set(posts.map((post) => post.tokenId)), new Set(selection.map((token) => token.id)));
    assert.ok(posts.every((post) => post.body === '{"notifyManagedDevices":true,"revokeUntrackedLicenses":false}'));
    // 35 writes at 10 per second cannot finish in under 3 windows.
    assert.ok(elapsed >= 3000, `took ${elapsed} ms`);
    assert.equal(ui.of('pickMany').length, 1);
    assert.equal(ui.of('pickMany')[0].title, 'Revoke licenses of 35 VPP tokens');
    assert.equal(ui.of('confirm').length, 1);
    assert.equal(ui.of('confirm')[0].message, 'Revoke all app licenses of 35 VPP tokens?');
    assert.match(ui.of('confirm')[0].detail ?? '', /• School 0001\n[\s\S]*• School 0010\n…and 25 more/);
    // The license impact across the selection, read from the tokens' VPP apps before the confirmation.
    assert.match(ui.of('confirm')[0].detail ?? '', /The VPP apps of these tokens: 29, licenses used: 238 of 890/);
    assert.deepEqual(ui.of('progress').find((shown) => shown.title === 'Revoking licenses of 35 VPP tokens')?.buttons, ['Cancel']);
    assert.equal(ui.progressReports.at(-1), '35/35');
    assert.equal(ui.of('info')[0].message, 'Revoke licenses: 35 of 35 tokens accepted by Intune, 0 failed, 0 unconfirmed, 0 not sent.');
    const report = ui.of('report')[0].message ?? '';
    assert.match(report, /^Revoked \(35\)/);
    assert.ok(selection.every((token) => report.includes(token.id)));
    assert.equal(store.relists, 1);
    // Each token was read once before its revoke, inside JSON batches of up to 20: no read of its own.
    const reads = tenant.requestsFor('get');
    assert.ok(
      reads.every((read) => read.headers['x-sim-batch']),
      'every read was part of a batch',
    );
    assert.deepEqual(reads.map((read) => read.tokenId).sort(), selection.map((token) => token.id).sort());
    const tokenBatches = tenant.requestsFor('batch').filter((batch) => batch.body.includes('/vppTokens/'));
    assert.equal(tokenBatches.length, Math.ceil(35 / 20));
  });

  it('429s without Retry-After (as Intune sometimes sends) are waited out too: every revoke accepted, none carried out twice', async () => {
    tenant.retryAfterOmittedEvery = 1;
    // The product's back-off (3, 6, 12 s against Intune's 20 s window), scaled as LIMIT scales the window: 1/20.
    const { context, ui, run } = setup([{ pickMany: [] }, { confirm: true }], { maxWrites: 1000, windowMs: 1000 }, undefined, 0.15);
    await run(revokeLicenses(context, tokens(15)));
    const refused = tenant.requestsFor('revoke').filter((post) => post.status === 429);
    assert.ok(refused.length > 0, 'the client met the limit');
    assert.deepEqual(
      refused.map((post) => post.retryAfter),
      refused.map(() => undefined),
      'no 429 said how long to wait',
    );
    assertEachAcceptedOnce(ui, 15);
  });

  it('the simulator catches a client that ignores the limit, and every 429 is retried after its Retry-After', async () => {
    const { context, ui, run } = setup([{ pickMany: [] }, { confirm: true }], { maxWrites: 1000, windowMs: 1000 });
    await run(revokeLicenses(context, tokens(15)));
    assertEachAcceptedOnce(ui, 15);
    const posts = tenant.requestsFor('revoke');
    const refusedPosts = posts.filter((post) => post.status === 429);
    assert.ok(refusedPosts.length > 0, 'the tenant refused the excess');
    for (const refused of refusedPosts) {
      const retryAfterSeconds = Number(refused.retryAfter);
      assert.ok(refused.retryAfter !== undefined && retryAfterSeconds > 0, 'this tenant sends Retry-After with every 429');
      const again = posts.find((post) => post.tokenId === refused.tokenId && post.time > refused.time);
      assert.ok(again, `the revoke of ${refused.tokenId ?? ''} was sent again`);
      // The server counts from the refused request's arrival; its answer left a moment later.
      assert.ok(
        again.time - refused.time >= retryAfterSeconds * 1000 - 20,
        `sent again ${again.time - refused.time} ms after a Retry-After of ${retryAfterSeconds} s`,
      );
    }
  });

  it("other tools' writes fill the tenant's window: the 429s that come while this app is under its own limit are waited out, each revoke sent until accepted once", async () => {
    // The tenant-wide write limit scaled as LIMIT is (12 a second), 6 of them taken by the admin center and scripts.
    tenant.throttleLimits = { windowMs: 1000, appRequests: 1000, appWrites: 100, tenantRequests: 2000, tenantWrites: 12 };
    tenant.otherTraffic = { requests: 6, writes: 6 };
    const { context, ui, run } = setup([{ pickMany: [] }, { confirm: true }], LIMIT, undefined, 0.15);
    await run(revokeLicenses(context, tokens(15)));
    const refused = tenant.requestsFor('revoke').filter((post) => post.status === 429);
    assert.ok(refused.length > 0, 'Intune refused some while this app kept to its own limit');
    assertEachAcceptedOnce(ui, 15);
  });

  it('reads throttled inside their JSON batch are read again after their wait, and never make a revoke go twice', async () => {
    // Every request counts, reads too: twelve a second for this app, scaled as LIMIT is.
    tenant.throttleLimits = { windowMs: 1000, appRequests: 12, appWrites: 100, tenantRequests: 2000, tenantWrites: 200 };
    const { context, ui, run } = setup([{ pickMany: [] }, { confirm: true }], LIMIT, undefined, 0.15);
    await run(revokeLicenses(context, tokens(15)));
    const throttledReads = tenant.requestsFor('get').filter((read) => read.headers['x-sim-batch'] && read.status === 429);
    assert.ok(throttledReads.length > 0, 'some reads were throttled inside their batch');
    for (const throttled of throttledReads) {
      const again = tenant
        .requestsFor('get')
        .find((read) => !read.headers['x-sim-batch'] && read.tokenId === throttled.tokenId && read.time > throttled.time);
      assert.ok(again, `${throttled.tokenId ?? ''} was read again alone`);
      assert.ok(
        again.time - throttled.time >= Number(throttled.retryAfter ?? 0.15) * 1000 - 20,
        `read again ${again.time - throttled.time} ms after a Retry-After of ${throttled.retryAfter ?? 'none'}`,
      );
    }
    assertEachAcceptedOnce(ui, 15);
  });

  it('cancelling stops sending and reports exactly which tokens were and were not revoked', async () => {
    const { ui, context, run } = setup([{ pickMany: [] }, { confirm: true }]);
    ui.onProgressReport = (message, cancel) => {
      if (message === '12/30') {
        cancel();
      }
    };
    const selection = tokens(30);
    await run(revokeLicenses(context, selection));
    const sent = new Set(tenant.requestsFor('revoke').map((post) => post.tokenId));
    const summary = ui.of('info')[0].message ?? '';
    const [, accepted, , , , notSent] =
      /(\d+) of (\d+) tokens accepted by Intune, (\d+) failed, (\d+) unconfirmed, (\d+) not sent/.exec(summary) ?? [];
    assert.equal(Number(accepted), sent.size, 'every token the tenant received is reported as revoked');
    assert.equal(Number(accepted) + Number(notSent), 30);
    assert.ok(Number(notSent) >= 10, summary);
    const report = ui.of('report')[0].message ?? '';
    for (const token of selection) {
      assert.equal(report.split(token.id).length - 1, 1, `${token.id} appears once in the report`);
      const section = report.indexOf(token.id) < report.indexOf('Not revoked: cancelled before sending') ? 'revoked' : 'not sent';
      assert.equal(section, sent.has(token.id) ? 'revoked' : 'not sent', token.id);
    }
  });

  it('reports a partial failure per token and still revokes the rest', async () => {
    const [first, second, third] = tokens(3);
    tenant.addFault({ route: 'revoke', tokenId: second.id, status: 403 });
    const { ui, context, run } = setup([{ pickMany: [] }, { confirm: true }]);
    await run(revokeLicenses(context, [first, second, third]));
    assert.equal(ui.of('error')[0].message, 'Revoke licenses: 2 of 3 tokens accepted by Intune, 1 failed, 0 unconfirmed, 0 not sent.');
    const report = ui.of('report')[0].message ?? '';
    assert.match(report, new RegExp(`Failed \\(1\\)\\n- School 0002 \\(${second.id}\\): Access denied \\(403\\)`));
    assert.equal(tenant.requestsFor('revoke').length, 3);
  });

  it('skips tokens whose revoke is already running, and says so', async () => {
    const selection = tokens(3);
    const { ui, context, store, run } = setup([{ pickMany: [] }, { confirm: true }]);
    const running = store.begin([selection[0].id], 'revoke');
    await run(revokeLicenses(context, selection));
    running.release();
    assert.deepEqual(
      store.begun.at(-1),
      { kind: 'revoke', ids: [selection[1].id, selection[2].id] },
      'the tree shows the two sent as revoking',
    );
    assert.match(ui.of('confirm')[0].detail ?? '', /1 selected tokens are skipped: a revoke of each is already running/);
    assert.deepEqual(
      tenant
        .requestsFor('revoke')
        .map((post) => post.tokenId)
        .sort(),
      [selection[1].id, selection[2].id].sort(),
    );
  });

  it('Escape in the options or Cancel in the confirmation sends nothing for a selection', async () => {
    for (const answers of [['escape'], [{ pickMany: [] }, { confirm: false }]] as Answer[][]) {
      const { context, run } = setup(answers);
      await run(revokeLicenses(context, tokens(5)));
    }
    assert.equal(tenant.requestsFor('revoke').length, 0);
  });

  it('syncs a selection within the write limit and reports each token', async () => {
    const { ui, context, run } = setup([]);
    await run(syncLicenses(context, tokens(25)));
    assert.equal(tenant.requestsFor('sync').length, 25);
    assert.ok(mostInWindow('sync', LIMIT.windowMs) <= LIMIT.maxWrites, `${mostInWindow('sync', LIMIT.windowMs)} syncs in one window`);
    assert.equal(ui.of('info')[0].message, 'Sync licenses: 25 of 25 tokens started, 0 failed, 0 unconfirmed, 0 not sent.');
    assert.match(
      ui.of('report')[0].message ?? '',
      /^Synced \(25\)[\s\S]*\n\nFailed \(0\)\n\nUnconfirmed: [^\n]* \(0\)\n\nNot synced: cancelled before sending \(0\)$/,
    );
    assert.deepEqual(ui.of('error'), [], 'nothing to run again, nothing asked');
  });

  it('syncs one token from its item and re-reads it', async () => {
    const { ui, store, log, context, run } = setup([]);
    const [token] = tokens(1);
    await run(syncLicenses(context, [token]));
    assert.equal(tenant.requestsFor('sync')[0].tokenId, token.id);
    const { requestId } = tenant.requestsFor('sync')[0];
    assert.match(
      log.text(),
      new RegExp(`Sync licenses of token ${token.id} at [0-9T:.-]+Z: 200 \\(request-id ${requestId}, client-request-id [0-9a-f-]{36}\\)`),
      'the audit trail names the request ids',
    );
    assert.match(ui.of('info')[0].message ?? '', /started syncing the licenses of "School 0001"/);
    assert.deepEqual(store.writtenTokens, [token.id]);
  });

  it('a sync Intune carried out but answered 504 for is reconciled through its last sync time: one POST, accepted', async () => {
    const { ui, context, run } = setup([]);
    const [token] = tokens(1);
    tenant.addFault({ route: 'sync', status: 504, afterExecute: true });
    await run(syncLicenses(context, [token]));
    assert.equal(tenant.requestsFor('sync').length, 1);
    assert.equal(tenant.executed.length, 1);
    assert.deepEqual(ui.of('error'), []);
    assert.match(ui.of('info')[0]?.message ?? '', /started syncing the licenses of "School 0001"/);
  });

  it('a sync answered 504 and not carried out is "not confirmed"; Send Again, confirmed, sends exactly one more', async () => {
    const { ui, context, run } = setup([{ confirm: true }]);
    const [token] = tokens(1);
    tenant.addFault({ route: 'sync', status: 504 });
    ui.errorChoices.push('Send Again');
    await run(syncLicenses(context, [token]));
    assert.match(ui.of('error')[0]?.message ?? '', /The sync of the licenses of "School 0001" is not confirmed/);
    assert.deepEqual(ui.of('error')[0]?.buttons, ['Check Again', 'Send Again']);
    assert.match(ui.of('confirm')[0]?.detail ?? '', /may have reached Intune/);
    assert.equal(tenant.requestsFor('sync').length, 2);
    assert.equal(tenant.executed.length, 1);
    assert.match(ui.of('info')[0]?.message ?? '', /started syncing/);
  });

  it('a single sync left unconfirmed: Check Again reads the token again and, still nothing, says so again; nothing is resent', async () => {
    const { ui, log, context, run } = setup([]);
    const [token] = tokens(1);
    tenant.addFault({ route: 'sync', status: 504 });
    ui.errorChoices.push('Check Again');
    await run(syncLicenses(context, [token]));
    const errors = ui.of('error').map((shown) => shown.message ?? '');
    assert.equal(errors.length, 2, 'not confirmed, checked again, still not confirmed');
    assert.ok(errors.every((message) => /The sync of the licenses of "School 0001" is not confirmed/.test(message)));
    assert.deepEqual(
      ui.of('progress').find((shown) => shown.title === 'Checking the sync of the licenses of "School 0001"…')?.buttons,
      ['Cancel'],
      'the check can be cancelled',
    );
    assert.equal(tenant.requestsFor('sync').length, 1);
    assert.deepEqual(ui.of('info'), []);
    assert.match(log.text(), new RegExp(`Sync licenses of token ${token.id}: left unconfirmed by the user`));
  });

  it('a bulk sync reads the tokens whose answer was lost: one Intune is still syncing is reported synced, with how it was confirmed', async () => {
    tenant.syncCompletionMs = 60_000;
    const [first, second] = tokens(2);
    tenant.addFault({ route: 'sync', tokenId: second.id, status: 504, afterExecute: true });
    const { ui, context, run } = setup([]);
    await run(syncLicenses(context, [first, second]));
    assert.equal(ui.of('info')[0]?.message, 'Sync licenses: 2 of 2 tokens started, 0 failed, 0 unconfirmed, 0 not sent.');
    const report = ui.of('report')[0];
    assert.equal(report?.title, 'Sync licenses: 2 of 2 tokens started, 0 failed, 0 unconfirmed, 0 not sent.');
    assert.match(
      report?.message ?? '',
      new RegExp(`^Synced \\(2\\)[\\s\\S]*${second.id}\\): its answer was lost, but the token shows a sync in progress`),
    );
    assert.ok(ui.of('progress').some((shown) => shown.title === 'Syncing licenses of 2 VPP tokens'));
    assert.equal(tenant.requestsFor('sync').length, 2, 'one POST each, none resent');
  });

  it('a bulk sync with a token left unconfirmed: Run Again, after its confirmation, sends that token alone', async () => {
    const [first, second] = tokens(2);
    tenant.addFault({ route: 'sync', tokenId: second.id, status: 504 });
    const { ui, log, context, run } = setup([{ confirm: true }]);
    ui.errorChoices.push('Run Again for 1 Token…');
    await run(syncLicenses(context, [first, second]));
    assert.match(ui.of('report')[0]?.message ?? '', /Unconfirmed: may have reached Intune, but the token shows no newer sync \(1\)/);
    const [again] = ui.of('confirm');
    assert.equal(again?.message, 'Sync again the licenses of the VPP token that failed or is unconfirmed?');
    assert.deepEqual(again?.buttons, ['Sync Licenses']);
    assert.match(log.text(), /Bulk sync report:\nSynced \(1\)/);
    assert.equal(again?.detail, '• School 0002\n\nThe earlier attempt may have reached Intune although it was not confirmed.');
    const posted = tenant.requestsFor('sync').map((post) => post.tokenId ?? '');
    assert.deepEqual(posted.slice(0, 2).sort(), [first.id, second.id].sort());
    assert.deepEqual(posted.slice(2), [second.id], 'the second run sent that token alone');
    assert.equal(ui.of('info').at(-1)?.message, 'Sync licenses: 1 of 1 tokens started, 0 failed, 0 unconfirmed, 0 not sent.');
  });

  it('a bulk sync whose Run Again is declined sends nothing more', async () => {
    const [first, second] = tokens(2);
    tenant.addFault({ route: 'sync', tokenId: second.id, status: 504 });
    const { ui, context, run } = setup([{ confirm: false }]);
    ui.errorChoices.push('Run Again for 1 Token…');
    await run(syncLicenses(context, [first, second]));
    assert.equal(ui.of('confirm').length, 1);
    assert.equal(tenant.requestsFor('sync').length, 2);
  });

  it('a bulk revoke reads the tokens whose answer was lost: one Intune carried out is reported revoked, with how it was confirmed', async () => {
    const [first, second] = tokens(2);
    tenant.addFault({ route: 'revoke', tokenId: second.id, status: 504, afterExecute: true });
    const { ui, context, run } = setup([{ pickMany: [] }, { confirm: true }]);
    await run(revokeLicenses(context, [first, second]));
    assert.equal(ui.of('info')[0]?.message, 'Revoke licenses: 2 of 2 tokens accepted by Intune, 0 failed, 0 unconfirmed, 0 not sent.');
    assert.match(
      ui.of('report')[0]?.message ?? '',
      new RegExp(`${second.id}\\): its answer was lost, but the token shows the revoke \\((active|done)`),
    );
    assert.equal(tenant.requestsFor('revoke').length, 2, 'one POST each, none resent');
  });

  it('Run Again, after a new confirmation, sends only the tokens that failed or stay unconfirmed', async () => {
    const [first, second, third] = tokens(3);
    tenant.addFault({ route: 'revoke', tokenId: second.id, status: 403 });
    tenant.addFault({ route: 'revoke', tokenId: third.id, status: 504 });
    const { ui, context, run } = setup([{ pickMany: [] }, { confirm: true }, { confirm: true }]);
    ui.errorChoices.push('Run Again for 2 Tokens…');
    await run(revokeLicenses(context, [first, second, third]));
    const [, again] = ui.of('confirm');
    assert.equal(again.message, 'Revoke again the licenses of 2 VPP tokens that failed or are unconfirmed?');
    assert.match(again.detail ?? '', /An unconfirmed revoke may have reached Intune/);
    const posted = tenant.requestsFor('revoke').map((post) => post.tokenId ?? '');
    assert.deepEqual(posted.slice(0, 3).sort(), [first.id, second.id, third.id].sort());
    assert.deepEqual(posted.slice(3).sort(), [second.id, third.id].sort(), 'the second run sent only those two');
    assert.equal(ui.of('info').at(-1)?.message, 'Revoke licenses: 2 of 2 tokens accepted by Intune, 0 failed, 0 unconfirmed, 0 not sent.');
  });

  it('one token to run again is named in the singular, and declining sends nothing more', async () => {
    const [first, second] = tokens(2);
    tenant.addFault({ route: 'revoke', tokenId: second.id, status: 403 });
    const { ui, context, run } = setup([{ pickMany: [] }, { confirm: true }, { confirm: false }]);
    ui.errorChoices.push('Run Again for 1 Token…');
    await run(revokeLicenses(context, [first, second]));
    assert.deepEqual(ui.of('error')[0]?.buttons, ['Run Again for 1 Token…']);
    assert.equal(ui.of('confirm')[1]?.message, 'Revoke again the licenses of the VPP token that failed or is unconfirmed?');
    assert.equal(tenant.requestsFor('revoke').length, 2);
  });

  it('a bulk run is one run in the journal, with its operation, options and tokens; its report is in the log', async () => {
    const [first, second] = tokens(2);
    const { ui, log, context, sink } = journaled([{ pickMany: [UNTRACKED] }, { confirm: true }]);
    await runAsCommand(ui, log, revokeLicenses(context, [second, first]));
    const runs = sink.records.filter((record) => record.type === 'run');
    assert.deepEqual(
      runs.map((record) => (record.type === 'run' ? [record.operation, record.details, record.tokens.map((token) => token.id)] : [])),
      [['revokeLicenses', { notifyManagedDevices: false, revokeUntrackedLicenses: true }, [first.id, second.id]]],
    );
    assert.match(log.text(), /Bulk revoke report:\nRevoked \(2\)/);
    const { sink: syncSink, ...sync } = journaled([]);
    await runAsCommand(sync.ui, sync.log, syncLicenses(sync.context, [first, second]));
    assert.deepEqual(
      syncSink.records.flatMap((record) => (record.type === 'run' ? [[record.operation, record.details]] : [])),
      [['syncLicenses', {}]],
    );
  });

  it("a bulk run's revokes, answered or found received, are left pending for the follow-through; its syncs are not", async () => {
    const [first, second] = tokens(2);
    tenant.addFault({ route: 'revoke', tokenId: second.id, status: 504, afterExecute: true });
    const { ui, log, context, sink } = journaled([{ pickMany: [] }, { confirm: true }]);
    await runAsCommand(ui, log, revokeLicenses(context, [first, second]));
    const last = (tokenId: string) => sink.entries().find((entry) => entry.intent.target.tokenId === tokenId)?.outcome;
    assert.deepEqual([last(first.id)?.outcome, last(first.id)?.pending], ['accepted', true]);
    assert.deepEqual([last(second.id)?.outcome, last(second.id)?.pending], ['accepted', true]);
    assert.match(last(second.id)?.reason ?? '', /its answer was lost, but the token shows the revoke/);
    const { sink: syncSink, ...sync } = journaled([]);
    await runAsCommand(sync.ui, sync.log, syncLicenses(sync.context, [first, second]));
    assert.deepEqual(
      syncSink.entries().map((entry) => [entry.outcome?.outcome, entry.outcome?.pending]),
      [
        ['accepted', undefined],
        ['accepted', undefined],
      ],
    );
  });

  it("Run Again's confirmation of a revoke names the tokens, warns of a second revoke, and repeats the options", async () => {
    const [first, second] = tokens(2);
    tenant.addFault({ route: 'revoke', tokenId: second.id, status: 403 });
    const { ui, context, run } = setup([{ pickMany: [NOTIFY] }, { confirm: true }, { confirm: false }]);
    ui.errorChoices.push('Run Again for 1 Token…');
    await run(revokeLicenses(context, [first, second]));
    const again = ui.of('confirm')[1];
    assert.equal(
      again?.detail,
      [
        '• School 0002',
        '',
        'An unconfirmed revoke may have reached Intune: revoking that token again can revoke twice and notify devices twice.',
        'Notify managed devices: yes',
        'Revoke untracked licenses: no',
        '',
        CONSEQUENCES(),
      ].join('\n'),
    );
    assert.deepEqual(again?.buttons, ['Revoke Licenses']);
  });

  it('several syncs to run again are named in the plural', async () => {
    const [first, second, third] = tokens(3);
    tenant.addFault({ route: 'sync', tokenId: second.id, status: 403 });
    tenant.addFault({ route: 'sync', tokenId: third.id, status: 403 });
    const { ui, context, run } = setup([{ confirm: false }]);
    ui.errorChoices.push('Run Again for 2 Tokens…');
    await run(syncLicenses(context, [first, second, third]));
    assert.equal(ui.of('confirm')[0]?.message, 'Sync again the licenses of 2 VPP tokens that failed or are unconfirmed?');
    assert.equal(tenant.requestsFor('sync').length, 3);
  });

  it('a bulk revoke reports four kinds: accepted, failed (with why), unconfirmed, not sent', async () => {
    const [first, second, third] = tokens(3);
    tenant.addFault({ route: 'revoke', tokenId: second.id, status: 403 });
    tenant.addFault({ route: 'revoke', tokenId: third.id, status: 504 });
    const { ui, context, run } = setup([{ pickMany: [] }, { confirm: true }]);
    await run(revokeLicenses(context, [first, second, third]));
    assert.equal(ui.of('error')[0]?.message, 'Revoke licenses: 1 of 3 tokens accepted by Intune, 1 failed, 1 unconfirmed, 0 not sent.');
    const report = ui.of('report')[0]?.message ?? '';
    const section = (heading: string) => report.slice(report.indexOf(heading)).split('\n\n')[0];
    assert.match(section('Revoked ('), new RegExp(first.id));
    assert.match(section('Failed ('), new RegExp(`${second.id}.*Access denied \\(403\\)`));
    assert.match(section('Unconfirmed: may have reached Intune'), new RegExp(`${third.id}.*may have carried out this request`));
    assert.match(section('Not revoked: cancelled before sending'), /\(0\)/);
    assert.equal(tenant.requestsFor('revoke').length, 3, 'one POST each, none resent');
  });
});

describe('revoke outcome polling', () => {
  let tenant: SimulatedTenant;

  afterEach(async () => {
    await tenant.stop();
  });

  function revokeHq(ui: ScriptedUserInput, delaysMs: number[], store = new RecordingStore(), stopped?: AbortSignal) {
    const { context } = commandHarness(tenant, ui, { polling: { delaysMs }, stopped, account: fakeAccount(), store });
    return revokeLicenses(context, [seedTokens()[0]]);
  }

  it('stops after the configured reads when Intune never finishes, and says in one message it is still processing', async () => {
    tenant = await startTenant({ revokeCompletionMs: 60_000 });
    const ui = new ScriptedUserInput([{ pickMany: [] }, { confirm: true }]);
    await revokeHq(ui, [20, 40, 80]);
    assert.equal(tenant.requestsFor('get').length, 1 + 3, 'one read before the revoke, then exactly one per delay');
    assert.deepEqual(
      ui.of('info').map((info) => info.message),
      [
        'Intune accepted the revoke of the licenses of "Contoso HQ" and is still processing it (active · 0 licenses, 0 failed); expand the token later to see its outcome.',
      ],
    );
  });

  it('the watch stops when the extension deactivates: no read after it, and the revoke is still reported accepted', async () => {
    tenant = await startTenant({ revokeCompletionMs: 60_000 });
    const deactivation = new AbortController();
    const ui = new ScriptedUserInput([{ pickMany: [] }, { confirm: true }]);
    ui.onProgressReport = () => deactivation.abort();
    await revokeHq(ui, [60_000], new RecordingStore(), deactivation.signal);
    assert.equal(tenant.requestsFor('get').length, 1, 'only the read before the revoke');
    assert.match(ui.of('info')[0]?.message ?? '', /Intune accepted the revoke of the licenses of "Contoso HQ"/);
  });

  it('a revoke Intune reports as failed ends in one error naming the reason, not in a success', async () => {
    tenant = await startTenant({ revokeCompletionMs: 0, revokeFailureReason: 'appleFailure' });
    const ui = new ScriptedUserInput([{ pickMany: [] }, { confirm: true }]);
    await revokeHq(ui, [20, 40]);
    assert.deepEqual(ui.of('info'), []);
    assert.deepEqual(
      ui.of('error').map((error) => error.message),
      ['Intune accepted the revoke of the licenses of "Contoso HQ", but reports: failed · 13 licenses, 13 failed · reason: appleFailure'],
    );
    assert.deepEqual(ui.of('error')[0].buttons, [], 'nothing to run again: the revoke was accepted');
  });

  it('the token stays busy while its outcome is watched: a second revoke is refused; Cancel stops watching, not the revoke', async () => {
    tenant = await startTenant({ revokeCompletionMs: 60_000 });
    const store = new RecordingStore();
    const ui = new ScriptedUserInput([{ pickMany: [] }, { confirm: true }]);
    let second: Promise<void> | undefined;
    const secondUi = new ScriptedUserInput([]);
    ui.onProgressReport = (_message, cancel) => {
      // Intune accepted the first revoke and its outcome is being watched: try again, then stop watching.
      assert.equal(store.current(seedTokens()[0].id), 'revoke', 'the tree shows the token as revoking while it is watched');
      second = revokeHq(secondUi, [20], store).then(cancel);
    };
    await revokeHq(ui, [60_000], store);
    assert.equal(store.current(seedTokens()[0].id), undefined, 'no longer revoking once it ended');
    await second;
    assert.match(secondUi.of('info')[0]?.message ?? '', /A revoke of the licenses of "Contoso HQ" is already running/);
    assert.equal(secondUi.of('pickMany').length, 0);
    assert.equal(tenant.requestsFor('revoke').length, 1);
    // Cancelled before the first read after the revoke: accepted, and nothing claimed about the outcome.
    assert.deepEqual(
      ui.of('info').map((info) => info.message),
      ['Intune accepted the revoke of the licenses of "Contoso HQ". Apple completes it in the background.'],
    );
    assert.equal(tenant.requestsFor('get').length, 1, 'only the read before the revoke');
  });
});

describe('VPP apps per token', () => {
  it('lists iOS and macOS VPP apps with their token and license counts, across pages', async () => {
    const tenant = await startTenant({ pageSize: 3 });
    try {
      const accessToken = tenant.issueAccessToken();
      const settings = tenantSettings(tenant);
      const service = createVppTokenService(settings, {
        getAccessToken: async () => accessToken,
        log: new RecordingLogger(),
        acceptLanguage: 'en-US',
      });
      const apps = await service.listVppApps();
      const expected = tenant.apps.filter((app) => app.vppTokenId);
      assert.equal(apps.length, expected.length);
      assert.ok(!apps.some((app) => app.id === 'store-app'), 'store apps are not VPP apps');
      const hqApps = apps.filter((app) => app.vppTokenId === seedTokens()[0].id);
      assert.deepEqual(
        hqApps.map((app) => [app.displayName, app.usedLicenseCount, app.totalLicenseCount]),
        [
          ['Microsoft Teams', 5, 20],
          ['Microsoft Outlook', 8, 30],
        ],
      );
      const requests = tenant.requestsFor('apps');
      assert.ok(requests.length >= 2, 'followed the paging');
      assert.equal(
        new URL(requests[0].url, tenant.url).searchParams.get('$filter'),
        "isof('microsoft.graph.iosVppApp') or isof('microsoft.graph.macOsVppApp')",
      );
    } finally {
      await tenant.stop();
    }
  });
});

describe('listing at scale', () => {
  it('lists 3,000 tokens page by page with only the shown fields', async () => {
    const tenant = await startTenant({ pageSize: 100, tokens: generatedTokens(3000) });
    try {
      const accessToken = tenant.issueAccessToken();
      const settings = tenantSettings(tenant);
      const service = createVppTokenService(settings, {
        getAccessToken: async () => accessToken,
        log: new RecordingLogger(),
        acceptLanguage: 'en-US',
      });
      const listed = await service.listTokens();
      assert.equal(listed.length, 3000);
      assert.equal(new Set(listed.map((token) => token.id)).size, 3000);
      assert.equal(tenant.requestsFor('list').length, 30);
      assert.ok(listed.every((token) => !('token' in token) && !('tokenActionResults' in token)));
    } finally {
      await tenant.stop();
    }
  });
});
