import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { VppError } from '../../src/errors';
import { BatchedTokenReads } from '../../src/graph/batchedTokenReads';
import { VppTokenService } from '../../src/graph/vppTokenService';
import { generatedTokens } from '../simulatedTenant/seed';
import { SimulatedTenant } from '../simulatedTenant/server';
import { signedInService } from '../support/fixtures';
import { useSimulatedTenant } from '../support/harness';

describe('Token reads batched for a bulk run', () => {
  let tenant: SimulatedTenant;
  let service: VppTokenService;
  const tokens = generatedTokens(45);
  useSimulatedTenant(
    { tokens },
    (started) => (tenant = started),
    () => {
      tenant.reset(tokens);
      service = signedInService(tenant, { delaySeconds: 0, maxRetries: 0, maxWaitSeconds: 0 });
    },
  );
  const signal = new AbortController().signal;
  /** The reads that reached the tenant on their own, not inside a batch. */
  const loneReads = () => tenant.requestsFor('get').filter((read) => !read.headers['x-sim-batch']);

  const ids = tokens.map((token) => token.id);

  it("a run's tokens are read in JSON batches of 20 in its order, each token once, and each read gets its own token", async () => {
    const reads = new BatchedTokenReads(() => service, ids);
    const read = await Promise.all(tokens.map((token) => reads.read(token.id, signal)));
    assert.deepEqual(
      read.map((token) => token.id),
      tokens.map((token) => token.id),
    );
    assert.ok(read.every((token, index) => token.displayName === tokens[index].displayName && !('token' in token)));
    assert.equal(tenant.requestsFor('batch').length, 3, '45 reads are 20 + 20 + 5');
    assert.deepEqual(loneReads(), []);
    // Sent together, they may arrive in any order (a shorter body is read sooner).
    const batches = tenant.requestsFor('batch').map((batch) => (JSON.parse(batch.body) as { requests: unknown[] }).requests.length);
    assert.deepEqual(
      batches.sort((a, b) => b - a),
      [20, 20, 5],
    );
  });

  it('a chunk of one token, and a token outside the run, are plain GETs, not batches of one', async () => {
    const reads = new BatchedTokenReads(() => service, ids.slice(0, 21));
    assert.equal((await reads.read(ids[20], signal)).id, ids[20]);
    assert.equal((await reads.read(ids[30], signal)).id, ids[30]);
    assert.equal(tenant.requestsFor('batch').length, 0);
    assert.deepEqual(
      loneReads().map((read) => read.tokenId),
      [ids[20], ids[30]],
    );
  });

  it('a chunk is read once: a later read of a token in it sends nothing', async () => {
    const reads = new BatchedTokenReads(() => service, ids);
    await reads.read(ids[0], signal);
    const sent = tenant.requests.length;
    assert.equal((await reads.read(ids[19], signal)).id, ids[19]);
    assert.equal(tenant.requests.length, sent);
  });

  it("a token the batch could not answer is read alone, so its error is a plain read's (here a 404)", async () => {
    tenant.addFault({ route: 'get', tokenId: tokens[1].id, status: 404, times: 2 });
    const reads = new BatchedTokenReads(() => service, ids);
    const [first, second] = await Promise.allSettled([reads.read(tokens[0].id, signal), reads.read(tokens[1].id, signal)]);
    assert.equal(first.status === 'fulfilled' && first.value.id, tokens[0].id);
    assert.ok(second.status === 'rejected' && second.reason instanceof VppError && second.reason.kind === 'notFound');
    assert.deepEqual(
      loneReads().map((read) => read.tokenId),
      [tokens[1].id],
    );
  });

  it('a batch that fails is replaced by a read of each token alone', async () => {
    tenant.addFault({ route: 'batch', status: 500 });
    const reads = new BatchedTokenReads(() => service, ids);
    const read = await Promise.all([0, 1, 2].map((index) => reads.read(tokens[index].id, signal)));
    assert.deepEqual(
      read.map((token) => token.id),
      [0, 1, 2].map((index) => tokens[index].id),
    );
    assert.equal(loneReads().length, 3);
  });

  describe("a token Graph throttled inside the batch (its own 429) is read again only after Graph's wait", () => {
    /** The waits asked for, resolved at once: the test checks the wait, not the clock. */
    function recordedWaits(answer = true) {
      const waits: number[] = [];
      return { waits, wait: async (ms: number) => (waits.push(ms), answer) };
    }

    beforeEach(() => {
      // Two requests fit: of a chunk of 20, the batch answers two and throttles the rest.
      tenant.throttleLimits = { windowMs: 60_000, appRequests: 2, appWrites: 100, tenantRequests: 2000, tenantWrites: 200 };
    });

    it('waits its Retry-After before the read alone; the others of the batch need no read of their own', async () => {
      const { waits, wait } = recordedWaits();
      const reads = new BatchedTokenReads(() => service, ids.slice(0, 3), 3000, wait);
      const batchAnswers = new Map<string, number>();
      const read = await Promise.allSettled(ids.slice(0, 3).map((id) => reads.read(id, signal)));
      for (const request of tenant.requestsFor('get').filter((get) => get.headers['x-sim-batch'])) {
        batchAnswers.set(request.tokenId ?? '', request.status ?? 0);
      }
      const throttled = ids.slice(0, 3).filter((id) => batchAnswers.get(id) === 429);
      assert.equal(throttled.length, 1, 'one of the three was throttled in the batch');
      const retryAfter = tenant.requestsFor('get').find((get) => get.tokenId === throttled[0])?.retryAfter;
      assert.ok(retryAfter !== undefined);
      assert.deepEqual(waits, [Number(retryAfter) * 1000], "the wait is the Retry-After of the token's own answer");
      assert.deepEqual(
        loneReads().map((get) => get.tokenId),
        throttled,
        'only the throttled token is read again, alone',
      );
      // Still throttled when read again at once (the wait was skipped): its plain read fails as a 429 would.
      assert.equal(read.filter((settled) => settled.status === 'fulfilled').length, 2);
    });

    it("reads an inner 429's Retry-After in any letter case, and a decimal one (seen from Graph) rounded up", async () => {
      const inner = (id: string, status: number, headers: Record<string, unknown>) => ({ id, status, headers, body: {} });
      tenant.addFault({
        route: 'batch',
        status: 200,
        body: JSON.stringify({
          responses: [inner('0', 429, { 'retry-after': '0.249' }), inner('1', 429, { 'RETRY-AFTER': 2 }), inner('2', 429, { other: '5' })],
        }),
      });
      const answers = await service.getTokensInBatch(ids.slice(0, 3));
      assert.deepEqual(
        ids.slice(0, 3).map((id) => answers.get(id)),
        [
          { kind: 'throttled', retryAfterSeconds: 1 },
          { kind: 'throttled', retryAfterSeconds: 2 },
          { kind: 'throttled', retryAfterSeconds: undefined },
        ],
      );
    });

    it("a batch answered 424 for its throttled requests (as Graph's throttling page says) is read the same way", async () => {
      tenant.throttledBatchStatus = 424;
      const { waits, wait } = recordedWaits();
      const reads = new BatchedTokenReads(() => service, ids.slice(0, 3), 3000, wait);
      const read = await Promise.allSettled(ids.slice(0, 3).map((id) => reads.read(id, signal)));
      assert.deepEqual(
        tenant.requestsFor('batch').map((batch) => batch.status),
        [424],
      );
      assert.equal(waits.length, 1, 'the throttled token waited its Retry-After');
      assert.equal(read.filter((settled) => settled.status === 'fulfilled').length, 2, 'the others were read in the batch');
      assert.equal(loneReads().length, 1);
    });

    it('waits a back-off when its 429 named no wait', async () => {
      tenant.retryAfterOmittedEvery = 1;
      const { waits, wait } = recordedWaits();
      const reads = new BatchedTokenReads(() => service, ids.slice(0, 3), undefined, wait);
      await Promise.allSettled(ids.slice(0, 3).map((id) => reads.read(id, signal)));
      assert.deepEqual(waits, [3000], "the product's first back-off, 3 s");
    });

    it('a wait cut short by Cancel reads nothing more and says the read was cancelled', async () => {
      const { wait } = recordedWaits(false);
      const reads = new BatchedTokenReads(() => service, ids.slice(0, 3), 3000, wait);
      const read = await Promise.allSettled(ids.slice(0, 3).map((id) => reads.read(id, signal)));
      const rejected = read.filter((settled) => settled.status === 'rejected');
      assert.equal(rejected.length, 1);
      assert.ok(rejected[0].reason instanceof VppError && rejected[0].reason.kind === 'cancelled');
      assert.deepEqual(loneReads(), []);
    });
  });

  describe("getTokensInBatch: each token's own answer, matched by its id", () => {
    const answerWith = (responses: unknown) => tenant.addFault({ route: 'batch', status: 200, body: JSON.stringify({ responses }) });

    it('holds 1 to 20 requests: none, or 21, is a programming error said before anything is sent', async () => {
      for (const count of [0, 21]) {
        await assert.rejects(
          service.getTokensInBatch(ids.slice(0, count)),
          new RangeError(`a JSON batch holds 1 to 20 requests, not ${count}`),
        );
      }
      assert.deepEqual(tenant.requests, []);
    });

    it('a batch answer without its list of answers is malformed', async () => {
      tenant.addFault({ route: 'batch', status: 200, body: JSON.stringify({ value: [] }) });
      await assert.rejects(
        service.getTokensInBatch(ids.slice(0, 2)),
        (error: unknown) => error instanceof VppError && error.kind === 'malformed' && /the batch has no responses/.test(error.message),
      );
    });

    it('a token is read only from a 200 whose body is a token; any other answer, or none, leaves it to be read alone', async () => {
      answerWith([
        { id: '0', status: 200, body: { id: ids[0], displayName: 'Read' } },
        { id: '1', status: 200, body: { displayName: 'no id' } },
        { id: '2', status: 404, body: { id: ids[2] } },
        { id: '7', status: 200, body: { id: 'not asked for' } },
        { status: 200, body: { id: ids[4] } },
        null,
        { id: '5', status: 429, headers: null },
        { id: '6', status: 429, headers: 'Retry-After: 5' },
      ]);
      const answers = await service.getTokensInBatch(ids.slice(0, 7));
      assert.deepEqual(
        ids.slice(0, 7).map((id) => answers.get(id)?.kind),
        ['read', 'notRead', 'notRead', 'notRead', 'notRead', 'throttled', 'throttled'],
      );
      const first = answers.get(ids[0]);
      assert.equal(first?.kind === 'read' && first.token.displayName, 'Read');
      assert.deepEqual(answers.get(ids[5]), { kind: 'throttled', retryAfterSeconds: undefined }, 'no headers: no wait named');
      assert.deepEqual(answers.get(ids[6]), { kind: 'throttled', retryAfterSeconds: undefined }, 'headers not an object: no wait named');
      assert.equal(answers.size, 7, 'only the tokens asked for');
    });

    it('an answer counts only under an id exactly as sent, once, with the body of the token asked for', async () => {
      answerWith([
        { id: '0', status: 200, body: { id: ids[1], displayName: 'swapped' } },
        { id: '1', status: 200, body: { id: ids[0], displayName: 'swapped' } },
        { id: '2', status: 200, body: { id: ids[2], displayName: 'first' } },
        { id: '2', status: 200, body: { id: ids[2], displayName: 'second' } },
        ...['', ' 3', '3.0', '0x3', '03', '+3', '3e0'].map((id) => ({ id, status: 200, body: { id: ids[3] } })),
        { id: 3, status: 200, body: { id: ids[3] } },
        { id: null, status: 200, body: { id: ids[0] } },
        { id: '4', status: 200, body: { id: ids[4].toUpperCase(), displayName: 'Any case' } },
      ]);
      const answers = await service.getTokensInBatch(ids.slice(0, 5));
      assert.deepEqual(
        ids.slice(0, 5).map((id) => answers.get(id)?.kind),
        ['notRead', 'notRead', 'notRead', 'notRead', 'read'],
        'swapped bodies, an id answered twice and ids that only coerce to an index are each read alone',
      );
    });

    it('whatever Graph answers, each token asked for is read from its own answer or left to be read alone, never another', async () => {
      const asked = ids.slice(0, 4);
      const innerAnswer = fc.record(
        {
          id: fc.oneof(fc.constantFrom('0', '1', '2', '3', '4', '', ' 1', '1.0', '0x1', '01'), fc.anything()),
          status: fc.oneof(fc.constantFrom(200, 429, 404, 424), fc.anything()),
          headers: fc.anything(),
          body: fc.oneof(
            fc.constantFrom(...ids.slice(0, 5)).map((id) => ({ id, displayName: `name of ${id}` })),
            fc.anything(),
          ),
        },
        { requiredKeys: [] },
      );
      await fc.assert(
        fc.asyncProperty(fc.array(fc.oneof(innerAnswer, fc.anything()), { maxLength: 8 }), async (responses) => {
          answerWith(responses);
          const answers = await service.getTokensInBatch(asked);
          assert.deepEqual([...answers.keys()], asked);
          for (const [id, answer] of answers) {
            if (answer.kind === 'read') {
              assert.equal(answer.token.id, id);
            }
          }
        }),
        { numRuns: 300 },
      );
    });
  });

  it('a read whose signal has aborted is cancelled and sends nothing', async () => {
    const cancel = new AbortController();
    cancel.abort();
    await assert.rejects(
      new BatchedTokenReads(() => service, ids).read(ids[0], cancel.signal),
      (error: unknown) => error instanceof VppError && error.kind === 'cancelled' && error.message === 'The request was cancelled.',
    );
    assert.deepEqual(tenant.requests, []);
  });
});
