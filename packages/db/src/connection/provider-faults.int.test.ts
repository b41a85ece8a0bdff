import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { findFreePort, startTcpProxy, type TcpProxy } from '@kusto/test-servers';
import { providerServers, type ProviderServer } from '@kusto/test-servers/testing';
import { DatabaseUnavailableError } from '../errors.js';
import type { ErrorEvent, ReconnectEvent } from '../events.js';
import { createKustoDb, type KustoDb } from '../manager.js';
import type { KustoDbOptions } from '../options.js';
import { fixtureProject, schemaFor, USER_MODELS } from '../test-support/fixture-project.js';
import { classifyError, isConnectionFailure } from './classify-error.js';

// The runtime's fault suite on every provider with a real server here: Postgres, and MySQL on a
// real MariaDB (skipped, with the reason, where MariaDB cannot run). Every fault is caused for
// real: the server stopped or restarted, its sessions killed, a proxy that accepts TCP and never
// answers, a wrong password, an unknown database.

interface User {
  id: number;
  email: string;
}
interface UserDelegate {
  create(args: { data: { email: string } }): Promise<User>;
  count(): Promise<number>;
}
interface Client {
  $queryRawUnsafe<T>(sql: string): Promise<T>;
  user: UserDelegate;
  $transaction<T>(work: (tx: { user: UserDelegate; $queryRawUnsafe<R>(sql: string): Promise<R> }) => Promise<T>, options?: { timeout?: number; maxWait?: number }): Promise<T>;
}

const FAST: KustoDbOptions = {
  profile: 'traditional',
  checkIntervalMs: 50,
  checkTimeoutMs: 3_000, // generous: the first check of a new client also loads Prisma's query compiler
  maxRetries: 2,
  retryDelayMs: 20,
  cooldownMs: 200,
  pool: { connectionTimeoutMillis: 1_000 },
};

async function waitUntil(what: string, condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await sleep(20);
  }
}

/** Resolves true when `promise` settles before any timer or I/O callback gets to run. */
async function settlesWithoutIo(promise: Promise<unknown>): Promise<boolean> {
  let ioRan = false;
  const marker = new Promise<void>((resolve) =>
    setImmediate(() => {
      ioRan = true;
      resolve();
    }),
  );
  let settledBeforeIo = false;
  await promise.then(
    () => (settledBeforeIo = !ioRan),
    () => (settledBeforeIo = !ioRan),
  );
  await marker;
  return settledBeforeIo;
}

const kits = await providerServers();

