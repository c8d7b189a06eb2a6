import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
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
import { parseWebviewMessage } from '../../src/overview/overviewProtocol';

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

  it('marks the first day of each of the next 12 months', () => {
    const ticks = monthTicks(NOW, NOW + 365 * DAY, 'en');
    assert.equal(ticks.length, 12);
    assert.equal(ticks[0].label, 'Jan 2027');
    assert.equal(ticks[0].time, Date.UTC(2027, 0, 1));
    assert.equal(ticks[11].label, 'Dec 2027');
  });

  it('copies the table as CSV with formula-like names made inert', () => {
    const shaped = shapeOverview([read('one', [token('=HYPERLINK("x")', 5)], [app('=HYPERLINK("x")', 'A', 0, 4)])], options);
    const rows = parseCsv(overviewCsv(shaped));
    assert.deepEqual(rows[0], ['tenant', 'token', 'state', 'expirationDateTime', 'expiry', 'usedLicenses', 'totalLicenses', 'note']);
    assert.equal(rows[1][1], `'=HYPERLINK("x")`);
    assert.equal(csvCellValue(rows[1][1]), '=HYPERLINK("x")');
    assert.deepEqual(rows[1].slice(4), ['expires in 5 days', '0', '4', 'licenses bought, none used']);
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
    assert.ok(isPlainColour('#abc') && isPlainColour('rgba(1,2,3,0.5)') && !isPlainColour('url(x)') && !isPlainColour('#abcde'));
  });

  it("gives every palette class a rule in the webview's style sheet, with the variable the export falls back from", () => {
    const css = fs.readFileSync(path.join(__dirname, '../../../media/overview.css'), 'utf8');
    for (const [name, [variable]] of Object.entries(CHART_PALETTE).filter(([name]) => /^(state|segment)-/.test(name))) {
      assert.match(css, new RegExp(`\\.chart \\.${name}\\b[^{]*\\{\\s*fill: var\\(${variable}\\);\\s*\\}`), name);
    }
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
});
