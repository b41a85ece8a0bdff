import type { ConnectionState, PoolStats } from '@kusto/db';
import { Counter, Gauge, type Registry } from 'prom-client';

// The shapes the database and the replica series share; each is read from `status()` at scrape time.

type Labels = Readonly<Record<string, string>>;

/** A connection counts as up when it answered its last check. */
export function isUp(state: ConnectionState): boolean {
  return state === 'ready' || state === 'checking';
}

interface SeriesOptions<T> {
  readonly registry: Registry;
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  /** Each labelled sample's source, read at every scrape. */
  readonly samples: () => Iterable<readonly [Labels, T]>;
}

/**
 * A counter that mirrors a total the manager keeps: each scrape adds what it grew by since the
 * last scrape (nothing when it did not grow).
 */
export function mirroredCounter(options: SeriesOptions<number>): void {
  const counted = new Map<string, number>();
  new Counter({
    name: options.name,
    help: options.help,
    labelNames: options.labelNames,
    registers: [options.registry],
    collect() {
      for (const [labels, total] of options.samples()) {
        const key = JSON.stringify(labels);
        const delta = total - (counted.get(key) ?? 0);
        this.inc(labels, delta > 0 ? delta : 0);
        counted.set(key, total);
      }
    },
  });
}

/** Pool connections by `kind` (total, idle, waiting requests); a sample without a pool adds nothing. */
export function poolConnectionsGauge(options: SeriesOptions<PoolStats | undefined>): void {
  new Gauge({
    name: options.name,
    help: options.help,
    labelNames: [...options.labelNames, 'kind'],
    registers: [options.registry],
    collect() {
      this.reset();
      for (const [labels, pool] of options.samples()) {
        if (!pool) continue;
        this.set({ ...labels, kind: 'total' }, pool.total);
        this.set({ ...labels, kind: 'idle' }, pool.idle);
        this.set({ ...labels, kind: 'waiting' }, pool.waiting);
      }
    },
  });
}
