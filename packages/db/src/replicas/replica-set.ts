import type { HealthConfig, ReadUrlSource } from '../config.js';
import { isConnectionFailure } from '../connection/classify-error.js';
import { Connection, type BuiltClient, type ConnectionState } from '../connection/connection.js';
import { connectionStatus, type ConnectionStatus } from '../connection/connection-status.js';
import { boundedCheck } from '../connection/health-check.js';
import type { PrismaClientLike } from '../connection/prisma-client.js';
import { sanitizeError } from '../connection/sanitize-error.js';
import type { KustoDbEmitter, KustoDbEvents } from '../events.js';
import { describeTarget, scrubSecrets } from '../naming/redact-url.js';
import { defineRoleMethods, modelProperty, routeReads, unpackDataPath, type ReadRouter } from './routing.js';

/** One read replica in `status()`. Never contains a password. */
export interface ReplicaStatus extends ConnectionStatus {
  /** 1-based position in the database's read URLs (the first URL is replica 1). */
  readonly position: number;
  /** The variable the read URLs are read from (also reported when they came from options). */
  readonly envVar: string;
  /** The replica's URL with its password replaced by `****`. */
  readonly target: string | undefined;
  /** Whether reads are sent to it. Out of rotation after a failure, until a check succeeds again. */
  readonly inRotation: boolean;
  /** Why it is out of rotation (or its last failed check), without secrets. */
  readonly lastError: string | undefined;
  /** Routed reads it answered (not counting queries on a client from `$replica()`). */
  readonly reads: number;
  /** Reads sent to it that went to the primary instead because it failed. */
  readonly fallbacks: number;
}

/** One read replica in `healthCheck()`. It never makes its database unhealthy. */
export interface ReplicaHealth {
  readonly position: number;
  readonly healthy: boolean;
  readonly inRotation: boolean;
  readonly state: ConnectionState;
  readonly latencyMs: number | undefined;
  readonly error: string | undefined;
  readonly retryAfterMs: number;
}

export interface ReplicaSetOptions {
  readonly database: string;
  /** How many replicas (fixed when the database is first used). */
  readonly count: number;
  /** The database's health settings; replicas use them with `maxRetries: 0` (the fallback is the retry). */
  readonly health: HealthConfig;
  readonly events: Pick<KustoDbEmitter, 'emit'>;
  readonly now: () => number;
  readonly random: () => number;
  /** The configured URL of replica `position` right now (re-read so a rotated secret is noticed). */
  readonly urlAt: (position: number) => string | undefined;
  /** Builds a client for replica `position` from its current URL; throws configuration errors. */
  readonly build: (position: number, onConnectionError: (error: Error) => void) => { readonly built: BuiltClient; readonly url: string };
  /** The primary's current client, without routing. */
  readonly primary: () => PrismaClientLike;
}

/** A replica's `Connection` events, renamed so listeners of the primary's events never see them. */
const RENAMED = {
  connect: 'replicaConnect',
  reconnect: 'replicaReconnect',
  disconnect: 'replicaDisconnect',
  error: 'replicaError',
  circuitOpen: 'replicaCircuitOpen',
} as const satisfies Partial<Record<keyof KustoDbEvents, keyof KustoDbEvents>>;

function replicaEvents(target: Pick<KustoDbEmitter, 'emit'>, database: string, position: number): Pick<KustoDbEmitter, 'emit'> {
  const emit = target.emit.bind(target) as (event: string, payload: unknown) => void;
  return {
    emit<E extends keyof KustoDbEvents>(event: E, ...args: KustoDbEvents[E]): void {
      const renamed = (RENAMED as Partial<Record<string, string>>)[event];
      if (renamed) emit(renamed, { ...args[0], database, replica: position });
    },
  };
}

class Replica {
  /** Out of rotation: a read or check failed; a background probe brings it back. */
  benched = false;
  probing = false;
  reads = 0;
  fallbacks = 0;
  lastError: Error | undefined;
  currentUrl: string | undefined;

  constructor(
    readonly position: number,
    readonly connection: Connection,
  ) {}

  scrub = (text: string): string => scrubSecrets(text, this.currentUrl);
}

/**
 * A database's read replicas: one `Connection` each (health check, single flight, circuit), a
 * round-robin rotation over those not benched, and the routing that falls back to the primary.
 * A replica that fails is benched (out of rotation); while benched, reads that pass it start a
 * background probe once its circuit's cooldown is over, and a successful check puts it back.
 */
export class ReplicaSet implements ReadRouter {
  private readonly replicas: readonly Replica[];
  private readonly routed = new WeakMap<PrismaClientLike, PrismaClientLike>();
  private next = 0;
  private closed = false;

  constructor(private readonly options: ReplicaSetOptions) {
    const health: HealthConfig = { ...options.health, maxRetries: 0 };
    this.replicas = Array.from({ length: options.count }, (_, index) => {
      const position = index + 1;
      const replica: Replica = new Replica(
        position,
        new Connection({
          // Names the replica in its own errors ("Database "user replica 2" is unavailable…"); events say `database` + `replica`.
          name: `${options.database} replica ${position}`,
          health,
          // Replicas are read-only by design: the plain check.
          role: 'replica',
          events: replicaEvents(options.events, options.database, position),
          now: options.now,
          random: options.random,
          scrub: (text) => replica.scrub(text),
          isStale: () => replica.currentUrl !== undefined && options.urlAt(position) !== replica.currentUrl,
          build: (onConnectionError) => {
            const { built, url } = options.build(position, onConnectionError);
            replica.currentUrl = url;
            // A replica's client from `$replica()`: `$primary()` leads back to the primary.
            defineRoleMethods(built.client, { primary: () => this.options.primary(), replica: (self) => self });
            return built;
          },
        }),
      );
      return replica;
    });
  }

