/**
 * A table of the insight view: a real `<table>` with its caption and header scopes, so a screen
 * reader reads each number with its row and column, and a button that downloads the same rows as CSV.
 */
import { downloadCsv, toCsv } from './csv.ts';
import type { TableData } from './stats.ts';

export interface DataTableProps {
  table: TableData;
  /** The start of the CSV file's name, e.g. "leadform-contact-2026-11-03-2026-12-02". */
  filePrefix: string;
}

export function DataTable({ table, filePrefix }: DataTableProps) {
  const headerColumns = table.headerColumns ?? 1;
  return (
    <div class="table" data-table={table.slug}>
      {/* Focusable, so that a keyboard can scroll a table wider than a phone's screen. */}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region has to take focus for the keyboard to scroll it */}
      <section class="scroll" tabIndex={0} aria-labelledby={`${table.slug}-caption`}>
        <table>
          <caption id={`${table.slug}-caption`}>{table.caption}</caption>
          <thead>
            <tr>
              {table.columns.map((column, index) => (
                <th scope="col" key={column} class={index < headerColumns ? undefined : 'number'}>
                  {column}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {table.rows.map((row) => (
              <tr key={row.slice(0, headerColumns).join('\u0000')}>
                {row.map((cell, index) =>
                  index < headerColumns ? (
                    <th scope="row" key={index}>
                      {cell}
                    </th>
                  ) : (
                    <td key={index} class="number">
                      {typeof cell === 'number' ? cell.toLocaleString('en') : (cell ?? '—')}
                    </td>
                  ),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <button type="button" onClick={() => downloadCsv(`${filePrefix}-${table.slug}.csv`, toCsv(table.columns, table.rows))}>
        Download CSV<span class="visually-hidden"> of the table {table.caption}</span>
      </button>
    </div>
  );
}
