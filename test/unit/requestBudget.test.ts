import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { VppError } from '../../src/errors';
import { RequestBudget } from '../../src/graph/requestBudget';

/** A clock that moves only when a wait asks it to: the budget's waits are exact, and nothing sleeps. */
function manualClock() {
  let now = 0;
  const waits: number[] = [];
  return {
    now: () => now,
    waits,
    wait: async (ms: number, signal: AbortSignal) => {
      waits.push(ms);
      now += Math.max(0, ms);
      return !signal.aborted;
    },
  };
}

describe('the follow-through read budget: at most max requests in any sliding window', () => {
  const signal = new AbortController().signal;

  it('lets steps go at once while they fit, then waits until the oldest leave the window', async () => {
    const clock = manualClock();
    const budget = new RequestBudget(5, 1000, clock.now, clock.wait);
    await budget.take(3, signal);
    await budget.take(2, signal);
    assert.deepEqual(clock.waits, [], 'five fit');
    await budget.take(1, signal);
    assert.deepEqual(clock.waits, [1000], 'the sixth waits for the first to leave the window');
  });

  it('waits only what is left of the window since the oldest request', async () => {
    const clock = manualClock();
    const budget = new RequestBudget(2, 1000, clock.now, clock.wait);
    await budget.take(2, signal);
    await clock.wait(300, signal);
    await budget.take(1, signal);
    assert.deepEqual(clock.waits, [300, 700]);
  });

  it('a step larger than the window counts as the whole window, so that it cannot wait for ever', async () => {
    const clock = manualClock();
    const budget = new RequestBudget(5, 1000, clock.now, clock.wait);
    await budget.take(50, signal);
    await budget.take(1, signal);
    assert.deepEqual(clock.waits, [1000]);
  });

  it('a cancelled step throws, and the next one still gets its turn', async () => {
    const clock = manualClock();
    const budget = new RequestBudget(1, 1000, clock.now, clock.wait);
    const stopped = new AbortController();
    stopped.abort();
    await assert.rejects(budget.take(1, stopped.signal), (error: unknown) => error instanceof VppError && error.kind === 'cancelled');
    await budget.take(1, signal);
    assert.deepEqual(clock.waits, []);
  });

  it('never lets more than max requests start in any window, whatever the steps (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.record({ requests: fc.integer({ min: 1, max: 25 }), pause: fc.integer({ min: 0, max: 400 }) }), { maxLength: 40 }),
        async (max, steps) => {
          const clock = manualClock();
          const budget = new RequestBudget(max, 1000, clock.now, clock.wait);
          const starts: number[] = [];
          for (const { requests, pause } of steps) {
            await clock.wait(pause, signal);
            await budget.take(requests, signal);
            starts.push(...Array<number>(Math.min(requests, max)).fill(clock.now()));
          }
          for (const start of starts) {
            assert.ok(starts.filter((other) => other >= start && other < start + 1000).length <= max);
          }
        },
      ),
    );
  });
});
