import * as assert from 'node:assert/strict';
import {
  ActionResult,
  CLOCK_SKEW_MS,
  DEFAULT_LICENSE_POLLING,
  DEFAULT_OUTCOME_POLLING,
  describeActionResult,
  isFinal,
  newResultAmong,
  newRevokeResult,
  pollForResult,
  snapshotActions,
} from '../../src/graph/actionResults';
import { VppTokenRecord } from '../../src/graph/vppRecords';

const SENT_AT = Date.parse('2026-12-01T10:00:00Z');

function revokeAt(offsetMs: number, state = 'done', extra: Partial<ActionResult> = {}): ActionResult {
  const at = new Date(SENT_AT + offsetMs).toISOString();
  return { actionName: 'RevokeLicenses', actionState: state, startDateTime: at, lastUpdatedDateTime: at, ...extra } as ActionResult;
}

function tokenWith(results: ActionResult[]): VppTokenRecord {
  return { id: 't1', tokenActionResults: results };
}

/** Every order of `items`: Graph documents no order for action results. */
function orders<T>(items: readonly T[]): T[][] {
  return items.length <= 1
    ? [[...items]]
    : items.flatMap((item, index) => orders([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]));
}

describe('action results: which one is this write’s', () => {
  const before = revokeAt(-3_600_000);
  const snapshot = snapshotActions(tokenWith([before]));

  it("finds this revoke's result in any order, never an older one listed beside it", () => {
    const mine = revokeAt(2_000, 'active');
    // Another admin's revoke that started before this one was sent, and appeared on the token after the snapshot.
    const earlierElsewhere = revokeAt(-CLOCK_SKEW_MS - 1_000, 'failed');
    const sync = { ...revokeAt(3_000), actionName: 'SyncLicenses' } as ActionResult;
    for (const results of orders([before, earlierElsewhere, sync, mine])) {
      assert.equal(newRevokeResult(tokenWith(results), snapshot, SENT_AT), mine, JSON.stringify(results.map((r) => r.startDateTime)));
    }
  });

  it('a result already in the snapshot is never new, even if its time says it is', () => {
    const listedBefore = revokeAt(5_000);
    assert.equal(newRevokeResult(tokenWith([listedBefore]), snapshotActions(tokenWith([listedBefore])), SENT_AT), undefined);
  });

  it('Intune updates a result in place: the same name and start are the same result, whatever its state', () => {
    const active = revokeAt(-10_000, 'active');
    const snapshotOfActive = snapshotActions(tokenWith([active]));
    assert.equal(newRevokeResult(tokenWith([{ ...active, actionState: 'done' }]), snapshotOfActive, SENT_AT), undefined);
  });

  it('tolerates exactly the clock skew: started CLOCK_SKEW_MS before the send counts, a millisecond earlier does not', () => {
    const atEdge = revokeAt(-CLOCK_SKEW_MS);
    const pastEdge = revokeAt(-CLOCK_SKEW_MS - 1);
    assert.equal(newRevokeResult(tokenWith([atEdge]), new Set(), SENT_AT), atEdge);
    assert.equal(newRevokeResult(tokenWith([pastEdge]), new Set(), SENT_AT), undefined);
    assert.equal(CLOCK_SKEW_MS, 60_000);
  });

  it('only a revoke counts, a result without a readable start does not, and a token without results has none', () => {
    const sync = { ...revokeAt(1_000), actionName: 'SyncLicenses' } as ActionResult;
    const undated = revokeAt(1_000, 'done', { startDateTime: 'not a date' });
    assert.equal(newRevokeResult(tokenWith([sync, undated]), new Set(), SENT_AT), undefined);
    assert.equal(newRevokeResult({ id: 't1' }, new Set(), SENT_AT), undefined);
    const appRevoke = { ...revokeAt(1_000), actionName: 'RevokeDeviceLicense' } as ActionResult;
    assert.equal(newRevokeResult(tokenWith([appRevoke]), new Set(), SENT_AT), appRevoke, 'any revoke action name');
  });

  it("with a test of its own, only a result that passes it is this write's (a single license's revoke)", () => {
    const other = revokeAt(1_000, 'failed', { userId: 'someone-else' });
    const mine = revokeAt(1_500, 'done', { userId: 'me' });
    for (const results of orders([other, mine])) {
      assert.equal(
        newResultAmong(results, new Set(), SENT_AT, (result) => result.userId === 'me'),
        mine,
      );
    }
  });

  it('final states, and the line a person reads', () => {
    assert.deepEqual(
      ['done', 'failed', 'canceled', 'notSupported', 'active', 'pending', 'none', undefined].map((state) =>
        isFinal({ actionState: state } as ActionResult),
      ),
      [true, true, true, true, false, false, false, false],
    );
    assert.equal(
      describeActionResult({
        actionState: 'failed',
        totalLicensesCount: 25,
        failedLicensesCount: 3,
        actionFailureReason: 'appleFailure',
      }),
      'failed · 25 licenses, 3 failed · reason: appleFailure',
    );
    assert.equal(
      describeActionResult({ actionState: 'done', totalLicensesCount: 5, actionFailureReason: 'none' }),
      'done · 5 licenses, 0 failed',
    );
    assert.equal(describeActionResult({}), 'unknown');
  });

  it('pollForResult reads until the result is final (or seen), keeps the last one seen, and stops on Cancel', async () => {
    const reads = [undefined, revokeAt(1, 'active'), undefined, revokeAt(1, 'done')];
    let count = 0;
    const read = async () => reads[count++];
    assert.equal((await pollForResult(read, { delaysMs: [0, 0, 0, 0, 0] }))?.actionState, 'done');
    assert.equal(count, 4, 'no read after the final state');
    count = 0;
    assert.equal((await pollForResult(read, { delaysMs: [0, 0, 0, 0] }, { until: 'seen' }))?.actionState, 'active');
    assert.equal(count, 2);
    count = 0;
    assert.equal((await pollForResult(read, { delaysMs: [0, 0, 0] }))?.actionState, 'active', 'the last result seen, when reads run out');
    const cancelled = new AbortController();
    cancelled.abort();
    count = 0;
    assert.equal(await pollForResult(read, { delaysMs: [0, 0] }, { signal: cancelled.signal }), undefined);
    assert.equal(count, 0, 'nothing read once cancelled');
  });

  it('another action started at the same moment is not the same result: the name is part of what identifies one', () => {
    const sync = { ...revokeAt(1_000), actionName: 'SyncLicenses' } as ActionResult;
    const revoke = revokeAt(1_000);
    assert.equal(newRevokeResult(tokenWith([sync, revoke]), snapshotActions(tokenWith([sync])), SENT_AT), revoke);
  });

  it('a null among the results (Graph sends what it sends) is skipped, not a crash', () => {
    const mine = revokeAt(1_000);
    const odd = [null, mine] as unknown as ActionResult[];
    assert.equal(snapshotActions(tokenWith(odd)).size, 2);
    assert.equal(newRevokeResult(tokenWith(odd), new Set(), SENT_AT), mine);
    assert.equal(snapshotActions({ id: 't1' }).size, 0, 'a token without results has an empty snapshot');
  });

  it('watches an outcome for about half a minute, and a retired token for about 12 minutes', () => {
    const sum = (delays: readonly number[]) => delays.reduce((total, delay) => total + delay, 0);
    assert.deepEqual(DEFAULT_OUTCOME_POLLING.delaysMs, [1000, 2000, 4000, 8000, 16000]);
    assert.equal(DEFAULT_LICENSE_POLLING.delaysMs.length, 27);
    assert.deepEqual(DEFAULT_LICENSE_POLLING.delaysMs.slice(0, 5), [2000, 4000, 8000, 15000, 30000]);
    assert.equal(sum(DEFAULT_LICENSE_POLLING.delaysMs), 719_000);
  });
});
