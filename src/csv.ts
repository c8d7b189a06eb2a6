import { valueText } from './text';

/** How a formula starts in a spreadsheet cell, and the quote that marks a cell as text. */
const FORMULA_START = /^[=+\-@\t\r']/;

/**
 * A cell a spreadsheet would not run: text starting with `=`, `+`, `-`, `@`, a tab or a carriage return (how a
 * formula starts, even after a quote) gets a leading `'`, and so does text already starting with `'`, so that
 * `csvCellValue` gives back exactly what was written. Then RFC 4180 quoting where needed. A value of any other type
 * (what Graph or a journal on disk sent in place of a string) is written as text and neutralised the same way;
 * only a finite number is written as it is, as a number cannot hold a formula.
 */
export function csvCell(value: unknown): string {
  if (typeof value === 'number' && Number.isFinite(value)) {
    return String(value);
  }
  const text = value === null || value === undefined ? '' : valueText(value);
  const inert = FORMULA_START.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(inert) ? `"${inert.replace(/"/g, '""')}"` : inert;
}

/** The text `csvCell` was given: the `'` it put before a formula-like value is taken off again; any other cell is as read. */
export function csvCellValue(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}

/** Splits CSV text (RFC 4180: quoted fields, doubled quotes, commas and line breaks inside quotes) into rows. */
export function parseCsv(csv: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const text = csv.replace(/^\uFEFF/, '');
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index++;
      } else if (char === '"') {
        quoted = false;
      } else {
        field += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[index + 1] === '\n') {
        index++;
      }
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += char;
    }
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
