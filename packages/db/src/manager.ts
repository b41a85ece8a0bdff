import { createAdapter } from './adapters/create-adapter.js';
import { ModuleLoader } from './adapters/module-loader.js';
import {
  missingUrlError,
  requireUrl,
  resolveDirectUrlSource,
  resolveHealth,
  resolvePool,
  resolveReadUrlSource,
  resolveUrlSource,
  type HealthConfig,
} from './config.js';
import { classifyError, isConnectionFailure, type FailureKind } from './connection/classify-error.js';
import { Connection, type BuiltClient, type ConnectionState } from './connection/connection.js';
import { connectionStatus, type ConnectionStatus } from './connection/connection-status.js';
import { parseDatabaseUrl } from './connection/database-url.js';
import { boundedCheck, healthCheckBound } from './connection/health-check.js';
import { declaresTransactionPooler } from './connection/pooler.js';
import { loadPrismaClient, type PrismaClientConstructor, type PrismaClientLike } from './connection/prisma-client.js';
import { PROFILE_DEFAULTS } from './defaults.js';
import { discoverDatabases, type DatabaseFolder, type Discovery, type SkippedFolder } from './discovery/discover.js';
import {
  ClientNotGeneratedError,
  DatabaseUnavailableError,
  isConfigurationError,
  ManagerClosedError,
  SchemaError,
  SessionUnavailableError,
  UnknownDatabaseError,
  type KustoDbErrorCode,
} from './errors.js';
import { KustoDbEmitter } from './events.js';
import { assertDatabaseName } from './naming/database-name.js';
import { describeTarget, scrubSecrets } from './naming/redact-url.js';
import type { KustoDbOptions } from './options.js';
import { resolveProfile, type DetectedProfile, type ProfileDecision } from './profiles/profile.js';
import { parseReadUrls, replicaSourceLabel } from './replicas/read-urls.js';
import { discoveryFromRegistry, registeredClient } from './registry/registry.js';
import { configuredReplicaStatus, ReplicaSet, type ReplicaHealth, type ReplicaStatus } from './replicas/replica-set.js';
import { defineRoleMethods, type RoleMethods } from './replicas/routing.js';
import type { ClientFor, DatabaseName } from './types/databases.js';

/** One database in `status()`: its primary's connection, and its replicas. Never contains a password. */
export interface DatabaseStatus extends ConnectionStatus {
  readonly name: string;
  readonly provider: string | undefined;
  /** The variable the URL is read from. */
  readonly envVar: string;
  /** Whether a URL is available (from the variable or options). */
  readonly urlSet: boolean;
  /** The URL with its password replaced by `****`. */
  readonly target: string | undefined;
  /** The URL declares a transaction pooler (`pgbouncer=true`). */
  readonly pooled: boolean;
  /** The direct URL for session work (see `sessionUrl`): its variable and redacted target. */
  readonly direct: { readonly envVar: string; readonly urlSet: boolean; readonly target: string | undefined };
  /** Read replicas (`RDS_<NAME>_READ_URL`), in order; empty without. They never change `state`. */
  readonly replicas: readonly ReplicaStatus[];
  /** The profile's two decisions, each with its reason: the check policy and the pool. */
  readonly profile: { readonly checks: ProfileDecision; readonly pool: ProfileDecision };
}

export interface DatabaseHealth {
  readonly healthy: boolean;
  readonly state: ConnectionState;
  readonly latencyMs: number | undefined;
  readonly error: string | undefined;
  /**
   * The stable code of a configuration mistake that keeps the database from being used (e.g.
   * `MISSING_URL`, with `error` naming the variable to set); undefined otherwise.
   */
  readonly configurationError?: KustoDbErrorCode;
  /**
   * What kind of failure made it unhealthy (`connection`, `timeout`, `auth`, `readOnly`, `query`),
   * for readiness to say why without a driver message (those name hosts); undefined when healthy
   * or misconfigured.
   */
  readonly failure?: FailureKind;
  readonly retryAfterMs: number;
  /** Read replicas, checked alongside; `healthy` is the primary's alone. Empty without replicas. */
  readonly replicas: readonly ReplicaHealth[];
}

