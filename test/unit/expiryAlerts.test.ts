import * as assert from 'node:assert/strict';
import { ExpiryAlerts, ExpiringToken } from '../../src/alerts/expiryAlerts';
import { VppError } from '../../src/errors';
import { VppTokenRecord } from '../../src/graph/vppRecords';
import { checkTokenFile, organizationDiffers } from '../../src/graph/vppTokenFile';
import { needsRenewal } from '../../src/tree/expiry';
import { seedTokens, vppTokenFile } from '../simulatedTenant/seed';
import { RecordingLogger } from '../support/fixtures';
import { Answer, ScriptedUserInput } from '../support/scriptedUserInput';
import { waitUntil } from '../support/waitUntil';

const DAY = 24 * 3600 * 1000;

describe('expiry alerts', () => {
  const now = Date.parse('2026-11-29T10:00:00Z');
  const seed = seedTokens(now) as VppTokenRecord[];
  let listings = 0;
  const listerOf = (tokens: VppTokenRecord[] | Error) => async () => {
    listings++;
    if (tokens instanceof Error) {
      throw tokens;
    }
    return tokens;
  };

  function setup(options: { warningDays?: number; second?: VppTokenRecord[] | Error; answers?: Answer[] } = {}) {
    const ui = new ScriptedUserInput(options.answers);
    let clock = now;
    let alerted: Record<string, string> = {};
    const counts: (readonly ExpiringToken[])[] = [];
    const renewed: ExpiringToken[] = [];
    let reveals = 0;
    const tenants = [
      { key: 'contoso', label: 'Contoso', listTokens: listerOf(seed) },
      ...(options.second ? [{ key: 'fabrikam', label: 'Fabrikam', listTokens: listerOf(options.second) }] : []),
    ];
    const alerts = new ExpiryAlerts({
      tenants: () => tenants,
      ui,
      log: new RecordingLogger(),
      now: () => clock,
      warningDays: () => options.warningDays ?? 30,
      alerted: { get: () => alerted, set: async (value) => void (alerted = value) },
      showCount: (entries) => counts.push(entries),
      renew: async (entry) => renewed.push(entry),
      reveal: async () => reveals++,
    });
    return { ui, alerts, counts, renewed, reveals: () => reveals, advance: (ms: number) => (clock += ms) };
  }

  it('needsRenewal: expired state, past expiry, or expiry within the warning days', () => {
    const names = seed.filter((token) => needsRenewal(token, now, 30)).map((token) => token.displayName);
    assert.deepEqual(names, ['Contoso Retail', 'Contoso Labs']);
    assert.deepEqual(
      seed.filter((token) => needsRenewal(token, now, 0)).map((token) => token.displayName),
      ['Contoso Labs'],
    );
    assert.equal(seed.filter((token) => needsRenewal(token, now, 365)).length, seed.length - 1, 'every token with an expiry');
  });

  it('raises one notification naming the tokens, counts them in the status bar, and not again the same day', async () => {
    const { ui, alerts, counts, advance } = setup();
    await alerts.check();
    await waitUntil(() => ui.of('warning').length === 1, 'the notification');
    assert.equal(
      ui.of('warning')[0].message,
      '2 VPP tokens need renewal: Contoso Labs: expired 3 days ago; Contoso Retail: expires in 12 days.',
    );
    assert.deepEqual(ui.of('warning')[0].buttons, ['Renew Token…', 'Show']);
    assert.equal(counts.at(-1)?.length, 2);
    advance(3600 * 1000);
    await alerts.check();
    assert.equal(ui.of('warning').length, 1, 'the same tokens are not alerted twice in a day');
    assert.equal(counts.at(-1)?.length, 2, 'the status bar still counts them');
    advance(DAY);
    await alerts.check();
    await waitUntil(() => ui.of('warning').length === 2, 'the next day’s notification');
  });

  it('a listing of the view alerts without listing again; a check lists only tenants not listed in the last hour', async () => {
    const { ui, alerts, counts, advance } = setup();
    listings = 0;
    await alerts.tokensListed('contoso', seed);
    await waitUntil(() => ui.of('warning').length === 1, 'the notification');
    assert.equal(listings, 0);
    assert.equal(counts.at(-1)?.length, 2);
    await alerts.check();
    assert.equal(listings, 0, 'listed by the view moments ago');
    advance(3600 * 1000);
    await alerts.check();
    assert.equal(listings, 1, 'an hour later, the check lists');
    assert.equal(ui.of('warning').length, 1);
  });

  it('Renew Token… with several tokens asks which, then renews that one; Show reveals the view', async () => {
    const renew = setup({ answers: [{ pick: 'Contoso Labs' }] });
    renew.ui.errorChoices.push('Renew Token…');
    await renew.alerts.check();
    await waitUntil(() => renew.renewed.length === 1, 'the renewal');
    assert.equal(renew.renewed[0].token.displayName, 'Contoso Labs');
    assert.deepEqual(
      renew.ui.of('pickOne')[0].items?.map((item) => item.label),
      ['Contoso Labs', 'Contoso Retail'],
      'the most urgent first, whatever the listing order',
    );
    const show = setup();
    show.ui.errorChoices.push('Show');
    await show.alerts.check();
    await waitUntil(() => show.reveals() === 1, 'the view to be revealed');
    assert.deepEqual(show.renewed, []);
  });

  it('a tenant that cannot be read is skipped; the others are still alerted, each naming its tenant', async () => {
    const { ui, alerts } = setup({ second: new VppError('signInRequired', 'Sign in') });
    await alerts.check();
    await waitUntil(() => ui.of('warning').length === 1, 'the notification');
    assert.match(ui.of('warning')[0].message ?? '', /Contoso Retail \(Contoso\): expires in 12 days/);
  });
});

