import * as assert from 'node:assert/strict';
import { VppTokenRecord } from '../../src/graph/vppRecords';
import { expiryPhrase, presentToken, sortTokens } from '../../src/tree/tokenPresentation';
import { SECRET_TOKEN_PREFIX } from '../simulatedTenant/seed';

const NOW = Date.parse('2026-11-28T12:00:00Z');
const DAY = 24 * 3600 * 1000;

function token(fields: Partial<VppTokenRecord> = {}): VppTokenRecord {
  return {
    id: 'id-1',
    displayName: 'Contoso HQ',
    organizationName: 'Contoso',
    appleId: 'vpp@contoso.example',
    state: 'valid',
    expirationDateTime: new Date(NOW + 42 * DAY).toISOString(),
    ...fields,
  };
}

describe('token presentation', () => {
  it('labels fall back from display name to organization, Apple ID, then id', () => {
    assert.equal(presentToken(token(), NOW, 'en').label, 'Contoso HQ');
    assert.equal(presentToken(token({ displayName: null }), NOW, 'en').label, 'Contoso');
    assert.equal(presentToken(token({ displayName: '', organizationName: null }), NOW, 'en').label, 'vpp@contoso.example');
    assert.equal(presentToken(token({ displayName: null, organizationName: null, appleId: null }), NOW, 'en').label, 'id-1');
  });

  it('describes state and expiry in words', () => {
    assert.equal(presentToken(token(), NOW, 'en').description, 'valid · expires in 42 days');
    const expired = token({ state: 'expired', expirationDateTime: new Date(NOW - 3 * DAY - 1000).toISOString() });
    assert.equal(presentToken(expired, NOW, 'en').description, 'expired 3 days ago');
    assert.equal(presentToken(token({ state: 'invalid' }), NOW, 'en').description, 'invalid · expires in 42 days');
    assert.equal(
      presentToken(token({ state: 'assignedToExternalMDM' }), NOW, 'en').description,
      'assigned to another MDM · expires in 42 days',
    );
    assert.equal(expiryPhrase(undefined, NOW), 'no expiry date');
    assert.equal(expiryPhrase('not a date', NOW), 'no expiry date');
    assert.equal(expiryPhrase('9999-12-31T00:00:00Z', NOW), 'expires on 9999-12-31');
    assert.equal(expiryPhrase(new Date(NOW + 3600_000).toISOString(), NOW), 'expires within a day');
    assert.equal(expiryPhrase(new Date(NOW - DAY - 1).toISOString(), NOW), 'expired 1 day ago');
  });

  it('gives each state its own codicon and colour, and a future state a neutral one', () => {
    const looks = Object.fromEntries(
      ['valid', 'expired', 'invalid', 'assignedToExternalMDM', 'duplicateLocationId', 'unknown', 'unknownFutureValue', 'brandNewState'].map(
        (state) => {
          const look = presentToken(token({ state: state as VppTokenRecord['state'] }), NOW, 'en');
          return [state, [look.iconId, look.colorId]];
        },
      ),
    );
    assert.deepEqual(looks, {
      valid: ['pass', 'testing.iconPassed'],
      expired: ['error', 'list.errorForeground'],
      invalid: ['circle-slash', 'list.errorForeground'],
      assignedToExternalMDM: ['arrow-swap', 'list.warningForeground'],
      duplicateLocationId: ['copy', 'list.warningForeground'],
      unknown: ['question', undefined],
      unknownFutureValue: ['question', undefined],
      brandNewState: ['question', undefined],
    });
    assert.equal(
      presentToken(token({ state: 'brandNewState' as VppTokenRecord['state'] }), NOW, 'en').description,
      'brandNewState · expires in 42 days',
    );
  });

  it('warns when a valid token expires within 30 days', () => {
    const soon = presentToken(token({ expirationDateTime: new Date(NOW + 12 * DAY).toISOString() }), NOW, 'en');
    assert.equal(soon.iconId, 'warning');
    assert.equal(soon.colorId, 'list.warningForeground');
    assert.equal(soon.contextValue, 'vppToken state-valid expiringSoon');
    const later = presentToken(token({ expirationDateTime: new Date(NOW + 31 * DAY).toISOString() }), NOW, 'en');
    assert.equal(later.contextValue, 'vppToken state-valid');
    assert.equal(later.iconId, 'pass');
  });

  it('the warning window follows intuneVpp.expiryWarningDays, as the expiry alerts do', () => {
    const inTwelveDays = token({ expirationDateTime: new Date(NOW + 12 * DAY).toISOString() });
    assert.equal(presentToken(inTwelveDays, NOW, 'en', 10).contextValue, 'vppToken state-valid');
    assert.equal(presentToken(inTwelveDays, NOW, 'en', 14).contextValue, 'vppToken state-valid expiringSoon');
  });

  it('keeps context values to safe characters whatever the state says', () => {
    const look = presentToken(token({ state: 'x /y\n"z' as VppTokenRecord['state'] }), NOW, 'en');
    assert.equal(look.contextValue, 'vppToken state-xyz');
    assert.equal(presentToken(token({ state: undefined }), NOW, 'en').contextValue, 'vppToken state-unknown');
  });

  it('tooltip rows hold every non-secret field as plain text, with control and bidi characters removed', () => {
    const hostile = token({
      displayName: '[click](command:workbench.action.terminal.new) \u202eevil\u001b[31m',
      locationName: '<img src=x onerror=alert(1)>',
      appleDeviceAppDeliveryProtocolType: 'declarativeDeviceManagement',
      roleScopeTagIds: ['0', '7'],
      lastSyncStatus: 'completed',
      lastSyncDateTime: '2026-11-27T10:00:00Z',
    });
    const look = presentToken(hostile, NOW, 'en');
    const rows = Object.fromEntries(look.tooltipRows);
    assert.equal(rows.Name, '[click] (command:workbench.action.terminal.new) evil [31m');
    assert.equal(rows.Location, '<img src=x onerror=alert(1)>');
    assert.equal(rows['Scope tags'], '0, 7');
    assert.equal(rows['Token ID'], 'id-1');
    assert.equal(rows['App delivery protocol'], 'declarativeDeviceManagement');
    assert.match(rows['Last sync'], /^Nov 27, 2026, 10:00 AM UTC · completed$/);
    // A record that still carried the secret blob (a server sending it despite $select) shows none of it.
    const withSecret = presentToken({ ...hostile, token: `${SECRET_TOKEN_PREFIX}blob` } as VppTokenRecord, NOW, 'en');
    const shown = [withSecret.label, withSecret.description, ...withSecret.tooltipRows.flat()].join('\n');
    assert.equal(shown.includes(SECRET_TOKEN_PREFIX), false);
    assert.doesNotMatch(look.label, /\u202e|\u001b/);
  });

  it('truncates very long names and reads state and expiry for screen readers', () => {
    const look = presentToken(token({ displayName: 'x'.repeat(10_000) }), NOW, 'en');
    assert.equal(look.label.length, 120);
    assert.ok(look.label.endsWith('…'));
    assert.equal(presentToken(token(), NOW, 'en').accessibilityLabel, 'Contoso HQ, state valid, expires in 42 days');
  });

  it('sorts by label as people do, numbers numerically, then by id', () => {
    const sorted = sortTokens(
      [
        token({ id: 'c', displayName: 'School 10' }),
        token({ id: 'b', displayName: 'school 9' }),
        token({ id: 'a', displayName: 'School 10' }),
        token({ id: 'd', displayName: 'Alpha' }),
      ],
      'en',
    );
    assert.deepEqual(
      sorted.map((t) => t.id),
      ['d', 'b', 'a', 'c'],
    );
  });
});
