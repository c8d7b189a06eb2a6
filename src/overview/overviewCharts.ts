import { OverviewData, OverviewToken } from './overviewModel';

/**
 * The Overview's two charts as a tree of SVG elements, drawn by the webview (with DOM calls, text as text) and
 * written out by the SVG and PNG exports (`svgMarkup`). Pure: it runs in the host and in the webview alike.
 */
export interface SvgNode {
  readonly tag: string;
  readonly attrs?: Readonly<Record<string, string | number>>;
  /** Text content, never markup. */
  readonly text?: string;
  readonly children?: readonly SvgNode[];
}

/** Each class the charts colour, with the VS Code theme variable it takes and the colour an export falls back to. */
export const CHART_PALETTE: Readonly<Record<string, readonly [variable: string, fallback: string]>> = {
  'state-valid': ['--vscode-charts-green', '#388a34'],
  'state-expired': ['--vscode-charts-red', '#e51400'],
  'state-invalid': ['--vscode-charts-red', '#e51400'],
  'state-assignedToExternalMDM': ['--vscode-charts-orange', '#d18616'],
  'state-duplicateLocationId': ['--vscode-charts-yellow', '#bf8803'],
  'state-unknown': ['--vscode-charts-lines', '#808080'],
  'segment-0': ['--vscode-charts-blue', '#1a85ff'],
  'segment-1': ['--vscode-charts-purple', '#652d90'],
  'segment-2': ['--vscode-charts-green', '#388a34'],
  'segment-3': ['--vscode-charts-orange', '#d18616'],
  'segment-4': ['--vscode-charts-lines', '#808080'],
  warning: ['--vscode-charts-yellow', '#bf8803'],
  text: ['--vscode-foreground', '#616161'],
  grid: ['--vscode-charts-lines', '#808080'],
  background: ['--vscode-editor-background', '#ffffff'],
};

export const CHART_WIDTH = 960;
const BAND = 80;
const GAP = 10;
const AXIS_START = BAND + GAP;
const AXIS_END = CHART_WIDTH - BAND - GAP;
const LANE = 16;
const MARK_GAP = 14;
const MAX_LANES = 24;
const TOP = 34;
const ROW = 24;
const LABEL_WIDTH = 300;
const BAR_END = 800;
/** The room Today's label needs before the first month's. */
const TICK_CLEARANCE = 24;

function text(x: number, y: number, value: string, attrs: Record<string, string | number> = {}): SvgNode {
  return { tag: 'text', attrs: { x, y, class: 'label', ...attrs }, text: value };
}

/** One chart: an `svg` the full width, named for screen readers, that the webview scales to fit. */
function chart(kind: 'timeline' | 'licenses', height: number, label: string, children: SvgNode[]): SvgNode {
  return {
    tag: 'svg',
    attrs: {
      viewBox: `0 0 ${CHART_WIDTH} ${height}`,
      width: CHART_WIDTH,
      height,
      class: `chart ${kind}`,
      role: 'group',
      'aria-label': label,
    },
    children,
  };
}

/** The name, tenant and expiry of a token, for a mark's tooltip and its accessible name. */
function markName(token: OverviewToken, multiTenant: boolean): string {
  const name = multiTenant ? `${token.label} (${token.tenantLabel})` : token.label;
  return `${name}: ${token.stateText}, ${token.expiryText}`;
}

/** Lanes for marks on one line: each mark takes the first lane where it does not touch the one before it. */
function lanes(xs: readonly number[]): number[] {
  const lastX: number[] = [];
  return xs.map((x) => {
    let lane = lastX.findIndex((last) => x - last >= MARK_GAP);
    if (lane < 0) {
      lane = lastX.length < MAX_LANES ? lastX.length : lastX.indexOf(Math.min(...lastX));
    }
    lastX[lane] = x;
    return lane;
  });
}

/** Where a token sits on the timeline: expired ones spread over the left band by date, later ones in the right band. */
function markX(token: OverviewToken, data: OverviewData, expired: readonly OverviewToken[]): number {
  const { now, end } = data.axis;
  if (token.bucket === 'expired') {
    const rank = expired.indexOf(token);
    return BAND * ((rank + 0.5) / Math.max(expired.length, 1));
  }
  if (token.bucket === 'later') {
    return CHART_WIDTH - BAND / 2;
  }
  return AXIS_START + ((AXIS_END - AXIS_START) * ((token.expires ?? now) - now)) / (end - now);
}

