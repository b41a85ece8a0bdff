import type { DatabaseHealth, DatabaseStatus, ReplicaStatus } from '@kusto/db';
import { roundMs } from './milliseconds.js';

// Read replicas are shown beside their database, never folded into it: a down replica leaves the
// database healthy (its reads fall back to the primary), so readiness stays 200 and says which.

/** The `replicas` part of a database's readiness entry; nothing for a database without replicas. */
export function replicaReadiness(health: DatabaseHealth, targets: readonly ReplicaStatus[] | undefined): { replicas?: unknown[] } {
  if (health.replicas.length === 0) return {};
  return {
    replicas: health.replicas.map((replica) => ({
      position: replica.position,
      healthy: replica.healthy,
      inRotation: replica.inRotation,
      state: replica.state,
      latencyMs: roundMs(replica.latencyMs),
      ...(replica.healthy ? {} : { retryAfterMs: roundMs(replica.retryAfterMs) }),
      ...(targets ? { target: targets.find((status) => status.position === replica.position)?.target } : {}),
    })),
  };
}

/** The `replicas` part of a database's detail entry; nothing for a database without replicas. */
export function describeReplicas(status: DatabaseStatus, showTargets: boolean): { replicas?: unknown[] } {
  if (status.replicas.length === 0) return {};
  return {
    replicas: status.replicas.map((replica) => ({
      position: replica.position,
      state: replica.state,
      inRotation: replica.inRotation,
      latencyMs: roundMs(replica.lastLatencyMs),
      lastCheckAt: replica.lastCheckAt,
      consecutiveFailures: replica.consecutiveFailures,
      reconnectCount: replica.reconnectCount,
      circuitOpenCount: replica.circuitOpenCount,
      retryAfterMs: roundMs(replica.retryAfterMs),
      reads: replica.reads,
      fallbacks: replica.fallbacks,
      pool: replica.pool,
      // As for the primary: hosts and driver messages only with targets.
      ...(showTargets ? { envVar: replica.envVar, target: replica.target, lastError: replica.lastError } : {}),
    })),
  };
}
