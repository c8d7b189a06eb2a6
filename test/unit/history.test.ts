import * as assert from 'node:assert/strict';
import { parseCsv } from '../../src/csv';
import {
  entryFields,
  filterHistory,
  groupByDay,
  HISTORY_COLUMNS,
  historyCsv,
  historyJson,
  historyRow,
  localDay,
  operationLabel,
  stateLabel,
  stateOf,
  targetLabel,
} from '../../src/journal/history';
import { WRITE_OPERATIONS } from '../../src/journal/journalRecords';
import { JournalEntry } from '../../src/journal/journalEntries';
import { TEST_SESSION } from '../support/memoryJournal';

function entry(
  at: string,
  tokenId: string,
  tenantKey = 'contoso',
  outcome?: JournalEntry['outcome'],
  tokenName = `Token ${tokenId}`,
): JournalEntry {
  return {
    intent: {
      v: 1,
      type: 'intent',
      write: `write-${tokenId}-${at}`,
      at,
      session: TEST_SESSION,
      tenant: { key: tenantKey, id: `${tenantKey}.example`, label: tenantKey === 'contoso' ? 'Contoso' : 'Fabrikam', cloud: 'global' },
      actor: 'admin@contoso.example',
      operation: 'revokeLicenses',
      target: { tokenId, tokenName },
      details: { notifyManagedDevices: true, revokeUntrackedLicenses: false },
      request: { method: 'POST', path: `/deviceAppManagement/vppTokens/${tokenId}/revokeLicenses`, body: { notifyManagedDevices: true } },
      evidence: { actions: [] },
    },
    attempts: [
      {
        v: 1,
        type: 'attempt',
        write: `write-${tokenId}-${at}`,
        at,
        result: 'accepted',
        status: 204,
        requestId: 'req-1',
        clientRequestId: 'client-1',
      },
    ],
    outcome,
  };
}

const accepted = (at: string): JournalEntry['outcome'] => ({
  v: 1,
  type: 'outcome',
  write: 'w',
  at,
  outcome: 'accepted',
  result: 'done · 3 licenses, 0 failed',
});

