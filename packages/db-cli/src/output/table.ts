/** Styles one cell after it was padded, so colour codes do not break the alignment. */
export type CellStyle = (padded: string, row: number, column: number) => string;

/** Renders rows as aligned columns under a header line and a rule. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[], style?: CellStyle): string[] {
  // A loop, not Math.max(...spread): a spread of many rows overflows the call stack.
  const widths = header.map((title, column) => rows.reduce((width, row) => Math.max(width, (row[column] ?? '').length), title.length));
  const line = (cells: readonly string[], row: number) =>
    cells
      .map((cell, column) => {
        const padded = column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0);
        return row >= 0 && style ? style(padded, row, column) : padded;
      })
      .join('  ')
      .trimEnd();
  return [line(header, -1), line(widths.map((width) => '-'.repeat(width)), -1), ...rows.map(line)];
}

/** Milliseconds as JSON output gives them: rounded to 0.1 ms (a monotonic clock's noise is not data). */
export function roundMs(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** `420 ms` or `1.23 s`. */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}
