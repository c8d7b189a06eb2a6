// The bulk runs of 1,000 tokens as a picture: the revokes Intune carried out over time, for the extension and the two
// SDK peers, against the most Intune's limit allows by then.
import * as fs from 'node:fs';

export interface Series {
  readonly name: string;
  readonly colour: string;
  /** When each write was carried out, in ms from the start. */
  readonly times: readonly number[];
}

const WIDTH = 800;
const HEIGHT = 360;
const MARGIN = { left: 60, right: 250, top: 30, bottom: 44 };

/** Text for an SVG, escaped (the series' names are the bench's own, but escaped all the same). */
function escape(text: string): string {
  return text.replace(/[<>&"]/g, (char) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[char] ?? char);
}

/** Writes the chart: cumulative writes (y) over time (x); the slope is the write rate, the staircase Intune's limit. */
export function writeBulkChart(
  file: string,
  series: readonly Series[],
  limit: { maxWrites: number; windowMs: number },
  total: number,
): void {
  const endMs = Math.max(...series.flatMap((line) => line.times), limit.windowMs) * 1.05;
  const x = (ms: number) => MARGIN.left + (ms / endMs) * (WIDTH - MARGIN.left - MARGIN.right);
  const y = (count: number) => HEIGHT - MARGIN.bottom - (count / total) * (HEIGHT - MARGIN.top - MARGIN.bottom);
  const staircase: string[] = [];
  for (let window = 0; window * limit.windowMs < endMs; window++) {
    const allowed = Math.min(total, (window + 1) * limit.maxWrites);
    staircase.push(`${x(window * limit.windowMs)},${y(allowed)}`, `${x(Math.min(endMs, (window + 1) * limit.windowMs))},${y(allowed)}`);
  }
  const lines = series.map((line, index) => {
    const sorted = [...line.times].sort((a, b) => a - b);
    const points = [`${x(0)},${y(0)}`, ...sorted.map((time, count) => `${x(time)},${y(count + 1)}`)];
    const legendY = MARGIN.top + 20 * index;
    return [
      `<polyline fill="none" stroke="${line.colour}" stroke-width="2" points="${points.join(' ')}"/>`,
      `<line x1="${WIDTH - MARGIN.right + 12}" x2="${WIDTH - MARGIN.right + 32}" y1="${legendY}" y2="${legendY}" stroke="${line.colour}" stroke-width="2"/>`,
      `<text x="${WIDTH - MARGIN.right + 38}" y="${legendY + 4}">${escape(line.name)}</text>`,
    ].join('\n');
  });
  const seconds = Math.floor(endMs / 1000);
  const ticks = Array.from({ length: Math.min(seconds, 12) + 1 }, (_, index) => Math.round((index * seconds) / Math.min(seconds, 12)));
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12" role="img" aria-label="Revokes Intune carried out over time, for ${total} tokens">
<rect width="100%" height="100%" fill="white"/>
<text x="${MARGIN.left}" y="18" font-size="14">Revokes carried out over time, ${total} tokens (slope: writes per second)</text>
<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${HEIGHT - MARGIN.bottom}" stroke="black"/>
<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${HEIGHT - MARGIN.bottom}" y2="${HEIGHT - MARGIN.bottom}" stroke="black"/>
${ticks.map((tick) => `<text x="${x(tick * 1000)}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle">${tick}</text>`).join('\n')}
<text x="${(WIDTH - MARGIN.right + MARGIN.left) / 2}" y="${HEIGHT - 8}" text-anchor="middle">seconds (Intune's 20 s window scaled to ${limit.windowMs / 1000} s)</text>
${[0, 0.25, 0.5, 0.75, 1].map((share) => `<text x="${MARGIN.left - 6}" y="${y(share * total) + 4}" text-anchor="end">${Math.round(share * total)}</text>`).join('\n')}
<polyline fill="none" stroke="#888" stroke-dasharray="5,4" stroke-width="1.5" points="${staircase.join(' ')}"/>
<line x1="${WIDTH - MARGIN.right + 12}" x2="${WIDTH - MARGIN.right + 32}" y1="${MARGIN.top + 20 * series.length}" y2="${MARGIN.top + 20 * series.length}" stroke="#888" stroke-dasharray="5,4"/>
<text x="${WIDTH - MARGIN.right + 38}" y="${MARGIN.top + 20 * series.length + 4}">Intune's limit</text>
${lines.join('\n')}
</svg>
`;
  fs.writeFileSync(file, svg);
}