export interface HealthReport {
  readonly healthy: boolean;
  readonly databases: Readonly<Record<string, DatabaseHealth>>;
}

export interface GetClientOptions {
  /** Trust the last good check this long for this call. Default: the database's `checkIntervalMs`. */
  readonly checkIntervalMs?: number;
}

export interface HealthCheckOptions {
  /** Databases to check. Default: every database used so far. */
  readonly databases?: readonly string[];
  /**
   * Bound on each database's check, rebuilds included. Default: its `checkTimeoutMs` + 1 000 ms.
   * Never shorter than `checkTimeoutMs` + `HEALTH_CHECK_BOUND_MARGIN_MS` (250 ms), so the check's
   * own timeout, which says what timed out, always answers first. Either way a timeout is reported
   * as `failure: 'timeout'`.
   */
  readonly timeoutMs?: number;
}

/**
 * The multi-database manager. Discovery happens on first use; a database's client and pool are
 * created on its first `getClient`/`getClientSync`, so unused databases cost nothing.
 */
export class KustoDb extends KustoDbEmitter {
  /** The profile in force and why: `profile`/`reason` for the check policy, `pool` for the pool. */
  readonly profile: DetectedProfile;
  private discovery: Discovery | undefined;
  private readonly connections = new Map<string, Connection>();
  private readonly replicaSets = new Map<string, ReplicaSet>();
  private readonly clientClasses = new Map<string, PrismaClientConstructor>();
  private readonly loader: ModuleLoader;
  private readonly env: NodeJS.ProcessEnv;
  private readonly now: () => number;
  private closed = false;

  constructor(private readonly options: KustoDbOptions = {}) {
    super();
    this.env = options.env ?? process.env;
    this.profile = resolveProfile(options.profile, this.env, options.poolProfile);
    this.loader = new ModuleLoader(options.cwd ?? process.cwd(), options.registry?.modules);
    this.now = options.now ?? (() => performance.now());
  }

  /** Whether the profile lets requests continue when a database fails (used by the middleware). */
  get continueOnFailure(): boolean {
    return PROFILE_DEFAULTS[this.profile.profile].continueOnFailure;
  }

  /** The folders found under the root (discovered once, on first call), or those the registry describes. */
  discover(): Discovery {
    const { registry } = this.options;
    return (this.discovery ??= registry ? discoveryFromRegistry(registry, this.options.cwd ?? process.cwd()) : discoverDatabases(this.options));
  }

  /** Known database names, sorted. */
  names(): string[] {
    return [...this.discover().databases.keys()];
  }

  /** Folders under the root that are not databases, with the reason. */
  skipped(): readonly SkippedFolder[] {
    return this.discover().skipped;
  }

  /** The folder of `name`; throws for invalid or unknown names (listing the known ones). */
  folder(name: string): DatabaseFolder {
    assertDatabaseName(name);
    const discovery = this.discover();
    const folder = discovery.databases.get(name);
    if (!folder) {
      const skipped = discovery.skipped.find((candidate) => candidate.name === name);
      throw new UnknownDatabaseError(name, [...discovery.databases.keys()], discovery.root, skipped?.reason, this.options.registry ? 'registry' : 'folders');
    }
    return folder;
  }

  /** Effective health settings of a database. */
  healthConfig(name: string): HealthConfig {
    this.folder(name);
    return resolveHealth(this.profile.profile, this.options, this.options.databases?.[name]);
  }

