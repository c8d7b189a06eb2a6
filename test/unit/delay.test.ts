import * as assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { delay } from '../../src/graph/delay';

describe('a wait that a Cancel can cut short', () => {
  it('ends false the moment its signal aborts, and true when its time is up', async () => {
    const stop = new AbortController();
    const waiting = delay(60_000, stop.signal);
    stop.abort();
    assert.equal(await waiting, false);
    assert.equal(await delay(0, new AbortController().signal), true);
    assert.equal(await delay(0), true);
  });

  it('leaves no listener on its signal, however it ends, and ends false at once on a signal already aborted', async () => {
    const run = new AbortController();
    assert.equal(await delay(1, run.signal), true);
    assert.equal(getEventListeners(run.signal, 'abort').length, 0, 'time up: its listener is removed');
    const stop = new AbortController();
    const waiting = delay(60_000, stop.signal);
    assert.equal(getEventListeners(stop.signal, 'abort').length, 1);
    stop.abort();
    assert.equal(await waiting, false);
    assert.equal(getEventListeners(stop.signal, 'abort').length, 0, 'aborted: its listener went with the abort');
    assert.equal(await delay(60_000, stop.signal), false, 'already aborted: no wait');
    assert.equal(getEventListeners(stop.signal, 'abort').length, 0);
  });
});
