// The bench's record: every figure is a target that can fail, or says plainly that it is a comparison.

export interface Figure {
  readonly figure: string;
  readonly kind: 'target' | 'comparison';
  readonly value: number;
  readonly unit: string;
  /** What the value is measured against: a physical floor or a budget. */
  readonly floor?: number;
  readonly ratio?: number;
  readonly target?: string;
  readonly pass?: boolean;
  readonly [extra: string]: unknown;
}

const round = (value: number, places = 0) => Math.round(value * 10 ** places) / 10 ** places;

/** Prints one JSON line per figure as it is measured, and a table of them all at the end. */
export class BenchReport {
  readonly figures: Figure[] = [];

  /** A figure with a target: its value over `floor` must be at most `limit`. */
  target(name: string, value: number, unit: string, floor: number, limit: number, extra: Record<string, unknown> = {}): boolean {
    const ratio = round(value / floor, 3);
    return this.add({
      figure: name,
      kind: 'target',
      value: round(value),
      unit,
      floor: round(floor),
      ratio,
      target: `<= ${limit}`,
      pass: ratio <= limit,
      ...extra,
    });
  }

  /** A figure with a target that is a count: the value must be at most `limit` (often 0). */
  count(name: string, value: number, limit: number, extra: Record<string, unknown> = {}): boolean {
    return this.add({ figure: name, kind: 'target', value, unit: 'count', target: `<= ${limit}`, pass: value <= limit, ...extra });
  }

  /** A figure with a target that is a condition, such as a report matching the tenant's record. */
  check(name: string, pass: boolean, extra: Record<string, unknown> = {}): boolean {
    return this.add({ figure: name, kind: 'target', value: pass ? 1 : 0, unit: 'yes/no', target: 'yes', pass, ...extra });
  }

  /** A figure that is a comparison only: it has no target and cannot fail. */
  comparison(name: string, value: number, unit: string, extra: Record<string, unknown> = {}, floor?: number): void {
    this.add({
      figure: name,
      kind: 'comparison',
      value: round(value),
      unit,
      ...(floor ? { floor: round(floor), ratio: round(value / floor, 3) } : {}),
      ...extra,
    });
  }

  get passed(): boolean {
    return this.figures.every((figure) => figure.pass !== false);
  }

  /** One screen: each figure, its value, its ratio and target, and whether it passed. */
  table(): string {
    const rows = this.figures.map((figure) => [
      figure.pass === undefined ? ' ' : figure.pass ? '✓' : '✗',
      figure.figure.length > 78 ? `${figure.figure.slice(0, 77)}…` : figure.figure,
      `${figure.value} ${figure.unit}`,
      figure.ratio === undefined ? '' : String(figure.ratio),
      figure.target ?? 'comparison',
    ]);
    const widths = [1, 78, 16, 7, 11].map((width, column) => Math.max(width, ...rows.map((row) => row[column].length)));
    const line = (cells: string[]) =>
      cells
        .map((cell, column) => cell.padEnd(widths[column]))
        .join('  ')
        .trimEnd();
    return [line(['', 'figure', 'value', 'ratio', 'target']), ...rows.map(line)].join('\n');
  }

  private add(figure: Figure): boolean {
    this.figures.push(figure);
    console.log(JSON.stringify(figure));
    return figure.pass !== false;
  }
}
