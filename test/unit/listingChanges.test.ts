import * as assert from 'node:assert/strict';
import { ComparedListing, changesBetween } from '../../src/store/listingChanges';
import { VppTokenRecord } from '../../src/graph/vppRecords';

describe('a listing again: what it redraws', () => {
  const token = (id: string, state = 'valid'): VppTokenRecord => ({ id, organizationName: id, state }) as VppTokenRecord;
  const listing = (tokens: VppTokenRecord[], more: Partial<ComparedListing> = {}): ComparedListing => ({
    tokens: new Map(tokens.map((record) => [record.id, record])),
    state: tokens.length > 0 ? 'loaded' : 'empty',
    account: 'admin@contoso.com',
    ...more,
  });
  const before = listing([token('a'), token('b'), token('c')]);

  it('the same tokens, read again as they were: nothing (the rows the admin expanded stay open)', () => {
    assert.deepEqual(changesBetween(before, listing([token('a'), token('b'), token('c')])), []);
  });

  it('a token whose record changed: that token alone', () => {
    assert.deepEqual(changesBetween(before, listing([token('a'), token('b', 'expired'), token('c')])), ['b']);
  });

  it('the first listing, tokens added, removed or reordered: the whole tenant', () => {
    assert.equal(changesBetween(undefined, before), 'tenant');
    assert.equal(changesBetween(before, listing([token('a'), token('b'), token('c'), token('d')])), 'tenant');
    assert.equal(changesBetween(before, listing([token('a'), token('b')])), 'tenant');
    assert.equal(changesBetween(before, listing([token('a'), token('c'), token('b')])), 'tenant');
    assert.equal(changesBetween(before, listing([token('a'), token('b'), token('d')])), 'tenant');
  });

  it('what the tenant item shows changed (its state, who is signed in, its message): the whole tenant', () => {
    assert.equal(changesBetween(before, { ...before, state: 'error' }), 'tenant');
    assert.equal(changesBetween(before, { ...before, account: 'other@contoso.com' }), 'tenant');
    assert.equal(changesBetween(before, { ...before, message: 'Sign in again' }), 'tenant');
  });
});
