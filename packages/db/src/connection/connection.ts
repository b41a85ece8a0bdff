import { setTimeout as sleep } from 'node:timers/promises';
import type { BuiltAdapter, PoolStats } from '../adapters/create-adapter.js';
import type { HealthConfig } from '../config.js';
import { DatabaseUnavailableError, ManagerClosedError } from '../errors.js';
import type { KustoDbEmitter } from '../events.js';
import { backoffDelay, jitteredCooldown, nextCooldown } from './backoff.js';
import { classifyError, type FailureKind } from './classify-error.js';
import { initialiseClient, runHealthCheck, SELECT_ONE } from './health-check.js';
import type { PrismaClientLike } from './prisma-client.js';
import { sanitizeError } from './sanitize-error.js';

/**
 * `idle` nothing built yet · `connecting` building and first check · `ready` checked within the
 * interval · `checking` re-checking a ready client · `broken` a check failed · `reconnecting`
 * rebuilding with backoff · `down` circuit open (fail fast until the cooldown ends) · `closed`.
 */
export type ConnectionState = 'idle' | 'connecting' | 'ready' | 'checking' | 'broken' | 'reconnecting' | 'down' | 'closed';

export interface BuiltClient {
  readonly client: PrismaClientLike;
  readonly adapter: BuiltAdapter;
}

export interface ConnectionDependencies {
  readonly name: string;
  readonly health: HealthConfig;
  /** Builds a fresh adapter and client; throws configuration errors (missing URL, client, adapter). */
  readonly build: (onConnectionError: (error: Error) => void) => BuiltClient;
  /** Whether the current client was built from settings that changed since (a rotated URL). */
  readonly isStale: () => boolean;
  /** Where events go: the manager, or a bridge that renames a replica's events. */
  readonly events: Pick<KustoDbEmitter, 'emit'>;
  /** Monotonic milliseconds. */
  readonly now: () => number;
  readonly random: () => number;
  /** Removes the URL and password from driver text. */
  readonly scrub: (text: string) => string;
  /**
   * `primary` runs the provider's primary check (which fails on a read-only server where the
   * provider can tell), `replica` the plain one: replicas are expected to be read-only.
   */
  readonly role: 'primary' | 'replica';
}

/** A snapshot of one connection for `status()`. */
export interface ConnectionSnapshot {
  readonly state: ConnectionState;
  readonly lastCheckAt: Date | undefined;
  readonly lastLatencyMs: number | undefined;
  readonly consecutiveFailures: number;
  readonly reconnectCount: number;
  readonly circuitOpenCount: number;
  readonly retryAfterMs: number;
  readonly suspect: boolean;
  readonly lastError: string | undefined;
  readonly pool: PoolStats | undefined;
}

interface CheckOutcome {
  readonly ok: boolean;
  readonly error?: Error;
  readonly kind?: FailureKind;
}

/**
 * One database's client and its health: cached checks, single-flight check and rebuild, bounded
 * retries with backoff, then a circuit that fails callers fast and lets one probe through per
 * cooldown. All state changes happen here.
 */
export class Connection {
  private state: ConnectionState = 'idle';
  private current: BuiltClient | undefined;
  private inflight: Promise<PrismaClientLike> | undefined;
  private probing = false;
  private suspect = false;
  private everConnected = false;
  private lastSuccessAt = Number.NEGATIVE_INFINITY;
  private lastCheckAt: Date | undefined;
  private lastLatencyMs: number | undefined;
  private lastError: Error | undefined;
  private consecutiveFailures = 0;
  private reconnectCount = 0;
  private circuitOpenCount = 0;
  private outageStartedAt: number | undefined;
  private openUntil = 0;
  private cooldownMs: number;
  private readonly disposals = new Set<Promise<void>>();
  private readonly clientReady = new WeakMap<BuiltClient, Promise<void>>();
  private readonly closing = new AbortController();

  constructor(private readonly deps: ConnectionDependencies) {
    this.cooldownMs = deps.health.cooldownMs;
  }

  /**
   * The checked client. Within `checkIntervalMs` of the last good check (and with no connection
   * error reported since) it resolves at once without I/O; otherwise one check runs for every
   * concurrent caller. While the circuit is open it rejects at once with {@link DatabaseUnavailableError}.
   * `checkIntervalMs` overrides the configured interval for this call.
   */
  getClient(checkIntervalMs = this.deps.health.checkIntervalMs): Promise<PrismaClientLike> {
    if (
      this.state === 'ready' &&
      !this.suspect &&
      this.current !== undefined &&
      this.deps.now() - this.lastSuccessAt < checkIntervalMs
    ) {
      return Promise.resolve(this.current.client);
    }
    return this.slowPath();
  }

  /** Runs a check now, ignoring the cached result (still single-flight, still circuit-aware). */
  check(): Promise<PrismaClientLike> {
    return this.slowPath();
  }

  /** The current client without any check, built on first use. */
  getClientSync(): PrismaClientLike {
    if (this.state === 'closed') throw new ManagerClosedError();
    this.current ??= this.build();
    return this.current.client;
  }