function mark(token: OverviewToken, x: number, y: number, multiTenant: boolean): SvgNode {
  const name = markName(token, multiTenant);
  return {
    tag: 'g',
    attrs: {
      class: `mark state-${token.state} bucket-${token.bucket}`,
      'data-ref': token.ref,
      tabindex: 0,
      role: 'button',
      'aria-label': name,
    },
    children: [
      { tag: 'title', text: name },
      { tag: 'circle', attrs: { cx: round(x), cy: y, r: 6 } },
    ],
  };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/** The expiry timeline: a mark per dated token, the warning window shaded, today marked, a tick per month. */
export function timelineChart(data: OverviewData): SvgNode {
  const { labels, axis } = data;
  const dated = data.tokens.filter((token) => token.expires !== null || token.bucket === 'expired');
  const expired = dated.filter((token) => token.bucket === 'expired').sort((a, b) => (a.expires ?? 0) - (b.expires ?? 0));
  const placed = dated.map((token) => ({ token, x: markX(token, data, expired) })).sort((a, b) => a.x - b.x);
  const laneOf = lanes(placed.map((entry) => entry.x));
  const laneCount = Math.max(1, ...laneOf.map((lane) => lane + 1));
  const bottom = TOP + laneCount * LANE + 8;
  const height = bottom + 24;
  const x = (time: number) => round(AXIS_START + ((AXIS_END - AXIS_START) * (time - axis.now)) / (axis.end - axis.now));
  const warningX = x(Math.min(axis.warningEnd, axis.end));
  return chart('timeline', height, labels.timeline, [
    { tag: 'rect', attrs: { class: 'band', x: 0, y: TOP - 12, width: BAND, height: bottom - TOP + 12 } },
    text(BAND / 2, TOP - 18, labels.expiredBand, { 'text-anchor': 'middle' }),
    {
      tag: 'rect',
      attrs: { class: 'warning-window', x: AXIS_START, y: TOP - 12, width: round(warningX - AXIS_START), height: bottom - TOP + 12 },
    },
    text(AXIS_START + 4, TOP - 18, labels.warningWindow),
    { tag: 'rect', attrs: { class: 'band', x: CHART_WIDTH - BAND, y: TOP - 12, width: BAND, height: bottom - TOP + 12 } },
    text(CHART_WIDTH - BAND / 2, TOP - 18, labels.laterBand, { 'text-anchor': 'middle' }),
    // A month that starts within a few days of today leaves its label to Today's.
    ...axis.ticks
      .filter((tick) => x(tick.time) - AXIS_START >= TICK_CLEARANCE)
      .flatMap((tick) => [
        { tag: 'line', attrs: { class: 'grid', x1: x(tick.time), x2: x(tick.time), y1: TOP - 12, y2: bottom } },
        text(x(tick.time), bottom + 16, tick.label, { 'text-anchor': 'middle', class: 'label tick' }),
      ]),
    { tag: 'line', attrs: { class: 'today', x1: AXIS_START, x2: AXIS_START, y1: TOP - 12, y2: bottom } },
    text(AXIS_START + 2, bottom + 16, labels.today, { 'text-anchor': 'end', class: 'label today-label' }),
    ...placed.map((entry, index) => mark(entry.token, entry.x, TOP + laneOf[index] * LANE + LANE / 2, data.multiTenant)),
  ]);
}

/** One token's row: its name, a bar of its licenses (a segment per large app, the unused rest behind), and the counts. */
function licenseRow(token: OverviewToken, y: number, data: OverviewData): SvgNode {
  const { labels } = data;
  const licenses = token.licenses;
  const name = data.multiTenant ? `${token.label} (${token.tenantLabel})` : token.label;
  const barWidth = BAR_END - LABEL_WIDTH;
  const segments: SvgNode[] = [];
  let at = LABEL_WIDTH;
  for (const [index, segment] of (licenses?.segments ?? []).entries()) {
    const width = licenses && licenses.total > 0 ? (barWidth * Math.min(segment.used, licenses.total)) / licenses.total : 0;
    const shown = Math.min(width, BAR_END - at);
    segments.push({
      tag: 'rect',
      attrs: { class: `segment segment-${Math.min(index, 4)}`, x: round(at), y: y - 8, width: round(shown), height: 16 },
      children: [{ tag: 'title', text: `${segment.name}: ${segment.used}` }],
    });
    at += shown;
  }
  const counts = !licenses ? labels.appsNotRead : licenses.total === 0 ? labels.noLicenses : `${licenses.used} / ${licenses.total}`;
  const flag = licenses?.flag === 'nearTotal' ? labels.nearTotal : licenses?.flag === 'unused' ? labels.unused : '';
  const description = [name, counts, flag].filter(Boolean).join(', ');
  return {
    tag: 'g',
    attrs: {
      class: `row${licenses?.flag ? ` flag-${licenses.flag}` : ''}`,
      'data-ref': token.ref,
      tabindex: 0,
      role: 'button',
      'aria-label': description,
    },
    children: [
      { tag: 'title', text: description },
      text(LABEL_WIDTH - 8, y + 4, name.length > 40 ? `${name.slice(0, 39)}…` : name, { 'text-anchor': 'end' }),
      { tag: 'rect', attrs: { class: 'unused-bar', x: LABEL_WIDTH, y: y - 8, width: barWidth, height: 16 } },
      ...segments,
      text(BAR_END + 8, y + 4, flag ? `${counts} · ${flag}` : counts, { class: `label counts${licenses?.flag ? ' flagged' : ''}` }),
    ],
  };
}

/** Licenses per token: a bar per token, used against total, stacked by app; near-total and unused tokens flagged. */
export function licenseChart(data: OverviewData): SvgNode {
  const rows = data.tokens;
  const height = TOP + Math.max(rows.length, 1) * ROW;
  return chart(
    'licenses',
    height,
    data.labels.licenses,
    rows.map((token, index) => licenseRow(token, TOP - 10 + index * ROW, data)),
  );
}

/** Text made safe inside markup (an element's text or a quoted attribute): `& < > " '` as character references. */
export function escapeMarkup(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** An element tree as SVG markup; text and attribute values are escaped, so names from Graph stay text. */
export function svgMarkup(node: SvgNode): string {
  const attrs = Object.entries(node.attrs ?? {})
    .map(([name, value]) => ` ${name}="${escapeMarkup(String(value))}"`)
    .join('');
  const inner = (node.text !== undefined ? escapeMarkup(node.text) : '') + (node.children ?? []).map(svgMarkup).join('');
  return `<${node.tag}${attrs}>${inner}</${node.tag}>`;
}

/** A colour an export may write into a style sheet: `#rgb[a]`/`#rrggbb[aa]`, or `rgb(…)`/`rgba(…)` of numbers. */
export function isPlainColour(value: string): boolean {
  return /^(#[0-9a-f]{3,4}|#[0-9a-f]{6}|#[0-9a-f]{8}|rgba?\(\s*[\d.]+%?\s*,\s*[\d.]+%?\s*,\s*[\d.]+%?\s*(,\s*[\d.]+%?\s*)?\))$/i.test(
    value.trim(),
  );
}

/** The style sheet of an export: each palette class in the theme's colour the webview sent, else its fallback. */
function exportStyle(colours: Readonly<Record<string, string>>): string {
  const colour = (name: string) => {
    const sent = Object.hasOwn(colours, name) ? colours[name] : undefined;
    return typeof sent === 'string' && isPlainColour(sent) ? sent.trim() : CHART_PALETTE[name][1];
  };
  const fills = Object.keys(CHART_PALETTE)
    .filter((name) => name.startsWith('state-') || name.startsWith('segment-'))
    .map((name) => `.${name}{fill:${colour(name)}}`)
    .join('');
  return [
    fills,
    `.label{fill:${colour('text')};font:12px sans-serif}`,
    `.grid,.today{stroke:${colour('grid')}}`,
    `.today{stroke-width:2}`,
    `.band{fill:${colour('grid')};opacity:.12}`,
    `.warning-window{fill:${colour('warning')};opacity:.18}`,
    `.unused-bar{fill:${colour('grid')};opacity:.25}`,
    `.bucket-warning circle{stroke:${colour('warning')};stroke-width:3}`,
    `.flagged{font-weight:bold}`,
  ].join('');
}

/**
 * Both charts in one SVG document, for Export as SVG and PNG: the heading, the timeline, then the licenses, coloured
 * with the theme's colours (`colours`, by palette class, checked) on the theme's background.
 */
export function overviewSvg(data: OverviewData, colours: Readonly<Record<string, string>>): string {
  const timeline = timelineChart(data);
  const licenses = licenseChart(data);
  const heightOf = (node: SvgNode) => Number(node.attrs?.height ?? 0);
  const at = (node: SvgNode, y: number): SvgNode => ({ ...node, attrs: { ...node.attrs, x: 0, y } });
  const height = 40 + heightOf(timeline) + 30 + heightOf(licenses);
  const background =
    Object.hasOwn(colours, 'background') && isPlainColour(colours.background) ? colours.background.trim() : CHART_PALETTE.background[1];
  const document: SvgNode = {
    tag: 'svg',
    attrs: { xmlns: 'http://www.w3.org/2000/svg', viewBox: `0 0 ${CHART_WIDTH} ${height}`, width: CHART_WIDTH, height },
    children: [
      { tag: 'style', text: exportStyle(colours) },
      { tag: 'rect', attrs: { x: 0, y: 0, width: CHART_WIDTH, height, fill: background } },
      text(0, 20, `${data.labels.heading} · ${data.scope} · ${data.generated}`, { class: 'label heading' }),
      text(0, 36, data.labels.timeline, { class: 'label' }),
      at(timeline, 40),
      text(0, 40 + heightOf(timeline) + 24, data.labels.licenses, { class: 'label' }),
      at(licenses, 40 + heightOf(timeline) + 30),
    ],
  };
  return `<?xml version="1.0" encoding="UTF-8"?>\n${svgMarkup(document)}\n`;
}
