import { EventEmitter } from 'node:events';
import type { FailureKind } from './connection/classify-error.js';

export interface ConnectEvent {
  readonly database: string;
  readonly latencyMs: number;
}
export interface ReconnectEvent {
  readonly database: string;
  /** Rebuilds it took in the recovery that just succeeded (0: the first check after the outage passed). */
  readonly attempts: number;
  /** Since the first failure of this outage. */
  readonly downtimeMs: number;
}
export interface DisconnectEvent {
  readonly database: string;
  /** `lost`: a check failed after the database had worked; `closed`: `disconnectAll()`. */
  readonly reason: 'lost' | 'closed';
}
export interface ErrorEvent {
  readonly database: string;
  /** Message without secrets. */
  readonly error: Error;
  readonly kind: FailureKind;
  /** `check`: a health check failed; `pool`: the driver reported a dying connection. */
  readonly during: 'check' | 'pool';
}
export interface CircuitOpenEvent {
  readonly database: string;
  readonly retryAfterMs: number;
  readonly consecutiveFailures: number;
  readonly error: Error;
}

/** Which read replica an event is about: its 1-based position in the database's read URLs. */
export interface ReplicaRef {
  readonly replica: number;
}
export interface ReplicaRotationEvent extends ReplicaRef {
  readonly database: string;
  /** `false`: the replica left the rotation (its reads go to other replicas or the primary); `true`: it is back. */
  readonly inRotation: boolean;
  /** Why it left (message without secrets); undefined when it came back. */
  readonly error: Error | undefined;
}

/**
 * Read replicas have events of their own, so a replica's failure never looks like its primary's
 * to a listener of `error`/`reconnect`/… (which are about primaries only).
 */
export interface KustoDbEvents {
  connect: [ConnectEvent];
  reconnect: [ReconnectEvent];
  disconnect: [DisconnectEvent];
  error: [ErrorEvent];
  circuitOpen: [CircuitOpenEvent];
  replicaConnect: [ConnectEvent & ReplicaRef];
  replicaReconnect: [ReconnectEvent & ReplicaRef];
  replicaDisconnect: [DisconnectEvent & ReplicaRef];
  replicaError: [ErrorEvent & ReplicaRef];
  replicaCircuitOpen: [CircuitOpenEvent & ReplicaRef];
  replicaRotation: [ReplicaRotationEvent];
}

/**
 * Typed events. `error` is only emitted when someone listens: a database outage is reported through
 * `getClient` rejections and `status()`, and must not crash a process that never subscribed.
 */
export class KustoDbEmitter {
  private readonly emitter = new EventEmitter();

  on<E extends keyof KustoDbEvents>(event: E, listener: (...args: KustoDbEvents[E]) => void): this {
    this.emitter.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  once<E extends keyof KustoDbEvents>(event: E, listener: (...args: KustoDbEvents[E]) => void): this {
    this.emitter.once(event, listener as (...args: unknown[]) => void);
    return this;
  }

  off<E extends keyof KustoDbEvents>(event: E, listener: (...args: KustoDbEvents[E]) => void): this {
    this.emitter.off(event, listener as (...args: unknown[]) => void);
    return this;
  }

  emit<E extends keyof KustoDbEvents>(event: E, ...args: KustoDbEvents[E]): void {
    if (event === 'error' && this.emitter.listenerCount('error') === 0) return;
    this.emitter.emit(event, ...args);
  }
}
