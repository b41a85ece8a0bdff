// A timeline picture of a fault benchmark, as SVG written by hand from the recorded requests (no
// charting library): one panel per app under the same load, answers per status code per 100 ms
// (stacked bars, by the time each answer arrived), with the fault's moments marked.
import fs from 'node:fs';
import path from 'node:path';

const COLORS = { 200: '#2e7d32', 503: '#f9a825', 500: '#c62828', other: '#6a1b9a', hung: '#455a64' };
const LABELS = { 200: '200', 503: '503', 500: '500', other: 'other answer / socket error', hung: 'no answer (gave up)' };
const ORDER = ['200', '503', '500', 'other', 'hung'];

/** The bar a record counts in. */
function category(record) {
  if (record.hung) return 'hung';
  if (record.status === 200 || record.status === 503 || record.status === 500) return String(record.status);
  return 'other';
}

const escape = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Renders the SVG. `panels`: [{ label, records }] (records with `end` in performance.now() ms);
 * `from`/`to`: the time window (same clock); `marks`: [{ at, label }] drawn as vertical lines on
 * every panel; `binMs`: bar width in time (default 100 ms).
 */
export function renderTimeline({ title, panels, from, to, marks = [], binMs = 100 }) {
  const bins = Math.max(1, Math.ceil((to - from) / binMs));
  const plotWidth = 1_000;
  const barWidth = plotWidth / bins; // fractional for long windows: SVG draws it anyway
  const left = 56;
  const right = 16;
  const panelHeight = 140;
  const panelGap = 46;
  const top = 40;
  const width = left + plotWidth + right;
  const counted = panels.map((panel) => {
    const counts = Array.from({ length: bins }, () => ({ 200: 0, 503: 0, 500: 0, other: 0, hung: 0 }));
    for (const record of panel.records) {
      const at = record.end || record.start;
      if (at < from || at >= to) continue;
      counts[Math.floor((at - from) / binMs)][category(record)] += 1;
    }
    return counts;
  });
  const peak = Math.max(1, ...counted.flat().map((bin) => ORDER.reduce((sum, key) => sum + bin[key], 0)));
  const height = top + panels.length * (panelHeight + panelGap) + 30;
  const x = (at) => left + ((at - from) / binMs) * barWidth;
  const seconds = (to - from) / 1_000;
  const tickEvery = seconds > 90 ? 10 : seconds > 30 ? 5 : seconds > 10 ? 2 : 1;
  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="100%" height="100%" fill="#ffffff"/>`);
  out.push(`<text x="${left}" y="18" font-size="13" font-weight="bold">${escape(title)}</text>`);
  // Legend.
  let legendX = left;
  for (const key of ORDER) {
    out.push(`<rect x="${legendX}" y="26" width="10" height="10" fill="${COLORS[key]}"/>`);
    out.push(`<text x="${legendX + 14}" y="35">${escape(LABELS[key])}</text>`);
    legendX += 24 + LABELS[key].length * 6;
  }
  panels.forEach((panel, index) => {
    const y0 = top + 14 + index * (panelHeight + panelGap);
    const base = y0 + panelHeight;
    const scale = panelHeight / peak;
    out.push(`<text x="${left}" y="${y0 - 4}" font-weight="bold">${escape(panel.label)}</text>`);
    out.push(`<line x1="${left}" y1="${base}" x2="${left + plotWidth}" y2="${base}" stroke="#999"/>`);
    out.push(`<line x1="${left}" y1="${y0}" x2="${left}" y2="${base}" stroke="#999"/>`);
    out.push(`<text x="${left - 4}" y="${y0 + 8}" text-anchor="end">${peak}</text>`);
    out.push(`<text x="${left - 4}" y="${base}" text-anchor="end">0</text>`);
    out.push(`<text x="12" y="${y0 + panelHeight / 2}" transform="rotate(-90 12 ${y0 + panelHeight / 2})" text-anchor="middle">answers / ${binMs} ms</text>`);
    counted[index].forEach((bin, i) => {
      let stacked = 0;
      for (const key of ORDER) {
        if (bin[key] === 0) continue;
        const h = bin[key] * scale;
        out.push(`<rect x="${(left + i * barWidth).toFixed(2)}" y="${(base - stacked - h).toFixed(1)}" width="${barWidth.toFixed(2)}" height="${h.toFixed(1)}" fill="${COLORS[key]}"/>`);
        stacked += h;
      }
    });
    for (let t = 0; t <= seconds; t += tickEvery) {
      const tx = left + ((t * 1_000) / binMs) * barWidth;
      out.push(`<line x1="${tx}" y1="${base}" x2="${tx}" y2="${base + 4}" stroke="#999"/>`);
      out.push(`<text x="${tx}" y="${base + 15}" text-anchor="middle">${t} s</text>`);
    }
    for (const mark of marks) {
      const mx = x(mark.at).toFixed(1);
      out.push(`<line x1="${mx}" y1="${y0}" x2="${mx}" y2="${base}" stroke="#1565c0" stroke-dasharray="4 3"/>`);
      const nearEnd = Number(mx) > left + plotWidth - 90;
      out.push(`<text x="${Number(mx) + (nearEnd ? -3 : 3)}" y="${y0 + 10}" fill="#1565c0"${nearEnd ? ' text-anchor="end"' : ''}>${escape(mark.label)}</text>`);
    }
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** Writes the SVG to `file` (directories created) and returns its path. */
export function writeTimeline(file, options) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, renderTimeline(options));
  return file;
}
