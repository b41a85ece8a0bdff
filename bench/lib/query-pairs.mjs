import { USER_ROWS } from './setup.mjs';
import { quantile } from './stats.mjs';

/**
 * `count` pairs of `findUnique`-by-id queries, one per side, alternating which side goes first, so
 * both sides see the same moment of the machine's load. Each side is `(id) => row`; a wrong row
 * throws. Returns each side's p50 and p99 in ms.
 */
export async function timePairs(count, sides) {
  const samples = sides.map(() => new Array(count));
  for (let i = 0; i < count; i++) {
    const id = 1 + ((i * 7919) % USER_ROWS);
    for (let k = 0; k < sides.length; k++) {
      const side = (i + k) % sides.length;
      const started = performance.now();
      const row = await sides[side](id);
      samples[side][i] = performance.now() - started;
      if (!row || row.id !== id) throw new Error(`findUnique(${id}) returned ${JSON.stringify(row)}`);
    }
  }
  return samples.map((values) => ({ p50: quantile(values, 0.5), p99: quantile(values, 0.99) }));
}
