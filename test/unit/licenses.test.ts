import * as assert from 'node:assert/strict';
import { appsOf, groupByTokenId, licenseTotals } from '../../src/graph/licenses';

describe('license impact', () => {
  const apps = [
    { id: 'a', vppTokenId: 'TOKEN-1', usedLicenseCount: 5, totalLicenseCount: 20 },
    { id: 'b', vppTokenId: 'token-1', usedLicenseCount: 1234, totalLicenseCount: 1500 },
    { id: 'c', vppTokenId: 'token-2', usedLicenseCount: 3 },
    { id: 'd', displayName: 'no token' },
  ];

  it('groups apps by their token id whatever its case, and leaves out apps without one', () => {
    const grouped = groupByTokenId(apps);
    assert.deepEqual([...grouped.keys()], ['token-1', 'token-2']);
    assert.deepEqual(
      grouped.get('token-1')?.map((app) => app.id),
      ['a', 'b'],
    );
  });

  it('sums apps, used and total licenses over the tokens named, each token once, missing counts as 0', () => {
    const grouped = groupByTokenId(apps);
    assert.deepEqual(licenseTotals(appsOf(grouped, ['Token-1'])), { apps: 2, used: 1239, total: 1520 });
    assert.deepEqual(licenseTotals(appsOf(grouped, ['token-1', 'TOKEN-1', 'token-2'])), { apps: 3, used: 1242, total: 1520 });
    assert.deepEqual(licenseTotals(appsOf(grouped, ['unknown'])), { apps: 0, used: 0, total: 0 });
  });
});
