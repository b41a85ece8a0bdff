import type { PoolStats } from '../adapters/create-adapter.js';
import type { ConnectionSnapshot, ConnectionState } from './connection.js';

/** What `status()` shows of one connection: a database's primary, or one of its replicas. Never a password. */
export interface ConnectionStatus {
  readonly state: ConnectionState;
  readonly lastCheckAt: string | undefined;
  readonly lastLatencyMs: number | undefined;
  readonly consecutiveFailures: number;
  readonly reconnectCount: number;
  /** How many times the circuit has opened. */
  readonly circuitOpenCount: number;
  /** While the circuit is open: how long until the next attempt. 0 otherwise. */
  readonly retryAfterMs: number;
  readonly lastError: string | undefined;
  readonly pool: PoolStats | undefined;
}

/** A connection's snapshot as `status()` shows it; one not created yet is idle, with nothing to report. */
export function connectionStatus(snapshot: ConnectionSnapshot | undefined): ConnectionStatus {
  return {
    state: snapshot?.state ?? 'idle',
    lastCheckAt: snapshot?.lastCheckAt?.toISOString(),
    lastLatencyMs: snapshot?.lastLatencyMs,
    consecutiveFailures: snapshot?.consecutiveFailures ?? 0,
    reconnectCount: snapshot?.reconnectCount ?? 0,
    circuitOpenCount: snapshot?.circuitOpenCount ?? 0,
    retryAfterMs: snapshot?.retryAfterMs ?? 0,
    lastError: snapshot?.lastError,
    pool: snapshot?.pool,
  };
}
