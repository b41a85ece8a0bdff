// The results table, as GitHub-flavoured Markdown (readable in a terminal and pasteable into the README).

function number(value) {
  if (typeof value !== 'number' || Number.isNaN(value)) return '—';
  if (!Number.isFinite(value)) return '∞';
  const abs = Math.abs(value);
  if (abs === 0 || Number.isInteger(value)) return String(value);
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

export function formatValue(row) {
  const unit = row.unit ? (row.unit === '×' ? '×' : ` ${row.unit}`) : '';
  const main = `${number(row.value)}${unit}`;
  if (!row.spread) return main;
  return `${main} (${number(row.spread[0])}–${number(row.spread[1])})`;
}

export function resultOf(row) {
  if (row.crashed) return `CRASH: ${row.error}`;
  if (row.skipped) return `SKIP: ${row.error}`;
  if (row.pass === null) return 'INFO';
  return row.pass ? 'PASS' : 'MISS';
}

export function renderTable(rows) {
  const header = ['benchmark', 'figure', 'baseline (same run)', 'median (spread)', 'target', 'result'];
  const lines = rows.map((row) => [row.benchmark, row.figure, row.baseline ?? '', formatValue(row), row.target ?? '', resultOf(row)]);
  const escape = (cell) => String(cell).replaceAll('|', '\\|');
  return [header, header.map(() => '---'), ...lines].map((cells) => `| ${cells.map(escape).join(' | ')} |`).join('\n');
}
