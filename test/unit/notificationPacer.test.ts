import * as assert from 'node:assert/strict';
import { NotificationPacer } from '../../src/ui/notificationPacer';

/** A pacer on a clock the test moves: `wait` advances it, and records how long each notification was held back. */
function pacedClock(start = 0) {
  const clock = { time: start, waits: [] as number[] };
  const pacer = new NotificationPacer(
    () => clock.time,
    async (ms) => {
      clock.waits.push(ms);
      clock.time += ms;
    },
  );
  return { clock, pacer };
}

describe('NotificationPacer', () => {
  it('lets three notifications show at once and holds the fourth until the first is a window old', async () => {
    const { clock, pacer } = pacedClock();
    const shown: number[] = [];
    await Promise.all([1, 2, 3, 4].map((index) => pacer.turn().then(() => shown.push(index))));
    assert.deepEqual(shown, [1, 2, 3, 4], 'in the order they were asked for');
    assert.deepEqual(clock.waits, [NotificationPacer.WINDOW_MS]);
  });

  it("a revoke's error right after the previous outcome: the outcome, the apps read and the progress show, the error waits", async () => {
    const { clock, pacer } = pacedClock(10_000);
    const shownAt: number[] = [];
    for (const at of [10_000, 10_300, 10_400, 10_700]) {
      clock.time = Math.max(clock.time, at);
      await pacer.turn();
      shownAt.push(clock.time);
    }
    assert.deepEqual(clock.waits, [500]);
    // VS Code counts toasts from the first of a burst for 800 ms and shows three: the fourth starts well after.
    assert.ok(shownAt[3] - shownAt[0] > 800 + 300, `the fourth started ${shownAt[3] - shownAt[0]} ms after the first`);
  });

  it('holds nothing back once the earlier notifications are a window old', async () => {
    const { clock, pacer } = pacedClock();
    for (let index = 0; index < 3; index++) {
      await pacer.turn();
    }
    clock.time += NotificationPacer.WINDOW_MS;
    await pacer.turn();
    clock.time += 1;
    await pacer.turn();
    assert.deepEqual(clock.waits, [], 'one turn per window slot, never more waits than needed');
  });

  it('any four in a row span more than VS Code window and a margin, however fast they are asked for', async () => {
    const { clock, pacer } = pacedClock();
    const shownAt: number[] = [];
    for (let index = 0; index < 12; index++) {
      clock.time += 50;
      await pacer.turn();
      shownAt.push(clock.time);
    }
    for (let index = 3; index < shownAt.length; index++) {
      assert.ok(shownAt[index] - shownAt[index - 3] >= NotificationPacer.WINDOW_MS);
    }
    assert.ok(NotificationPacer.WINDOW_MS >= 800 + 300 && NotificationPacer.LIMIT <= 3);
  });

  it('on the real clock, the fourth notification in a row waits until the first is a window old', async () => {
    const pacer = new NotificationPacer();
    const started = Date.now();
    for (let index = 0; index < 3; index++) {
      await pacer.turn();
    }
    assert.ok(Date.now() - started < NotificationPacer.WINDOW_MS, 'the first three are not held back');
    await pacer.turn();
    // Timers may fire a millisecond early.
    assert.ok(Date.now() - started >= NotificationPacer.WINDOW_MS - 5, `the fourth waited ${Date.now() - started} ms`);
  });
});
