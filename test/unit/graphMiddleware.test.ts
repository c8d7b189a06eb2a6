import * as assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { VppError } from '../../src/errors';
import { RequestObserver } from '../../src/graph/requestObserver';
import { DEFAULT_RETRY_POLICY, GraphRetryHandler } from '../../src/graph/retryHandler';
import { INTUNE_WRITE_LIMIT, WriteThrottle, WriteThrottleHandler } from '../../src/graph/writeThrottle';
import { RecordingLogger } from '../support/fixtures';
import { ManualClock } from '../support/manualClock';

const GRAPH = 'https://graph.example.test';

/** One scripted attempt: an answer (its body `{}` unless given, none for a 204), or an error thrown instead. */
type ScriptedAnswer = { status: number; headers?: Record<string, string>; body?: string | null } | { error: Error };

/** The network end of a chain: answers each attempt with the next scripted answer, and records when. */
class ScriptedNetwork implements Middleware {
  readonly attempts: { url: string; method: string; at: number }[] = [];
  constructor(private readonly answers: ScriptedAnswer[]) {}
  setNext(): void {}
  async execute(context: Context): Promise<void> {
    const answer = this.answers.shift() ?? { status: 200 };
    this.attempts.push({ url: String(context.request), method: context.options?.method ?? 'GET', at: Date.now() });
    if ('error' in answer) {
      throw answer.error;
    }
    const body = answer.body !== undefined ? answer.body : answer.status === 204 ? null : '{}';
    context.response = new Response(body, { status: answer.status, headers: answer.headers });
  }
}

function request(method: string, path = '/beta/deviceAppManagement/vppTokens/t1', signal?: AbortSignal): Context {
  return { request: `${GRAPH}${path}`, options: { method, signal } };
}

/** Whether a promise has settled, read without awaiting it. */
function settledFlag(promise: Promise<unknown>): { settled: boolean } {
  const state = { settled: false };
  promise.then(
    () => (state.settled = true),
    () => (state.settled = true),
  );
  return state;
}

/** A retry handler in front of `network`, whose waits are recorded instead of slept. */
function retryingChain(network: ScriptedNetwork, policy = DEFAULT_RETRY_POLICY) {
  const waits: number[] = [];
  const handler = new GraphRetryHandler(policy, async (ms) => {
    waits.push(ms);
    return true;
  });
  handler.setNext(network);
  return { handler, waits };
}