describe('History: shaping the journal for the view and the export', () => {
  const day1 = new Date(2026, 10, 30, 23, 50).toISOString();
  const day2a = new Date(2026, 11, 1, 0, 10).toISOString();
  const day2b = new Date(2026, 11, 1, 9, 0).toISOString();
  const entries = [entry(day1, 'a', 'contoso', accepted(day1)), entry(day2a, 'b', 'fabrikam'), entry(day2b, 'a')];

  it("newest first; a tenant filter keeps its writes, a token filter that token's", () => {
    assert.deepEqual(
      filterHistory(entries, undefined).map((kept) => kept.intent.at),
      [day2b, day2a, day1],
    );
    assert.deepEqual(
      filterHistory(entries, { tenantKey: 'fabrikam', label: 'Tenant: Fabrikam' }).map((kept) => kept.intent.target.tokenId),
      ['b'],
    );
    assert.deepEqual(
      filterHistory(entries, { tenantKey: 'contoso', tokenId: 'a', label: 'Token: a' }).map((kept) => kept.intent.at),
      [day2b, day1],
    );
    assert.equal(entries[0].intent.at, day1, 'the journal order is left as it was');
  });

  it("a token filter keeps that token's writes only, not the other tokens' of the same tenant", () => {
    const day2c = new Date(2026, 11, 1, 10, 0).toISOString();
    const sameTenant = [...entries, entry(day2c, 'c', 'contoso'), entry(day2c, 'a', 'fabrikam')];
    assert.deepEqual(
      filterHistory(sameTenant, { tenantKey: 'contoso', tokenId: 'c', label: 'Token: c' }).map((kept) => kept.intent.target.tokenId),
      ['c'],
    );
    assert.deepEqual(
      filterHistory(sameTenant, { tenantKey: 'contoso', tokenId: 'a', label: 'Token: a' }).map((kept) => kept.intent.at),
      [day2b, day1],
      "the same token id in another tenant is another tenant's token",
    );
  });

  it('groups by the local day, in order', () => {
    const days = groupByDay(filterHistory(entries, undefined));
    assert.deepEqual(
      days.map(({ day, entries: inDay }) => [day, inDay.length]),
      [
        [localDay(day2b), 2],
        ['2026-11-30', 1],
      ],
    );
    assert.equal(localDay(day2a), '2026-12-01');
  });

  it('a write without an outcome is pending; the tooltip holds every field', () => {
    assert.equal(stateOf(entries[1]), 'pending');
    const fields = Object.fromEntries(entryFields(entries[0]));
    assert.equal(fields.Time, day1);
    assert.equal(fields.Tenant, 'Contoso (contoso.example, global)');
    assert.equal(fields.By, 'admin@contoso.example');
    assert.equal(fields.Operation, 'Revoke licenses');
    assert.equal(fields.Token, 'Token a (a)');
    assert.equal(fields.Options, 'notifyManagedDevices=true, revokeUntrackedLicenses=false');
    assert.equal(fields.Request, 'POST /deviceAppManagement/vppTokens/a/revokeLicenses');
    assert.equal(fields['Attempt 1'], 'accepted · 204 · request-id req-1 · client-request-id client-1');
    assert.equal(fields.Outcome, 'accepted');
    assert.equal(fields["Intune's result"], 'done · 3 licenses, 0 failed');
  });

  it('exports CSV with a header, one row per write, and formula-like names neutralised', () => {
    const hostile = entry(day1, 'h', 'contoso', accepted(day1), '=HYPERLINK("http://evil.example","x")');
    const rows = parseCsv(historyCsv([hostile, entries[1]]));
    assert.deepEqual(rows[0], [...HISTORY_COLUMNS]);
    assert.equal(rows.length, 3);
    const tokenName = rows[1][HISTORY_COLUMNS.indexOf('tokenName')];
    assert.equal(tokenName, `'=HYPERLINK("http://evil.example","x")`);
    assert.equal(rows[1][HISTORY_COLUMNS.indexOf('requestId')], 'req-1');
    assert.equal(rows[2][HISTORY_COLUMNS.indexOf('outcome')], 'pending');
    assert.deepEqual(parseCsv(historyCsv([])), [[...HISTORY_COLUMNS]]);
  });

  it('exports JSON with each write, its attempts and its outcome', () => {
    const parsed = JSON.parse(historyJson(entries)) as { write: string; attempts: unknown[]; outcome: unknown }[];
    assert.equal(parsed.length, 3);
    assert.equal(parsed[0].write, entries[0].intent.write);
    assert.equal(parsed[0].attempts.length, 1);
    assert.equal(parsed[1].outcome, null);
  });
});

