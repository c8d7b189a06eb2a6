import * as assert from 'node:assert/strict';
import { VppTokenRecord } from '../../src/graph/vppRecords';
import { ConcurrencyLimit } from '../../src/tenants/concurrencyLimit';
import { attentionReasons } from '../../src/tree/expiry';
import { seedTokens } from '../simulatedTenant/seed';

describe('many tenants', () => {
  it('ConcurrencyLimit runs at most the limit at once, in order, and a failing task frees its slot', async () => {
    const limit = new ConcurrencyLimit(() => 3);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const gates = Array.from({ length: 10 }, () => {
      let resolve = () => {};
      const promise = new Promise<void>((done) => (resolve = done));
      return { promise, resolve };
    });
    const tasks = gates.map((gate, index) =>
      limit.run(async () => {
        started.push(index);
        running++;
        most = Math.max(most, running);
        await gate.promise;
        running--;
        if (index === 1) {
          throw new Error('tenant 1 failed');
        }
        return index;
      }),
    );
    const settled = Promise.allSettled(tasks);
    await Promise.resolve();
    assert.deepEqual(started, [0, 1, 2], 'three start, the rest wait');
    // Finishing them one at a time, out of order, lets the next one in each time.
    for (const index of [1, 0, 2, 3, 4, 5, 6, 7, 8, 9]) {
      gates[index].resolve();
      await new Promise((resolve) => setImmediate(resolve));
    }
    const results = await settled;
    assert.equal(most, 3);
    assert.deepEqual(started, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(results[1].status, 'rejected');
    assert.deepEqual(
      results.filter((result) => result.status === 'fulfilled').map((result) => result.value),
      [0, 2, 3, 4, 5, 6, 7, 8, 9],
    );
  });

  it('ConcurrencyLimit hands a freed slot to the task waiting for it: a run() landing right after the slot frees waits', async () => {
    const limit = new ConcurrencyLimit(() => 1);
    let running = 0;
    let most = 0;
    const task = async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setImmediate(resolve));
      running--;
    };
    let openFirst = () => {};
    const firstGate = new Promise<void>((resolve) => (openFirst = resolve));
    const first = limit.run(() => firstGate);
    const waiting = limit.run(task);
    // Registered after run() awaited the gate, so it runs one microtask after the first task's slot is released,
    // before the waiter that release woke has resumed.
    const late = firstGate.then(() => limit.run(task));
    openFirst();
    await Promise.all([first, waiting, late]);
    assert.equal(most, 1, 'never more tasks at once than the limit');
  });

  it('ConcurrencyLimit: a slot freed with nobody waiting is free for the next run, which starts at once', async () => {
    const limit = new ConcurrencyLimit(() => 2);
    for (let round = 0; round < 3; round++) {
      await limit.run(async () => undefined);
    }
    const started: string[] = [];
    const both = [limit.run(async () => started.push('a')), limit.run(async () => started.push('b'))];
    assert.deepEqual(started, ['a', 'b'], 'both start within the call, without waiting for anything');
    await Promise.all(both);
  });

  it('ConcurrencyLimit: when the limit is raised, a newcomer still queues behind the tasks already waiting', async () => {
    let bound = 1;
    const limit = new ConcurrencyLimit(() => bound);
    const started: string[] = [];
    let openFirst = () => {};
    const first = limit.run(async () => {
      started.push('first');
      await new Promise<void>((resolve) => (openFirst = resolve));
    });
    const waiter = limit.run(async () => started.push('waiter'));
    bound = 3;
    const newcomer = limit.run(async () => started.push('newcomer'));
    assert.deepEqual(started, ['first']);
    openFirst();
    await Promise.all([first, waiter, newcomer]);
    assert.deepEqual(started, ['first', 'waiter', 'newcomer']);
  });

  it('attentionReasons: expired or expiring soon, invalid, held by another MDM, last sync failed; nothing for a healthy token', () => {
    const now = Date.parse('2026-11-29T10:00:00Z');
    const reasons = Object.fromEntries(
      (seedTokens(now) as VppTokenRecord[]).map((token) => [token.displayName ?? token.id, attentionReasons(token, now, 30)]),
    );
    assert.deepEqual(reasons['Contoso Retail'], ['expires in 12 days']);
    assert.deepEqual(reasons['Contoso Labs'], ['expired 3 days ago', 'last sync failed']);
    assert.deepEqual(reasons['Old MDM token'], ['assigned to another MDM']);
    assert.deepEqual(reasons['Revoked Apple account'], ['invalid']);
    assert.deepEqual(reasons['Contoso HQ'], []);
    assert.equal(Object.values(reasons).filter((list) => list.length > 0).length, 4);
  });
});
