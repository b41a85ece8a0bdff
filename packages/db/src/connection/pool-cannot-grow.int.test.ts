import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { createRequire } from 'node:module';
import { providerServers, type ProviderServer } from '@kusto/test-servers/testing';
import { createKustoDb, type KustoDb } from '../manager.js';
import { fixtureProject, schemaFor, USER_MODELS } from '../test-support/fixture-project.js';
import { classifyError, isConnectionFailure } from './classify-error.js';

// A warm app (one pooled connection) whose pool cannot grow: the server is out of connections
// for its user, or the user's password was changed on the server and the environment still has
// the old one. Concurrent requests beyond the pooled connection must fail at once with the real
// cause, as pg's pool answers them, not queue behind the one connection and end in a pool timeout.

interface Client {
  $queryRawUnsafe<T>(sql: string): Promise<T>;
}

/** The mariadb connector the adapter uses (not a dependency of ours): to hold connections open. */
interface MariaDbConnection {
  end(): Promise<void>;
}
const requireFromAdapter = createRequire(createRequire(import.meta.url).resolve('@prisma/adapter-mariadb'));
const mariadb = requireFromAdapter('mariadb') as { createConnection(config: object): Promise<MariaDbConnection> };

/** The largest number of held connections tried while filling the server (its minimum max_connections is 10). */
const MAX_HELD = 20;

const kits = await providerServers();
const PASSWORD = 'limited-secret';
const CONCURRENT = 6;

