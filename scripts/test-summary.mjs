// Reads what each package's Jest run recorded in `.test-results/` (scripts/jest-summary-reporter.js)
// and makes the closing lines of `npm test`. A package whose Jest process started but wrote no
// result (killed, or ended by an unhandled error) counts as failed, by name: its tests never said.
import fs from 'node:fs';
import path from 'node:path';

/** Totals over every package, the failures to print, and the packages whose Jest process died. */
export function readTestSummary(dir) {
  const totals = { passed: 0, failed: 0, skipped: 0 };
  const failures = [];
  const died = [];
  const packagesByNode = new Map();
  if (!fs.existsSync(dir)) return { totals, failures, died, packagesByNode };
  for (const file of fs.readdirSync(dir).sort()) {
    if (!file.endsWith('.json')) continue;
    const summary = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    packagesByNode.set(summary.node, [...(packagesByNode.get(summary.node) ?? []), summary.package]);
    if (summary.finished !== true) {
      died.push(summary.package);
      totals.failed += 1;
      failures.push({
        file: summary.package,
        test: '(the Jest process ended before reporting)',
        message: 'Its Jest process started and never wrote its results: killed, or ended by an unhandled error (see its output above).',
      });
      continue;
    }
    totals.passed += summary.passed;
    totals.failed += summary.failed;
    totals.skipped += summary.skipped;
    failures.push(...(summary.failures ?? []));
  }
  return { totals, failures, died, packagesByNode };
}

/** The closing lines: each failure (the end of a long log is often all a CI page keeps), then the totals. */
export function formatTestSummary({ totals, failures, died, packagesByNode = new Map() }) {
  // Which Node ran each package's tests (.ci/run checks each phase ran on the Node it says).
  const nodes = [...packagesByNode].map(([node, packages]) => `\nNode ${node} ran the tests of ${packages.length} package(s): ${packages.join(', ')}`);
  const lines = [...nodes, ...failures.map((failure) => `\nfailed: ${failure.file} › ${failure.test}\n${failure.message.replace(/^/gm, '    ')}`)];
  const diedNote = died.length > 0 ? ` (${died.length === 1 ? 'a Jest process' : 'Jest processes'} died: ${died.join(', ')})` : '';
  lines.push(`\ntests: ${totals.passed} passed, ${totals.failed} failed${diedNote}, ${totals.skipped} skipped`);
  return lines.join('\n');
}