  /** A connection problem seen elsewhere (pool error, route handler): check on the next call. */
  markSuspect(): void {
    if (this.state !== 'closed') this.suspect = true;
  }

  snapshot(): ConnectionSnapshot {
    return {
      state: this.state,
      lastCheckAt: this.lastCheckAt,
      lastLatencyMs: this.lastLatencyMs,
      consecutiveFailures: this.consecutiveFailures,
      reconnectCount: this.reconnectCount,
      circuitOpenCount: this.circuitOpenCount,
      retryAfterMs: this.retryAfterMs(),
      suspect: this.suspect,
      lastError: this.lastError?.message,
      pool: this.current?.adapter.stats(),
    };
  }

  /** Disposes the client and pool and waits for every disposal (each is bounded); idempotent. */
  async close(): Promise<void> {
    if (this.state !== 'closed') {
      const wasConnected = this.everConnected;
      this.state = 'closed';
      this.closing.abort();
      this.retire();
      if (wasConnected) this.deps.events.emit('disconnect', { database: this.deps.name, reason: 'closed' });
    }
    await Promise.all([...this.disposals]);
  }

  private retryAfterMs(): number {
    return this.state === 'down' ? Math.max(0, this.openUntil - this.deps.now()) : 0;
  }

  private unavailable(detail: string, retryAfterMs: number): DatabaseUnavailableError {
    return new DatabaseUnavailableError(this.deps.name, retryAfterMs, detail, { cause: this.lastError });
  }

  private slowPath(): Promise<PrismaClientLike> {
    if (this.state === 'closed') return Promise.reject(new ManagerClosedError());
    if (this.inflight) {
      // Half-open: one probe is out; everyone else keeps failing fast until it answers.
      if (this.probing) {
        return Promise.reject(this.unavailable('a recovery probe is in progress', this.deps.health.checkTimeoutMs));
      }
      return this.inflight;
    }
    const now = this.deps.now();
    if (this.state === 'down' && now < this.openUntil) {
      const retryAfterMs = this.openUntil - now;
      return Promise.reject(this.unavailable(`${this.lastError?.message ?? 'it did not answer'} (retry in ${Math.ceil(retryAfterMs)} ms)`, retryAfterMs));
    }
    this.probing = this.state === 'down';
    const flight = this.ensure(this.probing).finally(() => {
      this.inflight = undefined;
      this.probing = false;
    });
    this.inflight = flight;
    return flight;
  }

  private build(): BuiltClient {
    return this.deps.build((error) => this.onPoolError(error));
  }

  private onPoolError(error: Error): void {
    if (this.state === 'closed') return;
    this.suspect = true;
    const safe = sanitizeError(error, this.deps.scrub);
    this.deps.events.emit('error', { database: this.deps.name, error: safe, kind: classifyError(error), during: 'pool' });
  }

  private async ensure(probe: boolean): Promise<PrismaClientLike> {
    if (this.current && (this.deps.isStale() || this.current.adapter.stillUsable?.() === false)) this.retire();
    if (!this.current) {
      const previous = this.state;
      this.state = this.everConnected || previous === 'down' ? 'reconnecting' : 'connecting';
      try {
        this.current = this.build();
      } catch (configError) {
        // Missing URL, client or adapter: nothing to retry, and no reason to open the circuit. A
        // working client retired for a changed URL that does not build is not "ready" any more.
        this.state = previous === 'ready' || previous === 'checking' ? 'broken' : previous;
        if (this.state === 'broken') this.lastError = sanitizeError(configError, this.deps.scrub);
        throw configError;
      }
    } else if (this.state === 'ready') {
      this.state = 'checking';
    }

    const first = await this.runCheck();
    if (first.ok) return this.succeed(0);

    let attempts = 0;
    let last = first;
    // A refused login with a URL that changed since the client was built (a rotated password whose
    // new URL is already in the environment): rebuild from it at once, before any caller gets a 503.
    if (last.kind === 'auth' && this.deps.isStale()) {
      this.retire();
      this.current = this.build();
      last = await this.runCheck();
      if (last.ok) return this.succeed(0);
    }
    // A timeout or a refused login will not be cured by asking again at once; a probe gets one try.
    // A read-only primary is asked again on a new pool: after a failover, DNS sends new connections
    // to the new writer.
    const retryable = (outcome: CheckOutcome) => outcome.kind === 'connection' || outcome.kind === 'query' || outcome.kind === 'readOnly';
    while (!probe && retryable(last) && attempts < this.deps.health.maxRetries) {
      attempts += 1;
      this.state = 'reconnecting';
      try {
        await sleep(backoffDelay(attempts, this.deps.health.retryDelayMs, this.deps.health.maxRetryDelayMs, this.deps.random), undefined, {
          signal: this.closing.signal,
        });
      } catch {
        throw new ManagerClosedError();
      }
      // The same client recovers once the server answers (pg evicts dead connections), and a
      // new one costs a compile of Prisma's query compiler that blocks the event loop: rebuild
      // only when the settings changed (a rotated password) or the client was retired.
      if (!this.current || this.deps.isStale() || last.kind === 'readOnly') {
        this.retire();
        this.current = this.build();
      }
      last = await this.runCheck();
      if (last.ok) return this.succeed(attempts);
    }
    throw this.openCircuit(last.error!, last.kind!);
  }

