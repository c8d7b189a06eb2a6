import * as assert from 'node:assert/strict';
import { revokeLicenses } from '../../src/commands/licenses/revokeLicenses';
import { retireToken } from '../../src/commands/tokens/retireToken';
import { FOLLOW_FOR_MS, FollowThrough, isFollowed } from '../../src/commands/writes/followThrough';
import { OutcomePolling } from '../../src/graph/actionResults';
import { delay } from '../../src/graph/delay';
import { JournalEntry } from '../../src/journal/journalEntries';
import { JournalRecord, JournalSession } from '../../src/journal/journalRecords';
import { seedTokens } from '../simulatedTenant/seed';
import { SimulatedTenant } from '../simulatedTenant/server';
import { RecordingLogger } from '../support/fixtures';
import { commandHarness, useSimulatedTenant } from '../support/harness';
import { MemoryJournal, TEST_SESSION, testJournal } from '../support/memoryJournal';
import { Answer, ScriptedUserInput } from '../support/scriptedUserInput';
import { waitUntil } from '../support/waitUntil';

const SHOW_HISTORY = 'Show History';
/** The group the seed's Teams is required for. */
const TOKYO_IPADS = '6f1c2a4e-0000-4000-8000-000000000001';

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

  function setup(
    options: { session?: JournalSession; live?: boolean; now?: () => number; answers?: Answer[]; licensePolling?: OutcomePolling } = {},
  ) {
    const sink = new ObservedJournal();
    const harness = commandHarness(tenant, options.answers ?? [{ pickMany: [] }, { confirm: true }], {
      journal: testJournal(sink),
      polling: { delaysMs: [20, 20] },
      ...(options.licensePolling ? { licensePolling: options.licensePolling } : {}),
    });
    const ui = new ScriptedUserInput();
    const shownHistory: number[] = [];
    const offered: string[] = [];
    const follower = new FollowThrough({
      contextFor: (key) => (key === 'contoso' ? harness.context : undefined),
      entries: async () => sink.entries(),
      isLive: (session) => options.live === true || session.id === options.session?.id,
      showHistory: async () => shownHistory.push(1),
      offer: {
        revokeLicenses: async (tenantKey, token) => offered.push(`revoke ${tenantKey} ${token.id}`),
        deleteToken: async (tenantKey, token) => offered.push(`delete ${tenantKey} ${token.id}`),
      },
      ui,
      log: new RecordingLogger(),
      now: options.now ?? (() => Date.now()),
      wait: delay,
      delaysMs: [50, 100, 200],
    });
    sink.onRecord = (record) => follower.recorded(record);
    return { harness, sink, ui, follower, shownHistory, offered };
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
      tenant.requests.slice(0, 1).map((request) => `${request.method} ${request.route}`),
      ['GET get'],
      'one read of the token, at once',
    );
    assert.ok(
      tenant.requests.every((request) => request.method === 'GET'),
      'then only reads (of the token, until its next sync)',
    );
    await waitUntil(() => restartedUi.of('info').length === 1, "the restarted window's notification");
    assert.deepEqual(liveUi.shown, [], 'the live window told nothing: it follows its own');
    live.dispose();
    restarted.dispose();
  });

  describe("after a revoke is done, the token's next sync", () => {
    /** The tenth token: Teams required for a group, Outlook available to all users. */
    const school = seedTokens()[9];
    const REVOKE_AGAIN = 'Revoke Licenses…';

    it('licenses that come back while apps stay assigned: History and one warning name each app and the assignment; Revoke Licenses… offered', async () => {
      const followed = setup({ answers: [{ pickMany: [] }, { button: 'Revoke Anyway' }] });
      followed.ui.errorChoice = REVOKE_AGAIN;
      try {
        await followed.harness.run(revokeLicenses(followed.harness.context, [school]));
        await waitUntil(() => finalOutcome(followed.sink)?.syncAfter !== undefined, 'the result done, the sync awaited');
        assert.equal(tenant.apps.find((app) => app.id === 'app-9-0')?.usedLicenseCount, 0, 'Apple freed them');
        const reads = tenant.requestsFor('get').length;
        await waitUntil(() => tenant.requestsFor('get').length > reads, 'a read of the token before its sync');
        assert.equal(finalOutcome(followed.sink)?.afterSync, undefined, 'no sync yet: nothing to tell');

        tenant.scheduledSync(school.id);
        await waitUntil(() => finalOutcome(followed.sink)?.afterSync !== undefined, 'the read after the sync');
        const afterSync = finalOutcome(followed.sink)?.afterSync ?? '';
        assert.match(afterSync, /^13 licenses came back after Intune's sync of \d{4}-\d\d-\d\d \d\d:\d\d UTC: /);
        assert.match(
          afterSync,
          new RegExp(`Microsoft Teams: 5 used, Required: group ${TOKYO_IPADS} · Microsoft Outlook: 8 used, Available: All users\\.$`),
        );
        await waitUntil(() => followed.ui.of('warning').length === 1, 'the warning');
        const [warning] = followed.ui.of('warning');
        assert.equal(
          warning.message,
          `Revoke licenses "${school.displayName}": ${afterSync} Set those assignments to Uninstall or remove them, then revoke again.`,
        );
        assert.deepEqual(warning.buttons, [REVOKE_AGAIN, SHOW_HISTORY]);
        await waitUntil(() => followed.offered.length === 1, 'Revoke Licenses… run');
        assert.deepEqual(followed.offered, [`revoke contoso ${school.id}`]);
        assert.equal(finalOutcome(followed.sink)?.result, 'done · 13 licenses, 0 failed', "Intune's result is kept");
        assert.equal(finalOutcome(followed.sink)?.syncAfter, undefined, 'the follow-through ends');
        assert.equal(finalOutcome(followed.sink)?.pending, false);
        assert.equal(isFollowed(followed.sink.entries()[0], Date.now()), false, 'not followed again after a restart');
        assert.equal(tenant.requestsFor('revoke').length, 1, 'the follow-through never sends the revoke again');
        assert.ok(tenant.requests.every((request) => request.method === 'GET' || request.route === 'revoke' || request.route === 'batch'));
      } finally {
        followed.follower.dispose();
      }
    });

    it('a revoke seen done within its own progress is followed to the sync too, without another notification of its result', async () => {
      tenant.revokeCompletionMs = 0;
      const followed = setup({ answers: [{ pickMany: [] }, { button: 'Revoke Anyway' }] });
      followed.ui.errorChoice = SHOW_HISTORY;
      try {
        await followed.harness.run(revokeLicenses(followed.harness.context, [school]));
        const outcome = finalOutcome(followed.sink);
        assert.deepEqual([outcome?.result, outcome?.pending], ['done · 13 licenses, 0 failed', undefined], 'final within the progress');
        assert.ok(outcome?.syncAfter, 'the sync awaited');
        tenant.scheduledSync(school.id);
        await waitUntil(() => followed.ui.of('warning').length === 1, 'the warning');
        assert.match(followed.ui.of('warning')[0].message ?? '', /13 licenses came back/);
        assert.deepEqual(followed.ui.of('info'), [], 'the result was told by the command, not again');
        await waitUntil(() => followed.shownHistory.length === 1, 'Show History from the warning');
        assert.deepEqual(followed.offered, [], 'Show History revokes nothing');
      } finally {
        followed.follower.dispose();
      }
    });

    it('an app set to Uninstall stays revoked: History says no license came back, and nothing more is told', async () => {
      const followed = setup({ answers: [{ pickMany: [] }, { button: 'Change Assignments First…' }, { pick: 'Set them to Uninstall' }] });
      try {
        await followed.harness.run(revokeLicenses(followed.harness.context, [school]));
        await waitUntil(() => followed.sink.entries().at(-1)?.outcome?.syncAfter !== undefined, 'the result done, the sync awaited');
        tenant.scheduledSync(school.id);
        await waitUntil(() => followed.sink.entries().at(-1)?.outcome?.afterSync !== undefined, 'the read after the sync');
        assert.match(followed.sink.entries().at(-1)?.outcome?.afterSync ?? '', /^No license came back after Intune's sync of /);
        assert.equal(tenant.apps.find((app) => app.id === 'app-9-0')?.usedLicenseCount, 0);
        assert.deepEqual(followed.ui.of('warning'), []);
        assert.deepEqual(
          followed.ui.of('info').map((info) => info.message),
          [`Intune finished: Revoke licenses "${school.displayName}": done · 13 licenses, 0 failed`],
          'the one notification of the result',
        );
      } finally {
        followed.follower.dispose();
      }
    });

    it('a token deleted before its sync ends the follow-through: History says it is gone', async () => {
      const followed = setup();
      try {
        await followed.harness.run(revokeLicenses(followed.harness.context, [hq]));
        await waitUntil(() => finalOutcome(followed.sink)?.syncAfter !== undefined, 'the result done, the sync awaited');
        tenant.tokens.delete(hq.id);
        await waitUntil(() => finalOutcome(followed.sink)?.afterSync !== undefined, 'the token found gone');
        assert.equal(finalOutcome(followed.sink)?.afterSync, 'The token is no longer in Intune.');
        assert.deepEqual(followed.ui.of('warning'), []);
      } finally {
        followed.follower.dispose();
      }
    });

    it('no sync within a day after the revoke was done: History says so, without a notification', async () => {
      let now = Date.now();
      const followed = setup({ now: () => now });
      try {
        await followed.harness.run(revokeLicenses(followed.harness.context, [hq]));
        await waitUntil(() => finalOutcome(followed.sink)?.syncAfter !== undefined, 'the result done, the sync awaited');
        now = Date.now() + FOLLOW_FOR_MS;
        await waitUntil(() => finalOutcome(followed.sink)?.afterSync !== undefined, 'the day passed');
        assert.equal(finalOutcome(followed.sink)?.afterSync, 'The token did not sync within a day after the revoke was done.');
        assert.equal(followed.ui.of('warning').length, 0);
      } finally {
        followed.follower.dispose();
      }
    });

    it("after a restart, a done revoke awaiting its token's sync is read again", async () => {
      const earlier = setup({ live: true });
      await earlier.harness.run(revokeLicenses(earlier.harness.context, [school]));
      await waitUntil(() => tenant.tokens.get(school.id)?.tokenActionResults?.at(-1)?.actionState === 'done', 'Apple to finish');
      earlier.follower.dispose();
      const [entry] = earlier.sink.entries();
      const done = {
        ...entry,
        outcome: { ...entry.outcome, pending: false, syncAfter: new Date(Date.now() - 1000).toISOString() },
      } as JournalEntry;
      tenant.scheduledSync(school.id);
      const restartedUi = new ScriptedUserInput();
      const restarted = new FollowThrough({ ...followerDeps(earlier), ui: restartedUi, entries: async () => [done] });
      try {
        await restarted.resume();
        await waitUntil(() => earlier.sink.entries()[0]?.outcome?.afterSync !== undefined, 'the read after the sync');
        assert.match(earlier.sink.entries()[0]?.outcome?.afterSync ?? '', /licenses came back/);
        await waitUntil(() => restartedUi.of('warning').length === 1, 'the warning');
      } finally {
        restarted.dispose();
      }
    });
  });

  describe('a retire whose watch ended before the revoke was done', () => {
    it('is followed in the background: once no license is used, Delete Token… is offered (and only offered)', async () => {
      // The retire's own watch gives up after two reads, long before Apple finishes.
      const retired = setup({ answers: [{ pickMany: [] }, { confirm: true }, { confirm: false }], licensePolling: { delaysMs: [10, 10] } });
      retired.ui.errorChoice = 'Delete Token…';
      try {
        await retired.harness.run(retireToken(retired.harness.context, hq, 'en'));
        const [entry] = retired.sink.entries();
        assert.equal(entry.intent.details.retiring, true, 'History says the revoke is a retire');
        assert.match(retired.harness.ui.of('report')[0]?.message ?? '', /Deleted: no\n?$/);
        await waitUntil(() => retired.offered.length === 1, 'Delete Token… offered');
        assert.deepEqual(retired.offered, [`delete contoso ${hq.id}`]);
        const [info] = retired.ui.of('info');
        assert.equal(
          info.message,
          'Intune finished: Revoke licenses "Contoso HQ": done · 13 licenses, 0 failed. No license of the token is used now: you can delete it.',
        );
        assert.deepEqual(info.buttons, ['Delete Token…', SHOW_HISTORY]);
        assert.equal(tenant.requestsFor('delete').length, 0, 'the follow-through never deletes');
      } finally {
        retired.follower.dispose();
      }
    });
  });

  it('a retire whose revoke is done while a license is still used: told, but no delete offered', async () => {
    const retired = setup({ answers: [{ pickMany: [] }, { confirm: true }, { confirm: false }], licensePolling: { delaysMs: [10, 10] } });
    retired.ui.errorChoice = 'Delete Token…';
    tenant.revokeCompletionMs = 60_000;
    try {
      await retired.harness.run(retireToken(retired.harness.context, hq, 'en'));
      // Intune reports the revoke done while the apps' licenses are still used (Apple has not freed them yet).
      Object.assign(tenant.tokens.get(hq.id)?.tokenActionResults?.at(-1) ?? {}, { actionState: 'done', totalLicensesCount: 13 });
      await waitUntil(() => retired.ui.of('info').length === 1, 'the result told');
      assert.equal(retired.ui.of('info')[0].message, 'Intune finished: Revoke licenses "Contoso HQ": done · 13 licenses, 0 failed');
      assert.deepEqual(retired.ui.of('info')[0].buttons, [SHOW_HISTORY]);
      assert.deepEqual(retired.offered, []);
    } finally {
      retired.follower.dispose();
    }
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
    // Done, its licenses to be read after the token's next sync: followed for a day after the result was recorded.
    const awaitingSync = (at: number) => ({
      outcome: 'accepted',
      pending: false,
      syncAfter: '2026-12-08T00:00:00Z',
      at: new Date(at).toISOString(),
    });
    const longAgo = new Date(now - 2 * FOLLOW_FOR_MS).toISOString();
    assert.equal(isFollowed(entry('revokeLicenses', awaitingSync(now - FOLLOW_FOR_MS + 1000), longAgo), now), true);
    assert.equal(isFollowed(entry('revokeLicenses', awaitingSync(now - FOLLOW_FOR_MS), longAgo), now), false);
    assert.equal(isFollowed(entry('revokeLicenses', { outcome: 'accepted', pending: false, at: new Date(now).toISOString() }), now), false);
    assert.equal(isFollowed(entry('syncLicenses', awaitingSync(now)), now), false);
    assert.equal(isFollowed(entry('revokeLicenses', { ...awaitingSync(now), outcome: 'failed' }), now), false);
  });

  function followerDeps(from: ReturnType<typeof setup>) {
    return {
      contextFor: (key: string) => (key === 'contoso' ? from.harness.context : undefined),
      entries: async () => from.sink.entries(),
      isLive: () => false,
      showHistory: async () => undefined,
      offer: { revokeLicenses: async () => undefined, deleteToken: async () => undefined },
      ui: new ScriptedUserInput(),
      log: new RecordingLogger(),
      now: () => Date.now(),
      wait: delay,
      delaysMs: [50, 100, 200],
    };
  }
});
