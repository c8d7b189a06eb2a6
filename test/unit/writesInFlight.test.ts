import * as assert from 'node:assert/strict';
import { WritesInFlight } from '../../src/store/writesInFlight';

describe('writes in flight: what each token row says while a write runs on it', () => {
  function tracked() {
    const changed: string[] = [];
    const writes = new WritesInFlight((tenantKey, tokenId) => changed.push(`${tenantKey}/${tokenId}`));
    return { writes, changed };
  }

  it('a revoke takes its tokens, says so per token, and frees them once when released', () => {
    const { writes, changed } = tracked();
    const claim = writes.begin('contoso', ['a', 'b', 'a'], 'revoke');
    assert.deepEqual(claim.taken, ['a', 'b'], 'each token once');
    assert.deepEqual(changed, ['contoso/a', 'contoso/b']);
    assert.equal(writes.current('contoso', 'a'), 'revoke');
    assert.equal(writes.revoking('contoso', 'b'), true);
    claim.release();
    claim.release();
    assert.deepEqual(changed, ['contoso/a', 'contoso/b', 'contoso/a', 'contoso/b'], 'a second release changes nothing');
    assert.equal(writes.current('contoso', 'a'), undefined);
    assert.equal(writes.revoking('contoso', 'a'), false);
  });

  it('a second revoke (or a Retire) of a token is not taken while the first runs; another tenant with the same id is', () => {
    const { writes } = tracked();
    writes.begin('contoso', ['a'], 'revoke');
    assert.deepEqual(writes.begin('contoso', ['a', 'b'], 'revoke').taken, ['b']);
    assert.deepEqual(writes.begin('contoso', ['a'], 'retire').taken, []);
    assert.deepEqual(writes.begin('fabrikam', ['a'], 'revoke').taken, ['a']);
  });

  it('a token id is one token whatever its case, as in Graph', () => {
    const { writes } = tracked();
    writes.begin('contoso', ['ABC'], 'retire');
    assert.equal(writes.revoking('contoso', 'abc'), true);
    assert.equal(writes.current('contoso', 'Abc'), 'retire');
  });

  it('a sync runs beside a revoke; the row says the latest, and the revoke again once the sync ends', () => {
    const { writes } = tracked();
    const revoke = writes.begin('contoso', ['a'], 'revoke');
    const sync = writes.begin('contoso', ['a'], 'sync');
    assert.deepEqual(sync.taken, ['a'], 'a sync waits for no revoke');
    assert.equal(writes.current('contoso', 'a'), 'sync');
    assert.equal(writes.revoking('contoso', 'a'), true);
    sync.release();
    assert.equal(writes.current('contoso', 'a'), 'revoke');
    revoke.release();
    assert.equal(writes.current('contoso', 'a'), undefined);
  });

  it('two syncs of one token: the first to end leaves the other shown', () => {
    const { writes } = tracked();
    const first = writes.begin('contoso', ['a'], 'sync');
    const second = writes.begin('contoso', ['a'], 'sync');
    first.release();
    assert.equal(writes.current('contoso', 'a'), 'sync');
    assert.equal(writes.revoking('contoso', 'a'), false);
    second.release();
    assert.equal(writes.current('contoso', 'a'), undefined);
  });

  it('ending one kind leaves the others: an edit ended during a delete leaves the delete', () => {
    const { writes } = tracked();
    const remove = writes.begin('contoso', ['a'], 'delete');
    const edit = writes.begin('contoso', ['a'], 'edit');
    remove.release();
    assert.equal(writes.current('contoso', 'a'), 'edit');
    edit.release();
    assert.equal(writes.current('contoso', 'a'), undefined);
  });
});