describe('Graph middleware, each on its own', () => {
  describe('GraphRetryHandler', () => {
    it('a read answered 429 waits exactly its Retry-After before it is sent again', async () => {
      const network = new ScriptedNetwork([{ status: 429, headers: { 'Retry-After': '7' } }, { status: 200 }]);
      const { handler, waits } = retryingChain(network);
      await handler.execute(request('GET'));
      assert.deepEqual(waits, [7_000]);
      assert.equal(network.attempts.length, 2);
    });

    it('a 429 without Retry-After backs off exponentially, then gives up after the policy retries', async () => {
      const network = new ScriptedNetwork(Array.from({ length: 10 }, () => ({ status: 429 })));
      const { handler, waits } = retryingChain(network, { delaySeconds: 3, maxRetries: 3, maxWaitSeconds: 60 });
      const context = request('POST', '/beta/deviceAppManagement/vppTokens/t1/revokeLicenses');
      await handler.execute(context);
      assert.deepEqual(waits, [3_100, 6_100, 12_100]);
      assert.equal(network.attempts.length, 4);
      assert.equal(context.response?.status, 429, 'the last 429 reaches the service, which reports it');
    });

    it('the back-off never exceeds the longest wait', async () => {
      const network = new ScriptedNetwork(Array.from({ length: 4 }, () => ({ status: 429 })));
      const { handler, waits } = retryingChain(network, { delaySeconds: 20, maxRetries: 3, maxWaitSeconds: 30 });
      await handler.execute(request('GET'));
      assert.deepEqual(waits, [20_100, 30_100, 30_100]);
    });

    it('a Retry-After longer than the longest wait is not waited out: one attempt', async () => {
      const network = new ScriptedNetwork([{ status: 429, headers: { 'Retry-After': '61' } }]);
      const { handler, waits } = retryingChain(network);
      await handler.execute(request('GET'));
      assert.deepEqual(waits, []);
      assert.equal(network.attempts.length, 1);
    });

    for (const status of [503, 504]) {
      it(`a read answered ${status} is asked again; a write answered ${status} is not (it may have been carried out)`, async () => {
        const reads = new ScriptedNetwork([{ status, headers: { 'Retry-After': '1' } }, { status: 200 }]);
        const read = retryingChain(reads);
        await read.handler.execute(request('GET'));
        assert.equal(reads.attempts.length, 2);
        assert.deepEqual(read.waits, [1_000]);
        for (const method of ['POST', 'PATCH', 'DELETE']) {
          const writes = new ScriptedNetwork([{ status, headers: { 'Retry-After': '1' } }, { status: 204 }]);
          const write = retryingChain(writes);
          await write.handler.execute(request(method));
          assert.equal(writes.attempts.length, 1, `${method} ${status} is sent once`);
          assert.deepEqual(write.waits, []);
        }
      });
    }

    it('a 500 is never sent again, read or write', async () => {
      for (const method of ['GET', 'POST']) {
        const network = new ScriptedNetwork([{ status: 500 }, { status: 200 }]);
        const { handler, waits } = retryingChain(network);
        await handler.execute(request(method));
        assert.equal(network.attempts.length, 1);
        assert.deepEqual(waits, []);
      }
    });

    it('a wait cut short by Cancel ends the request as cancelled', async () => {
      const network = new ScriptedNetwork([{ status: 429, headers: { 'Retry-After': '1' } }]);
      const handler = new GraphRetryHandler(DEFAULT_RETRY_POLICY, async () => false);
      handler.setNext(network);
      await assert.rejects(handler.execute(request('GET')), (error) => error instanceof VppError && error.kind === 'cancelled');
      assert.equal(network.attempts.length, 1);
    });
    it('a resend cancelled while it waited for its write slot is reported as throttled: the attempt that went out was refused', async () => {
      const network = new ScriptedNetwork([
        { status: 429, headers: { 'Retry-After': '1' } },
        { error: new VppError('cancelled', 'Cancelled before the request was sent.') },
      ]);
      const { handler } = retryingChain(network);
      await assert.rejects(
        handler.execute(request('POST')),
        (error) => error instanceof VppError && error.kind === 'throttled' && /nothing was carried out/.test(error.message),
      );
      assert.equal(network.attempts.length, 2);
    });
  });

  describe('GraphRetryHandler, odd answers', () => {
    it('a 429 without a body is retried like any other', async () => {
      const network = new ScriptedNetwork([{ status: 429, headers: { 'Retry-After': '2' }, body: null }, { status: 200 }]);
      const { handler, waits } = retryingChain(network);
      await handler.execute(request('GET'));
      assert.deepEqual(waits, [2_000]);
      assert.equal(network.attempts.length, 2);
    });

    it('a resend that fails for another reason keeps its own error, not "throttled"', async () => {
      const network = new ScriptedNetwork([
        { status: 429, headers: { 'Retry-After': '1' } },
        { error: new VppError('network', 'Could not reach Microsoft Graph.') },
      ]);
      const { handler } = retryingChain(network);
      await assert.rejects(handler.execute(request('POST')), (error) => error instanceof VppError && error.kind === 'network');
      assert.equal(network.attempts.length, 2);
    });

    it('a cancelled wait says so', async () => {
      const network = new ScriptedNetwork([{ status: 429, headers: { 'Retry-After': '1' } }]);
      const handler = new GraphRetryHandler(DEFAULT_RETRY_POLICY, async () => false);
      handler.setNext(network);
      await assert.rejects(handler.execute(request('GET')), /The request was cancelled\./);
    });

    it('a request without options is a read: retried after a 503', async () => {
      const network = new ScriptedNetwork([{ status: 503, headers: { 'Retry-After': '1' } }, { status: 200 }]);
      const { handler } = retryingChain(network);
      await handler.execute({ request: `${GRAPH}/beta/deviceAppManagement/vppTokens` });
      assert.equal(network.attempts.length, 2);
    });

    it('a Retry-After of exactly the longest wait is still waited out', async () => {
      const network = new ScriptedNetwork([{ status: 429, headers: { 'Retry-After': '60' } }, { status: 200 }]);
      const { handler, waits } = retryingChain(network);
      await handler.execute(request('GET'));
      assert.deepEqual(waits, [60_000]);
    });

    it('a chain without a next middleware is a programming error, said at once', async () => {
      await assert.rejects(new GraphRetryHandler(DEFAULT_RETRY_POLICY).execute(request('GET')), /must not be the last middleware/);
      await assert.rejects(
        new WriteThrottleHandler(new WriteThrottle(INTUNE_WRITE_LIMIT)).execute(request('POST')),
        /must not be the last middleware/,
      );
    });
  });

  describe('WriteThrottleHandler', () => {
    /** A handler over a throttle on the test's clock, in front of `network`. */
    function throttledChain(network: ScriptedNetwork, pauseWithoutRetryAfterMs = 0) {
      const clock = new ManualClock();
      const handler = new WriteThrottleHandler(new WriteThrottle({ maxWrites: 100, windowMs: 20_000 }, clock), pauseWithoutRetryAfterMs);
      handler.setNext(network);
      return { clock, handler };
    }
    const revokeOf = (token: string) => request('POST', `/beta/deviceAppManagement/vppTokens/${token}/revokeLicenses`);

    it("a 429's Retry-After holds back the other writers too, not only the one that got it", async () => {
      const network = new ScriptedNetwork([{ status: 429, headers: { 'Retry-After': '1' } }, { status: 204 }]);
      const { clock, handler } = throttledChain(network);
      await handler.execute(revokeOf('a'));
      const other = settledFlag(handler.execute(revokeOf('b')));
      await clock.advance(999);
      assert.equal(other.settled, false, 'held back for the whole second');
      assert.equal(network.attempts.length, 1);
      await clock.advance(1);
      assert.equal(other.settled, true);
      assert.match(network.attempts[1].url, /vppTokens\/b\//);
    });

    it('a 429 without Retry-After holds the other writers back for the first back-off', async () => {
      const network = new ScriptedNetwork([{ status: 429 }, { status: 204 }]);
      const { clock, handler } = throttledChain(network, 400);
      await handler.execute(revokeOf('a'));
      const other = settledFlag(handler.execute(revokeOf('b')));
      await clock.advance(399);
      assert.equal(other.settled, false);
      await clock.advance(1);
      assert.equal(other.settled, true);
    });

    it('reads pass without waiting for the pause', async () => {
      const network = new ScriptedNetwork([{ status: 429, headers: { 'Retry-After': '30' } }, { status: 200 }]);
      const { handler } = throttledChain(network);
      await handler.execute(request('POST'));
      // The clock never moves: a read held back by the 30 s pause would never finish.
      await handler.execute(request('GET'));
      assert.equal(network.attempts.length, 2);
    });

    it('a JSON batch of reads is POSTed but takes no write slot; a write still does', async () => {
      const throttle = new WriteThrottle({ maxWrites: 1, windowMs: 60_000 }, new ManualClock());
      const network = new ScriptedNetwork([{ status: 200 }, { status: 200 }, { status: 204 }]);
      const handler = new WriteThrottleHandler(throttle);
      handler.setNext(network);
      await handler.execute(request('POST', '/beta/$batch'));
      await handler.execute(request('POST', '/beta/$batch'));
      await handler.execute(request('POST', '/beta/deviceAppManagement/vppTokens/a/revokeLicenses'));
      // With one write a minute on a clock that never moves, a batch that took the slot would hold the write back for ever.
      assert.equal(network.attempts.length, 3, 'two batches and then the one write the limit allows, none held back');
    });

    it('only a 429 pauses the writers: a Retry-After on another answer does not', async () => {
      const network = new ScriptedNetwork([{ status: 204, headers: { 'Retry-After': '30' } }, { status: 204 }]);
      const { handler } = throttledChain(network);
      await handler.execute(request('POST'));
      await handler.execute(request('POST'));
      assert.equal(network.attempts.length, 2, 'sent without the clock moving');
    });

    it('holds back PUT, PATCH and DELETE as well as POST, and lets reads and requests without options through', async () => {
      const network = new ScriptedNetwork([]);
      const clock = new ManualClock();
      const throttle = new WriteThrottle({ maxWrites: 100, windowMs: 20_000 }, clock);
      const handler = new WriteThrottleHandler(throttle);
      handler.setNext(network);
      throttle.pause(300);
      const bare = { request: `${GRAPH}/beta/deviceAppManagement/vppTokens` } as Context;
      await handler.execute(bare);
      assert.equal(network.attempts.length, 1, 'a request without options is a read: sent during the pause');
      const writes = settledFlag(Promise.all(['PUT', 'PATCH', 'DELETE', 'POST'].map((method) => handler.execute(request(method)))));
      await clock.advance(299);
      assert.equal(network.attempts.length, 1, 'no write during the pause');
      await clock.advance(1);
      assert.equal(writes.settled, true);
      assert.deepEqual(
        network.attempts.slice(1).map((attempt) => attempt.method),
        ['PUT', 'PATCH', 'DELETE', 'POST'],
      );
    });
  });

  describe('WriteThrottle', () => {
    it("is Intune's documented limit: 100 writes in 20 seconds", () => {
      assert.deepEqual(INTUNE_WRITE_LIMIT, { maxWrites: 100, windowMs: 20_000 });
    });

    it('a write beyond the limit waits until the oldest completion leaves the window', async () => {
      const clock = new ManualClock();
      const throttle = new WriteThrottle({ maxWrites: 2, windowMs: 300 }, clock);
      (await throttle.acquire())();
      await clock.advance(100);
      (await throttle.acquire())();
      const third = settledFlag(throttle.acquire());
      await clock.advance(199);
      assert.equal(third.settled, false, 'the first completion is still in the window');
      await clock.advance(1);
      assert.equal(third.settled, true, 'admitted the moment it leaves');
    });

    it('while every slot is held by writes in flight, the next waits for one to complete', async () => {
      const clock = new ManualClock();
      const throttle = new WriteThrottle({ maxWrites: 1, windowMs: 50 }, clock);
      const release = await throttle.acquire();
      const next = settledFlag(throttle.acquire());
      await clock.advance(60_000);
      assert.equal(next.settled, false, 'held back while the first is in flight, however long');
      release();
      await clock.advance(49);
      assert.equal(next.settled, false, 'its completion counts for a window');
      await clock.advance(1);
      assert.equal(next.settled, true);
    });

    it('releasing a write twice frees one slot, not two', async () => {
      const clock = new ManualClock();
      const throttle = new WriteThrottle({ maxWrites: 1, windowMs: 50 }, clock);
      const release = await throttle.acquire();
      release();
      release();
      await clock.advance(50);
      const second = await throttle.acquire();
      const waiting = throttle.acquire();
      const third = settledFlag(waiting);
      await clock.advance(0);
      assert.equal(third.settled, false, 'one write in flight fills a limit of one');
      second();
      await clock.advance(50);
      (await waiting)();
    });

    it('Cancel while waiting for a slot ends the wait at once, and nothing is sent', async () => {
      const clock = new ManualClock();
      const throttle = new WriteThrottle({ maxWrites: 1, windowMs: 60_000 }, clock);
      await throttle.acquire();
      const cancel = new AbortController();
      const waiting = throttle.acquire(cancel.signal);
      const state = settledFlag(waiting);
      // Aborted once the write is already waiting for its slot, not before it started to.
      await clock.advance(0);
      assert.equal(clock.sleeping(), 1, 'waiting for its slot');
      cancel.abort();
      await clock.advance(0);
      assert.equal(state.settled, true, 'the wait ended without the clock moving');
      await assert.rejects(
        waiting,
        (error) => error instanceof VppError && error.kind === 'cancelled' && /Cancelled before the request was sent\./.test(error.message),
      );
      assert.equal(clock.sleeping(), 0, 'no wait outlives the cancel');
    });

    it("on the machine's clock, a write beyond the limit waits for the window, and Cancel in that wait leaves no listener", async () => {
      // A window far longer than a turn of the event loop on a loaded machine: the checks below come before it ends.
      const throttle = new WriteThrottle({ maxWrites: 1, windowMs: 500 });
      (await throttle.acquire())();
      const run = new AbortController();
      const second = throttle.acquire(run.signal);
      const state = settledFlag(second);
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(state.settled, false, 'the first completion is still in the window');
      assert.equal(getEventListeners(run.signal, 'abort').length, 1, 'its wait listens for Cancel');
      (await second)();
      assert.equal(getEventListeners(run.signal, 'abort').length, 0, 'the wait that ended by time left no listener');
      const stop = new AbortController();
      const third = throttle.acquire(stop.signal);
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(getEventListeners(stop.signal, 'abort').length, 1, 'the third write waits for its slot');
      stop.abort();
      await assert.rejects(third, (error) => error instanceof VppError && error.kind === 'cancelled');
      assert.equal(getEventListeners(stop.signal, 'abort').length, 0, 'the cancelled wait left no listener');
    });
  });

  describe('RequestObserver', () => {
    it('refuses a request to another origin before it is sent, and logs why', async () => {
      const log = new RecordingLogger();
      const network = new ScriptedNetwork([{ status: 200 }]);
      const observer = new RequestObserver(GRAPH, 30_000, log);
      observer.setNext(network);
      for (const other of ['https://evil.example.test', 'http://graph.example.test', 'https://graph.example.test:8443']) {
        const context = { request: `${other}/beta/deviceAppManagement/vppTokens`, options: { method: 'GET' } } as Context;
        await assert.rejects(observer.execute(context), (error) => error instanceof VppError && error.kind === 'blocked');
      }
      assert.equal(network.attempts.length, 0, 'nothing reached the network');
      assert.match(log.text(), /GET to evil\.example\.test refused: not the configured Microsoft Graph/);
    });

    it('sends a request to the configured origin with its own client-request-id', async () => {
      const network = new ScriptedNetwork([{ status: 200 }]);
      const observer = new RequestObserver(GRAPH, 30_000, new RecordingLogger());
      observer.setNext(network);
      const context = request('GET');
      await observer.execute(context);
      assert.equal(network.attempts.length, 1);
      assert.match(String((context.options?.headers as Record<string, string>)['client-request-id']), /^[0-9a-f-]{36}$/);
    });

    /** One attempt through a fresh observer: its error (if any), the log's lines, and the id it sent. */
    async function observed(answer: ScriptedAnswer, context = request('GET'), timeoutMs = 30_000) {
      const log = new RecordingLogger();
      const observer = new RequestObserver(GRAPH, timeoutMs, log);
      observer.setNext(new ScriptedNetwork([answer]));
      const error = await observer.execute(context).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      const id = String((context.options?.headers as Record<string, string> | undefined)?.['client-request-id']);
      // Timings vary: each "N ms" is read as "N ms" for the comparison.
      return { error, lines: log.lines.map((line) => `${line.level} ${line.message.replace(/\d+ ms/, 'N ms').replace(id, '<id>')}`), id };
    }
    const PATH = '/beta/deviceAppManagement/vppTokens/t1';

    it('logs each answer once with its ids: a success at trace level, a failure as an error with its Retry-After', async () => {
      assert.deepEqual((await observed({ status: 200, headers: { 'request-id': 'req-1 (forged)' } })).lines, [
        `trace GET ${PATH} -> 200 in N ms (request-id req-1forged, client-request-id <id>)`,
      ]);
      assert.deepEqual((await observed({ status: 429, headers: { 'retry-after': '7' } }, request('POST'))).lines, [
        `error POST ${PATH} -> 429 (request-id -, client-request-id <id>, retry-after 7)`,
      ]);
      assert.deepEqual((await observed({ status: 503 })).lines, [`error GET ${PATH} -> 503 (request-id -, client-request-id <id>)`]);
      const withQuery = await observed({ status: 204, body: null }, request('DELETE', `${PATH}?$select=id`));
      assert.deepEqual(withQuery.lines, [`trace DELETE ${PATH}?$select=id -> 204 in N ms (request-id -, client-request-id <id>)`]);
    });

    it('a redirect is refused, named by its target host only, or as unreadable; a 3xx is any status from 300 to 399', async () => {
      const to = await observed({ status: 302, headers: { location: 'https://login.evil.example/steal?code=1' } });
      assert.ok(to.error instanceof VppError && to.error.kind === 'redirected');
      assert.equal(
        to.error.message,
        'Microsoft Graph answered with a redirect to login.evil.example (302), which is not followed: your sign-in goes only to the configured Graph.',
      );
      assert.deepEqual(to.error.details, { method: 'GET', path: PATH, status: 302, requestId: undefined, clientRequestId: to.id });
      assert.deepEqual(to.lines, [
        `error GET ${PATH} -> 302 redirect to login.evil.example, not followed (request-id -, client-request-id <id>)`,
      ]);
      const relative = await observed({ status: 307, headers: { location: '/elsewhere' } });
      assert.match(String((relative.error as Error).message), /redirect to graph\.example\.test \(307\)/);
      const unreadable = await observed({ status: 399, headers: { location: 'https://[bad' } });
      assert.match(String((unreadable.error as Error).message), /redirect to an unreadable address \(399\)/);
      const none = await observed({ status: 300 });
      assert.match(String((none.error as Error).message), /redirect to graph\.example\.test \(300\)/);
      assert.equal((await observed({ status: 400 })).error, undefined, 'a 400 is an answer for the handlers above');
      assert.equal((await observed({ status: 299, body: null })).error, undefined);
    });

    it('an attempt with no answer says why: cancelled, timed out, or the network failed (its code, else its message)', async () => {
      const stop = new AbortController();
      stop.abort();
      const cancelled = await observed({ error: new Error('aborted') }, request('GET', PATH, stop.signal));
      assert.ok(cancelled.error instanceof VppError);
      assert.deepEqual([cancelled.error.kind, cancelled.error.message], ['cancelled', 'The request was cancelled.']);
      assert.deepEqual(cancelled.error.details, { method: 'GET', path: PATH, clientRequestId: cancelled.id });
      assert.deepEqual(cancelled.lines, [`info GET ${PATH} cancelled after N ms (client-request-id <id>)`]);

      const slow = new RequestObserver(GRAPH, 500, new RecordingLogger());
      const log = new RecordingLogger();
      const timedOut = new RequestObserver(GRAPH, 1, log);
      const hang: Middleware = {
        setNext: () => undefined,
        execute: (context) =>
          new Promise((_, reject) =>
            context.options?.signal?.addEventListener('abort', () => reject(new Error('timeout')), { once: true }),
          ),
      };
      timedOut.setNext(hang);
      const error = await timedOut.execute(request('GET')).catch((thrown: unknown) => thrown);
      assert.ok(error instanceof VppError && error.kind === 'timeout');
      assert.equal(
        error.message,
        'Microsoft Graph did not answer within 0 seconds. Try again, or raise the setting intuneVpp.requestTimeoutSeconds.',
      );
      assert.match(
        log.text(),
        /^error GET \/beta\/deviceAppManagement\/vppTokens\/t1 timed out after \d+ ms \(client-request-id [0-9a-f-]{36}\)$/,
      );
      slow.setNext(hang);
      assert.match(String(((await slow.execute(request('GET')).catch((thrown: unknown) => thrown)) as Error).message), /within 1 seconds/);

      const coded = await observed({
        error: Object.assign(new Error('fetch failed'), { cause: { code: 'ECONNRESET', message: 'socket hang up' } }),
      });
      assert.ok(coded.error instanceof VppError);
      assert.equal(coded.error.kind, 'network');
      assert.equal(
        coded.error.message,
        'Could not reach Microsoft Graph at graph.example.test (ECONNRESET). Check the network connection, proxy and the cloud setting.',
      );
      assert.deepEqual(coded.lines, [`error GET ${PATH} failed: ECONNRESET (client-request-id <id>)`]);
      const described = await observed({
        error: Object.assign(new Error('fetch failed'), { cause: { message: 'certificate has expired' } }),
      });
      assert.match(String((described.error as Error).message), /\(certificate has expired\)/);
      const bare = await observed({ error: new Error('getaddrinfo ENOTFOUND graph.example.test') });
      assert.match(String((bare.error as Error).message), /\(getaddrinfo ENOTFOUND graph\.example\.test\)/);
      const causeNotObject = await observed({ error: Object.assign(new Error('outer'), { cause: 'inner' }) });
      assert.match(String((causeNotObject.error as Error).message), /\(outer\)/);
      const multiline = await observed({ error: new Error('line one\n[x](command:y)') });
      assert.deepEqual(multiline.lines, [`error GET ${PATH} failed: line one [x] (command:y) (client-request-id <id>)`]);
    });

    it("a retry gets the caller's signal back, not the timeout of the attempt before it", async () => {
      const caller = new AbortController();
      const context = request('GET', PATH, caller.signal);
      const observer = new RequestObserver(GRAPH, 30_000, new RecordingLogger());
      observer.setNext(new ScriptedNetwork([{ status: 200 }]));
      await observer.execute(context);
      assert.equal(context.options?.signal, caller.signal);
      assert.equal(context.options?.redirect, 'manual');
    });
  });
});
