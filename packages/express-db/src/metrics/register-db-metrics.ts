import type { ConnectionState, DatabaseStatus, KustoDb } from '@kusto/db';
import { Gauge, type Registry } from 'prom-client';
import { registerReplicaMetrics } from './register-replica-metrics.js';
import { isUp, mirroredCounter, poolConnectionsGauge } from './series.js';

export interface DbMetricsOptions {
  readonly manager: KustoDb;
  /** Prefix of every metric name. Default `kusto_db_`. */
  readonly prefix?: string;
}

const STATES: readonly ConnectionState[] = ['idle', 'connecting', 'ready', 'checking', 'broken', 'reconnecting', 'down', 'closed'];

/**
 * Registers per-database metrics on a prom-client registry: state, up, check latency, consecutive
 * failures, reconnects, circuit openings, pool connections; and per read replica
 * (`replica_up`, `replica_in_rotation`, …, labelled `database` and `replica`). Values are read from
 * `manager.status()` when the registry is scraped; nothing runs in between.
 */
export function registerDbMetrics(registry: Registry, options: DbMetricsOptions): void {
  const prefix = options.prefix ?? 'kusto_db_';
  const registers = [registry];
  // status() is a cheap in-memory read; each metric takes its own so any one can be collected alone.
  const statuses = () => options.manager.status();

  new Gauge({
    name: `${prefix}up`,
    help: 'Whether the database answered its last check (1) or not (0).',
    labelNames: ['database'],
    registers,
    collect() {
      this.reset();
      for (const s of statuses()) this.set({ database: s.name }, isUp(s.state) ? 1 : 0);
    },
  });
  new Gauge({
    name: `${prefix}state`,
    help: 'Connection state of each database: 1 for the current state, 0 for the others.',
    labelNames: ['database', 'state'],
    registers,
    collect() {
      this.reset();
      for (const s of statuses()) for (const state of STATES) this.set({ database: s.name, state }, s.state === state ? 1 : 0);
    },
  });
  new Gauge({
    name: `${prefix}check_latency_seconds`,
    help: 'Latency of the last successful SELECT 1 health check.',
    labelNames: ['database'],
    registers,
    collect() {
      this.reset();
      for (const s of statuses()) if (s.lastLatencyMs !== undefined) this.set({ database: s.name }, s.lastLatencyMs / 1_000);
    },
  });
  new Gauge({
    name: `${prefix}consecutive_failures`,
    help: 'Failed checks since the last success.',
    labelNames: ['database'],
    registers,
    collect() {
      this.reset();
      for (const s of statuses()) this.set({ database: s.name }, s.consecutiveFailures);
    },
  });
  const byDatabase = <T>(read: (s: DatabaseStatus) => T) =>
    function* (): Generator<readonly [{ database: string }, T]> {
      for (const s of statuses()) yield [{ database: s.name }, read(s)];
    };
  poolConnectionsGauge({
    registry,
    name: `${prefix}pool_connections`,
    help: 'Connections of the database pool by kind (total, idle, waiting requests).',
    labelNames: ['database'],
    samples: byDatabase((s) => s.pool),
  });
  // Counters mirror the manager's totals: each scrape adds what happened since the last one.
  const counter = (name: string, help: string, read: (s: DatabaseStatus) => number) =>
    mirroredCounter({ registry, name: `${prefix}${name}`, help, labelNames: ['database'], samples: byDatabase(read) });
  counter('reconnects_total', 'Recoveries after a failed check.', (s) => s.reconnectCount);
  counter('circuit_opens_total', 'Times the circuit opened (callers failed fast).', (s) => s.circuitOpenCount);
  registerReplicaMetrics(registry, prefix, statuses);
}
