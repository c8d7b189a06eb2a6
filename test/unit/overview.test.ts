import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { csvCellValue, parseCsv } from '../../src/csv';
import { VppAppRecord, VppTokenRecord } from '../../src/graph/vppRecords';
import {
  CHART_PALETTE,
  isPlainColour,
  licenseChart,
  overviewSvg,
  SvgNode,
  svgMarkup,
  timelineChart,
} from '../../src/overview/overviewCharts';
import { expiryBucket, monthTicks, overviewCsv, shapeOverview, TenantReading, tokenLicenses } from '../../src/overview/overviewData';
import { licenseNote } from '../../src/overview/overviewModel';
import { MAX_PNG_BASE64, parseWebviewMessage } from '../../src/overview/overviewProtocol';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const DAY = 24 * 3600 * 1000;

function token(id: string, days: number | null, fields: Partial<VppTokenRecord> = {}): VppTokenRecord {
  return {
    id,
    displayName: id,
    state: 'valid',
    expirationDateTime: days === null ? undefined : new Date(NOW + days * DAY).toISOString(),
    ...fields,
  };
}

function app(tokenId: string, name: string, used: number, total: number): VppAppRecord {
  return { id: `${tokenId}-${name}`, displayName: name, vppTokenId: tokenId, usedLicenseCount: used, totalLicenseCount: total };
}

function read(tenantKey: string, tokens: VppTokenRecord[], apps: VppAppRecord[] | { failure: string } = []): TenantReading {
  const byToken = new Map<string, VppAppRecord[]>();
  for (const entry of Array.isArray(apps) ? apps : []) {
    const key = (entry.vppTokenId ?? '').toLowerCase();
    byToken.set(key, [...(byToken.get(key) ?? []), entry]);
  }
  return { kind: 'read', tenantKey, tenantLabel: `Tenant ${tenantKey}`, tokens, apps: Array.isArray(apps) ? byToken : apps };
}

const options = { now: NOW, warningDays: 30, locale: 'en', scope: 'All tenants (2)' };

/** Every element of a chart with the given class, depth first. */
function withClass(node: SvgNode, name: string): SvgNode[] {
  const own = String(node.attrs?.class ?? '')
    .split(' ')
    .includes(name)
    ? [node]
    : [];
  return [...own, ...(node.children ?? []).flatMap((child) => withClass(child, name))];
}

