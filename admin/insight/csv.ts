/**
 * CSV of a table the insight view shows, built in the page (RFC 4180: comma-separated, CRLF
 * between records, a field quoted when it holds a quote, comma or line break, a quote doubled).
 */

export type Cell = string | number | null;

/**
 * Text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, a tab or a carriage return
 * first) gets a leading apostrophe: a campaign name comes from a visitor's link (`utm_campaign`),
 * and opening the file must not run what someone put there. Numbers are written as numbers.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

function field(cell: Cell): string {
  if (cell === null) return '';
  const text = typeof cell === 'number' ? String(cell) : FORMULA_START.test(cell) ? `'${cell}` : cell;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The CSV text of a header row and its records. */
export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return `${[header, ...rows].map((row) => row.map(field).join(',')).join('\r\n')}\r\n`;
}

/** Offers `csv` to the browser as a file named `filename`, without a round trip to the relay. */
export function downloadCsv(filename: string, csv: string): void {
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const link = Object.assign(document.createElement('a'), { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  // The download has taken the blob by now; revoking later frees it without cutting it short.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