  private async runCheck(): Promise<CheckOutcome> {
    const built = this.current!;
    try {
      let ready = this.clientReady.get(built);
      if (!ready) {
        // A failed initialisation is forgotten, so the next check tries again on the same client.
        ready = initialiseClient(built.client).catch((error: unknown) => {
          this.clientReady.delete(built);
          throw error;
        });
        this.clientReady.set(built, ready);
      }
      await ready;
      // A primary must accept writes: where the provider can tell, its check also fails on a
      // read-only server. Replicas (and providers without such a probe) run the plain check.
      const query = this.deps.role === 'primary' ? (built.adapter.primaryHealthCheck ?? built.adapter.healthCheck) : built.adapter.healthCheck;
      const latency = await runHealthCheck(built.client, this.deps.health.checkTimeoutMs, this.deps.now, query ?? SELECT_ONE);
      // Closed while the check was out: report that, and never bring the connection back to life.
      if (this.state === 'closed' || this.current !== built) throw new ManagerClosedError();
      this.lastCheckAt = new Date();
      this.lastLatencyMs = latency;
      return { ok: true };
    } catch (error) {
      if (this.state === 'closed' || error instanceof ManagerClosedError) throw new ManagerClosedError();
      this.lastCheckAt = new Date();
      const kind = classifyError(error);
      const safe = sanitizeError(error, this.deps.scrub);
      this.recordFailure(safe, kind);
      return { ok: false, error: safe, kind };
    }
  }

  private recordFailure(error: Error, kind: FailureKind): void {
    this.lastError = error;
    this.consecutiveFailures += 1;
    if (this.consecutiveFailures === 1) {
      this.outageStartedAt = this.deps.now();
      if (this.everConnected) this.deps.events.emit('disconnect', { database: this.deps.name, reason: 'lost' });
    }
    if (this.state === 'checking' || this.state === 'ready') this.state = 'broken';
    this.deps.events.emit('error', { database: this.deps.name, error, kind, during: 'check' });
  }

  private succeed(attempts: number): PrismaClientLike {
    const recovered = this.consecutiveFailures > 0;
    const downtimeMs = this.outageStartedAt === undefined ? 0 : this.deps.now() - this.outageStartedAt;
    this.state = 'ready';
    this.suspect = false;
    this.lastSuccessAt = this.deps.now();
    this.consecutiveFailures = 0;
    this.outageStartedAt = undefined;
    this.cooldownMs = this.deps.health.cooldownMs;
    this.lastError = undefined;
    if (!this.everConnected) {
      this.everConnected = true;
      this.deps.events.emit('connect', { database: this.deps.name, latencyMs: this.lastLatencyMs ?? 0 });
    } else if (recovered) {
      this.reconnectCount += 1;
      this.deps.events.emit('reconnect', { database: this.deps.name, attempts, downtimeMs });
    }
    return this.current!.client;
  }

  private openCircuit(error: Error, kind: FailureKind): DatabaseUnavailableError {
    const now = this.deps.now();
    // Jittered, so the instances of a fleet probe a recovering server spread out, not in lockstep.
    const retryAfterMs = jitteredCooldown(this.cooldownMs, this.deps.random);
    this.state = 'down';
    this.circuitOpenCount += 1;
    this.openUntil = now + retryAfterMs;
    const outageMs = now - (this.outageStartedAt ?? now);
    if (outageMs >= this.deps.health.fastRecoveryWindowMs) {
      this.cooldownMs = nextCooldown(this.cooldownMs, this.deps.health.maxCooldownMs);
    }
    // A check that got no answer may have left connections hung on a silent peer (no RST, no
    // error until TCP keep-alive gives up, minutes later), and a read-only primary's connections
    // lead to the old writer: the next probe starts from a new pool.
    if (kind === 'timeout' || kind === 'readOnly') this.retire();
    this.deps.events.emit('circuitOpen', {
      database: this.deps.name,
      retryAfterMs,
      consecutiveFailures: this.consecutiveFailures,
      error,
    });
    return new DatabaseUnavailableError(this.deps.name, retryAfterMs, error.message, { cause: error });
  }

  /** Drops the current client; its pool is closed in the background (a hung socket must not block us). */
  private retire(): void {
    const old = this.current;
    if (!old) return;
    this.current = undefined;
    const disposal = old.client
      .$disconnect()
      .catch(() => undefined)
      .then(() => old.adapter.dispose())
      .catch(() => undefined)
      .finally(() => this.disposals.delete(disposal));
    this.disposals.add(disposal);
  }
}