for (const kit of kits) {
  const suite = kit.available ? describe : describe.skip;
  suite(`a pool that cannot grow on ${kit.name}${kit.available ? '' : ` (skipped: ${kit.reason})`}`, () => {
    let server: ProviderServer;
    let project: string;
    let adminUrl: string;
    let appUrl: string;
    let manager: KustoDb | undefined;
    const held: MariaDbConnection[] = [];
    const mysql = kit.provider === 'mysql';

    /**
     * MariaDB: `max_connections` at its minimum (10), then connections of the limited user held
     * open until the server answers 1040 Too many connections.
     */
    async function fillMariaDb(): Promise<void> {
      await server.exec(adminUrl, 'SET GLOBAL max_connections = 10');
      const target = new URL(appUrl);
      const config = { host: target.hostname, port: Number(target.port), user: 'limited', password: PASSWORD, connectTimeout: 5_000, logParam: false };
      for (let i = 0; i < MAX_HELD; i++) {
        const outcome = await mariadb.createConnection(config).then(
          (connection) => connection,
          (error: { errno?: number }) => error,
        );
        if ('end' in outcome) held.push(outcome);
        else if (outcome.errno === 1040) return;
        else throw outcome as Error;
      }
      throw new Error(`the server still accepted connections after ${MAX_HELD}`);
    }

    beforeAll(async () => {
      [server, project] = await Promise.all([kit.start(), fixtureProject({ main: schemaFor(kit.provider, USER_MODELS) })]);
      adminUrl = await server.createDatabase('cannot_grow');
      // A user without the administrator's reserved connections (SUPER on MariaDB, superuser on Postgres).
      await server.exec(
        adminUrl,
        ...(mysql
          ? [`CREATE USER 'limited'@'%' IDENTIFIED BY '${PASSWORD}'`, "GRANT ALL PRIVILEGES ON `cannot_grow`.* TO 'limited'@'%'"]
          : [`CREATE ROLE limited LOGIN PASSWORD '${PASSWORD}'`]),
      );
      const parsed = new URL(adminUrl);
      parsed.username = 'limited';
      parsed.password = PASSWORD;
      appUrl = parsed.toString();
    }, 120_000);

    afterEach(async () => {
      await Promise.all(held.splice(0).map((connection) => connection.end().catch(() => undefined)));
      await manager?.disconnectAll();
      manager = undefined;
      await server.exec(
        adminUrl,
        ...(mysql
          ? ['SET GLOBAL max_connections = 151', `ALTER USER 'limited'@'%' IDENTIFIED BY '${PASSWORD}'`]
          : [`ALTER ROLE limited CONNECTION LIMIT -1 PASSWORD '${PASSWORD}'`]),
      );
    });

    afterAll(async () => {
      await server?.close();
    });

    /** A warm app: its first check opened one pooled connection; later calls do not check again. */
    async function warmClient(): Promise<Client> {
      manager = createKustoDb({
        cwd: project,
        env: { RDS_MAIN_URL: appUrl },
        profile: 'traditional',
        checkIntervalMs: 600_000,
        pool: { max: 10, connectionTimeoutMillis: 5_000 },
      });
      const client = await manager.getClient('main');
      await poolAtRest(manager);
      return client;
    }

    /**
     * Waits (bounded) until the pool's connections are all idle and their number has held for
     * 300 ms, and returns it: the mariadb pool opens a second connection in the background after
     * the first check (it keeps one idle), and each open connection serves one of the requests.
     */
    async function poolAtRest(of: KustoDb): Promise<number> {
      const counts = () => of.status()[0]?.pool ?? { total: 0, idle: 0, waiting: 0 };
      let last = counts();
      let since = Date.now();
      for (const deadline = Date.now() + 5_000; Date.now() < deadline; ) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        const now = counts();
        if (now.total !== last.total || now.idle !== last.idle) {
          last = now;
          since = Date.now();
        } else if (now.idle === now.total && Date.now() - since >= 300) break;
      }
      return last.total;
    }

    /** Six concurrent statements that each hold a connection for a while, and the order they settled in. */
    async function concurrentSleeps(client: Client) {
      const pooled = manager!.status()[0]!.pool!.total;
      const settled: string[] = [];
      const outcomes = await Promise.all(
        Array.from({ length: CONCURRENT }, () =>
          client.$queryRawUnsafe(server.sleepSql(3)).then(
            () => (settled.push('answered'), undefined),
            (error: unknown) => (settled.push('failed'), error),
          ),
        ),
      );
      // What each pooled connection serves answers; everything else fails first, at once.
      const expected = [...Array<string>(CONCURRENT - pooled).fill('failed'), ...Array<string>(pooled).fill('answered')];
      return { settled, expected, errors: outcomes.filter((outcome) => outcome !== undefined) };
    }

    test('server out of connections: the requests the one connection cannot serve fail at once with the real cause', async () => {
      const client = await warmClient();
      // Only the connection the app holds: no new one can open for this user.
      if (mysql) await fillMariaDb();
      else await server.exec(adminUrl, 'ALTER ROLE limited CONNECTION LIMIT 1');
      const { settled, expected, errors } = await concurrentSleeps(client);
      expect(settled).toEqual(expected);
      expect(expected.filter((outcome) => outcome === 'failed').length).toBeGreaterThanOrEqual(CONCURRENT - 2);
      for (const error of errors) {
        expect(isConnectionFailure(error)).toBe(true);
        expect(classifyError(error)).toBe('connection');
        expect(String((error as Error).message)).toMatch(mysql ? /Too many connections/ : /too many connections for role "limited"/);
      }
    }, 60_000);

    test('password changed on the server, not yet in the environment: the same, as an auth failure', async () => {
      const client = await warmClient();
      await server.exec(adminUrl, mysql ? "ALTER USER 'limited'@'%' IDENTIFIED BY 'changed-secret'" : "ALTER ROLE limited PASSWORD 'changed-secret'");
      const { settled, expected, errors } = await concurrentSleeps(client);
      expect(settled).toEqual(expected);
      expect(expected.filter((outcome) => outcome === 'failed').length).toBeGreaterThanOrEqual(CONCURRENT - 2);
      for (const error of errors) {
        expect(classifyError(error)).toBe('auth');
        expect(String((error as Error).message)).not.toContain('changed-secret');
        expect(String((error as Error).message)).not.toContain(PASSWORD);
      }
    }, 60_000);
  });
}