  /** The primary's `base` client with read routing (one per base client, so a rebuild gets a new one). */
  readonly route = (base: PrismaClientLike): PrismaClientLike => {
    let routed = this.routed.get(base);
    if (!routed) {
      routed = routeReads(base, this);
      this.routed.set(base, routed);
    }
    return routed;
  };

  async read(
    model: string,
    operation: string,
    args: unknown,
    dataPath: readonly string[] | undefined,
    primary: () => Promise<unknown>,
  ): Promise<unknown> {
    const replica = this.pick();
    if (!replica) return primary();
    let client: PrismaClientLike;
    try {
      client = await replica.connection.getClient();
    } catch (error) {
      this.fallBack(replica, error);
      return primary();
    }
    let result: unknown;
    try {
      const delegate = (client as unknown as Record<string, Record<string, (args: unknown) => Promise<unknown>>>)[modelProperty(model)];
      result = await delegate![operation]!(args);
    } catch (error) {
      // A query error (validation, not found…) is the caller's, exactly as the primary would give it.
      if (!isConnectionFailure(error)) throw error;
      replica.connection.markSuspect();
      this.fallBack(replica, error);
      return primary();
    }
    replica.reads += 1;
    return unpackDataPath(result, dataPath);
  }

  replicaClient(): unknown {
    const replica = this.pick();
    if (replica) {
      try {
        return replica.connection.getClientSync();
      } catch (error) {
        this.bench(replica, error);
      }
    }
    return this.options.primary();
  }

  /** Per replica, for `status()`; `read` is the configuration now (for targets). */
  status(read: ReadUrlSource): ReplicaStatus[] {
    return this.replicas.map((replica) => {
      const snapshot = replica.connection.snapshot();
      const url = read.urls[replica.position - 1];
      return {
        position: replica.position,
        envVar: read.envVar,
        target: url === undefined ? undefined : describeTarget(url),
        ...connectionStatus(snapshot),
        inRotation: !replica.benched && snapshot.state !== 'closed',
        lastError: snapshot.lastError ?? (replica.benched ? replica.lastError?.message : undefined),
        reads: replica.reads,
        fallbacks: replica.fallbacks,
      };
    });
  }

  /** Checks every replica in parallel, each bounded by `timeoutMs`; a result puts it in or out of rotation. */
  healthCheck(timeoutMs: number): Promise<ReplicaHealth[]> {
    return Promise.all(
      this.replicas.map(async (replica): Promise<ReplicaHealth> => {
        try {
          await boundedCheck(replica.connection.check(), timeoutMs);
          this.restore(replica);
          const snapshot = replica.connection.snapshot();
          return {
            position: replica.position,
            healthy: true,
            inRotation: true,
            state: snapshot.state,
            latencyMs: snapshot.lastLatencyMs,
            error: undefined,
            retryAfterMs: 0,
          };
        } catch (error) {
          this.bench(replica, error);
          const snapshot = replica.connection.snapshot();
          return {
            position: replica.position,
            healthy: false,
            inRotation: false,
            state: snapshot.state,
            latencyMs: undefined,
            error: replica.scrub((error as Error).message),
            retryAfterMs: snapshot.retryAfterMs,
          };
        }
      }),
    );
  }

  /** Closes every replica's client and pool and waits for them. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.replicas.map((replica) => replica.connection.close()));
  }

  /** The next replica in rotation (round-robin), starting probes of benched ones whose cooldown is over. */
  private pick(): Replica | undefined {
    const count = this.replicas.length;
    for (let step = 0; step < count; step += 1) {
      const index = (this.next + step) % count;
      const replica = this.replicas[index]!;
      if (replica.benched) {
        this.probe(replica);
        continue;
      }
      this.next = (index + 1) % count;
      return replica;
    }
    return undefined;
  }

  /** Checks a benched replica in the background (never on a caller's time); single flight. */
  private probe(replica: Replica): void {
    if (replica.probing || this.closed || replica.connection.snapshot().retryAfterMs > 0) return;
    replica.probing = true;
    void replica.connection
      .check()
      .then(
        () => this.restore(replica),
        (error: unknown) => this.bench(replica, error),
      )
      .finally(() => {
        replica.probing = false;
      });
  }

  private fallBack(replica: Replica, error: unknown): void {
    replica.fallbacks += 1;
    this.bench(replica, error);
  }

  private bench(replica: Replica, error: unknown): void {
    const safe = sanitizeError(error, replica.scrub);
    replica.lastError = safe;
    if (replica.benched || this.closed) return;
    replica.benched = true;
    this.options.events.emit('replicaRotation', { database: this.options.database, replica: replica.position, inRotation: false, error: safe });
  }

  private restore(replica: Replica): void {
    if (!replica.benched || this.closed) return;
    replica.benched = false;
    replica.lastError = undefined;
    this.options.events.emit('replicaRotation', { database: this.options.database, replica: replica.position, inRotation: true, error: undefined });
  }
}

/** `status()` of replicas not created yet (database not used so far): from the configuration alone. */
export function configuredReplicaStatus(read: ReadUrlSource): ReplicaStatus[] {
  return read.urls.map((url, index) => ({
    position: index + 1,
    envVar: read.envVar,
    target: describeTarget(url),
    ...connectionStatus(undefined),
    inRotation: true,
    reads: 0,
    fallbacks: 0,
  }));
}