describe('History: the words each write and outcome is shown with', () => {
  const at = new Date(2026, 11, 1, 9, 0).toISOString();

  it('every operation and every outcome has its own words', () => {
    assert.deepEqual(WRITE_OPERATIONS.map(operationLabel), [
      'Revoke licenses',
      'Sync licenses',
      'Add token',
      'Renew token',
      'Edit token settings',
      'Take over token',
      'Delete token',
      'Revoke app licenses',
      "Revoke a device's app license",
      "Revoke a user's app license",
      'Set an app assignment to Uninstall',
      'Remove an app assignment',
    ]);
    assert.deepEqual((['accepted', 'failed', 'unconfirmed', 'cancelled', 'pending'] as const).map(stateLabel), [
      'accepted',
      'failed',
      'unconfirmed',
      'cancelled',
      'no outcome recorded',
    ]);
  });

  it('a write is named by its app and license holder, else its token name, else its id, else a dash', () => {
    const named = (target: JournalEntry['intent']['target']) => {
      const base = entry(at, 'x');
      return targetLabel({ ...base, intent: { ...base.intent, target } });
    };
    assert.equal(named({ appId: 'app-1', appName: 'Outlook', holderName: 'Ada', holderId: 'u-1', tokenName: 'HQ' }), 'Outlook · Ada');
    assert.equal(named({ appId: 'app-1', appName: 'Outlook', tokenName: 'HQ' }), 'Outlook');
    assert.equal(named({ tokenId: 'tok-1', tokenName: 'Contoso\u0007 HQ' }), 'Contoso HQ');
    assert.equal(named({ tokenId: 'tok-1' }), 'tok-1');
    assert.equal(named({}), '-');
  });

  it("a per-license write's fields name its app and holder; an outcome's reason, result and run are shown", () => {
    const base = entry(at, 'x', 'contoso', {
      v: 1,
      type: 'outcome',
      write: 'w',
      at,
      outcome: 'accepted',
      reason: 'checked after a restart',
      result: 'done · 1 licenses',
      afterSync: '5 licenses came back: Teams: 5 used, Required: group g-1',
    });
    const fields = Object.fromEntries(
      entryFields({
        ...base,
        intent: {
          ...base.intent,
          actor: '',
          run: 'run-7',
          details: {},
          target: { appId: 'app-1', appName: 'Outlook', holderId: 'u-1', holderName: 'Ada' },
        },
      }),
    );
    assert.equal(fields['By'], '-');
    assert.equal(fields['Token'], undefined, 'no token named: no token row');
    assert.equal(fields['App'], 'Outlook (app-1)');
    assert.equal(fields['License of'], 'Ada (u-1)');
    assert.equal(fields['Options'], undefined, 'no options: no row');
    assert.equal(fields['Why'], 'checked after a restart');
    assert.equal(fields["Intune's result"], 'done · 1 licenses');
    assert.equal(fields["After the token's next sync"], '5 licenses came back: Teams: 5 used, Required: group g-1');
    assert.equal(fields['Bulk run'], 'run-7');
    const tokenOnly = Object.fromEntries(
      entryFields({ ...base, intent: { ...base.intent, target: { tokenName: 'HQ' } }, outcome: undefined }),
    );
    assert.equal(tokenOnly['Token'], 'HQ (-)');
    assert.equal(tokenOnly['Why'], undefined);
    assert.equal(tokenOnly["Intune's result"], undefined);
    assert.equal(tokenOnly["After the token's next sync"], undefined);
    assert.equal(tokenOnly['Bulk run'], undefined);
  });

  it('an exported row has null, not a missing value, for every field the write lacks', () => {
    const base = entry(at, 'x');
    const row = historyRow({ ...base, intent: { ...base.intent, target: {} }, attempts: [], outcome: undefined });
    assert.deepEqual(
      [row.tokenId, row.tokenName, row.appId, row.appName, row.licenseHolderId, row.status, row.requestId, row.clientRequestId],
      [null, null, null, null, null, null, null, null],
    );
    assert.deepEqual(
      [row.reason, row.intuneResult, row.afterSync, row.run, row.attempts, row.outcome],
      [null, null, null, null, 0, 'pending'],
    );
    const full = historyRow({
      ...base,
      intent: { ...base.intent, run: 'run-1', target: { tokenId: 't', appId: 'a', appName: 'n', holderId: 'h' } },
      outcome: {
        v: 1,
        type: 'outcome',
        write: 'w',
        at,
        outcome: 'accepted',
        reason: 'r',
        result: 'done · 3 licenses, 0 failed',
        afterSync: 'No license came back.',
      },
    });
    assert.deepEqual(
      [
        full.tokenId,
        full.appId,
        full.appName,
        full.licenseHolderId,
        full.status,
        full.requestId,
        full.clientRequestId,
        full.reason,
        full.run,
      ],
      ['t', 'a', 'n', 'h', 204, 'req-1', 'client-1', 'r', 'run-1'],
    );
    assert.equal(full.intuneResult, 'done · 3 licenses, 0 failed');
    assert.equal(full.afterSync, 'No license came back.');
    const csv = historyCsv([base]);
    assert.ok(csv.endsWith('\r\n'), 'ends with a line break');
    const [header, only] = parseCsv(csv);
    assert.deepEqual(header, [...HISTORY_COLUMNS]);
    assert.equal(only.length, HISTORY_COLUMNS.length);
  });
});
