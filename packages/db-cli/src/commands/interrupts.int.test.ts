import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import type { MariaDbServer } from '@kusto/test-servers';
import { query as pgQuery } from '@kusto/test-servers/migration-fixtures';
import { createTestDatabase, createTestMariaDbDatabase, mariadbAvailability, startTestMariaDb, type TestDatabase } from '@kusto/test-servers/testing';
import { packageDir, removeProject } from '../test-support/project.js';
import { createRunnerProject } from '../test-support/runner-cli.js';

// Ctrl+C (SIGINT) or SIGTERM while a statement runs on the server, in a child process running the
// built `kusto-db` as a user would: the statement is cancelled on the server, the migration lock is
// released, and the CLI exits 130. Checked on the server itself (pg_stat_activity, the processlist,
// the lock), not by the CLI's word. SQLite is left out: its statements run in-process and end with it.

const mariadb = await mariadbAvailability();
let mariadbServer: MariaDbServer | undefined;

interface Server {
  readonly provider: 'postgresql' | 'mysql';
  readonly skip: string | undefined;
  create(): Promise<TestDatabase>;
  sleep: string;
  /** Sessions (other than the one asking) running a statement that contains `needle`. */
  running(url: string, needle: string): Promise<number>;
  /** Whether the migration lock Prisma and the runner take is free. */
  lockFree(url: string): Promise<boolean>;
  stop(): Promise<void>;
}

async function mysqlRows<R>(sql: string, values: unknown[] = []): Promise<R[]> {
  return mariadbServer!.query<R[]>(sql, values);
}

const SERVERS: readonly Server[] = [
  {
    provider: 'postgresql',
    skip: undefined,
    create: () => createTestDatabase('cli_interrupt'),
    sleep: 'SELECT pg_sleep(30)',
    async running(url, needle) {
      const rows = await pgQuery<{ n: number }>(
        url,
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND state = 'active' AND query LIKE $1",
        [`%${needle}%`],
      );
      return rows[0]!.n;
    },
    async lockFree(url) {
      // A fresh session that gets the lock (and drops it as it closes) proves no one holds it.
      const rows = await pgQuery<{ ok: boolean }>(url, 'SELECT pg_try_advisory_lock(72707369) AS ok');
      return rows[0]!.ok;
    },
    stop: () => Promise.resolve(),
  },
  {
    provider: 'mysql',
    skip: mariadb.available ? undefined : mariadb.reason,
    async create() {
      mariadbServer ??= await startTestMariaDb();
      return createTestMariaDbDatabase(mariadbServer, 'cli_interrupt');
    },
    sleep: 'SELECT SLEEP(30)',
    async running(_url, needle) {
      const rows = await mysqlRows<{ n: number | bigint }>(
        "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND COMMAND = 'Query' AND INFO LIKE ?",
        [`%${needle}%`],
      );
      return Number(rows[0]!.n);
    },
    async lockFree() {
      const rows = await mysqlRows<{ free: number | bigint }>("SELECT IS_FREE_LOCK('prisma_migrate') AS free");
      return Number(rows[0]!.free) === 1;
    },
    async stop() {
      await mariadbServer?.close();
    },
  },
];

function kustoDb(project: string, url: string, argv: readonly string[]): { child: ChildProcessWithoutNullStreams; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [path.join(packageDir, 'bin/kusto-db.js'), ...argv, '--cwd', project], {
    env: { ...process.env, RDS_USER_URL: url, NO_COLOR: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Polls `check` every 100 ms for at most `ms`; resolves whether it became true. */
async function eventually(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return check();
}

describe.each(SERVERS.map((server) => [server.skip === undefined ? server.provider : `${server.provider} (skipped: ${server.skip})`, server] as const))(
  'interrupts on %s',
  (_title, server) => {
    const suite = server.skip === undefined ? describe : describe.skip;
    suite('reach the server', () => {
      const projects: string[] = [];
      const databases: TestDatabase[] = [];
      beforeAll(() => undefined);
      afterAll(async () => {
        if (server.provider === 'postgresql') await Promise.all(databases.map((database) => database.drop()));
        await server.stop();
        await Promise.all(projects.map((project) => removeProject(project)));
      });

      async function setUp(label: string, migration: string): Promise<{ project: string; url: string }> {
        const database = await server.create();
        databases.push(database);
        const project = await createRunnerProject(`interrupt-${label}`, { user: { migrations: { '20240101000000_slow': { up: `${migration};\n` } } } }, server.provider);
        projects.push(project);
        return { project, url: database.url };
      }

      test.each(['SIGINT', 'SIGTERM'] as const)('%s during a deploy statement: cancelled on the server, lock free, exit 130', async (signal) => {
        const { project, url } = await setUp(`deploy-${signal}`, server.sleep);
        const run = kustoDb(project, url, ['migrate', '-t', 'deploy', '-d', 'user', '--wait', '0', '--force']);
        expect(await eventually(async () => (await server.running(url, server.sleep)) === 1, 15_000)).toBe(true);
        expect(await server.lockFree(url)).toBe(false);
        run.child.kill(signal);
        const code = await Promise.race([run.exited, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 15_000))]);
        if (code === 'hung') run.child.kill('SIGKILL');
        expect(code).toBe(130);
        expect(await server.running(url, server.sleep)).toBe(0);
        expect(await server.lockFree(url)).toBe(true);
        expect(run.output()).toContain('cancelling the statement on the server');
        expect(run.output()).toContain('was cancelled at statement 1');
      }, 60_000);

      test('SIGINT during execute: the query is cancelled on the server, exit 130', async () => {
        const { project, url } = await setUp('execute', 'SELECT 1');
        const run = kustoDb(project, url, ['execute', '-d', 'user', '-q', server.sleep]);
        expect(await eventually(async () => (await server.running(url, server.sleep)) === 1, 15_000)).toBe(true);
        run.child.kill('SIGINT');
        const code = await Promise.race([run.exited, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 15_000))]);
        if (code === 'hung') run.child.kill('SIGKILL');
        expect(code).toBe(130);
        expect(await server.running(url, server.sleep)).toBe(0);
        expect(run.output()).toContain('cancelled on the server');
      }, 60_000);
    });
  },
);
