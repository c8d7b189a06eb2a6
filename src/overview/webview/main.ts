import { CHART_PALETTE, licenseChart, overviewSvg, SvgNode, timelineChart } from '../overviewCharts';
import { licenseNote, OverviewData } from '../overviewModel';
import { HostMessage, WebviewMessage } from '../overviewProtocol';

/**
 * The Overview webview: draws the data the host sends with DOM calls only (every string goes in as text, never as
 * HTML), keeps it in the webview state so that hiding and showing the panel redraws at once, and sends back what the
 * admin clicks. It never talks to the network: the content security policy allows nothing outside the extension.
 */
declare function acquireVsCodeApi(): {
  postMessage(message: WebviewMessage): void;
  getState(): { data?: OverviewData } | undefined;
  setState(state: { data: OverviewData }): void;
};

const host = acquireVsCodeApi();
const SVG_NS = 'http://www.w3.org/2000/svg';
let current: OverviewData | undefined;

function element<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const created = document.createElement(tag);
  if (text !== undefined) {
    created.textContent = text;
  }
  if (className) {
    created.className = className;
  }
  return created;
}

function svgElement(node: SvgNode): SVGElement {
  const created = document.createElementNS(SVG_NS, node.tag);
  for (const [name, value] of Object.entries(node.attrs ?? {})) {
    created.setAttribute(name, String(value));
  }
  if (node.text !== undefined) {
    created.textContent = node.text;
  }
  for (const child of node.children ?? []) {
    created.appendChild(svgElement(child));
  }
  return created;
}

function section(heading: string, id: string, ...content: Node[]): HTMLElement {
  const created = element('section');
  created.id = id;
  const title = element('h2', heading);
  title.id = `${id}-heading`;
  created.setAttribute('aria-labelledby', title.id);
  created.append(title, ...content);
  return created;
}

function button(label: string, id: string, message: WebviewMessage | (() => void)): HTMLButtonElement {
  const created = element('button', label);
  created.id = id;
  created.type = 'button';
  created.addEventListener('click', () => (typeof message === 'function' ? message() : host.postMessage(message)));
  return created;
}

function tokenButton(label: string, ref: number): HTMLButtonElement {
  const created = element('button', label, 'token-link');
  created.type = 'button';
  created.dataset.ref = String(ref);
  return created;
}

function table(data: OverviewData): HTMLTableElement {
  const { columns } = data.labels;
  const created = element('table');
  created.append(element('caption', data.labels.table));
  const head = created.createTHead().insertRow();
  for (const column of [
    ...(data.multiTenant ? [columns.tenant] : []),
    columns.token,
    columns.state,
    columns.expires,
    columns.used,
    columns.total,
    columns.note,
  ]) {
    const cell = element('th', column);
    cell.scope = 'col';
    head.append(cell);
  }
  const body = created.createTBody();
  for (const token of data.tokens) {
    const row = body.insertRow();
    if (data.multiTenant) {
      row.insertCell().textContent = token.tenantLabel;
    }
    const name = element('th');
    name.scope = 'row';
    name.append(tokenButton(token.label, token.ref));
    row.append(name);
    row.insertCell().textContent = token.stateText;
    row.insertCell().textContent = token.expiryDate ? `${token.expiryDate} · ${token.expiryText}` : token.expiryText;
    row.insertCell().textContent = token.licenses ? String(token.licenses.used) : '';
    row.insertCell().textContent = token.licenses ? String(token.licenses.total) : '';
    row.insertCell().textContent = licenseNote(token, data.labels);
  }
  return created;
}

/** The theme's colour for each palette class, as computed now: what the exports paint with. */
function themeColours(): Record<string, string> {
  const style = getComputedStyle(document.documentElement);
  return Object.fromEntries(Object.entries(CHART_PALETTE).map(([name, [variable]]) => [name, style.getPropertyValue(variable).trim()]));
}

/** Draws both charts into one PNG (at twice the size, for sharp text) and sends it to the host to save. */
function exportPng(): void {
  if (!current) {
    return;
  }
  const svg = overviewSvg(current, themeColours());
  const image = new Image();
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  image.onload = () => {
    const canvas = document.createElement('canvas');
    canvas.width = image.naturalWidth * 2;
    canvas.height = image.naturalHeight * 2;
    const context = canvas.getContext('2d');
    context?.scale(2, 2);
    context?.drawImage(image, 0, 0);
    URL.revokeObjectURL(url);
    host.postMessage({ type: 'exportPng', png: canvas.toDataURL('image/png').replace(/^data:image\/png;base64,/, '') });
  };
  image.src = url;
}

function render(data: OverviewData): void {
  current = data;
  const { labels } = data;
  const root = document.getElementById('root');
  if (!root) {
    return;
  }
  const header = element('header');
  header.append(element('h1', labels.heading), element('p', `${data.scope} · ${data.generated}`, 'scope'));
  const toolbar = element('div', undefined, 'toolbar');
  toolbar.setAttribute('role', 'toolbar');
  toolbar.append(
    button(labels.refresh, 'refresh', { type: 'refresh' }),
    button(labels.exportSvg, 'export-svg', () => host.postMessage({ type: 'exportSvg', colours: themeColours() })),
    button(labels.exportPng, 'export-png', exportPng),
    button(labels.copyCsv, 'copy-csv', { type: 'copyCsv' }),
  );
  header.append(toolbar);
  const parts: Node[] = [header];
  if (data.unread.length > 0) {
    const list = element('ul');
    list.append(...data.unread.map((entry) => element('li', `${entry.tenantLabel}: ${entry.reason}`)));
    parts.push(section(labels.unread, 'unread', list));
  }
  const counts = element('ul', undefined, 'counts');
  counts.append(
    ...data.counts.map((entry) => {
      const item = element('li', undefined, `count state-${entry.state}`);
      item.append(element('span', String(entry.count), 'count-value'), ' ', element('span', entry.text, 'count-label'));
      return item;
    }),
  );
  parts.push(section(labels.counts, 'counts', data.tokens.length > 0 ? counts : element('p', labels.noTokens)));
  parts.push(section(labels.timeline, 'timeline', element('p', labels.timelineSummary, 'summary'), svgElement(timelineChart(data))));
  parts.push(section(labels.licenses, 'licenses', element('p', labels.licensesSummary, 'summary'), svgElement(licenseChart(data))));
  parts.push(section(labels.table, 'tokens', table(data)));
  root.replaceChildren(...parts);
  root.setAttribute('aria-busy', 'false');
}

/** A click or Enter on a mark, a bar or a name in the table reveals the token in the tree. */
function revealFrom(target: EventTarget | null): void {
  const found = target instanceof Element ? target.closest('[data-ref]') : null;
  const ref = Number(found?.getAttribute('data-ref'));
  if (found && Number.isSafeInteger(ref)) {
    host.postMessage({ type: 'reveal', ref });
  }
}

document.addEventListener('click', (event) => revealFrom(event.target));
document.addEventListener('keydown', (event) => {
  if ((event.key === 'Enter' || event.key === ' ') && event.target instanceof SVGElement) {
    event.preventDefault();
    revealFrom(event.target);
  }
});

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const message = event.data;
  if (message.type === 'data') {
    host.setState({ data: message.data });
    render(message.data);
  } else if (message.type === 'reading') {
    document.getElementById('root')?.setAttribute('aria-busy', 'true');
  }
});

const saved = host.getState()?.data;
if (saved) {
  render(saved);
}
host.postMessage({ type: 'ready' });
