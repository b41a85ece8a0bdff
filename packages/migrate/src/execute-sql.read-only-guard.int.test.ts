import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { createTestDatabase, createTestMariaDbDatabase, mariadbAvailability, startTestMariaDb, type TestDatabase } from '@kusto/test-servers/testing';
import type { MariaDbServer } from '@kusto/test-servers';
import mariadb from 'mariadb';
import pg from 'pg';
import { executeSql } from './execute-sql.js';

// A read-only transaction does not stop a function that acts outside it: `SELECT
// pg_cancel_backend(pid)` in `BEGIN READ ONLY` cancels another session's query (seen). A read-only
// execute must refuse these before anything runs: here another session runs a long query, the
// read-only execute tries to cancel or end it, and the other session's query must still be
// running afterwards (it is then cancelled with write access, which proves it was still there).
// SQLite has no server and no other sessions: nothing to signal there.

/** Bound on the other session's query; every test ends it long before. */
const VICTIM_SECONDS = 60;

describe('read-only execute on Postgres refuses signalling another session', () => {
  let database: TestDatabase;
  let victim: pg.Client;
  let victimPid: number | undefined;
  let running: Promise<unknown>;

  beforeAll(async () => {
    database = await createTestDatabase('read_only_guard');
  });
  afterEach(async () => {
    // On a failed assertion the other session may still be sleeping: end it by its pid.
    if (victimPid !== undefined) await executeSql({ url: database.url, write: true, sql: `SELECT pg_terminate_backend(${victimPid})` });
    await victim?.end().catch(() => undefined);
  });
  afterAll(async () => {
    await database.drop();
  });

  /** Starts the other session's long query, and waits until the server shows it running. */
  async function startVictim(): Promise<void> {
    victim = new pg.Client({ connectionString: database.url, application_name: 'victim' });
    await victim.connect();
    const pid = (await victim.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    victimPid = pid;
    running = victim.query(`SELECT pg_sleep(${VICTIM_SECONDS})`).then(
      () => 'finished',
      (error: { code?: string }) => error.code,
    );
    for (let attempt = 0; attempt < 200 && !(await victimActive()); attempt++) await new Promise((resolve) => setImmediate(resolve));
    expect(await victimActive()).toBe(true);
  }

  async function victimActive(): Promise<boolean> {
    const result = await executeSql({ url: database.url, sql: `SELECT state, query FROM pg_stat_activity WHERE pid = ${victimPid ?? 0}` });
    return result.rows[0]?.['state'] === 'active' && String(result.rows[0]?.['query']).includes('pg_sleep');
  }

  /** Ends the victim's query with write access: proves it was still running, and frees the session. */
  async function cancelVictimWithWrite(): Promise<void> {
    const cancel = await executeSql({ url: database.url, write: true, sql: `SELECT pg_cancel_backend(${victimPid ?? 0}) AS cancelled` });
    expect(cancel.error).toBeUndefined();
    expect(cancel.rows).toEqual([{ cancelled: true }]);
    expect(await running).toBe('57014');
    await victim.end();
    victimPid = undefined;
  }

  test.each([
    ['pg_cancel_backend', (pid: number) => `SELECT count(pg_cancel_backend(pid)) FROM pg_stat_activity WHERE pid = ${pid}`],
    ['pg_terminate_backend', (pid: number) => `SELECT pg_terminate_backend(${pid})`],
    ['a quoted, schema-qualified name', (pid: number) => `SELECT "pg_catalog"."pg_cancel_backend" /* spaced */ (${pid})`],
    ['SQL run from a string (query_to_xml)', (pid: number) => `SELECT query_to_xml('SELECT pg_cancel_backend(${pid})', true, false, '')`],
    ['a DO block building the call at run time', (pid: number) => `DO $$ BEGIN EXECUTE 'SELECT pg_' || 'cancel_backend(${pid})'; END $$`],
    ['a Unicode-escaped name', (pid: number) => `SELECT U&"pg\\005fcancel_backend"(${pid})`],
  ])('refuses %s, and the other session’s query survives', async (_what, sql) => {
    await startVictim();
    const result = await executeSql({ url: database.url, sql: sql(victimPid!) });
    expect(result.error?.code).toBe('READ_ONLY');
    expect(result.error?.message).toContain('nothing ran');
    expect(await victimActive()).toBe(true);
    await cancelVictimWithWrite();
  });
});

const availability = await mariadbAvailability();
const mysqlSuite = availability.available ? describe : describe.skip;

mysqlSuite(`read-only execute on MariaDB refuses KILL${availability.available ? '' : ` (skipped: ${availability.reason})`}`, () => {
  let server: MariaDbServer;
  let url: string;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    server = await startTestMariaDb();
    const database = await createTestMariaDbDatabase(server, 'read_only_guard');
    url = database.url;
    drop = database.drop;
  }, 60_000);
  afterAll(async () => {
    await drop?.();
    await server?.close();
  });

  test.each(['KILL QUERY', 'KILL', 'KILL CONNECTION'])('refuses %s of another session, and its query survives', async (kill) => {
    const parsed = new URL(url);
    const victim = await mariadb.createConnection({
      host: parsed.hostname,
      port: Number(parsed.port),
      user: decodeURIComponent(parsed.username),
      password: decodeURIComponent(parsed.password),
    });
    const victimId = victim.threadId!;
    const running = victim.query(`SELECT SLEEP(${VICTIM_SECONDS}) AS slept`).then(
      (rows: Array<{ slept: number | bigint }>) => Number(rows[0]!.slept),
      (error: { code?: string }) => error.code,
    );
    let done = false;
    try {
      const active = async (): Promise<boolean> => {
        const result = await executeSql({ url, provider: 'mysql', sql: `SELECT command, info FROM information_schema.processlist WHERE id = ${victimId}` });
        return result.rows[0]?.['command'] === 'Query' && String(result.rows[0]?.['info']).includes('SLEEP');
      };
      for (let attempt = 0; attempt < 200 && !(await active()); attempt++) await new Promise((resolve) => setImmediate(resolve));
      expect(await active()).toBe(true);

      const result = await executeSql({ url, provider: 'mysql', sql: `${kill} ${victimId}` });
      expect(result.error?.code).toBe('READ_ONLY');
      expect(await active()).toBe(true);

      // With write access the same statement runs, and only now is the other session's query interrupted.
      expect((await executeSql({ url, provider: 'mysql', write: true, sql: `KILL QUERY ${victimId}` })).error).toBeUndefined();
      expect(await running).toBe('ER_QUERY_INTERRUPTED');
      done = true;
    } finally {
      // On a failed assertion the other session may still be sleeping: end it by its id.
      if (!done) await executeSql({ url, provider: 'mysql', write: true, sql: `KILL ${victimId}` });
      await victim.end().catch(() => undefined);
    }
  });
});
