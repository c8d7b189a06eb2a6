import * as assert from 'node:assert/strict';
import { maskedAccount, plainText, valueText } from '../../src/text';

describe('text helpers', () => {
  it('masks an account name for the log: its first character and its domain', () => {
    assert.equal(maskedAccount('admin@contoso.example'), 'a…@contoso.example');
    assert.equal(maskedAccount('first.last@sub.contoso.example'), 'f…@sub.contoso.example');
    assert.equal(maskedAccount('no-domain'), 'n…');
  });

  it('shows a value of unknown type as text, as JSON where it can (not [object Object])', () => {
    assert.equal(valueText('usgov'), 'usgov');
    assert.equal(valueText({ cloud: 'x' }), '{"cloud":"x"}');
    assert.equal(valueText(42), '42');
    assert.equal(valueText(undefined), 'undefined');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.equal(valueText(cyclic), '[object Object]');
  });

  it('plainText of nothing is empty, and an account without a name before its domain is masked to one character', () => {
    assert.equal(plainText(undefined), '');
    assert.equal(plainText(null), '');
    assert.equal(maskedAccount('@contoso.com'), '@…');
    assert.equal(maskedAccount('admin@contoso.com'), 'a…@contoso.com');
  });
});