for (const kit of kits) {
  const suite = kit.available ? describe : describe.skip;
  suite(`runtime faults on ${kit.name}${kit.available ? '' : ` (skipped: ${kit.reason})`}`, () => {
    let server: ProviderServer;
    let proxy: TcpProxy;
    let project: string;
    let url: string;
    const managers: KustoDb[] = [];
    /** How each driver words a refused connection: pg's through Prisma, the mariadb connector's own. */
    const refused = kit.provider === 'mysql' ? /connect ECONNREFUSED 127\.0\.0\.1:\d+/ : /Can't reach database server at 127\.0\.0\.1:\d+/;

    beforeAll(async () => {
      [server, project] = await Promise.all([kit.start(), fixtureProject({ main: schemaFor(kit.provider, USER_MODELS) })]);
      url = await server.createDatabase('faults');
      await server.exec(url, server.userTableSql);
      proxy = await startTcpProxy({ targetHost: server.host, targetPort: server.port });
    }, 120_000);

    afterEach(async () => {
      await Promise.all(managers.splice(0).map((m) => m.disconnectAll()));
      proxy.heal();
      if (!server.running) await server.start();
    });

    afterAll(async () => {
      await proxy?.close();
      await server?.close();
    });

    function manager(target: string, options: KustoDbOptions = {}): KustoDb {
      const m = createKustoDb({ cwd: project, env: { RDS_MAIN_URL: target }, ...FAST, ...options });
      managers.push(m);
      return m;
    }

    async function query(m: KustoDb): Promise<number> {
      const client = (await m.getClient('main')) as unknown as Client;
      const rows = await client.$queryRawUnsafe<{ one: number | bigint }[]>('SELECT 1 AS one');
      return Number(rows[0]!.one);
    }

    /** The first check's error events of a manager that cannot connect, with the time getClient took. */
    async function failedBoot(target: string) {
      const m = manager(target, { maxRetries: 0 });
      const errors: ErrorEvent[] = [];
      m.on('error', (event) => event.during === 'check' && errors.push(event));
      const started = performance.now();
      const error = await m.getClient('main').catch((e: unknown) => e);
      return { m, error: error as DatabaseUnavailableError, errors, elapsedMs: performance.now() - started };
    }

    test('server stopped during traffic: DatabaseUnavailableError without hanging, then recovery after a start, one reconnect event', async () => {
      const m = manager(url);
      const reconnects: ReconnectEvent[] = [];
      const poolErrors: ErrorEvent[] = [];
      m.on('reconnect', (event) => reconnects.push(event));
      m.on('error', (event) => event.during === 'pool' && poolErrors.push(event));
      for (let i = 0; i < 20; i++) expect(await query(m)).toBe(1);

      await server.stop();
      await sleep(FAST.checkIntervalMs! + 10);
      const error = await m.getClient('main').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DatabaseUnavailableError);
      expect(error).toMatchObject({ database: 'main', code: 'DATABASE_UNAVAILABLE' });
      expect((error as DatabaseUnavailableError).retryAfterMs).toBeGreaterThan(0);
      expect(m.statusOf('main').state).toBe('down');
      // Within the cooldown further callers fail at once.
      expect(await settlesWithoutIo(m.getClient('main'))).toBe(true);

      await server.start();
      await waitUntil('recovery', async () => (await query(m).catch(() => 0)) === 1);
      expect(m.statusOf('main')).toMatchObject({ state: 'ready', reconnectCount: 1, consecutiveFailures: 0 });
      expect(reconnects).toHaveLength(1);
      expect(reconnects[0]).toMatchObject({ database: 'main' });
      // The idle pooled connections died with the server: reported as events, not a crash.
      expect(poolErrors.length).toBeGreaterThan(0);
      expect(poolErrors.map((event) => event.kind)).toContain('connection');
    });

    test('a raw query on getClientSync() with the server down fails at once as a connection failure, not after a pool timeout', async () => {
      const m = manager(url);
      expect(await query(m)).toBe(1);
      await server.stop();
      const client = m.getClientSync('main') as unknown as Client;
      const outcome = await Promise.race([
        client.$queryRawUnsafe('SELECT 1').then(
          () => 'answered',
          (error: unknown) => error,
        ),
        sleep(FAST.pool!.connectionTimeoutMillis! - 100).then(() => 'still waiting: the pool timeout would answer'),
      ]);
      expect(outcome).toBeInstanceOf(Error);
      expect(classifyError(outcome)).toBe('connection');
    });

    test('every session killed by the server is survived: the next getClient checks and queries work', async () => {
      const m = manager(url, { checkIntervalMs: 60_000 });
      const poolErrors: ErrorEvent[] = [];
      m.on('error', (event) => event.during === 'pool' && poolErrors.push(event));
      await Promise.all(Array.from({ length: 5 }, () => query(m)));
      const checkedBefore = m.statusOf('main').lastCheckAt;
      expect(await server.killConnections('faults')).toBeGreaterThan(0);
      // The idle connections hear of it (Postgres' FATAL message, MariaDB closing the socket).
      await waitUntil('the pool reporting the killed sessions', () => Promise.resolve(poolErrors.length > 0), 5_000);
      expect(poolErrors[0]!.kind).toBe('connection');
      // Despite a 60 s interval, the reported connection error makes the next call check.
      expect(await query(m)).toBe(1);
      expect(m.statusOf('main').lastCheckAt).not.toBe(checkedBefore);
      expect(m.statusOf('main').state).toBe('ready');
    });

    test('sessions the server ends for being idle are reported as connection failures, and the next call works', async () => {
      // Postgres: idle_session_timeout (57P05 sent before closing); MySQL/MariaDB: wait_timeout
      // (the server closes the session; MySQL 8 sends 4031 first). Both read by new sessions.
      const [idleOn, idleOff] =
        kit.provider === 'mysql'
          ? [['SET GLOBAL wait_timeout = 1'], ['SET GLOBAL wait_timeout = DEFAULT']]
          : [["ALTER SYSTEM SET idle_session_timeout = '300ms'", 'SELECT pg_reload_conf()'], ['ALTER SYSTEM RESET idle_session_timeout', 'SELECT pg_reload_conf()']];
      await server.exec(url, ...idleOn);
      try {
        const m = manager(url, { checkIntervalMs: 60_000 });
        const poolErrors: ErrorEvent[] = [];
        m.on('error', (event) => event.during === 'pool' && poolErrors.push(event));
        await Promise.all(Array.from({ length: 3 }, () => query(m)));
        await waitUntil('the pool reporting an ended session', () => Promise.resolve(poolErrors.length > 0), 10_000);
        if (kit.provider === 'postgresql') expect(poolErrors[0]!.error).toMatchObject({ code: '57P05' });
        expect(poolErrors.map((event) => event.kind)).toEqual(poolErrors.map(() => 'connection'));
        expect(await query(m)).toBe(1);
      } finally {
        await server.exec(url, ...idleOff);
      }
    });

    test('a server that accepts TCP and never answers: one bounded check, then fail-fast without I/O, recovery after heal', async () => {
      const m = manager(proxy.url(url), { maxRetries: 3, cooldownMs: 1_500 });
      expect(await query(m)).toBe(1);

      proxy.blackhole();
      await sleep(FAST.checkIntervalMs! + 10);
      const started = performance.now();
      const error = await m.getClient('main').catch((e: unknown) => e);
      const elapsed = performance.now() - started;
      expect(error).toBeInstanceOf(DatabaseUnavailableError);
      expect(String((error as Error).message)).toMatch(/no answer to SELECT .* within 3000 ms/);
      expect(elapsed).toBeLessThan(FAST.checkTimeoutMs! * 2);

      const accepted = proxy.acceptedCount;
      const fast = await Promise.all(Array.from({ length: 100 }, () => settlesWithoutIo(m.getClient('main'))));
      expect(fast.every(Boolean)).toBe(true);
      expect(proxy.acceptedCount).toBe(accepted);

      proxy.heal();
      await waitUntil('recovery after heal', async () => (await query(m).catch(() => 0)) === 1);
    });

    test('the server process frozen for 20 s (SIGSTOP) and thawed: every call settles within its bounds as a connection failure, and the first call after the thaw works', async () => {
      const m = manager(url, { checkTimeoutMs: 1_000, databases: { main: { pool: { queryTimeoutMillis: 1_500 } } } });
      expect(await query(m)).toBe(1);
      await server.freeze();
      const outcomes: string[] = [];
      try {
        for (const frozenUntil = Date.now() + 20_000; Date.now() < frozenUntil; await sleep(250)) {
          // Far beyond every bound involved (query 1.5 s, check 1 s, pool acquire 1 s): a hang detector.
          const outcome = await Promise.race([
            query(m).then(
              () => 'answered',
              (error: unknown) => (isConnectionFailure(error) ? 'connection failure' : `other: ${String(error)}`),
            ),
            sleep(10_000).then(() => 'hung'),
          ]);
          outcomes.push(outcome);
        }
      } finally {
        await server.thaw();
      }
      expect(new Set(outcomes)).toEqual(new Set(['connection failure']));
      await waitUntil('a query after the thaw', async () => (await query(m).catch(() => 0)) === 1, 15_000);
      expect(m.statusOf('main').state).toBe('ready');
    }, 90_000);

    test('disconnectAll() finishes while the server accepts TCP and never answers (hung connections do not hold it)', async () => {
      const m = createKustoDb({ cwd: project, env: { RDS_MAIN_URL: proxy.url(url) }, ...FAST, checkTimeoutMs: 500 });
      expect(await query(m)).toBe(1);
      proxy.blackhole();
      await sleep(FAST.checkIntervalMs! + 10);
      await expect(m.getClient('main')).rejects.toBeInstanceOf(DatabaseUnavailableError);
      const outcome = await Promise.race([m.disconnectAll().then(() => 'closed'), sleep(15_000).then(() => 'still waiting after 15 s')]);
      expect(outcome).toBe('closed');
    });

    test('down at boot: the cause is named (connection refused), and a later call connects once the server is up', async () => {
      await server.stop();
      const { m, error, errors } = await failedBoot(url);
      const connects: string[] = [];
      m.on('connect', ({ database }) => connects.push(database));
      expect(error).toBeInstanceOf(DatabaseUnavailableError);
      expect(error.message).toMatch(refused);
      expect(errors.map((event) => event.kind)).toEqual(['connection']);
      expect(m.statusOf('main').state).toBe('down');
      await server.start();
      await waitUntil('a connect after the start', async () => (await query(m).catch(() => 0)) === 1);
      expect(connects).toEqual(['main']);
    });

    test('a wrong password is an auth failure with its own message, never the password, and is not retried', async () => {
      const wrong = new URL(url);
      wrong.password = 'not-the-Secret-42';
      const { error, errors } = await failedBoot(wrong.toString());
      expect(error).toBeInstanceOf(DatabaseUnavailableError);
      expect(errors.map((event) => event.kind)).toEqual(['auth']);
      expect(error.message).toMatch(kit.provider === 'mysql' ? /Access denied/ : /password authentication failed/);
      expect(error.message).not.toContain('not-the-Secret-42');
      expect(JSON.stringify(errors.map((event) => event.error.message))).not.toContain('not-the-Secret-42');
    });

    test('an unknown database is named in the error', async () => {
      const { error, errors } = await failedBoot(url.replace(/\/faults$/, '/no_such_db'));
      expect(error).toBeInstanceOf(DatabaseUnavailableError);
      expect(error.message).toMatch(/no_such_db/);
      expect(errors).toHaveLength(1);
      expect(errors[0]!.kind).toBe('connection');
    });

    test('a refused port fails fast with the cause, not the driver\'s pool timeout', async () => {
      const closed = url.replace(`:${server.port}/`, `:${await findFreePort()}/`);
      const { error, elapsedMs } = await failedBoot(closed);
      expect(error.message).toMatch(refused);
      // Far below the pool's 1 000 ms acquire timeout, which is what the driver alone would wait.
      expect(elapsedMs).toBeLessThan(FAST.pool!.connectionTimeoutMillis!);
    });

    test('100 concurrent getClient calls during an outage share one check and one retry sequence', async () => {
      const m = manager(proxy.url(url), { maxRetries: 2 });
      const checkErrors: ErrorEvent[] = [];
      m.on('error', (event) => event.during === 'check' && checkErrors.push(event));
      expect(await query(m)).toBe(1);

      await server.stop();
      await sleep(FAST.checkIntervalMs! + 10);
      const acceptedBefore = proxy.acceptedCount;
      const results = await Promise.allSettled(Array.from({ length: 100 }, () => m.getClient('main')));

      expect(results.every((r) => r.status === 'rejected' && r.reason instanceof DatabaseUnavailableError)).toBe(true);
      expect(checkErrors).toHaveLength(1 + 2);
      // A handful of connection attempts (the checks, and the MySQL pool's own background
      // refills), not 100 × anything.
      expect(proxy.acceptedCount - acceptedBefore).toBeLessThan(10);
    });

    test('a restart in the middle of $transaction fails it as a connection failure, and nothing of it is committed', async () => {
      const m = manager(url, { checkIntervalMs: 60_000 });
      const client = (await m.getClient('main')) as unknown as Client;
      const before = await client.user.count();
      const transaction = client
        .$transaction(
          async (tx) => {
            await tx.user.create({ data: { email: `mid-restart-${Date.now()}@example.com` } });
            await tx.$queryRawUnsafe(server.sleepSql(5));
          },
          { timeout: 20_000 },
        )
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      await waitUntil('the transaction sleeping', async () => (await server.activeQueries('faults', server.sleepSql(5))) > 0);
      await server.restart();

      const error = await transaction;
      expect(error).toBeInstanceOf(Error);
      expect(classifyError(error)).toBe('connection');
      expect(m.reportError('main', error)).toBe(true);
      const count = async () => ((await m.getClient('main')) as unknown as Client).user.count();
      await waitUntil('a count after the restart', async () => (await count().catch(() => -1)) >= 0);
      expect(await count()).toBe(before);
    });

    if (kit.provider === 'mysql') test('bad MySQL input is one clear error each, naming the database, the variable and what to do', async () => {
      const unknown = await manager(`${url}?connectionLimit=5`).getClient('main').catch((e: unknown) => e);
      expect(unknown).toMatchObject({ code: 'INVALID_URL', database: 'main', source: 'RDS_MAIN_URL' });
      expect(String((unknown as Error).message)).toMatch(/unknown parameter "connectionLimit" for a MySQL URL; supported: connection_limit.*Remove it/);
      expect(String((unknown as Error).message)).not.toContain(new URL(url).password);
      const file = await manager('file:./dev.db').getClient('main').catch((e: unknown) => e);
      expect(String((file as Error).message)).toMatch(
        /database "main" \(from RDS_MAIN_URL\).*scheme "file:" does not match provider "mysql".*set RDS_MAIN_URL to a URL like mysql:\/\/.*change the datasource provider in schema.prisma to "sqlite"/,
      );
    });

    test('pool: { max: 2 } is honoured: 20 concurrent slow queries use at most 2 server sessions', async () => {
      const m = manager(url, { pool: { max: 2, connectionTimeoutMillis: 10_000 } });
      const client = (await m.getClient('main')) as unknown as Client;
      let peak = 0;
      let running = true;
      const sampler = (async () => {
        while (running) {
          peak = Math.max(peak, await server.connectionCount('faults'));
          await sleep(20);
        }
      })();
      try {
        await Promise.all(Array.from({ length: 20 }, () => client.$queryRawUnsafe(server.sleepSql(0.1))));
      } finally {
        running = false;
        await sampler;
      }
      expect(peak).toBeGreaterThan(0);
      expect(peak).toBeLessThanOrEqual(2);
      expect(m.statusOf('main').pool).toMatchObject({ total: expect.any(Number), idle: expect.any(Number), waiting: 0 });
      expect(m.statusOf('main').pool!.total).toBeLessThanOrEqual(2);
    });
  });
}