describe('Overview data', () => {
  it('puts each expiry in its bucket, the warning window included at its edge', () => {
    assert.equal(expiryBucket(token('a', -1), NOW, 30), 'expired');
    assert.equal(expiryBucket(token('a', 200, { state: 'expired' }), NOW, 30), 'expired', 'Intune calls it expired');
    assert.equal(expiryBucket(token('a', 0.5), NOW, 30), 'warning');
    assert.equal(expiryBucket(token('a', 30), NOW, 30), 'warning');
    assert.equal(expiryBucket(token('a', 30.01), NOW, 30), 'year');
    assert.equal(expiryBucket(token('a', 30.01), NOW, 60), 'warning', 'the window follows the setting');
    assert.equal(expiryBucket(token('a', 365), NOW, 30), 'year');
    assert.equal(expiryBucket(token('a', 366), NOW, 30), 'later');
    assert.equal(expiryBucket(token('a', null), NOW, 30), 'none');
  });

  it('stacks the four apps with the most licenses used and sums the rest into one segment', () => {
    const licenses = tokenLicenses([
      app('t', 'Word', 40, 50),
      app('t', 'Excel', 10, 10),
      app('t', 'Maps', 30, 30),
      app('t', 'Notes', 5, 100),
      app('t', 'Pages', 3, 10),
      app('t', 'Keynote', 2, 10),
      app('t', 'Idle', 0, 90),
    ]);
    assert.deepEqual(licenses.segments, [
      { name: 'Word', used: 40 },
      { name: 'Maps', used: 30 },
      { name: 'Excel', used: 10 },
      { name: 'Notes', used: 5 },
      { name: '2 other apps', used: 5 },
    ]);
    assert.equal(licenses.used, 90);
    assert.equal(licenses.total, 300);
    assert.equal(licenses.flag, undefined);
  });

  it('flags a token near its total at 90 % and one with licenses but none used', () => {
    assert.equal(tokenLicenses([app('t', 'A', 90, 100)]).flag, 'nearTotal');
    assert.equal(tokenLicenses([app('t', 'A', 89, 100)]).flag, undefined);
    assert.equal(tokenLicenses([app('t', 'A', 0, 5), app('t', 'B', 0, 5)]).flag, 'unused');
    assert.equal(tokenLicenses([]).flag, undefined, 'no license bought is nothing to flag');
    assert.deepEqual(tokenLicenses([app('t', 'A', -3, -1)]), { used: 0, total: 0, segments: [] });
    const unnamed: VppAppRecord = { id: 'x', vppTokenId: 't', usedLicenseCount: 1, totalLicenseCount: 2 };
    assert.deepEqual(tokenLicenses([unnamed]).segments, [{ name: '(unnamed app)', used: 1 }]);
    assert.deepEqual(tokenLicenses([{ ...unnamed, bundleId: 'com.example.app' }]).segments, [{ name: 'com.example.app', used: 1 }]);
  });

  it('keeps the tree order, counts the states, and names every tenant or app list it could not read', () => {
    const shaped = shapeOverview(
      [
        read(
          'one',
          [token('Zulu', 10), token('alpha', -3, { state: 'expired' }), token('Beta', 100, { state: 'invalid' })],
          [app('Beta', 'A', 1, 2)],
        ),
        { kind: 'unread', tenantKey: 'two', tenantLabel: 'Tenant two', reason: 'not signed in' },
        read('three', [token('Gamma', 400)], { failure: 'Missing permission DeviceManagementApps.Read.All.' }),
      ],
      options,
    );
    const { data, entries } = shaped;
    assert.deepEqual(
      data.tokens.map((entry) => [entry.tenantLabel, entry.label, entry.bucket]),
      [
        ['Tenant one', 'alpha', 'expired'],
        ['Tenant one', 'Beta', 'year'],
        ['Tenant one', 'Zulu', 'warning'],
        ['Tenant three', 'Gamma', 'later'],
      ],
    );
    assert.deepEqual(
      data.tokens.map((entry) => entries[entry.ref].token.id),
      ['alpha', 'Beta', 'Zulu', 'Gamma'],
      'a ref finds its token',
    );
    assert.equal(data.tokens[0].ref, 0);
    assert.deepEqual(
      data.counts.map((entry) => entry.text),
      ['valid', 'expired', 'invalid'],
    );
    assert.deepEqual(
      data.counts.map((entry) => [entry.state, entry.count]),
      [
        ['valid', 2],
        ['expired', 1],
        ['invalid', 1],
      ],
    );
    assert.deepEqual(data.unread, [
      { tenantLabel: 'Tenant two', reason: 'not signed in' },
      { tenantLabel: 'Tenant three', reason: 'Apps not read: Missing permission DeviceManagementApps.Read.All.' },
    ]);
    assert.equal(data.tokens[3].licenses, null, 'a token whose apps were not read shows no count, not zero');
    assert.deepEqual(data.tokens[1].licenses, { used: 1, total: 2, segments: [{ name: 'A', used: 1 }] });
    assert.equal(data.multiTenant, true);
    assert.equal(data.axis.warningEnd, NOW + 30 * DAY);
    assert.equal(data.tokens[0].expiryText, 'expired 3 days ago');
  });

  it('counts a token expiring this very moment as in the warning window, not expired', () => {
    assert.equal(expiryBucket({ id: 'a', state: 'valid', expirationDateTime: new Date(NOW).toISOString() }, NOW, 30), 'warning');
  });

  it('draws a state Intune adds later as unknown, with its words; counts it as other', () => {
    const shaped = shapeOverview([read('one', [token('a', 5, { state: 'retiredByApple' as VppTokenRecord['state'] })])], options);
    assert.equal(shaped.data.tokens[0].state, 'unknown');
    assert.equal(shaped.data.tokens[0].stateText, 'retiredByApple');
    assert.deepEqual(shaped.data.counts, [{ state: 'unknown', text: 'other', count: 1 }]);
    const missing = shapeOverview([read('one', [token('a', 5, { state: undefined })])], options);
    assert.equal(missing.data.tokens[0].state, 'unknown');
    assert.equal(shapeOverview([read('one', [token('a', 5)])], options).data.multiTenant, false);
  });

  it("the table's note says what stands out about a token's licenses, or that its apps were not read", () => {
    const { labels, tokens } = shapeOverview([read('one', [token('a', 5)])], options).data;
    const withFlag = (flag: 'nearTotal' | 'unused' | undefined) =>
      licenseNote({ ...tokens[0], licenses: { used: 1, total: 2, segments: [], ...(flag ? { flag } : {}) } }, labels);
    assert.equal(withFlag('nearTotal'), labels.nearTotal);
    assert.equal(withFlag('unused'), labels.unusedLicenses);
    assert.equal(withFlag(undefined), '');
    assert.equal(licenseNote({ ...tokens[0], licenses: null }, labels), labels.appsNotRead);
    assert.deepEqual(
      [labels.nearTotal, labels.unusedLicenses, labels.appsNotRead].map((label) => label.length > 0),
      [true, true, true],
    );
  });

  it('words every label, and dates in the locale', () => {
    const { labels, tokens, generated } = shapeOverview([read('one', [token('a', 5)])], options).data;
    const words = [...Object.values(labels).filter((value) => typeof value === 'string'), ...Object.values(labels.columns)];
    assert.deepEqual(
      words.filter((word) => !word),
      [],
    );
    assert.equal(new Set(words).size, words.length, 'no two labels alike');
    assert.deepEqual(Object.values(labels.columns), ['Tenant', 'Token', 'State', 'Expires', 'Used', 'Total', 'Note']);
    assert.equal(labels.warningWindow, 'Next 30 days');
    assert.equal(tokens[0].expiryDate, 'Dec 12, 2026');
    assert.match(generated, /^Read Dec 7, 2026, \d{1,2}:\d{2}/);
  });

  it('marks the first day of each of the next 12 months', () => {
    const ticks = monthTicks(NOW, NOW + 365 * DAY, 'en');
    assert.equal(ticks.length, 12);
    assert.equal(ticks[0].label, 'Jan 2027');
    assert.equal(ticks[0].time, Date.UTC(2027, 0, 1));
    assert.equal(ticks[11].label, 'Dec 2027');
    assert.equal(monthTicks(NOW, Date.UTC(2027, 1, 1), 'en').length, 2, 'a month starting on the last day is on the axis');
  });

  it('copies the table as CSV with formula-like names made inert', () => {
    const shaped = shapeOverview([read('one', [token('=HYPERLINK("x")', 5)], [app('=HYPERLINK("x")', 'A', 0, 4)])], options);
    const rows = parseCsv(overviewCsv(shaped));
    assert.deepEqual(rows[0], ['tenant', 'token', 'state', 'expirationDateTime', 'expiry', 'usedLicenses', 'totalLicenses', 'note']);
    assert.equal(rows[1][1], `'=HYPERLINK("x")`);
    assert.equal(csvCellValue(rows[1][1]), '=HYPERLINK("x")');
    assert.deepEqual(rows[1].slice(4), ['expires in 5 days', '0', '4', 'licenses bought, none used']);
    assert.ok(overviewCsv(shaped).endsWith('"licenses bought, none used"\r\n'));
    assert.equal(overviewCsv(shaped).split('\r\n').length, 3);
    const unreadApps = shapeOverview([read('one', [token('a', 5)], { failure: 'Denied.' })], options);
    assert.deepEqual(parseCsv(overviewCsv(unreadApps))[1].slice(5), ['', '', 'apps not read']);
  });
});

