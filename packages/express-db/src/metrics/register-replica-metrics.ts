import type { DatabaseStatus, ReplicaStatus } from '@kusto/db';
import { Gauge, type Registry } from 'prom-client';
import { isUp, mirroredCounter, poolConnectionsGauge } from './series.js';

/** Each replica of each database, with its labels (`replica` is its 1-based position in the read URLs). */
function* replicasOf(statuses: readonly DatabaseStatus[]): Generator<[{ database: string; replica: string }, ReplicaStatus]> {
  for (const status of statuses) {
    for (const replica of status.replicas) yield [{ database: status.name, replica: String(replica.position) }, replica];
  }
}

/**
 * Per-replica series beside the per-database ones (`<prefix>replica_…{database,replica}`), read
 * from `status()` at scrape time. Databases without replicas add no samples.
 */
export function registerReplicaMetrics(registry: Registry, prefix: string, statuses: () => readonly DatabaseStatus[]): void {
  const registers = [registry];
  const labelNames = ['database', 'replica'] as const;

  new Gauge({
    name: `${prefix}replica_up`,
    help: 'Whether the read replica answered its last check (1) or not (0).',
    labelNames,
    registers,
    collect() {
      this.reset();
      for (const [labels, r] of replicasOf(statuses())) this.set(labels, isUp(r.state) ? 1 : 0);
    },
  });
  new Gauge({
    name: `${prefix}replica_in_rotation`,
    help: 'Whether reads are sent to the read replica (1) or it is out of rotation after a failure (0).',
    labelNames,
    registers,
    collect() {
      this.reset();
      for (const [labels, r] of replicasOf(statuses())) this.set(labels, r.inRotation ? 1 : 0);
    },
  });
  new Gauge({
    name: `${prefix}replica_check_latency_seconds`,
    help: 'Latency of the read replica’s last successful SELECT 1 health check.',
    labelNames,
    registers,
    collect() {
      this.reset();
      for (const [labels, r] of replicasOf(statuses())) if (r.lastLatencyMs !== undefined) this.set(labels, r.lastLatencyMs / 1_000);
    },
  });
  const byReplica = <T>(read: (r: ReplicaStatus) => T) =>
    function* (): Generator<readonly [{ database: string; replica: string }, T]> {
      for (const [labels, r] of replicasOf(statuses())) yield [labels, read(r)];
    };
  poolConnectionsGauge({
    registry,
    name: `${prefix}replica_pool_connections`,
    help: 'Connections of the read replica’s pool by kind (total, idle, waiting requests).',
    labelNames,
    samples: byReplica((r) => r.pool),
  });
  // Counters mirror the manager's totals, as for databases: each scrape adds what happened since the last.
  const counter = (name: string, help: string, read: (r: ReplicaStatus) => number) =>
    mirroredCounter({ registry, name: `${prefix}${name}`, help, labelNames, samples: byReplica(read) });
  counter('replica_reads_total', 'Reads the read replica answered.', (r) => r.reads);
  counter('replica_fallbacks_total', 'Reads sent to the read replica that the primary answered because the replica failed.', (r) => r.fallbacks);
  counter('replica_reconnects_total', 'Recoveries of the read replica after a failed check.', (r) => r.reconnectCount);
}