  /**
   * The checked client of `name`. Resolves without I/O within `checkIntervalMs` of the last good
   * check; otherwise checks (once for all concurrent callers) and rebuilds on failure. Rejects
   * with `DatabaseUnavailableError` at once while the circuit is open.
   *
   * The client is the real `PrismaClient`; a rebuild replaces it, so call `getClient` (or
   * `getClientSync`) per unit of work instead of keeping the instance. With read replicas it is
   * that client extended with read routing (model reads outside transactions go to a replica,
   * falling back to the primary); `$primary()` gives the primary's own client either way.
   */
  getClient<K extends DatabaseName>(name: K, options?: GetClientOptions): Promise<ClientFor<K>> {
    const connection = this.connections.get(name);
    if (connection) return this.routed(name, connection.getClient(options?.checkIntervalMs)) as Promise<ClientFor<K>>;
    try {
      return this.routed(name, this.connectionFor(name).getClient(options?.checkIntervalMs)) as Promise<ClientFor<K>>;
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** The current client of `name` at once: built on first use, never checked. */
  getClientSync<K extends DatabaseName>(name: K): ClientFor<K> {
    const client = (this.connections.get(name) ?? this.connectionFor(name)).getClientSync();
    return (this.replicaSets.get(name)?.route(client) ?? client) as ClientFor<K>;
  }

  /**
   * Tell the manager that `error` happened while using `name` (e.g. from a route handler). A
   * connection-class error marks the database suspect so the next `getClient` checks it; returns
   * whether it was one. Query errors (unique violations…) are ignored.
   */
  reportError(name: string, error: unknown): boolean {
    if (!isConnectionFailure(error)) return false;
    this.connections.get(name)?.markSuspect();
    return true;
  }

  /**
   * A URL for work that needs one server session throughout: migrations, session advisory locks,
   * `LISTEN`/`NOTIFY`, session `SET`s. The direct URL (`RDS_<NAME>_DIRECT_URL`) when set; else the
   * main URL. When the URL it would give declares a transaction pooler (`pgbouncer=true`), this
   * throws {@link SessionUnavailableError} rather than hand out a URL whose sessions would silently
   * break. Open your own connection with it (e.g. a `pg.Client`); `getClient` never uses it.
   */
  sessionUrl(name: string): string {
    const folder = this.folder(name);
    const options = this.options.databases?.[name];
    const direct = resolveDirectUrlSource(folder, options, this.env);
    const source = direct.url !== undefined ? direct : resolveUrlSource(folder, options, this.env);
    const url = requireUrl(folder, source);
    if (declaresTransactionPooler(url)) throw new SessionUnavailableError(name, source.source, direct.envVar);
    return url;
  }

  /** Every known database, used or not. */
  status(): DatabaseStatus[] {
    return this.names().map((name) => this.statusOf(name));
  }

  statusOf(name: string): DatabaseStatus {
    const folder = this.folder(name);
    const source = resolveUrlSource(folder, this.options.databases?.[name], this.env);
    const direct = resolveDirectUrlSource(folder, this.options.databases?.[name], this.env);
    const snapshot = this.connections.get(name)?.snapshot();
    return {
      name,
      provider: folder.schema.provider,
      ...connectionStatus(snapshot),
      envVar: source.envVar,
      urlSet: source.url !== undefined,
      target: source.url === undefined ? undefined : describeTarget(source.url),
      pooled: source.url !== undefined && declaresTransactionPooler(source.url),
      direct: { envVar: direct.envVar, urlSet: direct.url !== undefined, target: direct.url === undefined ? undefined : describeTarget(direct.url) },
      replicas: this.replicaStatus(name, folder),
      profile: { checks: { profile: this.profile.profile, reason: this.profile.reason }, pool: this.profile.pool },
    };
  }

  /** Checks databases in parallel, each bounded; never throws for a failing database. */
  async healthCheck(options: HealthCheckOptions = {}): Promise<HealthReport> {
    const names = options.databases ?? [...this.connections.keys()];
    const entries = await Promise.all(
      names.map(async (name): Promise<[string, DatabaseHealth]> => {
        const health = await this.checkOne(name, options.timeoutMs);
        return [name, health];
      }),
    );
    return { healthy: entries.every(([, health]) => health.healthy), databases: Object.fromEntries(entries) };
  }

  /** Closes every client and pool and waits for them; later calls reject. Idempotent. */
  async disconnectAll(): Promise<void> {
    this.closed = true;
    await Promise.all([
      ...[...this.connections.values()].map((connection) => connection.close()),
      ...[...this.replicaSets.values()].map((replicas) => replicas.close()),
    ]);
  }

  /** The primary decides `healthy`; replicas are checked in parallel with it and reported beside it. */
  private async checkOne(name: string, timeoutMs: number | undefined): Promise<DatabaseHealth> {
    // Not healthConfig(): an unknown name must come back as unhealthy, not throw.
    const bound = healthCheckBound(resolveHealth(this.profile.profile, this.options, this.options.databases?.[name]).checkTimeoutMs, timeoutMs);
    // checkPrimary creates the connection (and the replicas) before its first await.
    const primary = this.checkPrimary(name, bound);
    const replicas = this.replicaSets.get(name);
    if (!replicas) return { ...(await primary), replicas: [] };
    const [health, replicaHealth] = await Promise.all([primary, replicas.healthCheck(bound)]);
    return { ...health, replicas: replicaHealth };
  }

  private async checkPrimary(name: string, bound: number): Promise<Omit<DatabaseHealth, 'replicas'>> {
    let connection: Connection;
    try {
      connection = this.connections.get(name) ?? this.connectionFor(name);
    } catch (error) {
      return { healthy: false, state: 'idle', latencyMs: undefined, error: (error as Error).message, ...configurationCode(error), retryAfterMs: 0 };
    }
    try {
      await boundedCheck(connection.check(), bound);
      const snapshot = connection.snapshot();
      return { healthy: true, state: snapshot.state, latencyMs: snapshot.lastLatencyMs, error: undefined, retryAfterMs: 0 };
    } catch (error) {
      const snapshot = connection.snapshot();
      return {
        healthy: false,
        state: snapshot.state,
        latencyMs: undefined,
        error: (error as Error).message,
        ...configurationCode(error),
        ...(isConfigurationError(error) ? {} : { failure: failureOf(error) }),
        retryAfterMs: snapshot.retryAfterMs,
      };
    }
  }

  private connectionFor(name: string): Connection {
    if (this.closed) throw new ManagerClosedError();
    const folder = this.folder(name);
    const databaseOptions = this.options.databases?.[name];
    let currentUrl: string | undefined;
    const connection = new Connection({
      name,
      health: resolveHealth(this.profile.profile, this.options, databaseOptions),
      events: this,
      now: this.now,
      random: this.options.random ?? Math.random,
      scrub: (text) => scrubSecrets(text, currentUrl),
      // A primary must accept writes: its check fails on a read-only server (a failover's old writer).
      role: 'primary',
      isStale: () => currentUrl !== undefined && resolveUrlSource(folder, databaseOptions, this.env).url !== currentUrl,
      build: (onConnectionError) => {
        // The URL is read at every build, so a rotated secret is picked up by the next rebuild.
        const source = resolveUrlSource(folder, databaseOptions, this.env);
        const raw = requireUrl(folder, source);
        currentUrl = raw;
        const built = this.buildClient(name, folder, raw, source.source, onConnectionError, () => resolveUrlSource(folder, databaseOptions, this.env).url);
        defineRoleMethods(built.client, this.roleMethods(name));
        return built;
      },
    });
    const replicas = this.replicaSetFor(name, folder, connection);
    if (replicas) this.replicaSets.set(name, replicas);
    this.connections.set(name, connection);
    return connection;
  }

  /**
   * A new client and adapter for `raw` (the primary's URL or a replica's), with the pool resolved
   * from the profile, the URL's parameters and the options. `source` names where `raw` came from
   * in errors, never the URL itself. `currentRaw` re-reads that URL from the configuration: new
   * connections of the pool use it when only its credentials changed (a rotated password).
   */
  private buildClient(
    name: string,
    folder: DatabaseFolder,
    raw: string,
    source: string,
    onConnectionError: (error: Error) => void,
    currentRaw: () => string | undefined,
  ): BuiltClient {
    const provider = folder.schema.provider;
    if (!provider) throw new SchemaError(name, folder.schemaPath, 'the datasource block has no provider');
    const url = parseDatabaseUrl(name, provider, raw, source);
    const PrismaClient = this.clientClass(folder);
    const databaseOptions = this.options.databases?.[name];
    const adapter = createAdapter(
      {
        database: name,
        provider,
        url: url.url,
        urlSource: source,
        schema: url.schema,
        pool: resolvePool(this.profile.pool.profile, url.pool, this.options.pool, databaseOptions?.pool),
        dir: folder.dir,
        onConnectionError,
        custom: databaseOptions?.adapter,
        currentUrl: () => {
          const next = currentRaw();
          if (next === undefined || next === raw) return next === raw ? url.url : undefined;
          try {
            return parseDatabaseUrl(name, provider, next, source).url;
          } catch {
            return undefined; // an invalid new URL fails loudly at the next rebuild
          }
        },
      },
      this.loader,
    );
    return { client: new PrismaClient({ adapter: adapter.factory }), adapter };
  }

  private clientClass(folder: DatabaseFolder): PrismaClientConstructor {
    let PrismaClient = this.clientClasses.get(folder.name);
    if (!PrismaClient) {
      const registered = this.options.registry;
      PrismaClient = registered ? registeredClient(registered, folder.name) : loadPrismaClient(folder.name, folder);
      if (!PrismaClient) throw new ClientNotGeneratedError(folder.name, folder.clientDir);
      this.clientClasses.set(folder.name, PrismaClient);
    }
    return PrismaClient;
  }

  /** With read replicas, the routed client for the primary's `client`; else the client itself. */
  private routed(name: string, client: Promise<PrismaClientLike>): Promise<PrismaClientLike> {
    const replicas = this.replicaSets.get(name);
    return replicas ? client.then(replicas.route) : client;
  }

  /** `$primary()`/`$replica()` of the primary's own client: itself, and a replica when there are any. */
  private roleMethods(name: string): RoleMethods {
    return { primary: (self) => self, replica: (self) => this.replicaSets.get(name)?.replicaClient() ?? self };
  }

  private replicaStatus(name: string, folder: DatabaseFolder): ReplicaStatus[] {
    const read = resolveReadUrlSource(folder, this.options.databases?.[name], this.env);
    return this.replicaSets.get(name)?.status(read) ?? configuredReplicaStatus(read);
  }

  /**
   * The read replicas of a database, created with its primary. Their number is fixed then; each
   * replica's URL is re-read at every rebuild. Every URL is validated here, so a typo fails the
   * first use loudly (naming the variable and the position) instead of silently reading from the
   * primary forever.
   */
  private replicaSetFor(name: string, folder: DatabaseFolder, primary: Connection): ReplicaSet | undefined {
    const databaseOptions = this.options.databases?.[name];
    const read = resolveReadUrlSource(folder, databaseOptions, this.env);
    if (read.urls.length === 0) return undefined;
    const provider = folder.schema.provider;
    if (!provider) throw new SchemaError(name, folder.schemaPath, 'the datasource block has no provider');
    parseReadUrls(name, provider, read.source, read.urls);
    return new ReplicaSet({
      database: name,
      count: read.urls.length,
      health: resolveHealth(this.profile.profile, this.options, databaseOptions),
      events: this,
      now: this.now,
      random: this.options.random ?? Math.random,
      primary: () => primary.getClientSync(),
      urlAt: (position) => resolveReadUrlSource(folder, databaseOptions, this.env).urls[position - 1],
      build: (position, onConnectionError) => {
        const current = resolveReadUrlSource(folder, databaseOptions, this.env);
        const raw = current.urls[position - 1];
        if (raw === undefined) throw missingUrlError(folder, current.envVar);
        const source = replicaSourceLabel(current.source, position, current.urls.length);
        const now = () => resolveReadUrlSource(folder, databaseOptions, this.env).urls[position - 1];
        return { built: this.buildClient(name, folder, raw, source, onConnectionError, now), url: raw };
      },
    });
  }
}

/** The kind of the failure behind an unavailable database (the circuit's error carries it as its cause). */
function failureOf(error: unknown): FailureKind {
  return classifyError(error instanceof DatabaseUnavailableError && error.cause !== undefined ? error.cause : error);
}

function configurationCode(error: unknown): { configurationError?: KustoDbErrorCode } {
  return isConfigurationError(error) ? { configurationError: error.code } : {};
}

/** Creates a manager. Nothing is read or connected until it is used. */
export function createKustoDb(options: KustoDbOptions = {}): KustoDb {
  return new KustoDb(options);
}