describe('token files', () => {
  const file = (text: string, size = Buffer.byteLength(text)) => checkTokenFile({ name: 'a.vpptoken', size, text });

  it('reads the organization and expiry of an Apple token file, and sends the Base64 of its text', () => {
    const text = vppTokenFile({ location: 'x', orgName: 'Contoso Ltd', expDate: '2027-01-02T03:04:05+0000' });
    const checked = file(`${text}\n`);
    assert.ok(checked.ok);
    assert.equal(checked.file.organization, 'Contoso Ltd');
    assert.equal(checked.file.expiresAt, Date.parse('2027-01-02T03:04:05Z'));
    assert.equal(checked.file.encoded, Buffer.from(text).toString('base64'));
    assert.equal(organizationDiffers(checked.file, 'contoso  ltd'), false);
    assert.equal(organizationDiffers(checked.file, 'Fabrikam'), true);
    assert.equal(organizationDiffers(checked.file, null), false);
  });

  it('refuses empty, oversized and non-Base64 files; accepts Base64 it cannot read, without details', () => {
    assert.equal(file('').ok, false);
    assert.equal(file('QUJD', 10 * 1024 * 1024).ok, false);
    assert.equal(file('hello world').ok, false);
    assert.equal(file('QUJ').ok, false, 'Base64 has a length that is a multiple of 4');
    const opaque = file(Buffer.from('opaque').toString('base64'));
    assert.ok(opaque.ok);
    assert.equal(opaque.file.organization, undefined);
    assert.equal(opaque.file.expiresAt, undefined);
  });

  /** A token file whose decoded JSON is `inner`. */
  const tokenFileOf = (inner: unknown) => file(Buffer.from(JSON.stringify(inner)).toString('base64'));

  it('a file of exactly 64 KB is still read; one byte more, or no text, is refused and its size said', () => {
    assert.equal(file('QUJD', 64 * 1024).ok, true);
    const over = file('QUJD', 64 * 1024 + 1);
    assert.ok(!over.ok);
    assert.match(over.problem, /^The file "a\.vpptoken" is 65 KB: a VPP token file is a few KB at most\./);
    assert.equal(checkTokenFile({ name: 'a.vpptoken', size: 10, text: undefined }).ok, false);
  });

  it("reads Apple's offset without a colon, and one with a colon, anywhere but at the end not at all", () => {
    const expiry = (expDate: unknown) => {
      const checked = tokenFileOf({ token: 'x', orgName: 'Contoso', expDate });
      return checked.ok ? checked.file.expiresAt : 'refused';
    };
    assert.equal(expiry('2027-01-02T03:04:05-0130'), Date.parse('2027-01-02T04:34:05Z'));
    assert.equal(expiry('2027-01-02T03:04:05+01:00'), Date.parse('2027-01-02T02:04:05Z'));
    assert.equal(expiry('not a date'), undefined);
    assert.equal(expiry(1798859045000), undefined, 'a number is not a date Apple writes');
    const numbered = tokenFileOf({ token: 'x', orgName: 'Contoso', expDate: 1798859045000 });
    assert.equal(numbered.ok && numbered.file.organization, 'Contoso', 'an expiry that is not text leaves the organization read');
  });

  it('an organization that is blank or not text is unknown, and an unknown one never differs', () => {
    const organization = (orgName: unknown) => {
      const checked = tokenFileOf({ token: 'x', orgName, expDate: '2027-01-02T03:04:05+0000' });
      return checked.ok ? checked.file.organization : 'refused';
    };
    assert.equal(organization('   '), undefined);
    assert.equal(organization(42), undefined);
    const numbered = tokenFileOf({ token: 'x', orgName: 42, expDate: '2027-01-02T03:04:05+0000' });
    assert.equal(
      numbered.ok && numbered.file.expiresAt,
      Date.parse('2027-01-02T03:04:05Z'),
      'an organization that is not text leaves the expiry read',
    );
    assert.equal(organization(' Contoso\u0007 Ltd '), 'Contoso Ltd');
    assert.equal(organizationDiffers({ encoded: 'x' }, 'Contoso'), false);
    assert.equal(organizationDiffers({ encoded: 'x', organization: ' CONTOSO \n LTD' }, 'contoso ltd'), false);
    assert.equal(organizationDiffers({ encoded: 'x', organization: 'Contoso' }, ''), false);
    assert.equal(
      organizationDiffers({ encoded: 'x', organization: 'Contoso Ltd' }, 'ContosoLtd'),
      true,
      'spacing is kept, only its amount ignored',
    );
  });

  it('Base64 whose JSON is not an object (a number, null, a list of text) reveals nothing, and is still sent', () => {
    for (const inner of [42, null, 'text', [{ orgName: 'In a list' }], true]) {
      const checked = tokenFileOf(inner);
      assert.ok(checked.ok);
      assert.deepEqual([checked.file.organization, checked.file.expiresAt], [undefined, undefined], JSON.stringify(inner));
    }
  });
});
