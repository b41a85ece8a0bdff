import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { constants as osConstants } from 'node:os';
import type pg from 'pg';
import type { ModuleLoader } from '../../adapters/module-loader.js';
import { DISPOSE_GRACE_MS, endWithin } from '../dispose.js';
import type { BuiltAdapter, ProviderRequest } from '../provider.js';
import { rotatedUrl } from '../rotated-credentials.js';
import { boundedClientClass, cancelActiveQuery, destroyConnection, hasActiveQuery } from './pg-client.js';

/** `@prisma/adapter-pg` over a `pg.Pool` we configure and own. */
export function buildPostgresAdapter(request: ProviderRequest, loader: ModuleLoader): BuiltAdapter {
  const { module, entry } = loader.loadAdapter<{ PrismaPg: new (pool: pg.Pool, options: object) => SqlDriverAdapterFactory }>(
    '@prisma/adapter-pg',
    request.database,
    request.provider,
    'PrismaPg',
  );
  // The adapter tells an external pool from a config with `instanceof pg.Pool`: use its own pg.
  const { Pool, Client } = loader.loadDependencyOf<typeof pg>(entry, 'pg', 'Pool');
  const { pool: options } = request;
  const cancels = new Set<Promise<void>>();
  const pool = new Pool({
    // Every query bounded (cancelled on the server, connection evicted), and new connections
    // opened with the URL's current credentials: see pg-client.ts.
    Client: boundedClientClass(Client, {
      queryTimeoutMs: options.queryTimeoutMillis,
      connectionString: () => rotatedUrl(request, request.url),
      onTimeout: request.onConnectionError,
      cancels,
    }),
    connectionString: request.url,
    max: options.max,
    min: options.min,
    idleTimeoutMillis: options.idleTimeoutMillis,
    connectionTimeoutMillis: options.connectionTimeoutMillis,
    allowExitOnIdle: options.allowExitOnIdle,
    keepAlive: options.keepAlive,
    keepAliveInitialDelayMillis: 10_000,
    maxLifetimeSeconds: options.maxLifetimeSeconds,
  });
  // An idle connection that dies (server restart, terminated backend) emits `error` on the pool;
  // without a listener that crashes the process. pg-pool has already evicted the connection.
  pool.on('error', request.onConnectionError);
  tagConnectionFailures(pool);
  const factory = new module.PrismaPg(pool, {
    ...(request.schema ? { schema: request.schema } : {}),
    onConnectionError: request.onConnectionError,
  });
  // pool.end() waits for every checked-out connection to come back; one stuck on a peer that
  // never answers would hold it (and disconnectAll) until TCP keep-alive gives up, minutes later.
  const open = new Set<pg.PoolClient>();
  pool.on('connect', (client) => open.add(client));
  pool.on('remove', (client) => open.delete(client));
  let ended: Promise<void> | undefined;
  return {
    factory,
    stats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    dispose: () =>
      (ended ??= endWithin(pool.end(), DISPOSE_GRACE_MS, async () => {
        // Still running after the grace period: cancelled on the server (the socket going away
        // does not stop a query there), then cut.
        const config = pool.options as pg.ClientConfig;
        await Promise.all([...open].filter(hasActiveQuery).map((client) => cancelActiveQuery(Client, config, client)));
        for (const client of open) destroyConnection(client);
      }).then(() => Promise.all([...cancels]).then(() => undefined))),
  };
}

/**
 * pg reports some connection failures as plain `Error`s without a code: "timeout exceeded when
 * trying to connect" from the pool, and "Connection terminated unexpectedly" when the peer closes
 * the socket, whether a connection was being opened or a query was running on it (a pooler such as
 * PgBouncer stopping closes sockets without a Postgres error message). The Prisma adapter then passes
 * them on unclassified and a route answers 500 for what is an outage. They are connection failures
 * by where they come from, so those lacking a code get the socket code the adapter maps to
 * `ConnectionClosed`; the message is kept as it was:
 * - every error from acquiring a connection;
 * - every error a connected client emits as an `error` event: pg emits there only what broke the
 *   connection, and it is the very object the client's pending queries are rejected with (on the
 *   next tick, so it is tagged first). Errors the server sent (with a SQLSTATE) keep their code.
 */
function tagConnectionFailures(pool: pg.Pool): void {
  const tag = (error: unknown): unknown => {
    if (error instanceof Error && typeof (error as { code?: unknown }).code !== 'string') {
      Object.assign(error, { code: 'ECONNRESET', errno: -(osConstants.errno.ECONNRESET ?? 104), syscall: 'read' });
    }
    return error;
  };
  pool.on('connect', (client) => client.on('error', tag));
  const acquire = pool.connect.bind(pool) as (callback?: (...args: unknown[]) => void) => Promise<pg.PoolClient> | undefined;
  // pg-pool's own query() acquires through connect(callback); user code and the adapter use the promise form.
  pool.connect = ((callback?: (error: unknown, ...rest: unknown[]) => void) => {
    if (callback) return acquire((error: unknown, ...rest: unknown[]) => callback(error ? tag(error) : error, ...rest));
    return (acquire() as Promise<pg.PoolClient>).catch((error: unknown) => {
      tag(error);
      throw error;
    });
  }) as pg.Pool['connect'];
}