describe('Overview charts', () => {
  const shaped = shapeOverview(
    [
      read(
        'one',
        [
          token('old', -40, { state: 'expired' }),
          token('older', -90, { state: 'expired' }),
          token('soon', 10),
          token('year', 200),
          token('far', 500),
          token('undated', null),
        ],
        [app('soon', 'Maps', 45, 50), app('year', 'Word', 30, 40), app('year', 'Excel', 10, 40)],
      ),
    ],
    { ...options, scope: 'Tenant one' },
  );
  const { data } = shaped;

  it('draws a mark per dated token: expired ones in the left band by date, later ones in the right band', () => {
    const marks = withClass(timelineChart(data), 'mark');
    const x = (label: string) => {
      const mark = marks.find((entry) => String(entry.attrs?.['aria-label']).startsWith(`${label}:`));
      assert.ok(mark, `no mark for ${label}`);
      return Number(mark.children?.find((child) => child.tag === 'circle')?.attrs?.cx);
    };
    assert.equal(marks.length, 5, 'the undated token has no place on the axis (the table lists it)');
    assert.ok(x('older') < x('old') && x('old') < 80, 'expired, oldest first, in the band before today');
    assert.ok(x('soon') > 90 && x('soon') < x('year'));
    assert.equal(x('far'), 920);
    assert.ok(withClass(timelineChart(data), 'state-expired').length === 2);
    assert.ok(withClass(timelineChart(data), 'bucket-warning').length === 1);
  });

  it('shades the warning window in proportion to its days', () => {
    const [window] = withClass(timelineChart(data), 'warning-window');
    const width = Number(window.attrs?.width);
    assert.ok(Math.abs(width - (780 * 30) / 365) < 0.2, `width ${width}`);
    const wider = shapeOverview([read('one', [token('a', 1)])], { ...options, warningDays: 90 }).data;
    assert.ok(Math.abs(Number(withClass(timelineChart(wider), 'warning-window')[0].attrs?.width) - (780 * 90) / 365) < 0.2);
  });

  it('draws each token a bar of its licenses, segments in proportion, near-total flagged', () => {
    const chart = licenseChart(data);
    const rows = withClass(chart, 'row');
    assert.equal(rows.length, data.tokens.length);
    const yearRow = rows.find((row) => String(row.attrs?.['aria-label']).startsWith('year,'));
    assert.equal(yearRow?.attrs?.['aria-label'], 'year, 40 / 80');
    const segments = withClass(yearRow, 'segment');
    assert.deepEqual(
      segments.map((segment) => Number(segment.attrs?.width)),
      [(500 * 30) / 80, (500 * 10) / 80],
    );
    assert.equal(withClass(chart, 'flag-nearTotal').length, 1);
    assert.match(String(withClass(chart, 'flag-nearTotal')[0].attrs?.['aria-label']), /^soon, 45 \/ 50, near its total$/);
  });

  it('writes names as text, never markup, and paints an export only with plain colours', () => {
    const hostile = shapeOverview([read('one', [token('<script>alert(1)</script>', 5)])], options).data;
    const markup = svgMarkup(timelineChart(hostile));
    assert.ok(!markup.includes('<script>'));
    assert.match(markup, /&#60;script&#62;alert\(1\)&#60;\/script&#62;/);
    const svg = overviewSvg(hostile, {
      'state-valid': 'red;} body{background:url(https://evil.example)',
      background: '#1e1e1e',
      'segment-0': 'rgb(1, 2, 3)',
    });
    assert.ok(!svg.includes('evil.example'));
    assert.match(svg, new RegExp(`\\.state-valid\\{fill:${CHART_PALETTE['state-valid'][1]}\\}`));
    assert.match(svg, /\.segment-0\{fill:rgb\(1, 2, 3\)\}/);
    assert.match(svg, /fill="#1e1e1e"/);
    const plain = ['#abc', '#abcd', '#a1b2c3', '#a1b2c3d4', 'rgb(1,2,3)', 'rgba(1, 2, 3, 0.5)', 'rgb( 10% , 20% , 30% )', ' #abc '];
    const refused = ['#abcde', '#abcdefg', '#ggg', 'x#abc', '#abc x', 'rgb(1,2)', 'rgb(1,2,3) x', 'rgb(a,b,c)', 'url(x)', 'red'];
    assert.deepEqual(
      plain.filter((colour) => !isPlainColour(colour)),
      [],
    );
    assert.deepEqual(
      refused.filter((colour) => isPlainColour(colour)),
      [],
    );
    assert.match(overviewSvg(hostile, { 'state-valid': ' #123456 ' }), /\.state-valid\{fill:#123456\}/);
  });

  it("gives every palette class a rule in the webview's style sheet, with the variable the export falls back from", () => {
    const css = fs.readFileSync(path.join(__dirname, '../../../media/overview.css'), 'utf8');
    for (const [name, [variable]] of Object.entries(CHART_PALETTE).filter(([name]) => /^(state|segment)-/.test(name))) {
      assert.match(css, new RegExp(`\\.chart \\.${name}\\b[^{]*\\{\\s*fill: var\\(${variable}\\);\\s*\\}`), name);
    }
  });
});

describe('Overview charts, drawn exactly', () => {
  // Checked by eye against the Overview in a real VS Code (media/screenshots/overview.png): an expired token in the
  // band before today, one in the warning window, one after the 12 months; one near its total.
  const small = shapeOverview(
    [read('one', [token('gone', -10, { state: 'expired' }), token('soon', 10), token('far', 500)], [app('soon', 'Maps', 45, 50)])],
    { ...options, scope: 'One' },
  ).data;

  it('draws the timeline: bands, warning window, a tick per month clear of Today, and a mark per token', () => {
    assert.equal(
      svgMarkup(timelineChart(small)),
      '<svg viewBox="0 0 960 82" width="960" height="82" class="chart timeline" role="group" aria-label="Expiry timeline"><rect class="band" x="0" y="22" width="80" height="36"></rect><text x="40" y="16" class="label" text-anchor="middle">Expired</text><rect class="warning-window" x="90" y="22" width="64.1" height="36"></rect><text x="94" y="16" class="label">Next 30 days</text><rect class="band" x="880" y="22" width="80" height="36"></rect><text x="920" y="16" class="label" text-anchor="middle">Later</text><line class="grid" x1="142.4" x2="142.4" y1="22" y2="58"></line><text x="142.4" y="74" class="label tick" text-anchor="middle">Jan 2027</text><line class="grid" x1="208.6" x2="208.6" y1="22" y2="58"></line><text x="208.6" y="74" class="label tick" text-anchor="middle">Feb 2027</text><line class="grid" x1="268.4" x2="268.4" y1="22" y2="58"></line><text x="268.4" y="74" class="label tick" text-anchor="middle">Mar 2027</text><line class="grid" x1="334.7" x2="334.7" y1="22" y2="58"></line><text x="334.7" y="74" class="label tick" text-anchor="middle">Apr 2027</text><line class="grid" x1="398.8" x2="398.8" y1="22" y2="58"></line><text x="398.8" y="74" class="label tick" text-anchor="middle">May 2027</text><line class="grid" x1="465" x2="465" y1="22" y2="58"></line><text x="465" y="74" class="label tick" text-anchor="middle">Jun 2027</text><line class="grid" x1="529.2" x2="529.2" y1="22" y2="58"></line><text x="529.2" y="74" class="label tick" text-anchor="middle">Jul 2027</text><line class="grid" x1="595.4" x2="595.4" y1="22" y2="58"></line><text x="595.4" y="74" class="label tick" text-anchor="middle">Aug 2027</text><line class="grid" x1="661.6" x2="661.6" y1="22" y2="58"></line><text x="661.6" y="74" class="label tick" text-anchor="middle">Sep 2027</text><line class="grid" x1="725.8" x2="725.8" y1="22" y2="58"></line><text x="725.8" y="74" class="label tick" text-anchor="middle">Oct 2027</text><line class="grid" x1="792" x2="792" y1="22" y2="58"></line><text x="792" y="74" class="label tick" text-anchor="middle">Nov 2027</text><line class="grid" x1="856.1" x2="856.1" y1="22" y2="58"></line><text x="856.1" y="74" class="label tick" text-anchor="middle">Dec 2027</text><line class="today" x1="90" x2="90" y1="22" y2="58"></line><text x="92" y="74" class="label today-label" text-anchor="end">Today</text><g class="mark state-expired bucket-expired" data-ref="1" tabindex="0" role="button" aria-label="gone: expired, expired 10 days ago"><title>gone: expired, expired 10 days ago</title><circle cx="40" cy="42" r="6"></circle></g><g class="mark state-valid bucket-warning" data-ref="2" tabindex="0" role="button" aria-label="soon: valid, expires in 10 days"><title>soon: valid, expires in 10 days</title><circle cx="111.4" cy="42" r="6"></circle></g><g class="mark state-valid bucket-later" data-ref="0" tabindex="0" role="button" aria-label="far: valid, expires in 500 days"><title>far: valid, expires in 500 days</title><circle cx="920" cy="42" r="6"></circle></g></svg>',
    );
  });

  it('draws the licenses: a row per token in the table order, segments in proportion, the near-total flagged', () => {
    assert.equal(
      svgMarkup(licenseChart(small)),
      '<svg viewBox="0 0 960 106" width="960" height="106" class="chart licenses" role="group" aria-label="Licenses per token"><g class="row" data-ref="0" tabindex="0" role="button" aria-label="far, No licenses bought"><title>far, No licenses bought</title><text x="292" y="28" class="label" text-anchor="end">far</text><rect class="unused-bar" x="300" y="16" width="500" height="16"></rect><text x="808" y="28" class="label counts">No licenses bought</text></g><g class="row" data-ref="1" tabindex="0" role="button" aria-label="gone, No licenses bought"><title>gone, No licenses bought</title><text x="292" y="52" class="label" text-anchor="end">gone</text><rect class="unused-bar" x="300" y="40" width="500" height="16"></rect><text x="808" y="52" class="label counts">No licenses bought</text></g><g class="row flag-nearTotal" data-ref="2" tabindex="0" role="button" aria-label="soon, 45 / 50, near its total"><title>soon, 45 / 50, near its total</title><text x="292" y="76" class="label" text-anchor="end">soon</text><rect class="unused-bar" x="300" y="64" width="500" height="16"></rect><rect class="segment segment-0" x="300" y="64" width="450" height="16"><title>Maps: 45</title></rect><text x="808" y="76" class="label counts flagged">45 / 50 \u00b7 near its total</text></g></svg>',
    );
  });

  it('puts marks of one date in lanes one above the other, growing the chart, up to 24 lanes', () => {
    const marksOf = (count: number) =>
      shapeOverview(
        [
          read(
            'one',
            Array.from({ length: count }, (_, index) => token(`t${index}`, 100)),
          ),
        ],
        options,
      ).data;
    const three = timelineChart(marksOf(3));
    assert.deepEqual(
      withClass(three, 'mark').map((mark) => mark.children?.[1].attrs?.cy),
      [42, 58, 74],
    );
    assert.equal(three.attrs?.height, 34 + 3 * 16 + 8 + 24);
    assert.equal(timelineChart(marksOf(30)).attrs?.height, 34 + 24 * 16 + 8 + 24);
    assert.equal(timelineChart(marksOf(1)).attrs?.height, 34 + 16 + 8 + 24);
  });

  it('leaves out the label of a month that starts within days of today', () => {
    const firstOfMonth = Date.parse('2026-12-31T12:00:00Z');
    const data = shapeOverview([read('one', [token('a', 5)])], { ...options, now: firstOfMonth }).data;
    const ticks = withClass(timelineChart(data), 'tick').map((tick) => tick.text);
    assert.equal(ticks[0], 'Feb 2027', 'January starts half a day after today: its label would cover Today');
    assert.equal(ticks.length, 11);
  });

  it('never draws a segment past the bar, even when Graph counts more used than bought', () => {
    const over = shapeOverview([read('one', [token('t', 100)], [app('t', 'A', 30, 20), app('t', 'B', 10, 20)])], options).data;
    const segments = withClass(licenseChart(over), 'segment').map((segment) => [segment.attrs?.x, segment.attrs?.width]);
    assert.deepEqual(segments, [
      [300, 375],
      [675, 125],
    ]);
    const none = shapeOverview([read('one', [token('t', 100)], [app('t', 'A', 5, 0)])], options).data;
    assert.deepEqual(
      withClass(licenseChart(none), 'segment').map((segment) => segment.attrs?.width),
      [0],
      'used without any bought draws nothing',
    );
    const overflowing = shapeOverview([read('one', [token('t', 100)], [app('t', 'A', 30, 10), app('t', 'B', 30, 10)])], options).data;
    assert.deepEqual(
      withClass(licenseChart(overflowing), 'segment').map((segment) => segment.attrs?.width),
      [500, 0],
      'the bar is full: the next app has no room left',
    );
  });

  it('names each tenant beside its tokens when there are several, and says when apps were not read', () => {
    const data = shapeOverview(
      [
        read('one', [token('a', 5)], [app('a', 'A', 0, 10)]),
        read('two', [token('Northwind Traders very long location name here', 5)], { failure: 'Denied.' }),
      ],
      options,
    ).data;
    const marks = withClass(timelineChart(data), 'mark').map((mark) => mark.attrs?.['aria-label']);
    assert.deepEqual(marks, [
      'a (Tenant one): valid, expires in 5 days',
      'Northwind Traders very long location name here (Tenant two): valid, expires in 5 days',
    ]);
    const rows = withClass(licenseChart(data), 'row');
    assert.deepEqual(
      rows.map((row) => [row.attrs?.class, row.attrs?.['aria-label'], row.children?.[1].text, row.children?.at(-1)?.text]),
      [
        ['row flag-unused', 'a (Tenant one), 0 / 10, unused', 'a (Tenant one)', '0 / 10 · unused'],
        [
          'row',
          'Northwind Traders very long location name here (Tenant two), apps not read',
          'Northwind Traders very long location na…',
          'apps not read',
        ],
      ],
    );
    assert.equal(withClass(rows[1], 'segment').length, 0);
  });

  it('places a token Intune calls expired even without a date, in the band before today', () => {
    const data = shapeOverview([read('one', [token('old', null, { state: 'expired' }), token('undated', null)])], options).data;
    const marks = withClass(timelineChart(data), 'mark');
    assert.deepEqual(
      marks.map((mark) => [mark.attrs?.['aria-label'], mark.children?.[1].attrs?.cx]),
      [['old: expired, no expiry date', 40]],
    );
    assert.deepEqual(
      data.tokens.map((entry) => entry.expiryDate),
      ['', ''],
    );
    const forty = 'x'.repeat(40);
    const [row] = withClass(licenseChart(shapeOverview([read('one', [token(forty, 5)])], options).data), 'row');
    assert.equal(row.children?.[1].text, forty, 'a name of 40 characters is shown whole');
  });

  it('lays out the export: heading, timeline, then licenses below it, on the theme background, with every rule', () => {
    const svg = overviewSvg(small, { background: '#1e1e1e', text: '#cccccc', grid: '#444444', warning: '#cca700' });
    assert.match(
      svg,
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg" viewBox="0 0 960 258" width="960" height="258">/,
    );
    assert.match(svg, /<rect x="0" y="0" width="960" height="258" fill="#1e1e1e"><\/rect>/);
    assert.match(
      svg,
      /<text x="0" y="20" class="label heading">VPP Tokens Overview · One · Read [^<]+<\/text><text x="0" y="36" class="label">Expiry timeline<\/text><svg viewBox="0 0 960 82" width="960" height="82" class="chart timeline" role="group" aria-label="Expiry timeline" x="0" y="40">/,
    );
    assert.match(
      svg,
      /<text x="0" y="146" class="label">Licenses per token<\/text><svg viewBox="0 0 960 106" width="960" height="106" class="chart licenses" role="group" aria-label="Licenses per token" x="0" y="152">/,
    );
    const style = /<style>(.*)<\/style>/.exec(svg)?.[1] ?? '';
    assert.equal(
      style,
      [
        ...Object.entries(CHART_PALETTE)
          .filter(([name]) => /^(state|segment)-/.test(name))
          .map(([name, [, fallback]]) => `.${name}{fill:${fallback}}`),
        '.label{fill:#cccccc;font:12px sans-serif}',
        '.grid,.today{stroke:#444444}',
        '.today{stroke-width:2}',
        '.band{fill:#444444;opacity:.12}',
        '.warning-window{fill:#cca700;opacity:.18}',
        '.unused-bar{fill:#444444;opacity:.25}',
        '.bucket-warning circle{stroke:#cca700;stroke-width:3}',
        '.flagged{font-weight:bold}',
      ].join(''),
    );
    assert.match(overviewSvg(small, { background: ' #abcdef ' }), /fill="#abcdef"/, 'a colour is trimmed');
    assert.match(overviewSvg(small, { background: 'url(x)' }), /fill="#ffffff"/);
  });
});

describe('Overview webview code', () => {
  it('never writes markup: every string goes into the page as text', () => {
    const folder = path.join(__dirname, '../../../src/overview');
    const files = ['webview/main.ts', 'overviewCharts.ts', 'overviewModel.ts', 'overviewProtocol.ts'];
    for (const file of files) {
      const source = fs.readFileSync(path.join(folder, file), 'utf8');
      assert.doesNotMatch(source, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|DOMParser|createContextualFragment/, file);
    }
  });
});

describe('Overview messages', () => {
  it('accepts each message the webview may send', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseWebviewMessage({ type: 'refresh' }), { type: 'refresh' });
    assert.deepEqual(parseWebviewMessage({ type: 'reveal', ref: 0 }), { type: 'reveal', ref: 0 });
    assert.deepEqual(parseWebviewMessage({ type: 'exportSvg', colours: { 'state-valid': '#89d185' } }), {
      type: 'exportSvg',
      colours: { 'state-valid': '#89d185' },
    });
    assert.deepEqual(parseWebviewMessage({ type: 'exportSvg', colours: {} }), { type: 'exportSvg', colours: {} });
    assert.deepEqual(parseWebviewMessage({ type: 'exportPng', png: 'iVBORw0KGgo=' }), { type: 'exportPng', png: 'iVBORw0KGgo=' });
    assert.deepEqual(parseWebviewMessage({ type: 'exportPng', png: 'iVBORw0KGgo' }), { type: 'exportPng', png: 'iVBORw0KGgo' });
  });

  it('refuses colours that are not a map of short strings', () => {
    for (const colours of [undefined, null, 'red', ['#fff'], { a: 1 }, { a: '#fff', b: null }, { a: 'x'.repeat(101) }]) {
      assert.equal(parseWebviewMessage({ type: 'exportSvg', colours }), undefined, JSON.stringify(colours));
    }
    assert.ok(parseWebviewMessage({ type: 'exportSvg', colours: { a: 'x'.repeat(100) } }));
  });

  it('refuses a PNG that is not base64, or too large', () => {
    for (const png of [undefined, 42, '', '=', 'abc=d', 'ab c', 'abc==x', '<svg>']) {
      assert.equal(parseWebviewMessage({ type: 'exportPng', png }), undefined, String(png));
    }
    assert.equal(parseWebviewMessage({ type: 'exportPng', png: 'A'.repeat(MAX_PNG_BASE64 + 1) }), undefined);
    assert.ok(parseWebviewMessage({ type: 'exportPng', png: 'A'.repeat(MAX_PNG_BASE64) }));
  });

  it('accepts only the messages the webview may send, field by field', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'reveal', ref: 3 }), { type: 'reveal', ref: 3 });
    assert.deepEqual(parseWebviewMessage({ type: 'copyCsv', extra: 1 }), { type: 'copyCsv' });
    assert.equal(parseWebviewMessage({ type: 'reveal', ref: -1 }), undefined);
    assert.equal(parseWebviewMessage({ type: 'reveal', ref: '1' }), undefined);
    assert.equal(parseWebviewMessage({ type: 'exportSvg', colours: { a: 1 } }), undefined);
    assert.equal(parseWebviewMessage({ type: 'exportPng', png: 'not base64!' }), undefined);
    assert.equal(parseWebviewMessage({ type: 'runCommand', command: 'workbench.action.terminal.new' }), undefined);
    assert.equal(parseWebviewMessage(null), undefined);
    assert.equal(parseWebviewMessage('ready'), undefined);
  });

  it('for any value posted to it, the check never throws, and an export it lets through holds no markup from it', () => {
    const data = shapeOverview([read('one', [token('Contoso', 5)])], options).data;
    const hostileColour = fc.oneof(
      fc.string(),
      fc.constantFrom(
        '#abc',
        'rgb(1, 2, 3)',
        'red;} body{background:url(https://evil.example)}',
        '#fff"/><script>x</script>',
        '</style><a href="x">',
      ),
    );
    const message = fc.record(
      {
        type: fc.constantFrom('ready', 'refresh', 'reveal', 'copyCsv', 'exportSvg', 'exportPng', 'runCommand', 'toString'),
        ref: fc.anything(),
        png: fc.oneof(fc.base64String(), fc.string()),
        colours: fc.oneof(
          fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('background', 'text', 'state-valid', '__proto__')), hostileColour),
          fc.anything(),
        ),
      },
      { requiredKeys: ['type'] },
    );
    fc.assert(
      fc.property(fc.oneof(message, fc.anything()), (value) => {
        const parsed = parseWebviewMessage(value);
        if (parsed?.type !== 'exportSvg') {
          return;
        }
        const svg = overviewSvg(data, parsed.colours);
        assert.doesNotMatch(svg, /<script|<a |evil\.example/);
        const styles = [...svg.matchAll(/<style>([^<]*)<\/style>/g)].map((match) => match[1]);
        assert.equal(styles.length, 1, 'one style sheet, closed where the export closes it');
        const values = [...styles[0].matchAll(/(?:fill|stroke):([^;}]*)/g)].map((match) => match[1]);
        assert.deepEqual(
          values.filter((colour) => !isPlainColour(colour)),
          [],
          'every colour in the style sheet is a plain colour',
        );
      }),
      { numRuns: 2_000 },
    );
  });
});
