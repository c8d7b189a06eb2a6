import * as assert from 'node:assert/strict';
import { revokeLicenses } from '../../src/commands/licenses/revokeLicenses';
import { FOLLOW_FOR_MS, FollowThrough, isFollowed } from '../../src/commands/writes/followThrough';
import { delay } from '../../src/graph/delay';
import { JournalEntry } from '../../src/journal/journalEntries';
import { JournalRecord, JournalSession } from '../../src/journal/journalRecords';
import { seedTokens } from '../simulatedTenant/seed';
import { SimulatedTenant } from '../simulatedTenant/server';
import { RecordingLogger } from '../support/fixtures';
import { commandHarness, useSimulatedTenant } from '../support/harness';
import { MemoryJournal, TEST_SESSION, testJournal } from '../support/memoryJournal';
import { ScriptedUserInput } from '../support/scriptedUserInput';
import { waitUntil } from '../support/waitUntil';

const SHOW_HISTORY = 'Show History';

describe('revokes followed to their end, from the journal (simulated tenant)', () => {
  let tenant: SimulatedTenant;
  const hq = seedTokens()[0];

  useSimulatedTenant(
    // Apple takes longer than the command's watch: the revoke is still active when its progress ends.
    { revokeCompletionMs: 600, resultDelayMs: 0 },
    (started) => (tenant = started),
    () => tenant.reset(),
  );

  /** A journal that tells the follow-through of each record, as the window's journal file does. */
  class ObservedJournal extends MemoryJournal {
    onRecord: (record: JournalRecord) => void = () => undefined;
    override async append(record: JournalRecord): Promise<boolean> {
      await super.append(record);
      this.onRecord(record);
      return true;
    }
  }

  function setup(options: { session?: JournalSession; live?: boolean; now?: () => number } = {}) {
    const sink = new ObservedJournal();
    const harness = commandHarness(tenant, [{ pickMany: [] }, { confirm: true }], {
      journal: testJournal(sink),
      polling: { delaysMs: [20, 20] },
    });
    const ui = new ScriptedUserInput();
    const shownHistory: number[] = [];
    const follower = new FollowThrough({
      contextFor: (key) => (key === 'contoso' ? harness.context : undefined),
      entries: async () => sink.entries(),
      isLive: (session) => options.live === true || session.id === options.session?.id,
      showHistory: async () => shownHistory.push(1),
      ui,
      log: new RecordingLogger(),
      now: options.now ?? (() => Date.now()),
      wait: delay,
      delaysMs: [50, 100, 200],
    });
    sink.onRecord = (record) => follower.recorded(record);
    return { harness, sink, ui, follower, shownHistory };
  }

  const finalOutcome = (sink: MemoryJournal) => sink.entries()[0]?.outcome;

  it("a revoke still active when its progress ends is read until Intune's result is final: History shows it, one notification tells it", async () => {
    const { harness, sink, ui, follower, shownHistory } = setup();
    ui.errorChoice = SHOW_HISTORY;
    try {
      await harness.run(revokeLicenses(harness.context, [hq]));
      assert.match(harness.ui.of('info')[0]?.message ?? '', /is still processing it/);
      const pending = sink.records.filter((record) => record.type === 'outcome' && record.pending === true);
      assert.equal(pending.length, 1, 'the journal says the result is pending');
      await waitUntil(() => finalOutcome(sink)?.pending === false, 'the final result in the journal');
      assert.deepEqual([finalOutcome(sink)?.outcome, finalOutcome(sink)?.result], ['accepted', 'done · 13 licenses, 0 failed']);
      await waitUntil(() => ui.of('info').length === 1, 'the notification');
      assert.deepEqual(
        ui.of('info').map((info) => [info.message, info.buttons]),
        [['Intune finished: Revoke licenses "Contoso HQ": done · 13 licenses, 0 failed', [SHOW_HISTORY]]],
      );
      await waitUntil(() => shownHistory.length === 1, 'Show History');
      assert.deepEqual(
        harness.store.writtenTokens.filter((id) => id === hq.id).length,
        2,
        'its token is read back after the revoke, and again once the result is final, so its row redraws',
      );
      assert.equal(tenant.requestsFor('revoke').length, 1, 'the follow-through never writes');
      assert.ok(tenant.requests.every((request) => request.route !== 'sync' && request.route !== 'update'));
    } finally {
      follower.dispose();
    }
  });

  it('a revoke that fails at Apple is told as a warning naming the reason', async () => {
    const failing = setup();
    tenant.revokeFailureReason = 'appleFailure';
    try {
      await failing.harness.run(revokeLicenses(failing.harness.context, [hq]));
      await waitUntil(() => failing.ui.of('warning').length === 1, 'the warning');
      assert.match(
        failing.ui.of('warning')[0].message ?? '',
        /^Intune finished with failures: Revoke licenses "Contoso HQ": failed · 13 licenses, 13 failed · reason: appleFailure$/,
      );
      assert.deepEqual(failing.ui.of('warning')[0].buttons, [SHOW_HISTORY]);
      assert.equal(finalOutcome(failing.sink)?.result, 'failed · 13 licenses, 13 failed · reason: appleFailure');
      assert.deepEqual(failing.shownHistory, [], 'History opens only when asked');
    } finally {
      failing.follower.dispose();
    }
  });

  it('done, but some licenses failed: a warning, not a success', async () => {
    const partly = setup();
    tenant.revokeCompletionMs = 60_000;
    try {
      await partly.harness.run(revokeLicenses(partly.harness.context, [hq]));
      const result = tenant.tokens.get(hq.id)?.tokenActionResults?.at(-1);
      assert.ok(result);
      Object.assign(result, { actionState: 'done', totalLicensesCount: 13, failedLicensesCount: 2 });
      await waitUntil(() => partly.ui.of('warning').length === 1, 'the warning');
      assert.match(partly.ui.of('warning')[0].message ?? '', /^Intune finished with failures: .*done · 13 licenses, 2 failed$/);
      assert.deepEqual(partly.ui.of('info'), []);
    } finally {
      partly.follower.dispose();
    }
  });

  it('a read that fails is read again later; a tenant no longer configured is not followed at all', async () => {
    const flaky = setup();
    try {
      tenant.revokeCompletionMs = 60_000;
      await flaky.harness.run(revokeLicenses(flaky.harness.context, [hq]));
      const reads = tenant.requestsFor('get').length;
      tenant.addFault({ route: 'get', status: 403, times: 1 });
      await waitUntil(() => tenant.requestsFor('get').length >= reads + 2, 'a refused read, then another');
      Object.assign(tenant.tokens.get(hq.id)?.tokenActionResults?.at(-1) ?? {}, { actionState: 'done', totalLicensesCount: 13 });
      await waitUntil(() => finalOutcome(flaky.sink)?.pending === false, 'the final result after the refused read');
    } finally {
      flaky.follower.dispose();
    }
    const [entry] = flaky.sink.entries();
    const orphan = new FollowThrough({
      ...followerDeps(flaky),
      contextFor: () => undefined,
      entries: async () => [{ ...entry, outcome: { ...entry.outcome, pending: true } } as JournalEntry],
    });
    tenant.requests.length = 0;
    await orphan.resume();
    orphan.dispose();
    assert.deepEqual(tenant.requests, [], 'no read for a tenant that is gone');
  });

  it("after a restart, an earlier window's pending revoke is read at once; a window that still runs follows its own", async () => {
    const earlier = setup({ live: true });
    await earlier.harness.run(revokeLicenses(earlier.harness.context, [hq]));
    earlier.follower.dispose();
    await waitUntil(() => tenant.tokens.get(hq.id)?.tokenActionResults?.at(-1)?.actionState === 'done', 'Apple to finish');
    const [entry] = earlier.sink.entries();
    assert.ok(isFollowed(entry, Date.now()));

    const liveUi = new ScriptedUserInput();
    const live = new FollowThrough({ ...followerDeps(earlier), ui: liveUi, isLive: () => true });
    await live.resume();
    const restartedUi = new ScriptedUserInput();
    const restarted = new FollowThrough({ ...followerDeps(earlier), ui: restartedUi, isLive: (session) => session.id !== TEST_SESSION.id });
    tenant.requests.length = 0;
    await restarted.resume();
    await waitUntil(() => finalOutcome(earlier.sink)?.pending === false, 'the final result in the journal');
    assert.deepEqual(
      tenant.requests.map((request) => `${request.method} ${request.route}`),
      ['GET get'],
      'one read of the token, at once',
    );
    await waitUntil(() => restartedUi.of('info').length === 1, "the restarted window's notification");
    assert.deepEqual(liveUi.shown, [], 'the live window told nothing: it follows its own');
    live.dispose();
    restarted.dispose();
  });

  it('a day after the send, a revoke still not final is given up: History says so, and the admin is told once', async () => {
    let now = Date.now();
    const { harness, sink, ui, follower, shownHistory } = setup({ now: () => now });
    tenant.revokeCompletionMs = 60_000;
    try {
      await harness.run(revokeLicenses(harness.context, [hq]));
      // Once the follow-through has read the token, a day passes before its next read.
      const reads = tenant.requestsFor('get').length;
      await waitUntil(() => tenant.requestsFor('get').length > reads, "the follow-through's first read");
      now = Date.now() + FOLLOW_FOR_MS;
      await waitUntil(() => finalOutcome(sink)?.pending === false, 'the give-up in the journal');
      assert.equal(finalOutcome(sink)?.reason, 'Intune had not finished it a day after it was sent');
      assert.equal(finalOutcome(sink)?.outcome, 'accepted');
      assert.deepEqual(ui.of('warning')[0]?.buttons, [SHOW_HISTORY]);
      assert.deepEqual(shownHistory, [], 'History opens only when asked');
      assert.match(finalOutcome(sink)?.result ?? '', /^active/);
      assert.match(ui.of('warning')[0]?.message ?? '', /Revoke licenses "Contoso HQ": Intune had not finished it a day after it was sent/);
    } finally {
      follower.dispose();
    }
  });

  it('only revokes accepted with a pending result, sent less than a day ago, are followed', () => {
    const entry = (operation: string, outcome: object | undefined, at = new Date().toISOString()) =>
      ({ intent: { operation, at }, attempts: [], outcome }) as unknown as JournalEntry;
    const pending = { outcome: 'accepted', pending: true };
    const now = Date.now();
    assert.equal(isFollowed(entry('revokeLicenses', pending), now), true);
    assert.equal(isFollowed(entry('revokeAppDeviceLicense', pending), now), true);
    assert.equal(isFollowed(entry('syncLicenses', pending), now), false);
    assert.equal(isFollowed(entry('revokeLicenses', { outcome: 'accepted' }), now), false);
    assert.equal(isFollowed(entry('revokeLicenses', { outcome: 'unconfirmed', pending: true }), now), false);
    assert.equal(isFollowed(entry('revokeLicenses', undefined), now), false);
    assert.equal(isFollowed(entry('revokeLicenses', pending, new Date(now - FOLLOW_FOR_MS).toISOString()), now), false);
    assert.equal(isFollowed(entry('revokeLicenses', pending, new Date(now - FOLLOW_FOR_MS + 1000).toISOString()), now), true);
  });

  function followerDeps(from: ReturnType<typeof setup>) {
    return {
      contextFor: (key: string) => (key === 'contoso' ? from.harness.context : undefined),
      entries: async () => from.sink.entries(),
      isLive: () => false,
      showHistory: async () => undefined,
      ui: new ScriptedUserInput(),
      log: new RecordingLogger(),
      now: () => Date.now(),
      wait: delay,
      delaysMs: [50, 100, 200],
    };
  }
});
