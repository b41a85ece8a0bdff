// Small statistics helpers. Every figure the benchmarks report is a median over rounds with its spread.

/** Linear-interpolated quantile of `values` (q in [0, 1]). */
export function quantile(values, q) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export const median = (values) => quantile(values, 0.5);

/** Median, quartiles and range of repeated measurements. */
export function summarize(values) {
  const finite = values.filter((value) => Number.isFinite(value));
  return {
    median: median(finite),
    p25: quantile(finite, 0.25),
    p75: quantile(finite, 0.75),
    min: finite.length ? Math.min(...finite) : Number.NaN,
    max: finite.length ? Math.max(...finite) : Number.NaN,
    n: finite.length,
  };
}

/**
 * Runs `rounds` interleaved A/B pairs in ABBA order (A,B then B,A, …) so drift in the machine's load
 * hits both sides alike. Returns the results of each side, index-aligned by round.
 */
export async function interleave(rounds, runA, runB, between = async () => {}) {
  const a = [];
  const b = [];
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0) {
      a.push(await runA(round));
      await between();
      b.push(await runB(round));
    } else {
      b.push(await runB(round));
      await between();
      a.push(await runA(round));
    }
    await between();
  }
  return { a, b };
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Collects garbage when Node runs with --expose-gc, so one side does not pay for the other's garbage. */
export function collectGarbage() {
  if (typeof globalThis.gc === 'function') globalThis.gc();
}
